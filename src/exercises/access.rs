//! Finding an exercise in a cohort, and an entry, for someone: anyone without a role in the
//! cohort gets `NotFound`, so guessed ids reveal nothing. What each role may do is in
//! [`super::policy`].

use super::model::{exercise_of, EntryRow};
use crate::accounts::Principal;
use crate::cohorts::{self, Cohort, CohortRole};
use crate::courses::exercise_model::Exercise;
use crate::db::schema::lessons;
use crate::db::schema_exercises::exercise_entries as ee;
use crate::db::AnyConnection;
use crate::{AppError, AppResult};
use diesel::prelude::*;
use serde::Serialize;

/// A lesson with an exercise, in a cohort, as someone sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub cohort: Cohort,
    pub role: CohortRole,
    pub lesson_id: i64,
    pub lesson_slug: String,
    pub lesson_title: String,
    pub exercise: Exercise,
}

impl Place {
    /// The lesson page, where the exercise is written.
    pub fn url(&self) -> String {
        format!("/ryhmat/{}/{}", self.cohort.id, self.lesson_slug)
    }
}

/// The exercise of the cohort's lesson `slug`; `NotFound` without a role in the cohort or
/// when the lesson has no exercise.
pub fn place(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort_id: i64,
    slug: &str,
) -> AppResult<Place> {
    let cohort = cohorts::find(conn, cohort_id)?;
    let role = cohorts::role_in(conn, who, &cohort)?.ok_or(AppError::NotFound)?;
    let (lesson_id, lesson_title): (i64, String) = lessons::table
        .filter(lessons::course_id.eq(cohort.course_id))
        .filter(lessons::slug.eq(slug))
        .filter(lessons::active.eq(true))
        .select((lessons::id, lessons::title))
        .first(conn)?;
    let exercise = exercise_of(conn, lesson_id)?.ok_or(AppError::NotFound)?;
    Ok(Place {
        cohort,
        role,
        lesson_id,
        lesson_slug: slug.to_string(),
        lesson_title,
        exercise,
    })
}

/// The place of a lesson by id (the lesson may have been retired: its exercise still shows).
pub fn place_by_lesson(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort_id: i64,
    lesson_id: i64,
) -> AppResult<Place> {
    let cohort = cohorts::find(conn, cohort_id)?;
    let role = cohorts::role_in(conn, who, &cohort)?.ok_or(AppError::NotFound)?;
    let (slug, title): (String, String) = lessons::table
        .find(lesson_id)
        .filter(lessons::course_id.eq(cohort.course_id))
        .select((lessons::slug, lessons::title))
        .first(conn)?;
    let exercise = exercise_of(conn, lesson_id)?.ok_or(AppError::NotFound)?;
    Ok(Place {
        cohort,
        role,
        lesson_id,
        lesson_slug: slug,
        lesson_title: title,
        exercise,
    })
}

/// An entry and its place, for someone with a role in its cohort.
pub fn entry(
    conn: &mut AnyConnection,
    who: &Principal,
    entry_id: i64,
) -> AppResult<(Place, EntryRow)> {
    let row: EntryRow = ee::table
        .find(entry_id)
        .select(EntryRow::as_select())
        .first(conn)?;
    let place = place_by_lesson(conn, who, row.cohort_id, row.lesson_id)?;
    Ok((place, row))
}

/// A user's entry for the exercise, if they have started one.
pub fn entry_of(
    conn: &mut AnyConnection,
    cohort_id: i64,
    lesson_id: i64,
    user_id: i64,
) -> AppResult<Option<EntryRow>> {
    Ok(ee::table
        .filter(ee::cohort_id.eq(cohort_id))
        .filter(ee::lesson_id.eq(lesson_id))
        .filter(ee::user_id.eq(user_id))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()?)
}

/// An exercise of a cohort without anyone's view of it: for jobs, and for the steps after a
/// caller's rights were checked.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub cohort_id: i64,
    pub cohort_name: String,
    pub lesson_id: i64,
    pub lesson_slug: String,
    pub lesson_title: String,
    pub exercise: Exercise,
}

impl Scope {
    pub fn url(&self) -> String {
        format!("/ryhmat/{}/{}", self.cohort_id, self.lesson_slug)
    }

    /// What an e-mail is about, opening `path`.
    pub fn about(&self, path: String) -> super::notify::About<'_> {
        super::notify::About {
            lesson_title: &self.lesson_title,
            cohort_name: &self.cohort_name,
            path,
        }
    }
}

impl Place {
    pub fn scope(&self) -> Scope {
        Scope {
            cohort_id: self.cohort.id,
            cohort_name: self.cohort.name.clone(),
            lesson_id: self.lesson_id,
            lesson_slug: self.lesson_slug.clone(),
            lesson_title: self.lesson_title.clone(),
            exercise: self.exercise.clone(),
        }
    }
}

pub fn scope(conn: &mut AnyConnection, cohort_id: i64, lesson_id: i64) -> AppResult<Scope> {
    let cohort = cohorts::find(conn, cohort_id)?;
    let (slug, title): (String, String) = lessons::table
        .find(lesson_id)
        .select((lessons::slug, lessons::title))
        .first(conn)?;
    let exercise = exercise_of(conn, lesson_id)?.ok_or(AppError::NotFound)?;
    Ok(Scope {
        cohort_id,
        cohort_name: cohort.name,
        lesson_id,
        lesson_slug: slug,
        lesson_title: title,
        exercise,
    })
}

/// The id of the cohort's lesson `slug`, whoever asks (for keeping a rescued text, whose
/// writer the caller has checked by the form's token).
pub fn lesson_id(conn: &mut AnyConnection, cohort_id: i64, slug: &str) -> AppResult<i64> {
    let cohort = cohorts::find(conn, cohort_id)?;
    let id: i64 = lessons::table
        .filter(lessons::course_id.eq(cohort.course_id))
        .filter(lessons::slug.eq(slug))
        .filter(lessons::active.eq(true))
        .select(lessons::id)
        .first(conn)?;
    exercise_of(conn, id)?.ok_or(AppError::NotFound)?;
    Ok(id)
}
