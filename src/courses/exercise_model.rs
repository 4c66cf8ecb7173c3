//! The data of writing exercises (`exercise` blocks) and of a course's writing checker
//! (`writing-checker.toml`) as the compiler gives them and the database stores them (JSON),
//! with the small pattern language of the checker's lists. Plain data: the rules are applied
//! in `exercises::checker`.

use serde::{Deserialize, Serialize};

/// One writing exercise of a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exercise {
    /// The fictive client situation, sanitised HTML.
    pub case_html: String,
    /// What to write (plain text).
    pub task: String,
    pub rubric: Vec<Criterion>,
    /// The model entry (plain text with line breaks), shown after submitting.
    pub model: String,
    /// Why the model entry works (sanitised HTML), shown with it.
    pub model_notes_html: Option<String>,
    pub review: ReviewMode,
    /// Peer reviews each entry gets and each trainee gives (0 without peers).
    pub peer_reviews: u32,
    /// Days a peer has for a review before it goes to someone else.
    pub review_days: u32,
    /// What must be done, besides submitting, for the lesson to be done.
    pub required: Vec<Requirement>,
    /// Phrases of this case that show the client's own view (e.g. `Aino kerto*`).
    pub client_view: Vec<String>,
}

impl Exercise {
    pub fn requires(&self, r: Requirement) -> bool {
        self.required.contains(&r)
    }
}

/// One criterion of the rubric and its levels, lowest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub criterion: String,
    pub levels: Vec<String>,
    /// What to look at (plain text), shown with the criterion.
    pub hint: Option<String>,
}

/// Who assesses an entry besides its writer (the self-assessment is always there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewMode {
    #[serde(rename = "self")]
    SelfOnly,
    #[serde(rename = "peer")]
    Peer,
    #[serde(rename = "trainer")]
    Trainer,
    #[serde(rename = "peer+trainer")]
    PeerAndTrainer,
}

impl ReviewMode {
    pub const ALL: [ReviewMode; 4] = [
        ReviewMode::SelfOnly,
        ReviewMode::Peer,
        ReviewMode::Trainer,
        ReviewMode::PeerAndTrainer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewMode::SelfOnly => "self",
            ReviewMode::Peer => "peer",
            ReviewMode::Trainer => "trainer",
            ReviewMode::PeerAndTrainer => "peer+trainer",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewMode> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn peers(self) -> bool {
        matches!(self, ReviewMode::Peer | ReviewMode::PeerAndTrainer)
    }

    pub fn trainer(self) -> bool {
        matches!(self, ReviewMode::Trainer | ReviewMode::PeerAndTrainer)
    }
}

/// A condition for the lesson to be done, besides the submitted entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Requirement {
    /// The writer's own assessment on the rubric.
    #[serde(rename = "self")]
    SelfAssessment,
    /// The peer reviews the writer owes (as many as the cohort allows).
    #[serde(rename = "peer")]
    PeerReviews,
    /// The trainer's assessment of the entry.
    #[serde(rename = "trainer")]
    TrainerAssessment,
}

impl Requirement {
    pub const ALL: [Requirement; 3] = [
        Requirement::SelfAssessment,
        Requirement::PeerReviews,
        Requirement::TrainerAssessment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::SelfAssessment => "self",
            Requirement::PeerReviews => "peer",
            Requirement::TrainerAssessment => "trainer",
        }
    }

    pub fn parse(s: &str) -> Option<Requirement> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The lists the writing checker uses, from the course's `writing-checker.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct WritingRules {
    /// Words that label the client rather than describe what happened.
    pub labelling: PhraseRule,
    pub abbreviations: AbbreviationRule,
    /// Sentences where nobody does anything ("on sovittu": who agreed?).
    pub agentless: PhraseRule,
    /// Signs of the client's own view; the checker speaks when none is found.
    pub client_view: ClientViewRule,
}

/// Phrases in the pattern language of [`parse_phrase`], and the reason shown when one is found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PhraseRule {
    pub reason: String,
    pub phrases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AbbreviationRule {
    pub reason: String,
    pub list: Vec<Abbreviation>,
    /// Abbreviations everybody knows (never pointed out).
    pub understood: Vec<String>,
    /// Also point out other words written in capitals (2–6 letters).
    pub capitals: bool,
}

/// An abbreviation and the beginning of its written-out form (`kotiho` matches `kotihoito` and
/// `kotihoidon`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Abbreviation {
    pub short: String,
    pub long: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ClientViewRule {
    pub reason: String,
    pub phrases: Vec<String>,
    /// A quotation (”…” or "…") in the entry counts as the client's own words.
    pub quotes: bool,
}

/// One word of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordPattern {
    /// `*`: any one word.
    Any,
    /// `sovittu`: this word (case does not matter).
    Exact(String),
    /// `kerto*`: a word beginning so (`kertoo`, `kertoi`, `kertomansa`).
    Prefix(String),
}

impl WordPattern {
    /// Whether a lower-cased word matches.
    pub fn matches(&self, word: &str) -> bool {
        match self {
            WordPattern::Any => true,
            WordPattern::Exact(w) => word == w,
            WordPattern::Prefix(p) => word.starts_with(p.as_str()),
        }
    }
}

/// Parses a phrase: words separated by spaces, each letters, digits and hyphens, optionally
/// ending in `*` (a prefix); a lone `*` is any word. At least one word must not be `*`.
/// Lower-cases it. The error says what is wrong, for the author.
pub fn parse_phrase(phrase: &str) -> Result<Vec<WordPattern>, String> {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    if words.is_empty() {
        return Err("an empty phrase".into());
    }
    if words.len() > 6 {
        return Err(format!("`{phrase}` has more than 6 words"));
    }
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        let lower = word.to_lowercase();
        if lower == "*" {
            out.push(WordPattern::Any);
            continue;
        }
        let (stem, prefix) = match lower.strip_suffix('*') {
            Some(stem) => (stem.to_string(), true),
            None => (lower.clone(), false),
        };
        let valid = !stem.is_empty()
            && stem
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if !valid {
            return Err(format!(
                "`{word}` in `{phrase}`: a word is letters, digits and hyphens, optionally \
                 ending in `*`"
            ));
        }
        out.push(if prefix {
            WordPattern::Prefix(stem)
        } else {
            WordPattern::Exact(stem)
        });
    }
    if out.iter().all(|w| *w == WordPattern::Any) {
        return Err(format!(
            "`{phrase}` matches anything: name at least one word"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_parse_to_words_and_prefixes() {
        assert_eq!(
            parse_phrase("Asiakas kerto*").unwrap(),
            vec![
                WordPattern::Exact("asiakas".into()),
                WordPattern::Prefix("kerto".into())
            ]
        );
        assert_eq!(
            parse_phrase("* mukaan").unwrap(),
            vec![WordPattern::Any, WordPattern::Exact("mukaan".into())]
        );
        assert!(parse_phrase("").is_err());
        assert!(parse_phrase("* *").is_err());
        assert!(parse_phrase("on sovittu!").is_err());
        assert!(parse_phrase("ke*to").is_err());
        assert!(WordPattern::Prefix("kerto".into()).matches("kertoi"));
        assert!(!WordPattern::Exact("kertoo".into()).matches("kertoi"));
    }
}
