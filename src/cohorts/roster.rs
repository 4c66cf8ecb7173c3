//! The cohort's people: its trainers, and its trainees with their progress and status
//! history.

use super::cohort::Cohort;
use crate::db::schema::{cohort_trainers, enrolment_events, enrolments, organisations, users};
use crate::db::{insert_unless_duplicate, AnyConnection};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

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

/// The cohort's trainees with their progress and status history (four statements for any
/// number of trainees).
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
    let users: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let (total, done) = crate::learning::outline::done_counts(conn, cohort.course_id, &users)?;
    let enrolment_ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut histories: HashMap<i64, Vec<(String, NaiveDateTime)>> = HashMap::new();
    for (enrolment_id, status, at) in enrolment_events::table
        .filter(enrolment_events::enrolment_id.eq_any(&enrolment_ids))
        .order(enrolment_events::id)
        .select((
            enrolment_events::enrolment_id,
            enrolment_events::status,
            enrolment_events::created_at,
        ))
        .load::<(i64, String, NaiveDateTime)>(conn)?
    {
        histories
            .entry(enrolment_id)
            .or_default()
            .push((status, at));
    }
    let mut out = Vec::with_capacity(rows.len());
    for (enrolment_id, user_id, name, email, organisation, status) in rows {
        let done = done.get(&user_id).copied().unwrap_or(0);
        out.push(RosterEntry {
            enrolment_id,
            user_id,
            name,
            email,
            organisation,
            status,
            done,
            total,
            percent: crate::learning::outline::percent(done, total),
            history: histories.remove(&enrolment_id).unwrap_or_default(),
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
