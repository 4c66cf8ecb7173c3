//! The cohort's people: its trainers, and its trainees with their progress and status
//! history.

use super::cohort::Cohort;
use crate::db::schema::{cohort_trainers, enrolment_events, enrolments, organisations, users};
use crate::db::{insert_unless_duplicate, AnyConnection};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

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
