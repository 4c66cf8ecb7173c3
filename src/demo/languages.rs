//! The demo's cohort of the basic course in Swedish (`dokumentationsutbildning`), open for
//! applications nationally, so the Swedish course can be tried from `/haku` like the Finnish
//! one.

use super::{DemoReport, TRAINER};
use crate::accounts;
use crate::cohorts::{self, NewCohort};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;

/// The name of the demo's Swedish cohort.
pub const DEMO_SWEDISH_COHORT: &str = "Våren 2027, på svenska (demo)";

/// Creates the Swedish cohort once (when the Swedish course is published), with the demo
/// trainer.
pub fn seed_swedish_cohort(
    conn: &mut AnyConnection,
    report: &mut DemoReport,
    now: NaiveDateTime,
) -> AppResult<()> {
    use crate::db::schema::{cohorts as c, courses};
    use diesel::prelude::*;
    let Some(course_id) = courses::table
        .filter(courses::slug.eq("dokumentationsutbildning"))
        .filter(courses::active.eq(true))
        .select(courses::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(());
    };
    let exists: i64 = c::table
        .filter(c::name.eq(DEMO_SWEDISH_COHORT))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    report.cohorts += 1;
    let today = now.date();
    let cohort = cohorts::create(
        conn,
        NewCohort {
            course_id,
            name: DEMO_SWEDISH_COHORT,
            region_id: None,
            starts_on: Some(today + chrono::Duration::days(30)),
            ends_on: Some(today + chrono::Duration::days(58)),
            capacity: Some(30),
            applications_open_on: Some(today),
            applications_close_on: Some(today + chrono::Duration::days(21)),
            manager_approval_required: true,
            work_hours: 20,
            lessons_open_at_start: false,
            description: "En fyra veckor lång webbutbildning i dokumentation av klientarbetet, på svenska. Utbildarna deltar i diskussionerna.",
        },
        now,
    )?;
    if let Some(trainer) = accounts::model::find_by_email(conn, TRAINER)? {
        cohorts::add_trainer(conn, cohort.id, trainer.id)?;
    }
    Ok(())
}
