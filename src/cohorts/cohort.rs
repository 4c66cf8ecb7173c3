//! The cohort row, finding one, the course it runs, and the lists of cohorts: open for
//! applications, managed by a coordinator, visible on the cohort list.

use crate::accounts::Principal;
use crate::db::schema::{cohorts, courses};
use crate::db::AnyConnection;
use crate::AppResult;
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

pub fn find(conn: &mut AnyConnection, id: i64) -> AppResult<Cohort> {
    Ok(cohorts::table
        .find(id)
        .select(Cohort::as_select())
        .first(conn)?)
}

/// The course a cohort runs: (id, slug, title).
pub fn course_of(conn: &mut AnyConnection, cohort: &Cohort) -> AppResult<(i64, String, String)> {
    Ok(courses::table
        .find(cohort.course_id)
        .select((courses::id, courses::slug, courses::title))
        .first(conn)?)
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
