//! Undoing a refresher enrolment: a coordinator releases an expert with a reason, or the daily
//! check finds an enrolled expert current again. Either way the case closes, the membership is
//! active again, the refresher place is freed (the cohort's waitlist moves up) and the expert
//! is told by e-mail — in one transaction.

use super::cases::{queue_mail, set_membership_status};
use super::experts::Expert;
use super::queue::drain_queue;
use super::report::Action;
use super::rule::{assess, plus_months, rule, State};
use crate::accounts::{audit, Principal};
use crate::cohorts;
use crate::db::schema::{cohorts as cohort_t, enrolments, refresher_cases};
use crate::db::schema::{lesson_progress, lessons};
use crate::db::{write_tx, AnyConnection};
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// The open case of an expert as release needs it.
struct OpenCaseRow {
    id: i64,
    status: String,
    enrolment_id: Option<i64>,
    decided_by: Option<i64>,
}

fn open_case_of(c: &mut AnyConnection, user_id: i64) -> AppResult<Option<OpenCaseRow>> {
    let row: Option<(i64, String, Option<i64>, Option<i64>)> = refresher_cases::table
        .filter(refresher_cases::user_id.eq(user_id))
        .filter(refresher_cases::closed_at.is_null())
        .select((
            refresher_cases::id,
            refresher_cases::status,
            refresher_cases::enrolment_id,
            refresher_cases::decided_by,
        ))
        .first(c)
        .optional()?;
    Ok(
        row.map(|(id, status, enrolment_id, decided_by)| OpenCaseRow {
            id,
            status,
            enrolment_id,
            decided_by,
        }),
    )
}

/// The refresher enrolment, while it still holds a place: (cohort id, cohort name).
fn active_enrolment(
    c: &mut AnyConnection,
    enrolment_id: Option<i64>,
) -> AppResult<Option<(i64, String)>> {
    let Some(id) = enrolment_id else {
        return Ok(None);
    };
    Ok(enrolments::table
        .inner_join(cohort_t::table)
        .filter(enrolments::id.eq(id))
        .filter(enrolments::status.eq("active"))
        .select((cohort_t::id, cohort_t::name))
        .first(c)
        .optional()?)
}

/// Withdraws the enrolment and gives its place to the cohort's waitlist (the caller's tx).
fn free_place(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    enrolment_id: i64,
    cohort_id: i64,
    actor: Option<i64>,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    cohorts::set_status(c, enrolment_id, "withdrawn", actor, note, now)?;
    cohorts::applications::promote_waitlist(c, cohort_id, msg, actor, now)?;
    Ok(())
}

/// Whether the expert has studied in the refresher cohort since being enrolled.
fn has_started(c: &mut AnyConnection, user_id: i64, enrolment_id: i64) -> AppResult<bool> {
    let (course_id, since): (i64, NaiveDateTime) = enrolments::table
        .inner_join(cohort_t::table)
        .filter(enrolments::id.eq(enrolment_id))
        .select((cohort_t::course_id, enrolments::created_at))
        .first(c)?;
    let n: i64 = lesson_progress::table
        .inner_join(lessons::table)
        .filter(lesson_progress::user_id.eq(user_id))
        .filter(lessons::course_id.eq(course_id))
        .filter(lesson_progress::updated_at.ge(since))
        .count()
        .get_result(c)?;
    Ok(n > 0)
}

/// For a dry run: would [`back_to_current`] free the place of this case?
pub(super) fn frees_place(conn: &mut AnyConnection, case_id: i64) -> AppResult<bool> {
    let (user_id, enrolment_id, decided_by): (i64, Option<i64>, Option<i64>) =
        refresher_cases::table
            .find(case_id)
            .select((
                refresher_cases::user_id,
                refresher_cases::enrolment_id,
                refresher_cases::decided_by,
            ))
            .first(conn)?;
    Ok(match active_enrolment(conn, enrolment_id)? {
        Some(_) if decided_by.is_none() => {
            !has_started(conn, user_id, enrolment_id.unwrap_or_default())?
        }
        _ => false,
    })
}

/// The daily check found an enrolled expert current again (a training was logged, or they
/// were enrolled by mistake): the case closes and the membership is active. A place the check
/// itself gave is freed, unless the expert has started studying; one a coordinator gave by
/// hand stays (the coordinator decided).
pub(super) fn back_to_current(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    case_id: i64,
    expert: &Expert,
    now: NaiveDateTime,
) -> AppResult<Action> {
    write_tx(conn, |c| {
        let Some(case) = open_case_of(c, expert.user_id)?.filter(|k| k.id == case_id) else {
            return Ok(Action::HandledElsewhere);
        };
        let withdrawn = match active_enrolment(c, case.enrolment_id)? {
            Some((cohort_id, cohort)) if case.decided_by.is_none() => {
                let enrolment_id = case.enrolment_id.unwrap_or_default();
                if has_started(c, expert.user_id, enrolment_id)? {
                    false
                } else {
                    free_place(c, msg, enrolment_id, cohort_id, None, "current again", now)?;
                    tell(c, msg, expert, case.id, Some(&cohort), None, None, now)?;
                    true
                }
            }
            _ => false,
        };
        close(c, case.id, "resolved", None, None, None, now)?;
        set_membership_status(c, expert.user_id, "active")?;
        Ok(Action::BackToCurrent { withdrawn })
    })
}

