//! The refresher cohorts that take people on a day, which one an expert goes to, and their
//! seats.

use crate::cohorts;
use crate::db::schema::{cohorts as cohort_t, courses, enrolments};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A refresher cohort that takes people on `as_of`: of the active refresher course, not ended,
/// its application window (if any) not closed, and seats left.
#[derive(Debug, Clone, Serialize)]
pub struct OpenCohort {
    pub id: i64,
    pub name: String,
    pub course: String,
    pub region_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub seats_left: Option<i64>,
}

pub fn open_refresher_cohorts(
    conn: &mut AnyConnection,
    as_of: NaiveDate,
) -> AppResult<Vec<OpenCohort>> {
    type Row = (
        i64,
        String,
        String,
        Option<i64>,
        Option<NaiveDate>,
        Option<i32>,
    );
    let rows: Vec<Row> = cohort_t::table
        .inner_join(courses::table)
        .filter(courses::kind.eq("refresher"))
        .filter(courses::active.eq(true))
        .filter(cohort_t::cancelled_at.is_null())
        .filter(cohort_t::archived_at.is_null())
        .filter(cohort_t::ends_on.is_null().or(cohort_t::ends_on.ge(as_of)))
        .filter(
            cohort_t::applications_close_on
                .is_null()
                .or(cohort_t::applications_close_on.ge(as_of)),
        )
        .select((
            cohort_t::id,
            cohort_t::name,
            courses::title,
            cohort_t::region_id,
            cohort_t::starts_on,
            cohort_t::capacity,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let taken: HashMap<i64, i64> = enrolments::table
        .filter(enrolments::cohort_id.eq_any(&ids))
        .filter(enrolments::status.ne("withdrawn"))
        .group_by(enrolments::cohort_id)
        .select((enrolments::cohort_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let mut out: Vec<OpenCohort> = rows
        .into_iter()
        .map(
            |(id, name, course, region_id, starts_on, capacity)| OpenCohort {
                id,
                name,
                course,
                region_id,
                starts_on,
                seats_left: capacity.map(|c| i64::from(c) - taken.get(&id).copied().unwrap_or(0)),
            },
        )
        .filter(|c| c.seats_left.is_none_or(|s| s > 0))
        .collect();
    // Soonest start first; a cohort without a start date (continuous intake) after dated ones.
    out.sort_by_key(|c| (c.starts_on.is_none(), c.starts_on, c.id));
    Ok(out)
}

/// The cohort an expert of `region_id` goes to: their region's next, else a national one.
pub(super) fn choose(open: &[OpenCohort], region_id: i64) -> Option<&OpenCohort> {
    open.iter()
        .find(|c| c.region_id == Some(region_id))
        .or_else(|| open.iter().find(|c| c.region_id.is_none()))
}

pub(super) fn take_seat(cohorts: &mut Vec<OpenCohort>, cohort_id: i64, seats_left: Option<i64>) {
    if seats_left.is_some() {
        if let Some(c) = cohorts.iter_mut().find(|c| c.id == cohort_id) {
            c.seats_left = c.seats_left.map(|s| s - 1);
        }
        cohorts.retain(|c| c.seats_left.is_none_or(|s| s > 0));
    }
}

/// Seats are counted again inside the transaction: the list may be stale.
pub(super) fn has_seat(c: &mut AnyConnection, cohort: &OpenCohort) -> AppResult<bool> {
    let capacity: Option<i32> = cohort_t::table
        .find(cohort.id)
        .select(cohort_t::capacity)
        .first(c)?;
    Ok(match capacity {
        None => true,
        Some(cap) => cohorts::seats_taken(c, cohort.id)? < i64::from(cap),
    })
}
