//! Accounts: users, roles, passwords, sessions, single-use links, rate limits and the audit
//! log. The functions here are what the web layer and the command line call; they take a
//! connection and the time, and decide nothing about HTTP.

pub mod audit;
pub mod audit_log;
pub mod deletion;
pub mod device;
pub mod model;
pub mod password;
pub mod policy;
pub mod rate_limit;
pub mod session;
pub mod sign_in;
pub mod throttle;
pub mod tokens;

use crate::db::schema::{account_tokens, outbox_messages, role_assignments, users};
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope};
use crate::templates::Templates;
use crate::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
pub use model::User;
pub use policy::{Principal, Role};
pub use sign_in::{login, LoginOutcome};

/// How long a password-reset link works.
pub const RESET_TTL_MINUTES: i64 = 60;
/// How long a set-your-password invitation works.
pub const INVITE_TTL_DAYS: i64 = 14;

/// Trims and lower-cases an address and checks its shape; the message key says what is wrong.
pub fn normalize_email(input: &str) -> AppResult<String> {
    let e = input.trim().to_lowercase();
    let valid = e.len() <= 254
        && !e.chars().any(|c| {
            c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',' || c == ';'
        })
        && matches!(e.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
               && !domain.ends_with('.') && !domain.contains('@'));
    if valid {
        Ok(e)
    } else {
        Err(AppError::invalid("form.email_invalid"))
    }
}

/// A person's name: 1 to 200 characters, no control characters, surrounding space removed.
pub fn clean_name(input: &str) -> AppResult<String> {
    let n = input.trim();
    if n.is_empty() || n.chars().count() > 200 || n.chars().any(char::is_control) {
        Err(AppError::invalid("form.name_invalid"))
    } else {
        Ok(n.to_string())
    }
}

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub language: Lang,
    pub organisation_id: Option<i64>,
    /// An argon2id hash, or none for an account that sets its password from a link.
    pub password_hash: Option<String>,
}

pub fn create_user(
    conn: &mut AnyConnection,
    account: NewAccount<'_>,
    now: NaiveDateTime,
) -> AppResult<User> {
    let email = normalize_email(account.email)?;
    let name = clean_name(account.name)?;
    if model::find_by_email(conn, &email)?.is_some() {
        return Err(AppError::Conflict("form.email_taken".into()));
    }
    let id: i64 = diesel::insert_into(users::table)
        .values(model::NewUser {
            email: &email,
            name: &name,
            organisation_id: account.organisation_id,
            language: account.language.code(),
            password_hash: account.password_hash.as_deref(),
            // Random, not 1: SQLite may give a new account the id of a deleted one (the largest
            // id is reused), and a token of the deleted account must not match the new one.
            session_version: rand::random_range(1..1_000_000_000),
            active: true,
            created_at: now,
            updated_at: now,
        })
        .returning(users::id)
        .get_result(conn)?;
    Ok(model::find(conn, id)?)
}

/// Gives a role, ends the user's sessions (their rights changed) and writes the audit log.
pub fn grant_role(
    conn: &mut AnyConnection,
    user_id: i64,
    role: &Role,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| grant_role_in(c, user_id, role, actor, now))
}

/// [`grant_role`] inside the caller's transaction.
pub fn grant_role_in(
    c: &mut AnyConnection,
    user_id: i64,
    role: &Role,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let (region_id, county_id) = match role {
        Role::RegionalCoordinator { region_id } => (Some(*region_id), None),
        Role::CountyCoordinator { county_id } => (None, Some(*county_id)),
        _ => (None, None),
    };
    let held = model::roles_of(c, user_id)?
        .iter()
        .filter_map(|r| Role::from_row(&r.role, r.region_id, r.county_id))
        .any(|r| &r == role);
    if held {
        return Ok(());
    }
    diesel::insert_into(role_assignments::table)
        .values(model::NewRoleAssignment {
            user_id,
            role: role.name(),
            region_id,
            county_id,
            created_at: now,
        })
        .execute(c)?;
    model::revoke_sessions(c, user_id, now)?;
    let area = role_area(c, role)?;
    audit::record_in(
        c,
        area,
        actor,
        "role.grant",
        &format!("user:{user_id}"),
        &format!("{role:?}"),
        now,
    )?;
    Ok(())
}

/// The audit log's area of a role: a coordinator's region or county; none for the others.
fn role_area(c: &mut AnyConnection, role: &Role) -> QueryResult<audit::Area> {
    match role {
        Role::RegionalCoordinator { region_id } => Ok(audit::Area::region(*region_id)),
        Role::CountyCoordinator { county_id } => audit::Area::of_county(c, *county_id),
        _ => Ok(audit::Area::NONE),
    }
}

