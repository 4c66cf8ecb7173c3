//! `writing-checker.toml`: the course's lists for the writing checker of its exercises —
//! labelling words, abbreviations that need explaining, sentences with nobody doing anything,
//! signs of the client's own view — each with the reason shown to the trainee. Authors tune
//! the lists here; the compiler checks every entry and points at the line of a wrong one.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::exercise_model::{
    parse_phrase, Abbreviation, AbbreviationRule, ClientViewRule, PhraseRule, WritingRules,
};
use super::frontmatter::parse_toml;
use super::model::Diagnostic;
use super::source::{read_source, Source};

/// The file's name in a course folder.
pub(crate) const FILE_NAME: &str = "writing-checker.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckerToml {
    labelling: PhrasesToml,
    abbreviations: AbbreviationsToml,
    agentless: PhrasesToml,
    client_view: ClientViewToml,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhrasesToml {
    reason: Spanned<String>,
    phrases: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AbbreviationsToml {
    reason: Spanned<String>,
    list: Spanned<Vec<Spanned<AbbreviationToml>>>,
    #[serde(default)]
    understood: Vec<Spanned<String>>,
    #[serde(default)]
    capitals: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AbbreviationToml {
    short: String,
    long: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientViewToml {
    reason: Spanned<String>,
    phrases: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    quotes: bool,
}

/// The checker's rules and the file they came from (for the content hash).
pub(crate) struct Loaded {
    pub(crate) source: Source,
    pub(crate) rules: Option<WritingRules>,
}

/// Reads and checks `path`; `rules` is `None` (with diagnostics) when anything is wrong.
pub(crate) fn load(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let source = read_source(path).map_err(|d| diags.push(d)).ok()?;
    let toml: CheckerToml = match parse_toml(&source.text, "writing checker") {
        Ok(t) => t,
        Err(e) => {
            diags.push(source.diagnostic(e.offset, e.message));
            return Some(Loaded {
                source,
                rules: None,
            });
        }
    };
    let before = diags.len();
    let mut at = |offset: usize, message: String| diags.push(source.diagnostic(offset, message));
    let labelling = phrases(&toml.labelling, "labelling", &mut at);
    let agentless = phrases(&toml.agentless, "agentless", &mut at);
    let client = PhrasesToml {
        reason: toml.client_view.reason.clone(),
        phrases: toml.client_view.phrases.clone(),
    };
    let client_view = phrases(&client, "client_view", &mut at);
    let abbreviations = abbreviations(&toml.abbreviations, &mut at);
    let rules = (diags.len() == before).then_some(WritingRules {
        labelling,
        abbreviations,
        agentless,
        client_view: ClientViewRule {
            reason: client_view.reason,
            phrases: client_view.phrases,
            quotes: toml.client_view.quotes,
        },
    });
    Some(Loaded { source, rules })
}

fn reason(value: &Spanned<String>, table: &str, at: &mut impl FnMut(usize, String)) -> String {
    let text = value.get_ref().trim();
    if text.is_empty() {
        let message = format!(
            "writing checker: [{table}] 'reason' is empty: say why a trainer would point this out"
        );
        at(value.span().start, message);
    }
    text.to_string()
}

fn phrases(t: &PhrasesToml, table: &str, at: &mut impl FnMut(usize, String)) -> PhraseRule {
    let reason = reason(&t.reason, table, at);
    if t.phrases.get_ref().is_empty() {
        let message = format!("writing checker: [{table}] 'phrases' is empty");
        at(t.phrases.span().start, message);
    }
    let mut out: Vec<String> = Vec::new();
    for p in t.phrases.get_ref() {
        let phrase = p.get_ref().split_whitespace().collect::<Vec<_>>().join(" ");
        match parse_phrase(&phrase) {
            Err(e) => at(p.span().start, format!("writing checker: [{table}]: {e}")),
            Ok(_)
                if out
                    .iter()
                    .any(|o| o.to_lowercase() == phrase.to_lowercase()) =>
            {
                let message = format!("writing checker: [{table}] lists `{phrase}` twice");
                at(p.span().start, message);
            }
            Ok(_) => out.push(phrase),
        }
    }
    PhraseRule {
        reason,
        phrases: out,
    }
}

fn is_abbreviation(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 12
        && s.chars().any(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

fn abbreviations(t: &AbbreviationsToml, at: &mut impl FnMut(usize, String)) -> AbbreviationRule {
    let reason = reason(&t.reason, "abbreviations", at);
    let mut list: Vec<Abbreviation> = Vec::new();
    for a in t.list.get_ref() {
        let offset = a.span().start;
        let (short, long) = (a.get_ref().short.trim(), a.get_ref().long.trim());
        if !is_abbreviation(short) {
            let message = format!(
                "writing checker: [abbreviations] short = \"{short}\": an abbreviation is one \
                 word of letters, digits, dots and hyphens (at most 12 characters)"
            );
            at(offset, message);
        } else if list
            .iter()
            .any(|l| l.short.to_lowercase() == short.to_lowercase())
        {
            let message = format!("writing checker: [abbreviations] lists `{short}` twice");
            at(offset, message);
        }
        if long.chars().count() < 3 {
            let message = format!(
                "writing checker: [abbreviations] `{short}`: 'long' is the written-out form or \
                 its beginning, at least 3 letters"
            );
            at(offset, message);
        }
        list.push(Abbreviation {
            short: short.to_string(),
            long: long.to_lowercase(),
        });
    }
    let mut understood = Vec::new();
    for u in &t.understood {
        let word = u.get_ref().trim();
        if !is_abbreviation(word) {
            let message =
                format!("writing checker: [abbreviations] understood: `{word}` is not one word");
            at(u.span().start, message);
        }
        understood.push(word.to_string());
    }
    AbbreviationRule {
        reason,
        list,
        understood,
        capitals: t.capitals,
    }
}
