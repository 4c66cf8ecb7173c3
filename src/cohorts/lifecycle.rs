//! A cohort's people leaving it and the cohort's own end: a coordinator takes a trainee out
//! (the trainee is told), cancels a cohort (every applicant and trainee is told, with the
//! reason) or archives one that is over. Each is one transaction with its e-mails.

use super::applications::application::cohort_context;
use super::applications::decisions::promote_waitlist;
use super::cohort::{find, Cohort};
use super::enrolments::set_status;
use super::rules::Phase;
use crate::accounts::audit;
use crate::db::schema::{applications as apps, cohorts, enrolments, users};
use crate::db::{write_tx, AnyConnection};
use crate::i18n::{format::helsinki_date, Lang};
use crate::mail::{self, Envelope, Messaging};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The longest reason a coordinator gives for cancelling (it goes into every message).
pub const REASON_MAX: usize = 1000;

/// Takes a trainee out of the cohort (progress is kept), tells them by e-mail, and gives the
/// seat to the next one waiting.
pub fn withdraw(
    conn: &mut AnyConnection,
    enrolment_id: i64,
    actor: Option<i64>,
    note: &str,
    msg: &Messaging<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| {
        let (cohort_id, user_id, status): (i64, i64, String) = enrolments::table
            .find(enrolment_id)
            .select((
                enrolments::cohort_id,
                enrolments::user_id,
                enrolments::status,
            ))
            .first(c)?;
        if status != "active" {
            return Err(AppError::Conflict("enrolment.not_active".into()));
        }
        set_status(c, enrolment_id, "withdrawn", actor, note, now)?;
        let cohort = find(c, cohort_id)?;
        let (email, name, language): (String, String, String) = users::table
            .find(user_id)
            .select((users::email, users::name, users::language))
            .first(c)?;
        let mut ctx = cohort_context(c, &cohort)?;
        ctx.insert("name", &name);
        mail::queue(
            c,
            msg.templates,
            now,
            Envelope {
                to_email: &email,
                to_name: &name,
                language: Lang::parse(&language).unwrap_or_default(),
                user_id: Some(user_id),
                dedupe_key: format!("withdrawn:{enrolment_id}:{}", now.and_utc().timestamp()),
                template: "enrolment_withdrawn",
                context: ctx,
            },
        )?;
        promote_waitlist(c, cohort_id, msg, actor, now)?;
        // A coordinator's removal goes to the audit log in the cohort's region.
        if actor.is_some() {
            crate::accounts::audit::record_in(
                c,
                crate::accounts::audit::Area {
                    region_id: cohort.region_id,
                    county_id: None,
                },
                actor,
                "enrolment.withdraw",
                &format!("user:{user_id}"),
                &format!("cohort:{cohort_id}; {note}"),
                now,
            )?;
        }
        Ok(())
    })
}

/// What cancelling did: how many applicants and trainees were told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled {
    pub applicants: usize,
    pub trainees: usize,
}

/// Cancels a cohort that has not ended: its open applications are closed with it and active
/// trainees taken out (progress kept), and each of them is told why, in one transaction.
pub fn cancel(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    cohort_id: i64,
    reason: &str,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<Cancelled> {
    let reason = reason.trim();
    if reason.is_empty()
        || reason.chars().count() > REASON_MAX
        || reason
            .chars()
            .any(|ch| ch.is_control() && ch != '\n' && ch != '\r')
    {
        return Err(AppError::invalid("cohort.cancel_reason_invalid"));
    }
    write_tx(conn, |c| {
        let cohort = find(c, cohort_id)?;
        match cohort.phase(helsinki_date(now)) {
            Phase::Cancelled => return Err(AppError::Conflict("cohort.already_cancelled".into())),
            Phase::Archived | Phase::Ended => {
                return Err(AppError::Conflict("cohort.cancel_ended".into()))
            }
            Phase::Upcoming | Phase::Running => {}
        }
        diesel::update(cohorts::table.find(cohort_id))
            .set((
                cohorts::cancelled_at.eq(now),
                cohorts::cancel_reason.eq(reason),
            ))
            .execute(c)?;
        let cohort = find(c, cohort_id)?;
        let open: Vec<(String, String, String)> = apps::table
            .filter(apps::cohort_id.eq(cohort_id))
            .filter(apps::decision.eq_any(["pending", "waitlisted"]))
            .select((apps::email, apps::name, apps::language))
            .load(c)?;
        // The applications keep their decision; the cohort's cancellation closes them all (no
        // decision can be made on a cancelled cohort, and it is never offered again).
        for (email, name, language) in &open {
            tell(
                c, msg, &cohort, reason, email, name, language, None, false, now,
            )?;
        }
        let active: Vec<(i64, i64, String, String, String)> = enrolments::table
            .inner_join(users::table)
            .filter(enrolments::cohort_id.eq(cohort_id))
            .filter(enrolments::status.eq("active"))
            .select((
                enrolments::id,
                users::id,
                users::email,
                users::name,
                users::language,
            ))
            .load(c)?;
        for (enrolment_id, user_id, email, name, language) in &active {
            set_status(c, *enrolment_id, "withdrawn", actor, "cancelled", now)?;
            tell(
                c,
                msg,
                &cohort,
                reason,
                email,
                name,
                language,
                Some(*user_id),
                true,
                now,
            )?;
        }
        audit::record(
            c,
            actor,
            "cohort.cancel",
            &format!("cohort:{cohort_id}"),
            reason,
            now,
        )?;
        Ok(Cancelled {
            applicants: open.len(),
            trainees: active.len(),
        })
    })
}

#[allow(clippy::too_many_arguments)]
fn tell(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    cohort: &Cohort,
    reason: &str,
    email: &str,
    name: &str,
    language: &str,
    user_id: Option<i64>,
    trainee: bool,
    now: NaiveDateTime,
) -> AppResult<()> {
    let mut ctx = cohort_context(c, cohort)?;
    ctx.insert("name", name);
    ctx.insert("reason", reason);
    ctx.insert("trainee", &trainee);
    ctx.insert("apply_link", &format!("{}/haku", msg.base_url));
    mail::queue(
        c,
        msg.templates,
        now,
        Envelope {
            to_email: email,
            to_name: name,
            language: Lang::parse(language).unwrap_or_default(),
            user_id,
            dedupe_key: format!("cohort-cancelled:{}:{email}", cohort.id),
            template: "cohort_cancelled",
            context: ctx,
        },
    )?;
    Ok(())
}

/// Puts away a cohort that is over (or cancelled): it leaves the coordinators' list of current
/// cohorts; its trainees keep their lessons, progress and certificates.
pub fn archive(
    conn: &mut AnyConnection,
    cohort_id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| {
        let cohort = find(c, cohort_id)?;
        match cohort.phase(helsinki_date(now)) {
            Phase::Ended | Phase::Cancelled => {}
            Phase::Archived => return Err(AppError::Conflict("cohort.already_archived".into())),
            Phase::Upcoming | Phase::Running => {
                return Err(AppError::Conflict("cohort.archive_not_over".into()))
            }
        }
        diesel::update(cohorts::table.find(cohort_id))
            .set(cohorts::archived_at.eq(now))
            .execute(c)?;
        audit::record(
            c,
            actor,
            "cohort.archive",
            &format!("cohort:{cohort_id}"),
            "",
            now,
        )?;
        Ok(())
    })
}
