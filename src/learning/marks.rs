//! Lessons whose completion another context decides: a lesson with a writing exercise is done
//! when the exercise's requirements are met (`exercises::progress`), not when marked read.

use crate::db::schema::lesson_progress;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Whether the lesson has a writing exercise (then the exercise decides when it is done).
pub fn has_exercise(conn: &mut AnyConnection, lesson_id: i64) -> AppResult<bool> {
    use crate::db::schema_exercises::lesson_exercises;
    let n: i64 = lesson_exercises::table
        .filter(lesson_exercises::lesson_id.eq(lesson_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Marks a lesson done inside the caller's transaction (the exercises do, when their
/// requirements are met). True when it was not done before.
pub fn mark_done_in(
    conn: &mut AnyConnection,
    user_id: i64,
    lesson_id: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let existing: Option<Option<NaiveDateTime>> = lesson_progress::table
        .find((user_id, lesson_id))
        .select(lesson_progress::done_at)
        .first(conn)
        .optional()?;
    match existing {
        Some(Some(_)) => Ok(false),
        Some(None) => {
            diesel::update(lesson_progress::table.find((user_id, lesson_id)))
                .set((
                    lesson_progress::done_at.eq(Some(now)),
                    lesson_progress::updated_at.eq(now),
                ))
                .execute(conn)?;
            Ok(true)
        }
        None => {
            diesel::insert_into(lesson_progress::table)
                .values((
                    lesson_progress::user_id.eq(user_id),
                    lesson_progress::lesson_id.eq(lesson_id),
                    lesson_progress::done_at.eq(Some(now)),
                    lesson_progress::answers_json.eq("{}"),
                    lesson_progress::updated_at.eq(now),
                ))
                .execute(conn)?;
            Ok(true)
        }
    }
}
