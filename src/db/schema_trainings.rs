//! The diesel schema of attendance, the reach totals and the training kits (migration
//! `2026-12-06-060001_trainings`), kept apart from `schema.rs` like `schema_discussions.rs`.
//! The columns `trainings_held` gained live in `schema.rs` with the table.

use super::schema::{counties, course_modules, courses, organisations, trainings_held, users};
use super::schema_surveys::surveys;

diesel::table! {
    training_attendances (id) {
        id -> BigInt,
        training_id -> BigInt,
        name -> Text,
        unit -> Text,
        profession -> Text,
        person_key -> Text,
        created_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    training_totals (organisation_id, year, quarter) {
        organisation_id -> BigInt,
        year -> Integer,
        quarter -> Integer,
        trainings -> Integer,
        counted -> Integer,
        reported -> Integer,
        flagged -> Integer,
    }
}

diesel::table! {
    reach_people (organisation_id, year, person_key) {
        organisation_id -> BigInt,
        year -> Integer,
        person_key -> Text,
        profession -> Text,
        first_attendance_id -> BigInt,
        sign_ins -> Integer,
    }
}

diesel::table! {
    people_totals (organisation_id, year, profession) {
        organisation_id -> BigInt,
        year -> Integer,
        profession -> Text,
        people -> Integer,
    }
}

diesel::table! {
    training_kits (id) {
        id -> BigInt,
        module_id -> BigInt,
        title -> Text,
        minutes -> Integer,
        intro_html -> Text,
        aims_html -> Text,
        plan_json -> Text,
        questions_html -> Text,
        slides_json -> Text,
        published_at -> Timestamp,
    }
}

diesel::joinable!(training_attendances -> trainings_held (training_id));
diesel::joinable!(training_totals -> organisations (organisation_id));
diesel::joinable!(people_totals -> organisations (organisation_id));
diesel::joinable!(reach_people -> organisations (organisation_id));
diesel::joinable!(training_kits -> course_modules (module_id));

diesel::allow_tables_to_appear_in_same_query!(
    training_attendances,
    training_totals,
    reach_people,
    people_totals,
    training_kits,
);

/// Pairs every table of this file with each existing table it is queried with, one pair per
/// invocation, so no pair of existing tables is declared twice.
macro_rules! with_existing {
    ($($existing:ident),+) => {
        $(
            diesel::allow_tables_to_appear_in_same_query!($existing, training_attendances);
            diesel::allow_tables_to_appear_in_same_query!($existing, training_totals);
            diesel::allow_tables_to_appear_in_same_query!($existing, reach_people);
            diesel::allow_tables_to_appear_in_same_query!($existing, people_totals);
            diesel::allow_tables_to_appear_in_same_query!($existing, training_kits);
        )+
    };
}

with_existing!(
    trainings_held,
    organisations,
    counties,
    users,
    course_modules,
    courses,
    surveys
);

// A training's feedback survey.
diesel::allow_tables_to_appear_in_same_query!(trainings_held, surveys);

// A region's quarters sum the totals per county and quarter (`network::reach::quarterly::quarters`).
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    crate::db::schema::organisations::county_id,
    training_totals::year,
    training_totals::quarter,
);
