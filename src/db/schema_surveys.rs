//! The diesel schema of surveys and the current-state assessment (migration `000008_surveys`),
//! kept apart from `schema.rs` like `schema_discussions.rs`, so the files are edited
//! independently. Pairs among these tables are declared in one invocation; each of them is
//! paired with each existing table it is queried with in [`with_existing`].

use super::schema::{cohorts, counties, enrolments, memberships, organisations, regions, users};

diesel::table! {
    surveys (id) {
        id -> BigInt,
        kind -> Text,
        template -> Text,
        title -> Text,
        intro -> Text,
        audience -> Text,
        region_id -> Nullable<BigInt>,
        county_id -> Nullable<BigInt>,
        cohort_id -> Nullable<BigInt>,
        anonymous -> Bool,
        opens_on -> Date,
        closes_on -> Date,
        year -> Nullable<Integer>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        title_sv -> Text,
        title_en -> Text,
        intro_sv -> Text,
        intro_en -> Text,
        training_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    survey_questions (id) {
        id -> BigInt,
        survey_id -> BigInt,
        position -> Integer,
        kind -> Text,
        text_fi -> Text,
        text_sv -> Text,
        text_en -> Text,
        follow_up -> Bool,
    }
}

diesel::table! {
    survey_responses (id) {
        id -> BigInt,
        survey_id -> BigInt,
        respondent_key -> Text,
        user_id -> Nullable<BigInt>,
        region_id -> Nullable<BigInt>,
        county_id -> Nullable<BigInt>,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    survey_answers (response_id, question_id) {
        response_id -> BigInt,
        question_id -> BigInt,
        value -> Nullable<Integer>,
        text -> Text,
    }
}

diesel::joinable!(survey_questions -> surveys (survey_id));
diesel::joinable!(survey_responses -> surveys (survey_id));
diesel::joinable!(survey_answers -> survey_responses (response_id));
diesel::joinable!(survey_answers -> survey_questions (question_id));
diesel::joinable!(survey_responses -> users (user_id));

// The results count answers grouped by the respondent's area, the question and the value.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    survey_responses::region_id,
    survey_responses::county_id,
    survey_answers::question_id,
    survey_answers::value,
);

diesel::allow_tables_to_appear_in_same_query!(
    surveys,
    survey_questions,
    survey_responses,
    survey_answers,
);

/// Pairs every table of this file with each existing table, one pair per invocation, so no
/// pair of existing tables (declared in `schema.rs`) is declared twice.
macro_rules! with_existing {
    ($($existing:ident),+) => {
        $(
            diesel::allow_tables_to_appear_in_same_query!($existing, surveys);
            diesel::allow_tables_to_appear_in_same_query!($existing, survey_questions);
            diesel::allow_tables_to_appear_in_same_query!($existing, survey_responses);
            diesel::allow_tables_to_appear_in_same_query!($existing, survey_answers);
        )+
    };
}

with_existing!(
    users,
    cohorts,
    counties,
    regions,
    enrolments,
    memberships,
    organisations
);

// The overview counts a county's unanswered questions by where their askers work; this pair
// is declared nowhere else.
use super::schema_discussions::discussion_threads;
diesel::allow_tables_to_appear_in_same_query!(organisations, discussion_threads);
