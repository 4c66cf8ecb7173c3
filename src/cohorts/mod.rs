//! Cohorts (valmennusryhmät): one run of a course, with its trainers and enrolled trainees, and
//! who may see a cohort. Applications and bulk invitations are in [`applications`] and
//! [`invite`].
//!
//! An enrolment's status is one of `active` (studying), `completed` (the course is done) and
//! `withdrawn` (left the cohort; may be enrolled again). Every change is kept in
//! `enrolment_events`.

pub mod applications;
pub mod invite;
pub mod lifecycle;
pub mod reader;
pub mod rules;
pub mod teaching;

pub use rules::validate;

use crate::accounts::Principal;
use crate::db::schema::{
    cohort_trainers, cohorts, counties, courses, enrolment_events, enrolments, organisations, users,
};
use crate::db::{insert_unless_duplicate, AnyConnection};
use crate::mail::Messaging;
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
    pub capacity: Option<i32>,
    pub applications_open_on: Option<NaiveDate>,
    pub applications_close_on: Option<NaiveDate>,
    pub manager_approval_required: bool,
    pub work_hours: i32,
    pub description: String,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: String,
    pub archived_at: Option<NaiveDateTime>,
    /// The lessons open only on the start date (before it trainees see when they open).
    pub lessons_open_at_start: bool,
}

/// A cohort as created or edited (by a coordinator of its region or an admin).
#[derive(Debug, Clone, Default)]
pub struct NewCohort<'a> {
    pub course_id: i64,
    pub name: &'a str,
    pub region_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub capacity: Option<i32>,
    pub applications_open_on: Option<NaiveDate>,
    pub applications_close_on: Option<NaiveDate>,
    pub manager_approval_required: bool,
    pub work_hours: i32,
    pub description: &'a str,
    pub lessons_open_at_start: bool,
}

/// Creates a cohort. The dates are checked against [`rules::validate`] by the caller, who
/// knows today and whether a start in the past was confirmed; here only what holds always.
pub fn create(conn: &mut AnyConnection, c: NewCohort<'_>, now: NaiveDateTime) -> AppResult<Cohort> {
    if let Some(e) = rules::validate_settings(&c).first() {
        return Err(AppError::invalid(*e));
    }
    let id: i64 = diesel::insert_into(cohorts::table)
        .values((
            cohorts::course_id.eq(c.course_id),
            cohorts::name.eq(c.name.trim()),
            cohorts::region_id.eq(c.region_id),
            cohorts::starts_on.eq(c.starts_on),
            cohorts::ends_on.eq(c.ends_on),
            cohorts::created_at.eq(now),
            cohorts::capacity.eq(c.capacity),
            cohorts::applications_open_on.eq(c.applications_open_on),
            cohorts::applications_close_on.eq(c.applications_close_on),
            cohorts::manager_approval_required.eq(c.manager_approval_required),
            cohorts::work_hours.eq(c.work_hours),
            cohorts::description.eq(c.description.trim()),
            cohorts::lessons_open_at_start.eq(c.lessons_open_at_start),
        ))
        .returning(cohorts::id)
        .get_result(conn)?;
    find(conn, id)
}

/// Saves edited settings (the course and the region stay as created). A larger capacity
/// promotes waiting applicants in order.
pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    c: NewCohort<'_>,
    msg: &Messaging<'_>,
    now: NaiveDateTime,
) -> AppResult<Cohort> {
    if let Some(e) = rules::validate_settings(&c).first() {
        return Err(AppError::invalid(*e));
    }
    crate::db::write_tx(conn, |tx| {
        diesel::update(cohorts::table.find(id))
            .set((
                cohorts::name.eq(c.name.trim()),
                cohorts::starts_on.eq(c.starts_on),
                cohorts::ends_on.eq(c.ends_on),
                cohorts::capacity.eq(c.capacity),
                cohorts::applications_open_on.eq(c.applications_open_on),
                cohorts::applications_close_on.eq(c.applications_close_on),
                cohorts::manager_approval_required.eq(c.manager_approval_required),
                cohorts::work_hours.eq(c.work_hours),
                cohorts::description.eq(c.description.trim()),
                cohorts::lessons_open_at_start.eq(c.lessons_open_at_start),
            ))
            .execute(tx)?;
        applications::promote_waitlist(tx, id, msg, None, now)?;
        Ok::<_, AppError>(())
    })?;
    find(conn, id)
}