pub fn revoke_role(
    conn: &mut AnyConnection,
    user_id: i64,
    role: &Role,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| {
        revoke_role_in(c, user_id, role, actor, now).map(|_| ())
    })
}

/// [`revoke_role`] inside the caller's transaction. Returns whether the user held the role.
pub fn revoke_role_in(
    c: &mut AnyConnection,
    user_id: i64,
    role: &Role,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let ids: Vec<i64> = model::roles_of(c, user_id)?
        .into_iter()
        .filter(|r| Role::from_row(&r.role, r.region_id, r.county_id).as_ref() == Some(role))
        .map(|r| r.id)
        .collect();
    if ids.is_empty() {
        return Ok(false);
    }
    diesel::delete(role_assignments::table.filter(role_assignments::id.eq_any(ids))).execute(c)?;
    model::revoke_sessions(c, user_id, now)?;
    let area = role_area(c, role)?;
    audit::record_in(
        c,
        area,
        actor,
        "role.revoke",
        &format!("user:{user_id}"),
        &format!("{role:?}"),
        now,
    )?;
    Ok(true)
}

/// Deactivates (or reactivates) an account; deactivation ends its sessions at once.
pub fn set_active(
    conn: &mut AnyConnection,
    user_id: i64,
    active: bool,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| {
        diesel::update(users::table.find(user_id))
            .set((users::active.eq(active), users::updated_at.eq(now)))
            .execute(c)?;
        model::revoke_sessions(c, user_id, now)?;
        audit::record(
            c,
            actor,
            if active {
                "user.activate"
            } else {
                "user.deactivate"
            },
            &format!("user:{user_id}"),
            "",
            now,
        )?;
        Ok(())
    })
}

