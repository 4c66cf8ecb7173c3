//! The steps before the coordinator's decision: applying (with a link to confirm the
//! address), confirming (the manager is asked next), and the manager's answer.

use super::application::{
    cohort_context, find_application, signed_link, Application, CONFIRM_DAYS, CONFIRM_PURPOSE,
    MANAGER_DAYS, MANAGER_PURPOSE,
};
use super::form::{validate, ApplicationForm};
use crate::accounts;
use crate::cohorts::cohort::{find, Cohort};
use crate::db::schema::applications;
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Takes an application and sends the applicant a link to confirm their address. Applying
/// again while an application is open sends nothing new.
pub fn apply(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    cohort: &Cohort,
    f: &ApplicationForm,
    now: NaiveDateTime,
) -> AppResult<i64> {
    if !cohort.open_for_applications(crate::i18n::format::helsinki_date(now)) {
        return Err(AppError::Conflict("application.closed".into()));
    }
    let errors = validate(conn, cohort, f)?;
    if let Some(e) = errors.first() {
        return Err(AppError::invalid(*e));
    }
    let email = accounts::normalize_email(&f.email)?;
    write_tx(conn, |c| {
        if let Some(id) = open_application(c, cohort.id, &email)? {
            return Ok(id);
        }
        let (id, created_at) = insert_application(c, cohort.id, f, &email, now)?;
        let mut ctx = cohort_context(c, cohort)?;
        ctx.insert("name", f.name.trim());
        ctx.insert(
            "link",
            &signed_link(
                msg,
                "vahvista",
                CONFIRM_PURPOSE,
                (id, created_at),
                now + Duration::days(CONFIRM_DAYS),
            ),
        );
        ctx.insert("days", &CONFIRM_DAYS);
        mail::queue(
            c,
            msg.templates,
            now,
            Envelope {
                to_email: &email,
                to_name: f.name.trim(),
                language: f.language,
                user_id: None,
                dedupe_key: format!("application-confirm:{id}"),
                template: "application_confirm",
                context: ctx,
            },
        )?;
        Ok(id)
    })
}

/// The applicant's application to the cohort still waiting for a decision, if any.
fn open_application(c: &mut AnyConnection, cohort_id: i64, email: &str) -> AppResult<Option<i64>> {
    Ok(applications::table
        .filter(applications::cohort_id.eq(cohort_id))
        .filter(applications::email.eq(email))
        .filter(applications::decision.eq_any(["pending", "waitlisted"]))
        .select(applications::id)
        .first(c)
        .optional()?)
}

/// Stores the application as pending. Returns its id and creation stamp (the links name both).
fn insert_application(
    c: &mut AnyConnection,
    cohort_id: i64,
    f: &ApplicationForm,
    email: &str,
    now: NaiveDateTime,
) -> AppResult<(i64, NaiveDateTime)> {
    let other = f.organisation_other.trim();
    Ok(diesel::insert_into(applications::table)
        .values((
            applications::cohort_id.eq(cohort_id),
            applications::name.eq(accounts::clean_name(&f.name)?),
            applications::email.eq(email),
            applications::language.eq(f.language.code()),
            applications::organisation_id.eq(f.organisation_id),
            applications::organisation_other.eq((!other.is_empty()).then_some(other)),
            applications::county_id.eq(f.county_id),
            applications::manager_name.eq(f.manager_name.trim()),
            applications::manager_email
                .eq(accounts::normalize_email(&f.manager_email).unwrap_or_default()),
            applications::motivation.eq(f.motivation.trim()),
            applications::decision.eq("pending"),
            applications::created_at.eq(now),
        ))
        .returning((applications::id, applications::created_at))
        .get_result(c)?)
}

/// The applicant confirmed their address: the manager is asked next (once).
pub fn confirm(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    id: i64,
    now: NaiveDateTime,
) -> AppResult<Application> {
    write_tx(conn, |c| {
        let app = find_application(c, id)?;
        if app.email_confirmed_at.is_none() {
            diesel::update(applications::table.find(id))
                .set(applications::email_confirmed_at.eq(now))
                .execute(c)?;
        }
        let cohort = find(c, app.cohort_id)?;
        if cohort.manager_approval_required && app.manager_decision.is_none() {
            let lang = Lang::parse(&app.language).unwrap_or_default();
            let mut ctx = cohort_context(c, &cohort)?;
            ctx.insert("manager_name", &app.manager_name);
            ctx.insert("applicant", &app.name);
            ctx.insert(
                "link",
                &signed_link(
                    msg,
                    "esihenkilo",
                    MANAGER_PURPOSE,
                    (id, app.created_at),
                    now + Duration::days(MANAGER_DAYS),
                ),
            );
            ctx.insert("days", &MANAGER_DAYS);
            mail::queue(
                c,
                msg.templates,
                now,
                Envelope {
                    to_email: &app.manager_email,
                    to_name: &app.manager_name,
                    language: lang,
                    user_id: None,
                    dedupe_key: format!("manager-approval:{id}"),
                    template: "manager_approval",
                    context: ctx,
                },
            )?;
        }
        find_application(c, id)
    })
}

/// The manager's answer. Works once: a second answer is refused with what was decided.
pub fn manager_decide(
    conn: &mut AnyConnection,
    id: i64,
    approve: bool,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<Application> {
    write_tx(conn, |c| {
        let app = find_application(c, id)?;
        if app.manager_decision.is_some() {
            return Err(AppError::Conflict("manager.already_decided".into()));
        }
        diesel::update(applications::table.find(id))
            .set((
                applications::manager_decision.eq(if approve { "approved" } else { "declined" }),
                applications::manager_decided_at.eq(now),
                applications::manager_note.eq(note.trim().chars().take(1000).collect::<String>()),
            ))
            .execute(c)?;
        find_application(c, id)
    })
}