/// Seats taken: active and completed enrolments.
pub fn seats_taken(conn: &mut AnyConnection, cohort_id: i64) -> AppResult<i64> {
    Ok(enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::status.ne("withdrawn"))
        .count()
        .get_result(conn)?)
}

/// Cohorts whose application window contains `today`, soonest start first.
pub fn open_cohorts(
    conn: &mut AnyConnection,
    today: NaiveDate,
) -> AppResult<Vec<(Cohort, String)>> {
    let rows: Vec<(Cohort, String)> = cohorts::table
        .inner_join(courses::table)
        .filter(cohorts::applications_open_on.le(today))
        .filter(cohorts::cancelled_at.is_null())
        .filter(cohorts::archived_at.is_null())
        .order((cohorts::starts_on.asc(), cohorts::id))
        .select((Cohort::as_select(), courses::title))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(c, _)| c.open_for_applications(today))
        .collect())
}

/// The cohorts a coordinator or admin manages (an admin: all), newest first, with the course
/// title.
pub fn managed_by(conn: &mut AnyConnection, who: &Principal) -> AppResult<Vec<(Cohort, String)>> {
    let q = cohorts::table
        .inner_join(courses::table)
        .order(cohorts::id.desc())
        .into_boxed();
    let q = if who.is_admin() {
        q
    } else {
        q.filter(cohorts::region_id.eq_any(who.regions_managed()))
    };
    Ok(q.select((Cohort::as_select(), courses::title)).load(conn)?)
}

/// The cohorts a coordinator or admin sees on the cohort list, with whether they manage each:
/// those they manage ([`managed_by`]), and for a county coordinator also the cohorts of their
/// county's region, to follow (the regional coordinator runs them).
pub fn visible_to(
    conn: &mut AnyConnection,
    who: &Principal,
) -> AppResult<Vec<(Cohort, String, bool)>> {
    let mut out: Vec<(Cohort, String, bool)> = managed_by(conn, who)?
        .into_iter()
        .map(|(c, course)| (c, course, true))
        .collect();
    let counties = who.counties_managed();
    if who.is_admin() || counties.is_empty() {
        return Ok(out);
    }
    let regions: Vec<i64> = crate::db::schema::counties::table
        .filter(crate::db::schema::counties::id.eq_any(&counties))
        .select(crate::db::schema::counties::region_id)
        .load(conn)?;
    let followed: Vec<(Cohort, String)> = cohorts::table
        .inner_join(courses::table)
        .filter(cohorts::region_id.eq_any(&regions))
        .order(cohorts::id.desc())
        .select((Cohort::as_select(), courses::title))
        .load(conn)?;
    for (c, course) in followed {
        if !out.iter().any(|(o, _, _)| o.id == c.id) {
            out.push((c, course, false));
        }
    }
    out.sort_by_key(|(c, _, _)| std::cmp::Reverse(c.id));
    Ok(out)
}

/// Whether `who` manages the cohort: admins, and the coordinators of its region. National
/// cohorts are managed by admins.
pub fn manages(who: &Principal, cohort: &Cohort) -> bool {
    who.is_admin() || cohort.region_id.is_some_and(|r| who.manages_region(r))
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
    enrol_by(conn, cohort_id, user_id, None, now)
}

/// Like [`enrol`], naming who did it in the enrolment's history.
pub fn enrol_by(
    conn: &mut AnyConnection,
    cohort_id: i64,
    user_id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let existing: Option<(i64, String)> = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::user_id.eq(user_id))
        .select((enrolments::id, enrolments::status))
        .first(conn)
        .optional()?;
    let id = match existing {
        Some((id, status)) if status == "withdrawn" => {
            set_status(conn, id, "active", actor, "", now)?;
            id
        }
        Some((id, _)) => id,
        None => {
            let id = diesel::insert_into(enrolments::table)
                .values((
                    enrolments::cohort_id.eq(cohort_id),
                    enrolments::user_id.eq(user_id),
                    enrolments::status.eq("active"),
                    enrolments::created_at.eq(now),
                    enrolments::updated_at.eq(now),
                ))
                .returning(enrolments::id)
                .get_result(conn)?;
            record_event(conn, id, "active", actor, "", now)?;
            id
        }
    };
    Ok(id)
}

