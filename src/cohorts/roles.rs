//! Who may see and manage a cohort: its trainees, its trainers, and those who oversee it.

use super::cohort::Cohort;
use crate::accounts::Principal;
use crate::db::schema::{cohort_trainers, counties, enrolments, organisations, users};
use crate::db::AnyConnection;
use crate::AppResult;
use diesel::prelude::*;
use serde::Serialize;

/// Whether `who` manages the cohort: admins, and the coordinators of its region. National
/// cohorts are managed by admins.
pub fn manages(who: &Principal, cohort: &Cohort) -> bool {
    who.is_admin() || cohort.region_id.is_some_and(|r| who.manages_region(r))
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
