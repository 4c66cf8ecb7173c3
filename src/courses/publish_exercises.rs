//! Publishing the exercise parts of a course, inside the course's publishing transaction: the
//! writing checker's lists per course and the exercise per lesson (as JSON), replaced when the
//! sources change and removed when they leave them.

use super::exercise_model::{Exercise, WritingRules};
use crate::db::schema_exercises::{course_writing_rules as cwr, lesson_exercises as le};
use crate::db::AnyConnection;
use crate::AppResult;
use diesel::prelude::*;

fn json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    Ok(serde_json::to_string(value).map_err(anyhow::Error::from)?)
}

/// Stores (or removes) the course's writing-checker lists.
pub(crate) fn store_rules(
    c: &mut AnyConnection,
    course_id: i64,
    rules: Option<&WritingRules>,
) -> AppResult<()> {
    diesel::delete(cwr::table.find(course_id)).execute(c)?;
    if let Some(rules) = rules {
        diesel::insert_into(cwr::table)
            .values((
                cwr::course_id.eq(course_id),
                cwr::rules_json.eq(json(rules)?),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Stores (or removes) a lesson's exercise.
pub(crate) fn store_exercise(
    c: &mut AnyConnection,
    lesson_id: i64,
    exercise: Option<&Exercise>,
) -> AppResult<()> {
    diesel::delete(le::table.find(lesson_id)).execute(c)?;
    if let Some(exercise) = exercise {
        diesel::insert_into(le::table)
            .values((
                le::lesson_id.eq(lesson_id),
                le::spec_json.eq(json(exercise)?),
            ))
            .execute(c)?;
    }
    Ok(())
}
