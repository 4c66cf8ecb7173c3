//! The diesel schema of redaction (migration `020002_redaction`): which posts had their text
//! removed for good, and the authors' requests for it. Kept apart from `schema_discussions.rs`
//! so the files are edited independently.

use super::schema::{cohort_trainers, cohorts, users};
use super::schema_discussions::{discussion_posts, discussion_threads};

diesel::table! {
    discussion_redactions (post_id) {
        post_id -> BigInt,
        redacted_by -> Nullable<BigInt>,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    discussion_redaction_requests (id) {
        id -> BigInt,
        post_id -> BigInt,
        requested_by -> Nullable<BigInt>,
        reason -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
    }
}

diesel::joinable!(discussion_redactions -> discussion_posts (post_id));
diesel::joinable!(discussion_redaction_requests -> discussion_posts (post_id));

diesel::allow_tables_to_appear_in_same_query!(discussion_redactions, discussion_redaction_requests);

macro_rules! with_existing {
    ($($existing:ident),+) => {
        $(
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_redactions);
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_redaction_requests);
        )+
    };
}

with_existing!(
    users,
    discussion_posts,
    discussion_threads,
    cohorts,
    cohort_trainers
);
