//! The trainers' desk's second queue: entries of the trainer's cohorts waiting for the
//! trainer's assessment (the latest version not yet assessed), oldest first, with how long
//! each has waited.

use super::model::{exercise_of, TRAINER};
use crate::db::schema::{cohort_trainers, cohorts, lessons, users};
use crate::db::schema_exercises::{exercise_entries as ee, exercise_reviews as er};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// An entry waiting for the trainer.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    pub entry_id: i64,
    pub cohort_id: i64,
    pub cohort_name: String,
    pub lesson_title: String,
    pub writer_name: String,
    pub version: i32,
    pub submitted_at: NaiveDateTime,
    pub waiting_hours: i64,
    pub waiting_days: i64,
    pub waiting_rest_hours: i64,
}

type Row = (i64, i64, String, i64, String, String, i32, NaiveDateTime);

/// Entries waiting for the trainer's assessment in the cohorts `trainer_id` trains.
pub fn waiting_for(
    conn: &mut AnyConnection,
    trainer_id: i64,
    now: NaiveDateTime,
) -> AppResult<Vec<Waiting>> {
    let rows: Vec<Row> = ee::table
        .inner_join(cohorts::table)
        .inner_join(lessons::table)
        .inner_join(users::table)
        .inner_join(cohort_trainers::table.on(cohort_trainers::cohort_id.eq(ee::cohort_id)))
        .filter(cohort_trainers::user_id.eq(trainer_id))
        .filter(ee::versions.gt(0))
        .filter(lessons::active.eq(true))
        .order((ee::latest_at, ee::id))
        .limit(1000)
        .select((
            ee::id,
            cohorts::id,
            cohorts::name,
            lessons::id,
            lessons::title,
            users::name,
            ee::versions,
            ee::latest_at.assume_not_null(),
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let assessed: HashSet<(i64, i32)> = er::table
        .filter(er::entry_id.eq_any(&ids))
        .filter(er::kind.eq(TRAINER))
        .select((er::entry_id, er::version))
        .load::<(i64, i32)>(conn)?
        .into_iter()
        .collect();
    let mut trainer_reviews: HashMap<i64, bool> = HashMap::new();
    let mut out = Vec::new();
    for (entry_id, cohort_id, cohort_name, lesson_id, lesson_title, writer_name, version, at) in
        rows
    {
        if assessed.contains(&(entry_id, version)) {
            continue;
        }
        let reviewed = match trainer_reviews.get(&lesson_id) {
            Some(r) => *r,
            None => {
                let r = exercise_of(conn, lesson_id)?.is_some_and(|e| e.review.trainer());
                trainer_reviews.insert(lesson_id, r);
                r
            }
        };
        if !reviewed {
            continue;
        }
        let hours = (now - at).num_hours().max(0);
        out.push(Waiting {
            entry_id,
            cohort_id,
            cohort_name,
            lesson_title,
            writer_name,
            version,
            submitted_at: at,
            waiting_hours: hours,
            waiting_days: hours / 24,
            waiting_rest_hours: hours % 24,
        });
    }
    Ok(out)
}
