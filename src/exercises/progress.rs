//! When an exercise lesson is done: the entry is submitted and what the course requires is
//! given — the self-assessment, the peer reviews the writer owes (as many as the cohort has
//! other entries, up to the exercise's `peer_reviews`), the trainer's assessment. Checked in
//! the transaction of every step that may meet a requirement; the lesson is then marked done
//! and, if it was the course's last, the completion (certificate, membership, e-mails) follows
//! in the same transaction, as `learning::completion` does it.

use super::model::{EntryRow, DONE, PEER, SELF, TRAINER};
use crate::courses::exercise_model::{Exercise, Requirement};
use crate::db::schema::lessons;
use crate::db::schema_exercises::{exercise_entries as ee, exercise_reviews as er};
use crate::db::{is_unique_violation, AnyConnection};
use crate::learning::{self, completion, marks};
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// Where a trainee stands with one exercise.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Status {
    pub submitted: bool,
    pub self_done: bool,
    /// Peer reviews the trainee owes now, done and waiting.
    pub reviews_required: usize,
    pub reviews_done: usize,
    pub reviews_open: usize,
    pub trainer_done: bool,
    /// The lesson also has self-checks (all must be answered right).
    pub has_checks: bool,
    pub checks_done: bool,
    /// Requirements not met yet: `submit`, `self`, `peer`, `trainer`, `checks`.
    pub missing: Vec<&'static str>,
    pub done: bool,
}

/// The trainee's status with the exercise of `lesson_id` in `cohort_id`.
pub fn status(
    conn: &mut AnyConnection,
    exercise: &Exercise,
    cohort_id: i64,
    lesson_id: i64,
    entry: Option<&EntryRow>,
    user_id: i64,
) -> AppResult<Status> {
    let mut s = Status {
        submitted: entry.is_some_and(|e| e.submitted_at.is_some()),
        ..Status::default()
    };
    if let Some(e) = entry {
        let kinds: Vec<String> = er::table
            .filter(er::entry_id.eq(e.id))
            .filter(er::status.eq(DONE))
            .filter(er::kind.eq_any([SELF, TRAINER]))
            .select(er::kind)
            .load(conn)?;
        s.self_done = kinds.iter().any(|k| k == SELF);
        s.trainer_done = kinds.iter().any(|k| k == TRAINER);
    }
    if exercise.review.peers() {
        let mine: Vec<String> = er::table
            .inner_join(ee::table)
            .filter(ee::cohort_id.eq(cohort_id))
            .filter(ee::lesson_id.eq(lesson_id))
            .filter(er::kind.eq(PEER))
            .filter(er::reviewer_id.eq(user_id))
            .select(er::status)
            .load(conn)?;
        s.reviews_done = mine.iter().filter(|st| *st == DONE).count();
        s.reviews_open = mine
            .iter()
            .filter(|st| *st == super::model::ASSIGNED)
            .count();
        let others: i64 = ee::table
            .filter(ee::cohort_id.eq(cohort_id))
            .filter(ee::lesson_id.eq(lesson_id))
            .filter(ee::user_id.ne(user_id))
            .filter(ee::submitted_at.is_not_null())
            .count()
            .get_result(conn)?;
        s.reviews_required =
            (exercise.peer_reviews as usize).min(usize::try_from(others).unwrap_or(0));
    }
    if !s.submitted {
        s.missing.push("submit");
    }
    if exercise.requires(Requirement::SelfAssessment) && !s.self_done {
        s.missing.push("self");
    }
    if exercise.requires(Requirement::PeerReviews) && s.reviews_done < s.reviews_required {
        s.missing.push("peer");
    }
    if exercise.requires(Requirement::TrainerAssessment) && !s.trainer_done {
        s.missing.push("trainer");
    }
    let (has_checks, checks_done) = checks_status(conn, lesson_id, user_id)?;
    s.has_checks = has_checks;
    s.checks_done = checks_done;
    if has_checks && !checks_done {
        s.missing.push("checks");
    }
    s.done = s.missing.is_empty();
    Ok(s)
}

/// Whether the lesson has self-checks, and whether the user's last answers got them all right.
fn checks_status(
    conn: &mut AnyConnection,
    lesson_id: i64,
    user_id: i64,
) -> AppResult<(bool, bool)> {
    let (course_id, slug): (i64, String) = lessons::table
        .find(lesson_id)
        .select((lessons::course_id, lessons::slug))
        .first(conn)?;
    let lesson = match learning::lesson(conn, course_id, &slug) {
        Ok(l) => l,
        // A retired lesson: its exercise still counts, its checks no longer do.
        Err(AppError::NotFound) => return Ok((false, false)),
        Err(e) => return Err(e),
    };
    if lesson.checks.is_empty() {
        return Ok((false, false));
    }
    let progress = learning::progress(conn, user_id, lesson_id)?;
    let right = learning::stored_outcome(&lesson, &progress).is_some_and(|o| o.all_correct);
    Ok((true, right))
}

/// After the trainee answered a lesson's self-checks: the lesson may now be done if it has an
/// exercise whose requirements are met. In one transaction, as every other step.
pub fn after_checks(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    cohort_id: i64,
    lesson_id: i64,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<Refreshed> {
    let Some(exercise) = super::model::exercise_of(conn, lesson_id)? else {
        return Ok(Refreshed::default());
    };
    crate::db::write_tx(conn, |tx| {
        refresh(tx, msg, &exercise, cohort_id, lesson_id, user_id, now)
    })
}

/// What [`refresh`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// The lesson became done now.
    pub lesson_done: bool,
    /// …and with it the course: the enrolment completed now.
    pub completed: bool,
}

/// Marks the lesson done for `user_id` when the requirements are met, and completes their
/// enrolment when it was the course's last lesson — in the caller's transaction.
pub fn refresh(
    tx: &mut AnyConnection,
    msg: &Messaging<'_>,
    exercise: &Exercise,
    cohort_id: i64,
    lesson_id: i64,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<Refreshed> {
    let entry = super::access::entry_of(tx, cohort_id, lesson_id, user_id)?;
    let st = status(tx, exercise, cohort_id, lesson_id, entry.as_ref(), user_id)?;
    if !st.done || !marks::mark_done_in(tx, user_id, lesson_id, now)? {
        return Ok(Refreshed::default());
    }
    let mut out = Refreshed {
        lesson_done: true,
        completed: false,
    };
    if let Some(enrolment) = completion::enrolment_of(tx, cohort_id, user_id)? {
        // A savepoint: a completion racing this one (a unique violation) leaves the rest of the
        // transaction intact.
        let done = tx
            .transaction::<_, AppError, _>(|c| completion::complete_in_tx(c, msg, enrolment, now));
        match done {
            Ok(outcome) => {
                out.completed = matches!(outcome, completion::Outcome::Completed { .. });
            }
            Err(AppError::Internal(e))
                if e.downcast_ref::<diesel::result::Error>()
                    .is_some_and(is_unique_violation) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}