/// Closes the case with its outcome (and the coordinator's decision, if any).
fn close(
    c: &mut AnyConnection,
    case_id: i64,
    status: &str,
    excused_until: Option<NaiveDate>,
    decided_by: Option<i64>,
    note: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(refresher_cases::table.find(case_id))
        .set((
            refresher_cases::status.eq(status),
            refresher_cases::excused_until.eq(excused_until),
            refresher_cases::updated_at.eq(now),
            refresher_cases::closed_at.eq(now),
        ))
        .execute(c)?;
    if let (Some(by), Some(note)) = (decided_by, note) {
        diesel::update(refresher_cases::table.find(case_id))
            .set((
                refresher_cases::decided_by.eq(by),
                refresher_cases::note.eq(note),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// The e-mail saying the refresher place was released: by a coordinator (with their reason,
/// and the day until which no new refresher is asked), or because the expert is current again.
#[allow(clippy::too_many_arguments)]
fn tell(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    expert: &Expert,
    case_id: i64,
    cohort: Option<&str>,
    reason: Option<&str>,
    until: Option<NaiveDate>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let mut ctx = tera::Context::new();
    ctx.insert("name", &expert.name);
    ctx.insert("cohort", &cohort);
    ctx.insert("reason", &reason);
    ctx.insert("until", &until.map(|d| d.to_string()));
    ctx.insert("expert_link", &format!("{}/asiantuntija", msg.base_url));
    queue_mail(
        c,
        msg,
        expert,
        "refresher_released",
        format!("refresher:{case_id}:released"),
        ctx,
        now,
    )
}

/// What a release did, for the coordinator's notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Released {
    /// The refresher place was freed.
    PlaceFreed,
    /// The expert was waiting for a cohort; now they are not.
    FromQueue,
}

/// A coordinator of the expert's area (or an admin) releases them from the refresher with a
/// reason: the case closes, the membership is active again, the refresher place is freed (the
/// waitlist moves up), the expert is told, and the audit log keeps the reason. An expert still
/// lapsed today needs a day until which no new refresher is asked (`until`); otherwise the
/// next daily check would enrol them again. A freed place then goes to the refresher queue.
#[allow(clippy::too_many_arguments)]
pub fn release(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    who: &Principal,
    user_id: i64,
    until: Option<NaiveDate>,
    note: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Released> {
    let note = super::decisions::reason(note)?;
    let expert = super::decisions::expert_managed_by(conn, who, user_id, today)?;
    let lapsed = match rule(conn)? {
        Some(rule) => {
            assess(rule, expert.last_completion, expert.last_training, today).state == State::Lapsed
        }
        None => false,
    };
    if let Some(u) = until {
        if u <= today || u > plus_months(today, 36) {
            return Err(AppError::Invalid("refresher.until_invalid".into()));
        }
    }
    if lapsed && until.is_none() {
        return Err(AppError::Invalid("refresher.release_until_required".into()));
    }
    let outcome = write_tx(conn, |c| {
        let Some(case) = open_case_of(c, user_id)? else {
            return Err(AppError::Conflict("refresher.changed".into()));
        };
        let (outcome, cohort) = match active_enrolment(c, case.enrolment_id)? {
            Some((cohort_id, cohort)) if case.status == "enrolled" => {
                let enrolment_id = case.enrolment_id.unwrap_or_default();
                free_place(
                    c,
                    msg,
                    enrolment_id,
                    cohort_id,
                    Some(who.user_id),
                    &note,
                    now,
                )?;
                (Released::PlaceFreed, Some(cohort))
            }
            _ => (Released::FromQueue, None),
        };
        tell(
            c,
            msg,
            &expert,
            case.id,
            cohort.as_deref(),
            Some(&note),
            until,
            now,
        )?;
        // With a day given the check leaves them be until then (as an excuse does).
        let status = if until.is_some() {
            "excused"
        } else {
            "resolved"
        };
        close(
            c,
            case.id,
            status,
            until,
            Some(who.user_id),
            Some(&note),
            now,
        )?;
        set_membership_status(c, user_id, "active")?;
        audit::record_in(
            c,
            expert.audit_area(),
            Some(who.user_id),
            "refresher.release",
            &format!("user:{user_id}"),
            &match until {
                Some(u) => format!("case:{}; until {u}; {note}", case.id),
                None => format!("case:{}; {note}", case.id),
            },
            now,
        )?;
        Ok(outcome)
    })?;
    // The freed place goes to a lapsed expert waiting for a cohort at once, as when a
    // coordinator opens one (the applicants' waitlist had its turn inside the transaction).
    if outcome == Released::PlaceFreed {
        drain_queue(conn, msg, today, now)?;
    }
    Ok(outcome)
}
