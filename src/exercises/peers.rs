//! Peer review assignments in the database: the pool of one exercise of one cohort is loaded,
//! the pure rules of [`super::allocation`] decide, and the changes are stored here in the
//! caller's transaction with the e-mails they cause (an entry waits for your review).

use super::access::Scope;
use super::allocation::{self, Assignment, Change, Pool, State};
use super::model::{ASSIGNED, DONE, EXPIRED, PEER};
use super::notify;
use crate::db::schema_exercises::{exercise_entries as ee, exercise_reviews as er};
use crate::db::{write_tx, AnyConnection};
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// The submitters (first first) and the peer assignments of one exercise in one cohort.
pub fn pool(conn: &mut AnyConnection, scope: &Scope) -> AppResult<Pool> {
    let submitters: Vec<i64> = ee::table
        .filter(ee::cohort_id.eq(scope.cohort_id))
        .filter(ee::lesson_id.eq(scope.lesson_id))
        .filter(ee::submitted_at.is_not_null())
        .order((ee::submitted_at, ee::id))
        .select(ee::user_id)
        .load(conn)?;
    let rows: Vec<(Option<i64>, i64, String)> = er::table
        .inner_join(ee::table)
        .filter(ee::cohort_id.eq(scope.cohort_id))
        .filter(ee::lesson_id.eq(scope.lesson_id))
        .filter(er::kind.eq(PEER))
        .order(er::id)
        .select((er::reviewer_id, ee::user_id, er::status))
        .load(conn)?;
    let assignments = rows
        .into_iter()
        .filter_map(|(reviewer, author, status)| {
            Some(Assignment {
                reviewer: reviewer?,
                author,
                state: match status.as_str() {
                    DONE => State::Done,
                    EXPIRED => State::Expired,
                    _ => State::Open,
                },
            })
        })
        .collect();
    Ok(Pool {
        k: scope.exercise.peer_reviews as usize,
        submitters,
        assignments,
    })
}

fn entry_of_author(tx: &mut AnyConnection, scope: &Scope, author: i64) -> AppResult<(i64, i32)> {
    Ok(ee::table
        .filter(ee::cohort_id.eq(scope.cohort_id))
        .filter(ee::lesson_id.eq(scope.lesson_id))
        .filter(ee::user_id.eq(author))
        .select((ee::id, ee::versions))
        .first(tx)?)
}

/// Stores the changes; each new assignment tells its reviewer (once a day at most) unless
/// `msg` is None (the demo world).
pub fn store(
    tx: &mut AnyConnection,
    msg: Option<&Messaging<'_>>,
    scope: &Scope,
    changes: &[Change],
    now: NaiveDateTime,
) -> AppResult<()> {
    let due = now + Duration::days(i64::from(scope.exercise.review_days.max(1)));
    for change in changes {
        match *change {
            Change::Assign { reviewer, author } => {
                let (entry_id, version) = entry_of_author(tx, scope, author)?;
                diesel::insert_into(er::table)
                    .values((
                        er::entry_id.eq(entry_id),
                        er::kind.eq(PEER),
                        er::reviewer_id.eq(Some(reviewer)),
                        er::status.eq(ASSIGNED),
                        er::version.eq(version.max(1)),
                        er::assigned_at.eq(now),
                        er::due_at.eq(Some(due)),
                    ))
                    .execute(tx)?;
                if let Some(msg) = msg {
                    let about = scope.about("/harjoitukset".into());
                    notify::review_waiting(tx, msg, reviewer, &about, due, now)?;
                }
            }
            Change::Withdraw { reviewer, author } => {
                let (entry_id, _) = entry_of_author(tx, scope, author)?;
                diesel::delete(
                    er::table
                        .filter(er::entry_id.eq(entry_id))
                        .filter(er::kind.eq(PEER))
                        .filter(er::reviewer_id.eq(reviewer))
                        .filter(er::status.eq(ASSIGNED)),
                )
                .execute(tx)?;
            }
            Change::Expire { reviewer, author } => {
                let (entry_id, _) = entry_of_author(tx, scope, author)?;
                diesel::update(
                    er::table
                        .filter(er::entry_id.eq(entry_id))
                        .filter(er::kind.eq(PEER))
                        .filter(er::reviewer_id.eq(reviewer))
                        .filter(er::status.eq(ASSIGNED)),
                )
                .set(er::status.eq(EXPIRED))
                .execute(tx)?;
            }
        }
    }
    Ok(())
}

/// After `user_id`'s first submission: their peers, both ways.
pub fn after_submit(
    tx: &mut AnyConnection,
    msg: &Messaging<'_>,
    scope: &Scope,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    if !scope.exercise.review.peers() {
        return Ok(());
    }
    let pool = pool(tx, scope)?;
    let changes = allocation::on_submit(&pool, user_id);
    store(tx, Some(msg), scope, &changes, now)
}

/// The trainee asks for one more entry to review (they owe reviews and have none open).
/// Returns false when there is none to give.
pub fn one_more(
    tx: &mut AnyConnection,
    msg: &Messaging<'_>,
    scope: &Scope,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let pool = pool(tx, scope)?;
    match allocation::one_more_for(&pool, user_id) {
        Some(change) => {
            store(tx, Some(msg), scope, &[change], now)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Every peer review past its window: expired and handed to another peer, one exercise and
/// cohort per transaction. Returns how many expired.
pub fn expire_overdue(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let groups: Vec<(i64, i64)> = er::table
        .inner_join(ee::table)
        .filter(er::kind.eq(PEER))
        .filter(er::status.eq(ASSIGNED))
        .filter(er::due_at.lt(now))
        .select((ee::cohort_id, ee::lesson_id))
        .distinct()
        .load(conn)?;
    let mut expired = 0;
    for (cohort_id, lesson_id) in groups {
        expired += write_tx(conn, |tx| {
            let scope = match super::access::scope(tx, cohort_id, lesson_id) {
                Ok(s) => s,
                // The lesson lost its exercise: nothing to hand on.
                Err(AppError::NotFound) => return Ok::<_, AppError>(0),
                Err(e) => return Err(e),
            };
            let overdue: Vec<(Option<i64>, i64)> = er::table
                .inner_join(ee::table)
                .filter(ee::cohort_id.eq(cohort_id))
                .filter(ee::lesson_id.eq(lesson_id))
                .filter(er::kind.eq(PEER))
                .filter(er::status.eq(ASSIGNED))
                .filter(er::due_at.lt(now))
                .order(er::id)
                .select((er::reviewer_id, ee::user_id))
                .load(tx)?;
            let overdue: Vec<(i64, i64)> = overdue
                .into_iter()
                .filter_map(|(r, a)| Some((r?, a)))
                .collect();
            let pool = pool(tx, &scope)?;
            let changes = allocation::replace_expired(&pool, &overdue);
            store(tx, Some(msg), &scope, &changes, now)?;
            Ok(overdue.len())
        })?;
    }
    Ok(expired)
}
