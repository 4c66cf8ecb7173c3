//! What a trainer sees of the cohorts they teach: each current cohort with its trainees'
//! progress (the questions waiting for them come from `discussions`, joined in the web layer).

use super::cohort::Cohort;
use super::roster::{roster, RosterEntry};
use super::rules::Phase;
use crate::db::schema::{cohort_trainers, cohorts, courses};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

/// One cohort on a trainer's home page.
#[derive(Debug, Clone, Serialize)]
pub struct Taught {
    pub cohort: Cohort,
    pub course: String,
    pub phase: Phase,
    /// Trainees studying or done (not those who left).
    pub trainees: Vec<RosterEntry>,
    pub completed: usize,
    /// The mean progress of those trainees, in per cent.
    pub mean_percent: f64,
}

/// The cohorts `trainer_id` teaches that are not cancelled or archived, the running and
/// upcoming first.
pub fn taught_by(
    conn: &mut AnyConnection,
    trainer_id: i64,
    today: NaiveDate,
) -> AppResult<Vec<Taught>> {
    let rows: Vec<(Cohort, String)> = cohorts::table
        .inner_join(cohort_trainers::table)
        .inner_join(courses::table)
        .filter(cohort_trainers::user_id.eq(trainer_id))
        .filter(cohorts::cancelled_at.is_null())
        .filter(cohorts::archived_at.is_null())
        .order((cohorts::starts_on.desc(), cohorts::id.desc()))
        .select((Cohort::as_select(), courses::title))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (cohort, course) in rows {
        let trainees: Vec<RosterEntry> = roster(conn, &cohort)?
            .into_iter()
            .filter(|r| r.status != "withdrawn")
            .collect();
        let completed = trainees.iter().filter(|r| r.status == "completed").count();
        let mean_percent = if trainees.is_empty() {
            0.0
        } else {
            trainees.iter().map(|r| f64::from(r.percent)).sum::<f64>() / trainees.len() as f64
        };
        out.push(Taught {
            phase: cohort.phase(today),
            cohort,
            course,
            trainees,
            completed,
            mean_percent,
        });
    }
    out.sort_by_key(|t| match t.phase {
        Phase::Running => 0,
        Phase::Upcoming => 1,
        _ => 2,
    });
    Ok(out)
}

/// Every cohort `trainer_id` teaches (archived and cancelled too), newest first, with the
/// course title: the trainer's cohort list.
pub fn taught_list(conn: &mut AnyConnection, trainer_id: i64) -> AppResult<Vec<(Cohort, String)>> {
    Ok(cohorts::table
        .inner_join(cohort_trainers::table)
        .inner_join(courses::table)
        .filter(cohort_trainers::user_id.eq(trainer_id))
        .order(cohorts::id.desc())
        .select((Cohort::as_select(), courses::title))
        .load(conn)?)
}
