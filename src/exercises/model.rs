//! The rows of exercises as the context reads them, the words for their states, the limits on
//! what people write, and loading a lesson's exercise and its course's writing-checker lists.

use crate::courses::exercise_model::{Exercise, WritingRules};
use crate::db::schema_exercises::{
    course_writing_rules as cwr, exercise_entries as ee, exercise_reviews as er,
    lesson_exercises as le,
};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// Review kinds.
pub const SELF: &str = "self";
pub const PEER: &str = "peer";
pub const TRAINER: &str = "trainer";

/// Review states.
pub const ASSIGNED: &str = "assigned";
pub const DONE: &str = "done";
pub const EXPIRED: &str = "expired";

/// The longest entry (characters): a long home-visit entry fits with room to spare.
pub const BODY_MAX: usize = 12_000;
/// The longest review comment.
pub const COMMENT_MAX: usize = 4_000;
/// The shortest review comment: "at least a sentence".
pub const COMMENT_MIN_WORDS: usize = 4;
/// The longest quoted sentence and reason for hiding.
pub const QUOTE_MAX: usize = 600;
pub const REASON_MAX: usize = 500;

/// An entry (one trainee, one exercise, one cohort).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = ee)]
pub struct EntryRow {
    pub id: i64,
    pub cohort_id: i64,
    pub lesson_id: i64,
    pub user_id: i64,
    pub draft: String,
    pub draft_saved_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub versions: i32,
    pub latest_at: Option<NaiveDateTime>,
    pub consent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A review: the writer's own, a peer's or the trainer's.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = er)]
pub struct ReviewRow {
    pub id: i64,
    pub entry_id: i64,
    pub kind: String,
    pub reviewer_id: Option<i64>,
    pub status: String,
    pub version: i32,
    pub assigned_at: NaiveDateTime,
    pub due_at: Option<NaiveDateTime>,
    pub ratings_json: String,
    pub comment: String,
    pub quote: String,
    pub done_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_by: Option<i64>,
    pub hidden_reason: Option<String>,
}

impl ReviewRow {
    pub fn ratings(&self) -> Vec<Rating> {
        serde_json::from_str(&self.ratings_json).unwrap_or_default()
    }
}

/// One criterion rated: the criterion as it read when rated, and the level (0 = lowest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub criterion: String,
    pub level: usize,
}

/// The exercise of a lesson, if it has one.
pub fn exercise_of(conn: &mut AnyConnection, lesson_id: i64) -> AppResult<Option<Exercise>> {
    let json: Option<String> = le::table
        .find(lesson_id)
        .select(le::spec_json)
        .first(conn)
        .optional()?;
    match json {
        Some(j) => Ok(Some(serde_json::from_str(&j).map_err(anyhow::Error::from)?)),
        None => Ok(None),
    }
}

/// The course's writing-checker lists (empty lists when it has none).
pub fn rules_of(conn: &mut AnyConnection, course_id: i64) -> AppResult<WritingRules> {
    let json: Option<String> = cwr::table
        .find(course_id)
        .select(cwr::rules_json)
        .first(conn)
        .optional()?;
    Ok(json
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default())
}

/// Line breaks as `\n`, no blank space around.
pub fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

fn has_bad_control(s: &str) -> bool {
    s.chars()
        .any(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || crate::text::is_bidi_control(c))
}

/// Problems with a text someone writes, as message keys: `empty_key` when empty, too long,
/// control characters, and the privacy guard's findings.
pub fn check_text(text: &str, max: usize, empty_key: &'static str, errors: &mut Vec<&'static str>) {
    if text.trim().is_empty() {
        errors.push(empty_key);
        return;
    }
    if text.chars().count() > max {
        errors.push("ex.too_long");
    }
    if has_bad_control(text) {
        errors.push("ex.text_invalid");
    }
    crate::privacy_guard::check(text, errors);
}

/// Ratings given in a form (criterion index -> level), checked against the rubric: every
/// criterion rated, each with a level it has.
pub fn ratings_from(
    exercise: &Exercise,
    given: &[Option<usize>],
    errors: &mut Vec<&'static str>,
) -> Vec<Rating> {
    let mut out = Vec::new();
    for (i, c) in exercise.rubric.iter().enumerate() {
        match given.get(i).copied().flatten() {
            Some(level) if level < c.levels.len() => out.push(Rating {
                criterion: c.criterion.clone(),
                level,
            }),
            _ => {
                if !errors.contains(&"ex.rate_every_criterion") {
                    errors.push("ex.rate_every_criterion");
                }
            }
        }
    }
    out
}

/// A comment of at least a sentence: [`COMMENT_MIN_WORDS`] words.
pub fn check_comment(comment: &str, errors: &mut Vec<&'static str>) {
    check_text(comment, COMMENT_MAX, "ex.comment_empty", errors);
    if !comment.trim().is_empty() && comment.split_whitespace().count() < COMMENT_MIN_WORDS {
        errors.push("ex.comment_too_short");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_checked_for_emptiness_length_controls_and_identifiers() {
        let mut e = Vec::new();
        check_text("  \n ", 100, "ex.body_empty", &mut e);
        assert_eq!(e, vec!["ex.body_empty"]);
        let mut e = Vec::new();
        check_text("abc\u{202e}def", 100, "ex.body_empty", &mut e);
        assert_eq!(e, vec!["ex.text_invalid"]);
        let mut e = Vec::new();
        check_text("Asiakas 131052-308T", 100, "ex.body_empty", &mut e);
        assert_eq!(e, vec!["guard.identity_code"]);
        let mut e = Vec::new();
        check_comment("Hyvä.", &mut e);
        assert_eq!(e, vec!["ex.comment_too_short"]);
        assert_eq!(normalise(" a\r\nb\r "), "a\nb");
    }
}