fn record_event(
    conn: &mut AnyConnection,
    enrolment_id: i64,
    status: &str,
    actor: Option<i64>,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(enrolment_events::table)
        .values((
            enrolment_events::enrolment_id.eq(enrolment_id),
            enrolment_events::status.eq(status),
            enrolment_events::actor_user_id.eq(actor),
            enrolment_events::note.eq(note),
            enrolment_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Changes an enrolment's status and keeps the change in its history.
pub fn set_status(
    conn: &mut AnyConnection,
    enrolment_id: i64,
    status: &str,
    actor: Option<i64>,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(enrolments::table.find(enrolment_id))
        .set((
            enrolments::status.eq(status),
            enrolments::updated_at.eq(now),
        ))
        .execute(conn)?;
    record_event(conn, enrolment_id, status, actor, note, now)
}

/// Brings a withdrawn trainee back, if there is a seat.
pub fn reenrol(
    conn: &mut AnyConnection,
    enrolment_id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    crate::db::write_tx(conn, |c| {
        let (cohort_id, status): (i64, String) = enrolments::table
            .find(enrolment_id)
            .select((enrolments::cohort_id, enrolments::status))
            .first(c)?;
        if status != "withdrawn" {
            return Err(AppError::Conflict("enrolment.not_withdrawn".into()));
        }
        let cohort = find(c, cohort_id)?;
        if cohort.cancelled_at.is_some() || cohort.archived_at.is_some() {
            return Err(AppError::Conflict("cohort.closed".into()));
        }
        if cohort
            .capacity
            .is_some_and(|cap| seats_taken(c, cohort_id).unwrap_or(0) >= i64::from(cap))
        {
            return Err(AppError::Conflict("cohort.full".into()));
        }
        set_status(c, enrolment_id, "active", actor, "", now)
    })
}

/// One trainee on the cohort page.
#[derive(Debug, Clone, Serialize)]
pub struct RosterEntry {
    pub enrolment_id: i64,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub status: String,
    pub done: usize,
    pub total: usize,
    pub percent: u32,
    pub history: Vec<(String, NaiveDateTime)>,
}

/// The cohort's trainees with their progress and status history.
pub fn roster(conn: &mut AnyConnection, cohort: &Cohort) -> AppResult<Vec<RosterEntry>> {
    let rows: Vec<(i64, i64, String, String, Option<String>, String)> = enrolments::table
        .inner_join(users::table.left_join(organisations::table))
        .filter(enrolments::cohort_id.eq(cohort.id))
        .order(users::name)
        .select((
            enrolments::id,
            users::id,
            users::name,
            users::email,
            organisations::name.nullable(),
            enrolments::status,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (enrolment_id, user_id, name, email, organisation, status) in rows {
        let o = crate::learning::outline::outline(conn, cohort.course_id, user_id)?;
        let history = enrolment_events::table
            .filter(enrolment_events::enrolment_id.eq(enrolment_id))
            .order(enrolment_events::id)
            .select((enrolment_events::status, enrolment_events::created_at))
            .load(conn)?;
        out.push(RosterEntry {
            enrolment_id,
            user_id,
            name,
            email,
            organisation,
            status,
            done: o.done,
            total: o.total,
            percent: o.percent,
            history,
        });
    }
    Ok(out)
}

/// The cohort's trainers: (user id, name, e-mail).
pub fn trainers(conn: &mut AnyConnection, cohort_id: i64) -> AppResult<Vec<(i64, String, String)>> {
    Ok(cohort_trainers::table
        .inner_join(users::table)
        .filter(cohort_trainers::cohort_id.eq(cohort_id))
        .order(users::name)
        .select((users::id, users::name, users::email))
        .load(conn)?)
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
    Ok(oversees(conn, who, cohort)?.then_some(CohortRole::Overseer))
}

/// Whether `who` oversees the cohort without being in it: an admin, a coordinator of its
/// region, or a county coordinator whose county's people study in it.
pub(crate) fn oversees(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort: &Cohort,
) -> AppResult<bool> {
    if who.is_admin() || cohort.region_id.is_some_and(|r| who.manages_region(r)) {
        return Ok(true);
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
        return Ok(n > 0);
    }
    Ok(false)
}

/// The course a cohort runs: (id, slug, title).
pub fn course_of(conn: &mut AnyConnection, cohort: &Cohort) -> AppResult<(i64, String, String)> {
    Ok(courses::table
        .find(cohort.course_id)
        .select((courses::id, courses::slug, courses::title))
        .first(conn)?)
}
