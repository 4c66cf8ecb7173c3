//! Texts rescued when a session ended mid-writing: the draft or submission arrived without a
//! valid session, so the text is kept under a random token (the browser holds it in a
//! short-lived cookie, the database only its hash) and shown back in the form once its writer
//! has signed in again. Kept a day; saving or submitting the exercise clears it.

use crate::accounts::tokens;
use crate::db::schema_exercises::exercise_rescues as xr;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// How long a rescued text waits for its writer.
pub const KEEP_HOURS: i64 = 24;

/// Keeps `body` for the user's exercise; returns the token for the cookie. Expired texts of
/// anyone are removed on the way.
pub fn store(
    conn: &mut AnyConnection,
    user_id: i64,
    cohort_id: i64,
    lesson_id: i64,
    body: &str,
    now: NaiveDateTime,
) -> AppResult<String> {
    diesel::delete(xr::table.filter(xr::expires_at.lt(now))).execute(conn)?;
    let token = tokens::random_token();
    diesel::insert_into(xr::table)
        .values((
            xr::token_hash.eq(tokens::token_hash(&token)),
            xr::user_id.eq(user_id),
            xr::cohort_id.eq(cohort_id),
            xr::lesson_id.eq(lesson_id),
            xr::body.eq(body),
            xr::created_at.eq(now),
            xr::expires_at.eq(now + Duration::hours(KEEP_HOURS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The rescued text for this user's exercise under `token`, if it has not expired.
pub fn find(
    conn: &mut AnyConnection,
    token: &str,
    user_id: i64,
    cohort_id: i64,
    lesson_id: i64,
    now: NaiveDateTime,
) -> AppResult<Option<String>> {
    Ok(xr::table
        .filter(xr::token_hash.eq(tokens::token_hash(token)))
        .filter(xr::user_id.eq(user_id))
        .filter(xr::cohort_id.eq(cohort_id))
        .filter(xr::lesson_id.eq(lesson_id))
        .filter(xr::expires_at.ge(now))
        .order(xr::id.desc())
        .select(xr::body)
        .first(conn)
        .optional()?)
}

/// Forgets the rescued texts of the user's exercise (it was saved or submitted).
pub fn clear(
    conn: &mut AnyConnection,
    user_id: i64,
    cohort_id: i64,
    lesson_id: i64,
) -> AppResult<()> {
    diesel::delete(
        xr::table
            .filter(xr::user_id.eq(user_id))
            .filter(xr::cohort_id.eq(cohort_id))
            .filter(xr::lesson_id.eq(lesson_id)),
    )
    .execute(conn)?;
    Ok(())
}
