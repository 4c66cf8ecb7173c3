//! Letting a person into a cohort: their account, the enrolment and the message with the way
//! in; and whether the cohort has a seat left. Accepting an application and the bulk
//! invitations both admit this way.

use super::application::cohort_context;
use crate::accounts::{self, NewAccount};
use crate::cohorts::cohort::Cohort;
use crate::cohorts::enrolments::{enrol_by, seats_taken};
use crate::db::schema::users;
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::AppResult;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

pub(super) fn full(conn: &mut AnyConnection, cohort: &Cohort) -> AppResult<bool> {
    Ok(match cohort.capacity {
        Some(cap) => seats_taken(conn, cohort.id)? >= i64::from(cap),
        None => false,
    })
}

/// Lets a person in: their account (created, or the existing one), the enrolment, and a
/// message — a set-your-password link for a new account, the way in for an existing one.
/// Returns (user id, enrolment id).
#[allow(clippy::too_many_arguments)]
pub(in crate::cohorts) fn admit(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    cohort: &Cohort,
    email: &str,
    name: &str,
    lang: Lang,
    organisation_id: Option<i64>,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<(i64, i64)> {
    let user = account_for(c, email, name, lang, organisation_id, now)?;
    let enrolment = enrol_by(c, cohort.id, user.id, actor, now)?;
    let mut ctx = cohort_context(c, cohort)?;
    ctx.insert("name", &user.name);
    let template = if user.password_hash.is_none() {
        let token = accounts::links::issue_account_token(
            c,
            user.id,
            "invite",
            Duration::days(accounts::links::INVITE_TTL_DAYS),
            now,
        )?;
        ctx.insert("link", &format!("{}/salasana/uusi/{token}", msg.base_url));
        ctx.insert("days", &accounts::links::INVITE_TTL_DAYS);
        "enrolled_invite"
    } else {
        ctx.insert("link", &format!("{}/ryhmat/{}/", msg.base_url, cohort.id));
        "enrolled_notice"
    };
    mail::queue(
        c,
        msg.templates,
        now,
        Envelope {
            to_email: &user.email,
            to_name: &user.name,
            language: Lang::parse(&user.language).unwrap_or(lang),
            user_id: Some(user.id),
            dedupe_key: format!("enrolled:{enrolment}:{}", now.and_utc().timestamp()),
            template,
            context: ctx,
        },
    )?;
    Ok((user.id, enrolment))
}

/// The person's account: the existing one (given the organisation if it had none), or a new
/// one without a password.
fn account_for(
    c: &mut AnyConnection,
    email: &str,
    name: &str,
    lang: Lang,
    organisation_id: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<accounts::model::User> {
    let user = match accounts::model::find_by_email(c, email)? {
        Some(u) => u,
        None => accounts::create_user(
            c,
            NewAccount {
                email,
                name,
                language: lang,
                organisation_id,
                password_hash: None,
            },
            now,
        )?,
    };
    if user.organisation_id.is_none() && organisation_id.is_some() {
        diesel::update(users::table.find(user.id))
            .set(users::organisation_id.eq(organisation_id))
            .execute(c)?;
    }
    Ok(user)
}
