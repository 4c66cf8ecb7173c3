//! The writing checker: before submitting, it points out what a trainer would — words that
//! label rather than describe, abbreviations left unexplained, sentences where nobody does
//! anything, and no sign of the client's own view. Each hint carries the reason the course
//! gives for it; it is advice, never a grade, and never stops a submission. The lists come
//! from the course (`writing-checker.toml`) and the exercise (`client_view`).

use crate::courses::exercise_model::{parse_phrase, WordPattern, WritingRules};
use serde::Serialize;

/// One thing to look at again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hint {
    /// `label`, `abbreviation`, `agentless` or `client_view`.
    pub rule: &'static str,
    /// The words or the sentence it is about (empty for `client_view`).
    pub found: String,
    /// Why a trainer would point it out (from the course).
    pub reason: String,
}

/// At most this many hints (the first ones in the text).
pub const MAX_HINTS: usize = 40;

/// A word of the text: as written and lower-cased.
struct Word<'a> {
    text: &'a str,
    lower: String,
}

fn words(sentence: &str) -> Vec<Word<'_>> {
    sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .map(|text| Word {
            text,
            lower: text.to_lowercase(),
        })
        .collect()
}

/// Sentences: split after `.`, `!` or `?` followed by a space, and at line breaks.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (i, &(at, c)) in chars.iter().enumerate() {
            let next_space = chars.get(i + 1).is_some_and(|&(_, n)| n.is_whitespace());
            if matches!(c, '.' | '!' | '?') && next_space {
                let end = at + c.len_utf8();
                out.push(line[start..end].trim());
                start = end;
            }
        }
        out.push(line[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Where `phrase` matches the words: the matched words as written.
fn find(phrase: &[WordPattern], ws: &[Word<'_>]) -> Vec<String> {
    if phrase.is_empty() || ws.len() < phrase.len() {
        return Vec::new();
    }
    (0..=ws.len() - phrase.len())
        .filter(|&i| {
            phrase
                .iter()
                .zip(&ws[i..])
                .all(|(p, w)| p.matches(&w.lower))
        })
        .map(|i| {
            ws[i..i + phrase.len()]
                .iter()
                .map(|w| w.text)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn parsed(phrases: &[String]) -> Vec<Vec<WordPattern>> {
    phrases
        .iter()
        .filter_map(|p| parse_phrase(p).ok())
        .collect()
}

fn excerpt(sentence: &str) -> String {
    let s: String = sentence.chars().take(160).collect();
    if s.len() < sentence.len() {
        format!("{}…", s.trim_end())
    } else {
        s
    }
}

/// A token with the punctuation around it removed (dots inside and at the end kept).
fn token_core(token: &str) -> &str {
    token.trim_matches(|c: char| !(c.is_alphanumeric() || c == '.'))
}

/// The hints for `text`.
pub fn check(rules: &WritingRules, client_view: &[String], text: &str) -> Vec<Hint> {
    let mut hints: Vec<Hint> = Vec::new();
    let mut push = |rule: &'static str, found: String, reason: &str| {
        let dup = hints
            .iter()
            .any(|h| h.rule == rule && h.found.to_lowercase() == found.to_lowercase());
        if !dup && hints.len() < MAX_HINTS {
            hints.push(Hint {
                rule,
                found,
                reason: reason.to_string(),
            });
        }
    };
    let labelling = parsed(&rules.labelling.phrases);
    let agentless = parsed(&rules.agentless.phrases);
    let mut view = parsed(&rules.client_view.phrases);
    view.extend(parsed(client_view));
    let mut view_found = false;
    for sentence in sentences(text) {
        let ws = words(sentence);
        for p in &labelling {
            for found in find(p, &ws) {
                push("label", found, &rules.labelling.reason);
            }
        }
        if agentless.iter().any(|p| !find(p, &ws).is_empty()) {
            push("agentless", excerpt(sentence), &rules.agentless.reason);
        }
        view_found |= view.iter().any(|p| !find(p, &ws).is_empty());
    }
    abbreviations(rules, text, &mut push);
    let quoted = rules.client_view.quotes && has_quotation(text);
    if !view_found && !quoted && !text.trim().is_empty() {
        push("client_view", String::new(), &rules.client_view.reason);
    }
    hints
}

fn has_quotation(text: &str) -> bool {
    let count = |c: char| text.chars().filter(|&x| x == c).count();
    count('"') >= 2 || count('”') >= 2 || (count('“') >= 1 && count('”') >= 1) || count('»') >= 1
}

fn abbreviations(
    rules: &WritingRules,
    text: &str,
    push: &mut impl FnMut(&'static str, String, &str),
) {
    let rule = &rules.abbreviations;
    let lower = text.to_lowercase();
    let tokens: Vec<&str> = text.split_whitespace().collect();
    for (i, token) in tokens.iter().enumerate() {
        let core = token_core(token);
        let bare = core.trim_end_matches('.');
        if bare.is_empty() {
            continue;
        }
        // "kotihoito (KH)" or "KH (kotihoito)": explained where it stands.
        let in_parens = token.starts_with('(');
        let before_parens = tokens.get(i + 1).is_some_and(|n| n.starts_with('('));
        let explained_here = in_parens || before_parens;
        let known = rule.list.iter().find(|a| {
            let short = a.short.trim_end_matches('.');
            if short.chars().any(char::is_uppercase) {
                short == bare
            } else {
                short.to_lowercase() == bare.to_lowercase()
                    && core.ends_with('.') == a.short.ends_with('.')
            }
        });
        if let Some(a) = known {
            if !explained_here && !lower.contains(&a.long) {
                push("abbreviation", core.to_string(), &rule.reason);
            }
            continue;
        }
        let letters = bare.chars().filter(|c| c.is_alphabetic()).count();
        let capitals = bare.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
            && (2..=6).contains(&letters)
            && bare.chars().count() <= 6;
        let understood = rule
            .understood
            .iter()
            .any(|u| u.trim_end_matches('.') == bare);
        if rule.capitals && capitals && !understood && !explained_here {
            push("abbreviation", bare.to_string(), &rule.reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::courses::exercise_model::{
        Abbreviation, AbbreviationRule, ClientViewRule, PhraseRule,
    };

    fn rules() -> WritingRules {
        WritingRules {
            labelling: PhraseRule {
                reason: "Leimaa".into(),
                phrases: vec![
                    "hankal*".into(),
                    "aggressiivi*".into(),
                    "motivoitumat*".into(),
                ],
            },
            abbreviations: AbbreviationRule {
                reason: "Avaa lyhenne".into(),
                list: vec![Abbreviation {
                    short: "KH".into(),
                    long: "kotiho".into(),
                }],
                understood: vec!["THL".into(), "Kela".into()],
                capitals: true,
            },
            agentless: PhraseRule {
                reason: "Kuka?".into(),
                phrases: vec!["on sovittu".into(), "sovittiin".into(), "todettiin".into()],
            },
            client_view: ClientViewRule {
                reason: "Asiakkaan näkemys puuttuu".into(),
                phrases: vec!["asiakas kerto*".into(), "asiakkaan mukaan".into()],
                quotes: true,
            },
        }
    }

    fn rules_hit(text: &str) -> Vec<(&'static str, String)> {
        check(&rules(), &[], text)
            .into_iter()
            .map(|h| (h.rule, h.found))
            .collect()
    }

    #[test]
    fn labels_abbreviations_agentless_sentences_and_the_missing_view() {
        let hits = rules_hit(
            "Asiakas oli hankala ja aggressiivinen. KH käy kahdesti. On sovittu uusi käynti. \
             ASP-hakemus vireillä.",
        );
        assert_eq!(
            hits,
            vec![
                ("label", "hankala".to_string()),
                ("label", "aggressiivinen".to_string()),
                ("agentless", "On sovittu uusi käynti.".to_string()),
                ("abbreviation", "KH".to_string()),
                ("client_view", String::new()),
            ]
        );
    }

    #[test]
    fn explained_abbreviations_and_the_clients_words_pass() {
        let text = "Kotihoito (KH) käy kahdesti päivässä. Asiakas kertoo pärjäävänsä. THL:n ohje. \
                    Sosiaaliohjaaja ja asiakas sopivat uudesta käynnistä.";
        assert_eq!(rules_hit(text), vec![]);
        let quoted = "Kotihoito käy. ”En halua muuttaa”, hän sanoo.";
        assert_eq!(rules_hit(quoted), vec![]);
        // The exercise's own phrases count as the client's view.
        let own = "Aino kertoo nukkuvansa huonosti.";
        assert_eq!(check(&rules(), &["aino kerto*".into()], own), vec![]);
    }

    #[test]
    fn each_finding_once_and_nothing_for_an_empty_text() {
        let hits = rules_hit("Hankala tilanne. Hankala päivä. Asiakkaan mukaan hyvä.");
        assert_eq!(hits, vec![("label", "Hankala".to_string())]);
        assert_eq!(rules_hit("   "), vec![]);
    }
}
