//! The diesel schema of discussions and the answer bank (migration `000006_discussions`), kept
//! apart from `schema.rs` so the two are edited independently. Each pair of tables is declared
//! joinable exactly once: the pairs among these tables in one invocation, each of them with each
//! existing table it is queried with in [`with_existing`] below.

use super::schema::{
    cohort_trainers, cohorts, course_modules, courses, enrolments, lessons, users,
};

diesel::table! {
    discussion_threads (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        lesson_id -> BigInt,
        kind -> Text,
        title -> Text,
        author_id -> Nullable<BigInt>,
        opening_post_id -> Nullable<BigInt>,
        pinned -> Bool,
        locked -> Bool,
        hidden -> Bool,
        answered_at -> Nullable<Timestamp>,
        best_post_id -> Nullable<BigInt>,
        post_count -> Integer,
        last_post_id -> BigInt,
        last_post_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    discussion_posts (id) {
        id -> BigInt,
        thread_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> Nullable<BigInt>,
        by_trainer -> Bool,
        body_markdown -> Text,
        body_html -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        edited_by -> Nullable<BigInt>,
        hidden_at -> Nullable<Timestamp>,
        hidden_by -> Nullable<BigInt>,
        hidden_reason -> Nullable<Text>,
    }
}

diesel::table! {
    discussion_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        title -> Nullable<Text>,
        body_markdown -> Text,
        edited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    discussion_reports (id) {
        id -> BigInt,
        post_id -> BigInt,
        reporter_id -> Nullable<BigInt>,
        reason -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    discussion_subscriptions (thread_id, user_id) {
        thread_id -> BigInt,
        user_id -> BigInt,
        following -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    discussion_reads (thread_id, user_id) {
        thread_id -> BigInt,
        user_id -> BigInt,
        last_read_post_id -> BigInt,
    }
}

diesel::table! {
    discussion_settings (user_id) {
        user_id -> BigInt,
        email_mode -> Text,
        last_digest_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    discussion_digest_items (id) {
        id -> BigInt,
        user_id -> BigInt,
        post_id -> BigInt,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    answer_bank (id) {
        id -> BigInt,
        thread_id -> Nullable<BigInt>,
        course_id -> BigInt,
        lesson_id -> Nullable<BigInt>,
        theme -> Nullable<Text>,
        title -> Text,
        question_markdown -> Text,
        question_html -> Text,
        answer_markdown -> Text,
        answer_html -> Text,
        published_by -> Nullable<BigInt>,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(discussion_posts -> discussion_threads (thread_id));
diesel::joinable!(discussion_posts -> users (author_id));
diesel::joinable!(discussion_threads -> cohorts (cohort_id));
diesel::joinable!(discussion_threads -> lessons (lesson_id));
diesel::joinable!(discussion_revisions -> discussion_posts (post_id));
diesel::joinable!(discussion_reports -> discussion_posts (post_id));
diesel::joinable!(discussion_subscriptions -> discussion_threads (thread_id));
diesel::joinable!(discussion_reads -> discussion_threads (thread_id));
diesel::joinable!(discussion_digest_items -> discussion_posts (post_id));
diesel::joinable!(answer_bank -> courses (course_id));

diesel::allow_tables_to_appear_in_same_query!(
    discussion_threads,
    discussion_posts,
    discussion_revisions,
    discussion_reports,
    discussion_subscriptions,
    discussion_reads,
    discussion_settings,
    discussion_digest_items,
    answer_bank,
);

/// Pairs every table of this file with each existing table, one pair per invocation, so no
/// pair of existing tables (declared in `schema.rs`) is declared twice.
macro_rules! with_existing {
    ($($existing:ident),+) => {
        $(
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_threads);
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_posts);
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_revisions);
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_reports);
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_subscriptions);
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_reads);
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_settings);
            diesel::allow_tables_to_appear_in_same_query!($existing, discussion_digest_items);
            diesel::allow_tables_to_appear_in_same_query!($existing, answer_bank);
        )+
    };
}

with_existing!(
    users,
    cohorts,
    lessons,
    courses,
    course_modules,
    cohort_trainers,
    enrolments
);
