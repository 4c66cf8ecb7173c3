//! The checks of what people write in discussions (titles, texts, reasons) before anything is
//! stored, and the text search looks in.

use super::super::{DISCUSSION, QUESTION};
use crate::courses::markdown::plain_text;
use crate::{AppError, AppResult};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
pub const REASON_MAX: usize = 500;

/// Control characters other than line breaks and tabs.
fn has_bad_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Characters that reorder text (bidi overrides): a title could pretend to say something else.
fn has_bidi_control(s: &str) -> bool {
    s.chars().any(crate::text::is_bidi_control)
}

pub fn check_title(title: &str, errors: &mut Vec<&'static str>) {
    let t = title.trim();
    if t.is_empty()
        || t.chars().count() > TITLE_MAX
        || has_bad_control(t)
        || t.contains('\n')
        || has_bidi_control(t)
    {
        errors.push("disc.title_invalid");
    }
    crate::privacy_guard::check(t, errors);
}

pub fn check_body(body: &str, errors: &mut Vec<&'static str>) {
    if body.trim().is_empty() {
        errors.push("disc.body_empty");
    } else if body.chars().count() > BODY_MAX {
        errors.push("disc.body_too_long");
    } else if has_bad_control(body) {
        errors.push("disc.body_invalid");
    }
    // Nothing that identifies a client: the privacy guard exercises use too.
    crate::privacy_guard::check(body, errors);
}

/// Every problem with a new thread, as message keys.
pub fn validate_thread(kind: &str, title: &str, body: &str) -> Vec<&'static str> {
    let mut errors = Vec::new();
    if kind != QUESTION && kind != DISCUSSION {
        errors.push("disc.kind_invalid");
    }
    check_title(title, &mut errors);
    check_body(body, &mut errors);
    errors
}

/// A reason for hiding or reporting: up to [`REASON_MAX`] characters, required when hiding.
pub fn check_reason(reason: &str, required: bool) -> Result<String, AppError> {
    let r = reason.trim();
    if (required && r.is_empty()) || r.chars().count() > REASON_MAX || has_bad_control(r) {
        return Err(AppError::invalid("disc.reason_invalid"));
    }
    Ok(r.to_string())
}

/// What search looks in: the title (of an opening post) and the text, lower-cased.
pub(crate) fn search_text(title: Option<&str>, body: &str) -> String {
    let mut s = String::new();
    if let Some(t) = title {
        s.push_str(t);
        s.push('\n');
    }
    s.push_str(&plain_text(body));
    s.to_lowercase()
}

pub(super) fn first_error(errors: Vec<&'static str>) -> AppResult<()> {
    match errors.first() {
        Some(e) => Err(AppError::invalid(*e)),
        None => Ok(()),
    }
}
