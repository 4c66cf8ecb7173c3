//! The diesel schema of writing exercises (migration `040001_exercises`), kept apart from
//! `schema.rs`. Pairs among these tables are declared in one invocation; each with each
//! existing table it is queried with in [`with_existing`] below.

use super::schema::{
    cohort_trainers, cohorts, course_modules, courses, enrolments, lessons, users,
};

diesel::table! {
    lesson_exercises (lesson_id) {
        lesson_id -> BigInt,
        spec_json -> Text,
    }
}

diesel::table! {
    course_writing_rules (course_id) {
        course_id -> BigInt,
        rules_json -> Text,
    }
}

diesel::table! {
    exercise_entries (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        lesson_id -> BigInt,
        user_id -> BigInt,
        draft -> Text,
        draft_saved_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        versions -> Integer,
        latest_at -> Nullable<Timestamp>,
        consent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    exercise_versions (id) {
        id -> BigInt,
        entry_id -> BigInt,
        number -> Integer,
        body -> Text,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    exercise_reviews (id) {
        id -> BigInt,
        entry_id -> BigInt,
        kind -> Text,
        reviewer_id -> Nullable<BigInt>,
        status -> Text,
        version -> Integer,
        assigned_at -> Timestamp,
        due_at -> Nullable<Timestamp>,
        ratings_json -> Text,
        comment -> Text,
        quote -> Text,
        done_at -> Nullable<Timestamp>,
        hidden_at -> Nullable<Timestamp>,
        hidden_by -> Nullable<BigInt>,
        hidden_reason -> Nullable<Text>,
    }
}

diesel::table! {
    exercise_examples (id) {
        id -> BigInt,
        entry_id -> Nullable<BigInt>,
        course_id -> BigInt,
        lesson_id -> Nullable<BigInt>,
        theme -> Nullable<Text>,
        title -> Text,
        entry_text -> Text,
        feedback_markdown -> Text,
        feedback_html -> Text,
        ratings_json -> Text,
        published_by -> Nullable<BigInt>,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    exercise_rescues (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        cohort_id -> BigInt,
        lesson_id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    exercise_mail_optouts (user_id) {
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(lesson_exercises -> lessons (lesson_id));
diesel::joinable!(course_writing_rules -> courses (course_id));
diesel::joinable!(exercise_entries -> cohorts (cohort_id));
diesel::joinable!(exercise_entries -> lessons (lesson_id));
diesel::joinable!(exercise_entries -> users (user_id));
diesel::joinable!(exercise_versions -> exercise_entries (entry_id));
diesel::joinable!(exercise_reviews -> exercise_entries (entry_id));
diesel::joinable!(exercise_examples -> courses (course_id));

diesel::allow_tables_to_appear_in_same_query!(
    lesson_exercises,
    course_writing_rules,
    exercise_entries,
    exercise_versions,
    exercise_reviews,
    exercise_examples,
    exercise_rescues,
    exercise_mail_optouts,
);

/// Pairs every table of this file with each existing table, one pair per invocation.
macro_rules! with_existing {
    ($($existing:ident),+) => {
        $(
            diesel::allow_tables_to_appear_in_same_query!($existing, lesson_exercises);
            diesel::allow_tables_to_appear_in_same_query!($existing, course_writing_rules);
            diesel::allow_tables_to_appear_in_same_query!($existing, exercise_entries);
            diesel::allow_tables_to_appear_in_same_query!($existing, exercise_versions);
            diesel::allow_tables_to_appear_in_same_query!($existing, exercise_reviews);
            diesel::allow_tables_to_appear_in_same_query!($existing, exercise_examples);
            diesel::allow_tables_to_appear_in_same_query!($existing, exercise_rescues);
            diesel::allow_tables_to_appear_in_same_query!($existing, exercise_mail_optouts);
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
