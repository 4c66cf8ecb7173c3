//! The message keys the exercise context refuses with, as the `'static` strings the pages
//! show.

/// The message keys the context returns are `'static` strings; map them back to one.
pub(super) fn leak_key(key: &str) -> &'static str {
    KNOWN_KEYS
        .iter()
        .copied()
        .find(|k| *k == key)
        .unwrap_or("ex.could_not_save")
}

/// Every key the exercise context refuses with.
const KNOWN_KEYS: &[&str] = &[
    "ex.body_empty",
    "ex.too_long",
    "ex.text_invalid",
    "ex.no_more_versions",
    "ex.revision_same",
    "ex.submit_first",
    "ex.no_review_needed",
    "ex.rate_every_criterion",
    "ex.comment_empty",
    "ex.comment_too_short",
    "ex.review_done",
    "ex.review_expired",
    "ex.quote_too_long",
    "ex.quote_not_in_entry",
    "ex.not_submitted",
    "ex.reason_empty",
    "ex.only_peer_reviews_hide",
    "ex.no_consent",
    "ex.assess_first",
    "ex.example_title_invalid",
    "ex.example_entry_empty",
    "ex.example_feedback_empty",
    "guard.identity_code",
    "guard.phone",
    "guard.email",
];

pub(super) fn static_key(key: &str) -> &'static str {
    leak_key(key)
}
