//! Cohorts (valmennusryhmät): one run of a course, with its trainers and enrolled trainees, and
//! who may see a cohort. Enrolment status is one of `active` (studying), `completed` and
//! `withdrawn`.

use crate::accounts::Principal;
use crate::db::schema::{
    cohort_trainers, cohorts, counties, courses, enrolments, organisations, users,
};
use crate::db::{insert_unless_duplicate, AnyConnection};
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = cohorts)]
pub struct Cohort {
    pub id: i64,
    pub course_id: i64,
    pub name: String,
    pub region_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

pub struct NewCohort<'a> {
    pub course_id: i64,
    pub name: &'a str,
    pub region_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

pub fn create(conn: &mut AnyConnection, c: NewCohort<'_>, now: NaiveDateTime) -> AppResult<Cohort> {
    let name = c.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid("cohort.name_invalid"));
    }
    let id: i64 = diesel::insert_into(cohorts::table)
        .values((
            cohorts::course_id.eq(c.course_id),
            cohorts::name.eq(name),
            cohorts::region_id.eq(c.region_id),
            cohorts::starts_on.eq(c.starts_on),
            cohorts::ends_on.eq(c.ends_on),
            cohorts::created_at.eq(now),
        ))
        .returning(cohorts::id)
        .get_result(conn)?;
    find(conn, id)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> AppResult<Cohort> {
    Ok(cohorts::table
        .find(id)
        .select(Cohort::as_select())
        .first(conn)?)
}

pub fn add_trainer(conn: &mut AnyConnection, cohort_id: i64, user_id: i64) -> AppResult<()> {
    insert_unless_duplicate(conn, |c| {
        diesel::insert_into(cohort_trainers::table)
            .values((
                cohort_trainers::cohort_id.eq(cohort_id),
                cohort_trainers::user_id.eq(user_id),
            ))
            .execute(c)
    })?;
    Ok(())
}

/// Enrols a user as a trainee (again, if they had withdrawn). Returns the enrolment id.
pub fn enrol(
    conn: &mut AnyConnection,
    cohort_id: i64,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let existing: Option<(i64, String)> = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::user_id.eq(user_id))
        .select((enrolments::id, enrolments::status))
        .first(conn)
        .optional()?;
    match existing {
        Some((id, status)) if status == "withdrawn" => {
            diesel::update(enrolments::table.find(id))
                .set((
                    enrolments::status.eq("active"),
                    enrolments::updated_at.eq(now),
                ))
                .execute(conn)?;
            Ok(id)
        }
        Some((id, _)) => Ok(id),
        None => Ok(diesel::insert_into(enrolments::table)
            .values((
                enrolments::cohort_id.eq(cohort_id),
                enrolments::user_id.eq(user_id),
                enrolments::status.eq("active"),
                enrolments::created_at.eq(now),
                enrolments::updated_at.eq(now),
            ))
            .returning(enrolments::id)
            .get_result(conn)?),
    }
}

/// How someone sees a cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortRole {
    /// Enrolled (studying or completed): reads lessons, keeps progress.
    Trainee,
    Trainer,
    /// A coordinator over the cohort's region, or an admin.
    Overseer,
}

/// Whether and how `who` may see the cohort: its trainees, its trainers, the coordinators of its
/// region (a national cohort: coordinators of its trainees' areas are not enough; admins only)
/// and admins. Nobody else, whatever the id they guess.
pub fn role_in(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort: &Cohort,
) -> AppResult<Option<CohortRole>> {
    let enrolled: i64 = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort.id))
        .filter(enrolments::user_id.eq(who.user_id))
        .filter(enrolments::status.ne("withdrawn"))
        .count()
        .get_result(conn)?;
    if enrolled > 0 {
        return Ok(Some(CohortRole::Trainee));
    }
    let trainer: i64 = cohort_trainers::table
        .filter(cohort_trainers::cohort_id.eq(cohort.id))
        .filter(cohort_trainers::user_id.eq(who.user_id))
        .count()
        .get_result(conn)?;
    if trainer > 0 {
        return Ok(Some(CohortRole::Trainer));
    }
    if who.is_admin() || cohort.region_id.is_some_and(|r| who.manages_region(r)) {
        return Ok(Some(CohortRole::Overseer));
    }
    // A county coordinator oversees a regional cohort in which their county's people study.
    let counties = who.counties_managed();
    if !counties.is_empty() {
        let n: i64 = enrolments::table
            .inner_join(users::table.inner_join(organisations::table.inner_join(counties::table)))
            .filter(enrolments::cohort_id.eq(cohort.id))
            .filter(counties::id.eq_any(&counties))
            .count()
            .get_result(conn)?;
        if n > 0 {
            return Ok(Some(CohortRole::Overseer));
        }
    }
    Ok(None)
}

/// The course a cohort runs: (id, slug, title).
pub fn course_of(conn: &mut AnyConnection, cohort: &Cohort) -> AppResult<(i64, String, String)> {
    Ok(courses::table
        .find(cohort.course_id)
        .select((courses::id, courses::slug, courses::title))
        .first(conn)?)
}
