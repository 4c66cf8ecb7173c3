//! Opening a cohort and changing its settings.

use super::cohort::{find, Cohort, NewCohort};
use super::{applications, rules};
use crate::db::schema::cohorts;
use crate::db::AnyConnection;
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

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