/// The signed-in user behind a session token, if the token's version is still current and the
/// account active. One round trip: this runs on every signed-in request, so the user row and
/// the roles come in one query (one row per role; a user without roles gives one row).
pub fn principal_for(
    conn: &mut AnyConnection,
    user_id: i64,
    version: i32,
) -> AppResult<Option<Principal>> {
    type Row = (
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = users::table
        .left_join(role_assignments::table)
        .filter(users::id.eq(user_id))
        .filter(users::session_version.eq(version))
        .filter(users::active.eq(true))
        .order(role_assignments::id.nullable())
        .select((
            users::name,
            users::email,
            users::language,
            users::organisation_id,
            role_assignments::role.nullable(),
            role_assignments::region_id.nullable(),
            role_assignments::county_id.nullable(),
        ))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((name, email, language, organisation_id, role, region, county)) = rows.next() else {
        return Ok(None);
    };
    let roles = std::iter::once((role, region, county))
        .chain(rows.map(|r| (r.4, r.5, r.6)))
        .filter_map(|(role, region, county)| Role::from_row(role.as_deref()?, region, county))
        .collect();
    Ok(Some(Principal {
        user_id,
        name,
        email,
        language,
        organisation_id,
        roles,
    }))
}

/// Ends every session of the user (on every server).
pub fn logout(conn: &mut AnyConnection, user_id: i64, now: NaiveDateTime) -> AppResult<()> {
    Ok(model::revoke_sessions(conn, user_id, now)?)
}

/// What a password change came to.
#[derive(Debug)]
pub enum PasswordChange {
    Changed(User),
    /// Too many wrong current passwords: try again at `until`.
    Held {
        until: NaiveDateTime,
    },
}

/// Sets a new password after checking the current one (throttled as a sign-in is, from the
/// client `address`); ends all other sessions and spends every unused reset or invitation link,
/// so a link mailed before the change no longer sets a password.
pub fn change_password(
    conn: &mut AnyConnection,
    user_id: i64,
    current: &str,
    new: &str,
    address: &str,
    now: NaiveDateTime,
) -> AppResult<PasswordChange> {
    password::validate(new).map_err(AppError::invalid)?;
    match sign_in::confirm_password(conn, user_id, current, address, now)? {
        sign_in::Confirmed::Yes => {}
        sign_in::Confirmed::WrongPassword => {
            return Err(AppError::invalid("account.current_password_wrong"))
        }
        sign_in::Confirmed::Held { until } => return Ok(PasswordChange::Held { until }),
    }
    let hash = password::hash(new)?;
    write_tx(conn, |c| {
        diesel::update(users::table.find(user_id))
            .set((users::password_hash.eq(&hash), users::updated_at.eq(now)))
            .execute(c)?;
        spend_links(c, user_id, now)?;
        model::revoke_sessions(c, user_id, now)?;
        Ok::<_, AppError>(())
    })?;
    Ok(PasswordChange::Changed(model::find(conn, user_id)?))
}

/// Marks every unused link token of the user used (the password was set another way).
fn spend_links(c: &mut AnyConnection, user_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(c)
}

pub fn set_language(
    conn: &mut AnyConnection,
    user_id: i64,
    lang: Lang,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::language.eq(lang.code()), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Creates a single-use link token; only its hash is stored.
pub fn issue_account_token(
    conn: &mut AnyConnection,
    user_id: i64,
    purpose: &str,
    ttl: Duration,
    now: NaiveDateTime,
) -> AppResult<String> {
    let token = tokens::random_token();
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose),
            account_tokens::token_hash.eq(tokens::token_hash(&token)),
            account_tokens::expires_at.eq(now + ttl),
            account_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The user and purpose behind a link token that is unused and unexpired.
pub fn check_account_token(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> AppResult<Option<(i64, String)>> {
    Ok(account_tokens::table
        .filter(account_tokens::token_hash.eq(tokens::token_hash(token)))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(now))
        .select((account_tokens::user_id, account_tokens::purpose))
        .first(conn)
        .optional()?)
}

/// Sends a reset link if the address belongs to an active account. The caller answers the
/// same either way, so the form does not reveal who has an account.
pub fn request_password_reset(
    conn: &mut AnyConnection,
    templates: &Templates,
    base_url: &str,
    email: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let Ok(email) = normalize_email(email) else {
        return Ok(());
    };
    let Some(user) = model::find_by_email(conn, &email)?.filter(|u| u.active) else {
        return Ok(());
    };
    write_tx(conn, |c| {
        let token = issue_account_token(
            c,
            user.id,
            "reset",
            Duration::minutes(RESET_TTL_MINUTES),
            now,
        )?;
        let lang = Lang::parse(&user.language).unwrap_or_default();
        let mut ctx = tera::Context::new();
        ctx.insert("name", &user.name);
        ctx.insert("link", &format!("{base_url}/salasana/uusi/{token}"));
        ctx.insert("minutes", &RESET_TTL_MINUTES);
        mail::queue(
            c,
            templates,
            now,
            Envelope {
                to_email: &user.email,
                to_name: &user.name,
                language: lang,
                user_id: Some(user.id),
                dedupe_key: format!("password-reset:{}", tokens::token_hash(&token)),
                template: "password_reset",
                context: ctx,
            },
        )?;
        Ok(())
    })
}

/// Sets the password from a single-use link; the link is spent, other links of the user stop
/// working, and every session ends.
pub fn use_account_token(
    conn: &mut AnyConnection,
    token: &str,
    new_password: &str,
    now: NaiveDateTime,
) -> AppResult<User> {
    password::validate(new_password).map_err(AppError::invalid)?;
    let hash = password::hash(new_password)?;
    let user_id = write_tx(conn, |c| {
        let Some((user_id, _)) = check_account_token(c, token, now)? else {
            return Err(AppError::invalid("reset.link_invalid"));
        };
        spend_links(c, user_id, now)?;
        diesel::update(users::table.find(user_id))
            .set((users::password_hash.eq(&hash), users::updated_at.eq(now)))
            .execute(c)?;
        model::revoke_sessions(c, user_id, now)?;
        Ok(user_id)
    })?;
    Ok(model::find(conn, user_id)?)
}

/// Everything the platform holds about the user, as the "download my data" file.
pub fn export_my_data(conn: &mut AnyConnection, user_id: i64) -> AppResult<serde_json::Value> {
    let user = model::find(conn, user_id)?;
    let roles = model::roles_of(conn, user_id)?;
    let emails: Vec<(String, String, NaiveDateTime, Option<NaiveDateTime>)> =
        outbox_messages::table
            .filter(outbox_messages::user_id.eq(user_id))
            .order(outbox_messages::id)
            .select((
                outbox_messages::subject,
                outbox_messages::body_text,
                outbox_messages::created_at,
                outbox_messages::sent_at,
            ))
            .load(conn)?;
    let discussions = crate::discussions::export_for_user(conn, user_id)?;
    let exercises = crate::exercises::export::export_for_user(conn, user_id)?;
    let learning = export_learning(conn, user_id)?;
    // Only answers to surveys that are not anonymous: anonymous ones are tied to nobody.
    let surveys = crate::surveys::answers_for_download(conn, user_id)?;
    Ok(serde_json::json!({
        "profile": user,
        "roles": roles,
        "enrolments": learning.enrolments,
        "progress": learning.progress,
        "certificates": learning.certificates,
        "memberships": learning.memberships,
        "trainings_held": learning.trainings_held,
        "discussions": discussions,
        "exercises": exercises,
        "survey_answers": surveys.into_iter().map(|(survey, question, value, text)| serde_json::json!({
            "survey": survey, "question": question, "value": value, "text": text
        })).collect::<Vec<_>>(),
        "emails": emails.into_iter().map(|(subject, body, queued, sent)| serde_json::json!({
            "subject": subject, "body": body, "queued_at": queued, "sent_at": sent
        })).collect::<Vec<_>>(),
    }))
}

struct LearningExport {
    enrolments: serde_json::Value,
    progress: serde_json::Value,
    certificates: serde_json::Value,
    memberships: serde_json::Value,
    trainings_held: serde_json::Value,
}

/// The user's enrolments, lesson progress, certificates, network memberships and trainings held.
fn export_learning(conn: &mut AnyConnection, user_id: i64) -> AppResult<LearningExport> {
    use crate::db::schema::{
        certificates, cohorts, completions, courses, enrolments, lesson_progress, lessons,
        memberships, organisations, regions, trainings_held,
    };
    let enrolled: Vec<(String, String, String, NaiveDateTime)> = enrolments::table
        .inner_join(cohorts::table.inner_join(courses::table))
        .filter(enrolments::user_id.eq(user_id))
        .order(enrolments::id)
        .select((
            cohorts::name,
            courses::title,
            enrolments::status,
            enrolments::created_at,
        ))
        .load(conn)?;
    let progress: Vec<(String, Option<NaiveDateTime>, String)> = lesson_progress::table
        .inner_join(lessons::table)
        .filter(lesson_progress::user_id.eq(user_id))
        .order(lessons::id)
        .select((
            lessons::title,
            lesson_progress::done_at,
            lesson_progress::answers_json,
        ))
        .load(conn)?;
    let certs: Vec<(String, String, String, String, chrono::NaiveDate)> = certificates::table
        .inner_join(completions::table)
        .filter(completions::user_id.eq(user_id))
        .order(certificates::id)
        .select((
            certificates::code,
            certificates::holder_name,
            certificates::course_title,
            certificates::course_version,
            certificates::issued_on,
        ))
        .load(conn)?;
    let member: Vec<(String, String, NaiveDateTime, NaiveDateTime)> = memberships::table
        .inner_join(regions::table)
        .filter(memberships::user_id.eq(user_id))
        .order(memberships::id)
        .select((
            regions::name_fi,
            memberships::status,
            memberships::joined_at,
            memberships::refreshed_at,
        ))
        .load(conn)?;
    let held: Vec<(String, chrono::NaiveDate, String, i32, String)> = trainings_held::table
        .inner_join(organisations::table)
        .filter(trainings_held::user_id.eq(user_id))
        .order(trainings_held::id)
        .select((
            organisations::name,
            trainings_held::held_on,
            trainings_held::theme,
            trainings_held::participants,
            trainings_held::notes,
        ))
        .load(conn)?;
    use serde_json::json;
    Ok(LearningExport {
        enrolments: enrolled
            .into_iter()
            .map(|(cohort, course, status, at)| {
                json!({"cohort": cohort, "course": course, "status": status, "enrolled_at": at})
            })
            .collect(),
        progress: progress
            .into_iter()
            .map(|(lesson, done, answers)| {
                json!({"lesson": lesson, "done_at": done, "answers": answers})
            })
            .collect(),
        certificates: certs
            .into_iter()
            .map(|(code, holder, course, version, issued)| {
                json!({"code": code, "holder": holder, "course": course,
                       "version": version, "issued_on": issued})
            })
            .collect(),
        memberships: member
            .into_iter()
            .map(|(region, status, joined, refreshed)| {
                json!({"region": region, "status": status, "joined_at": joined,
                       "refreshed_at": refreshed})
            })
            .collect(),
        trainings_held: held
            .into_iter()
            .map(|(org, on, theme, participants, notes)| {
                json!({"organisation": org, "held_on": on, "theme": theme,
                       "participants": participants, "notes": notes})
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Maija.Meikalainen@Hyvinvointialue.FI ").unwrap(),
            "maija.meikalainen@hyvinvointialue.fi"
        );
        for bad in [
            "",
            "maija",
            "maija@",
            "@x.fi",
            "a b@x.fi",
            "a@x",
            "a@x.fi\nBcc: y@z.fi",
            "a@@x.fi",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_keep_their_letters() {
        assert_eq!(clean_name(" Äänekoski Åbo ").unwrap(), "Äänekoski Åbo");
        assert!(clean_name("a\u{0}b").is_err());
        assert!(clean_name("   ").is_err());
    }
}
