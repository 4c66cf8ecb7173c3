//! The application as stored, finding it, and the signed links that name it (the applicant's
//! confirmation, the manager's approval); what every message about a cohort names.

use crate::accounts::tokens;
use crate::cohorts::cohort::Cohort;
use crate::db::schema::{applications, courses};
use crate::db::AnyConnection;
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

pub const CONFIRM_PURPOSE: &str = "confirm-application";
pub const MANAGER_PURPOSE: &str = "manager-approval";
pub const CONFIRM_DAYS: i64 = 7;
pub const MANAGER_DAYS: i64 = 14;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = applications)]
pub struct Application {
    pub id: i64,
    pub cohort_id: i64,
    pub name: String,
    pub email: String,
    pub language: String,
    pub organisation_id: Option<i64>,
    pub organisation_other: Option<String>,
    pub county_id: Option<i64>,
    pub manager_name: String,
    pub manager_email: String,
    pub motivation: String,
    pub email_confirmed_at: Option<NaiveDateTime>,
    pub manager_decision: Option<String>,
    pub manager_decided_at: Option<NaiveDateTime>,
    pub manager_note: String,
    pub decision: String,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub waitlisted_at: Option<NaiveDateTime>,
    pub user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl Application {
    /// Ready for the coordinator: the address confirmed and, where asked, the manager's yes.
    pub fn ready(&self, cohort: &Cohort) -> bool {
        self.email_confirmed_at.is_some()
            && (!cohort.manager_approval_required
                || self.manager_decision.as_deref() == Some("approved"))
    }
}

pub fn find_application(conn: &mut AnyConnection, id: i64) -> AppResult<Application> {
    Ok(applications::table
        .find(id)
        .select(Application::as_select())
        .first(conn)?)
}

/// The application a signed link was made for: 404 when it is gone, or when its id now belongs
/// to a later application (SQLite may reuse the id of a deleted row).
pub fn find_linked(conn: &mut AnyConnection, link: (i64, i64)) -> AppResult<Application> {
    let app = find_application(conn, link.0)?;
    if stamp(app.created_at) == link.1 {
        Ok(app)
    } else {
        Err(AppError::NotFound)
    }
}

fn stamp(created_at: NaiveDateTime) -> i64 {
    created_at.and_utc().timestamp_micros()
}

/// A signed link to an application, naming it by id and creation time (see [`find_linked`]).
pub(super) fn signed_link(
    msg: &Messaging<'_>,
    path: &str,
    purpose: &str,
    app: (i64, NaiveDateTime),
    until: NaiveDateTime,
) -> String {
    let token = tokens::sign(
        msg.secret,
        purpose,
        &format!("application:{}:{}", app.0, stamp(app.1)),
        until.and_utc().timestamp(),
    );
    format!("{}/{path}/{token}", msg.base_url)
}

/// Reads an application's id and creation stamp from a signed link token; open the application
/// with [`find_linked`].
pub fn application_from_token(
    secret: &[u8],
    purpose: &str,
    token: &str,
    now: NaiveDateTime,
) -> Result<(i64, i64), tokens::SignedError> {
    let payload = tokens::verify_signed(secret, purpose, token, now.and_utc().timestamp())?;
    payload
        .strip_prefix("application:")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(id, stamp)| Some((id.parse().ok()?, stamp.parse().ok()?)))
        .ok_or(tokens::SignedError::Malformed)
}

/// What every message about a cohort names: the cohort, the course, its dates (ISO; the
/// templates write them in the reader's language) and the work time.
pub(in crate::cohorts) fn cohort_context(
    conn: &mut AnyConnection,
    cohort: &Cohort,
) -> AppResult<tera::Context> {
    let course: String = courses::table
        .find(cohort.course_id)
        .select(courses::title)
        .first(conn)?;
    let mut ctx = tera::Context::new();
    ctx.insert("cohort", &cohort.name);
    ctx.insert("course", &course);
    ctx.insert("starts_on", &cohort.starts_on);
    ctx.insert("ends_on", &cohort.ends_on);
    ctx.insert("work_hours", &cohort.work_hours);
    Ok(ctx)
}
