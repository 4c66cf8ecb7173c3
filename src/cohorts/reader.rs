//! A cohort as its lesson pages open it: the cohort, the reader's role in it and the course's
//! published version, in one statement for trainees and trainers (the pages' hot path), so the
//! page can check its cached course against the version without another round trip.

use super::cohort::Cohort;
use super::roles::{oversees, CohortRole};
use crate::accounts::Principal;
use crate::db::schema::{cohort_trainers, cohorts, courses, enrolments};
use crate::db::AnyConnection;
use crate::AppResult;
use diesel::prelude::*;

/// The course a cohort studies, as published: `content_hash` changes with every publish that
/// changes anything, so it names the version a cache may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseHead {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub content_hash: String,
}

/// The cohort, `who`'s role in it (as [`super::role_in`] decides) and its course's published
/// version; None when the cohort does not exist or `who` has no role in it.
pub fn open_for(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort_id: i64,
) -> AppResult<Option<(Cohort, CohortRole, CourseHead)>> {
    type Row = (
        Cohort,
        (i64, String, String, String),
        Option<i64>,
        Option<i64>,
    );
    // Every page of a cohort runs this: on the engine's own connection (crate::per_engine).
    let row: Option<Row> = crate::per_engine!(conn, |c| cohorts::table
        .inner_join(courses::table)
        // Both at most one row: (cohort, user) is unique in each table.
        .left_join(
            enrolments::table.on(enrolments::cohort_id
                .eq(cohorts::id)
                .and(enrolments::user_id.eq(who.user_id))
                .and(enrolments::status.ne("withdrawn"))),
        )
        .left_join(
            cohort_trainers::table.on(cohort_trainers::cohort_id
                .eq(cohorts::id)
                .and(cohort_trainers::user_id.eq(who.user_id))),
        )
        .filter(cohorts::id.eq(cohort_id))
        .select((
            Cohort::as_select(),
            (
                courses::id,
                courses::slug,
                courses::title,
                courses::content_hash,
            ),
            enrolments::id.nullable(),
            cohort_trainers::user_id.nullable(),
        ))
        .first(c)
        .optional())?;
    let Some((cohort, (id, slug, title, content_hash), enrolment, trainer)) = row else {
        return Ok(None);
    };
    let role = if enrolment.is_some() {
        CohortRole::Trainee
    } else if trainer.is_some() {
        CohortRole::Trainer
    } else if oversees(conn, who, &cohort)? {
        CohortRole::Overseer
    } else {
        return Ok(None);
    };
    let course = CourseHead {
        id,
        slug,
        title,
        content_hash,
    };
    Ok(Some((cohort, role, course)))
}
