//! Accounts: users, roles, passwords, sessions, single-use links, rate limits and the audit
//! log. The functions here are what the web layer and the command line call; they take a
//! connection and the time, and decide nothing about HTTP.

pub mod audit;
pub mod audit_log;
pub mod device;
pub mod model;
pub mod password;
pub mod policy;
pub mod rate_limit;
pub mod session;
pub mod sign_in;
pub mod throttle;
pub mod tokens;

use crate::db::schema::{account_tokens, role_assignments, users};
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
