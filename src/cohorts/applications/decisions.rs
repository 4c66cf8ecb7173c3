//! The coordinator's decisions: accepting (with the organisation a new one names), declining
//! or waitlisting, and giving freed seats to the waitlist in order.

use super::admission::{admit, full};
use super::application::{cohort_context, find_application, Application};
use crate::cohorts::cohort::{find, Cohort};
use crate::db::schema::applications;
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::network::{self, NewOrganisation};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Accepts a ready application: account (new or existing), enrolment, and a message with a
/// set-your-password link or, for an existing account, the way in.
pub fn accept(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    write_tx(conn, |c| accept_in_tx(c, msg, id, actor, now))
}

fn accept_in_tx(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let app = find_application(c, id)?;
    let cohort = find(c, app.cohort_id)?;
    ensure_acceptable(c, &app, &cohort)?;
    let organisation_id = organisation_named(c, &app, now)?;
    let lang = Lang::parse(&app.language).unwrap_or_default();
    let (user_id, enrolment) = admit(
        c,
        msg,
        &cohort,
        &app.email,
        &app.name,
        lang,
        organisation_id,
        actor,
        now,
    )?;
    diesel::update(applications::table.find(id))
        .set((
            applications::decision.eq("accepted"),
            applications::decided_at.eq(now),
            applications::decided_by.eq(actor),
            applications::user_id.eq(user_id),
        ))
        .execute(c)?;
    Ok(enrolment)
}

/// Refuses to accept an application already accepted, one to a closed or full cohort, or one
/// not ready (the address unconfirmed, the manager's yes missing).
fn ensure_acceptable(c: &mut AnyConnection, app: &Application, cohort: &Cohort) -> AppResult<()> {
    if app.decision == "accepted" {
        return Err(AppError::Conflict("application.already_accepted".into()));
    }
    if cohort.cancelled_at.is_some() || cohort.archived_at.is_some() {
        return Err(AppError::Conflict("cohort.closed".into()));
    }
    if !app.ready(cohort) {
        return Err(AppError::Conflict("application.not_ready".into()));
    }
    if full(c, cohort)? {
        return Err(AppError::Conflict("cohort.full".into()));
    }
    Ok(())
}

/// The applicant's organisation: the one chosen, or the one they named in their county (found
/// by name, else created).
fn organisation_named(
    c: &mut AnyConnection,
    app: &Application,
    now: NaiveDateTime,
) -> AppResult<Option<i64>> {
    Ok(
        match (app.organisation_id, &app.organisation_other, app.county_id) {
            (Some(o), _, _) => Some(o),
            (None, Some(name), Some(county)) => {
                Some(match network::find_organisation(c, county, name)? {
                    Some(o) => o.id,
                    None => {
                        network::create_organisation(
                            c,
                            NewOrganisation {
                                name,
                                county_id: county,
                                kind: "other",
                                staff_count: 0,
                            },
                            now,
                        )?
                        .id
                    }
                })
            }
            _ => None,
        },
    )
}

/// Declines (with a message to the applicant) or waitlists an application.
pub fn decide(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    id: i64,
    decision: &str,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    if !matches!(decision, "declined" | "waitlisted") {
        return Err(AppError::invalid("application.decision_invalid"));
    }
    write_tx(conn, |c| {
        let app = find_application(c, id)?;
        if app.decision == "accepted" {
            return Err(AppError::Conflict("application.already_accepted".into()));
        }
        if app.decision == decision {
            return Ok(());
        }
        let cohort = find(c, app.cohort_id)?;
        if cohort.cancelled_at.is_some() || cohort.archived_at.is_some() {
            return Err(AppError::Conflict("cohort.closed".into()));
        }
        diesel::update(applications::table.find(id))
            .set((
                applications::decision.eq(decision),
                applications::decided_at.eq(now),
                applications::decided_by.eq(actor),
                applications::waitlisted_at.eq(if decision == "waitlisted" {
                    Some(now)
                } else {
                    None
                }),
            ))
            .execute(c)?;
        let mut ctx = cohort_context(c, &cohort)?;
        ctx.insert("name", &app.name);
        mail::queue(
            c,
            msg.templates,
            now,
            Envelope {
                to_email: &app.email,
                to_name: &app.name,
                language: Lang::parse(&app.language).unwrap_or_default(),
                user_id: None,
                dedupe_key: format!("application-{decision}:{id}"),
                template: if decision == "declined" {
                    "application_declined"
                } else {
                    "application_waitlisted"
                },
                context: ctx,
            },
        )?;
        Ok(())
    })
}

/// Gives free seats to waitlisted applicants, in the order they were waitlisted (those not
/// ready yet wait their turn). Runs inside the caller's transaction.
pub fn promote_waitlist(
    c: &mut AnyConnection,
    cohort_id: i64,
    msg: &Messaging<'_>,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let cohort = find(c, cohort_id)?;
    let waiting: Vec<Application> = applications::table
        .filter(applications::cohort_id.eq(cohort_id))
        .filter(applications::decision.eq("waitlisted"))
        .order((applications::waitlisted_at, applications::id))
        .select(Application::as_select())
        .load(c)?;
    let mut promoted = 0;
    for app in waiting.into_iter().filter(|a| a.ready(&cohort)) {
        if full(c, &cohort)? {
            break;
        }
        accept_in_tx(c, msg, app.id, actor, now)?;
        promoted += 1;
    }
    Ok(promoted)
}
