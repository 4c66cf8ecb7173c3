//! Accounts: users, roles, passwords, sessions, single-use links, rate limits and the audit
//! log. The functions here are what the web layer and the command line call; they take a
//! connection and the time, and decide nothing about HTTP.

pub mod audit;
pub mod audit_log;
pub mod device;
pub mod links;
pub mod model;
pub mod password;
pub mod password_change;
pub mod policy;
pub mod rate_limit;
pub mod roles;
pub mod session;
pub mod sign_in;
pub mod throttle;
pub mod tokens;

use crate::db::schema::{role_assignments, users};
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
pub use model::User;
pub use policy::{Principal, Role};
pub use sign_in::{login, LoginOutcome};

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

/// A user and one of their roles, as the session check reads them ([`principal_from`]).
pub type PrincipalRow = (
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// The session check's query: the user behind a token, if its version is still current and the
/// account active, joined to their roles (one row per role; a user without roles gives one
/// row). A macro so `cohorts::reader::signed_in_with_cohort` can join more to the same
/// statement without restating these rules.
macro_rules! signed_in_user {
    ($user_id:expr, $version:expr) => {
        $crate::db::schema::users::table
            .left_join($crate::db::schema::role_assignments::table)
            .filter($crate::db::schema::users::id.eq($user_id))
            .filter($crate::db::schema::users::session_version.eq($version))
            .filter($crate::db::schema::users::active.eq(true))
    };
}
pub(crate) use signed_in_user;

/// The columns of [`signed_in_user`] that make a [`PrincipalRow`].
macro_rules! principal_columns {
    () => {
        (
            $crate::db::schema::users::name,
            $crate::db::schema::users::email,
            $crate::db::schema::users::language,
            $crate::db::schema::users::organisation_id,
            $crate::db::schema::role_assignments::role.nullable(),
            $crate::db::schema::role_assignments::region_id.nullable(),
            $crate::db::schema::role_assignments::county_id.nullable(),
        )
    };
}
pub(crate) use principal_columns;

/// The principal of [`signed_in_user`]'s rows, one per role in the roles' order; None when
/// there are none (no such user, a revoked session or a deactivated account).
pub fn principal_from(
    user_id: i64,
    rows: impl IntoIterator<Item = PrincipalRow>,
) -> Option<Principal> {
    let mut rows = rows.into_iter();
    let (name, email, language, organisation_id, role, region, county) = rows.next()?;
    let roles = std::iter::once((role, region, county))
        .chain(rows.map(|r| (r.4, r.5, r.6)))
        .filter_map(|(role, region, county)| Role::from_row(role.as_deref()?, region, county))
        .collect();
    Some(Principal {
        user_id,
        name,
        email,
        language,
        organisation_id,
        roles,
    })
}

/// The signed-in user behind a session token, if the token's version is still current and the
/// account active. One round trip: this runs on every signed-in request, so the user row and
/// the roles come in one query.
pub fn principal_for(
    conn: &mut AnyConnection,
    user_id: i64,
    version: i32,
) -> AppResult<Option<Principal>> {
    // Every signed-in request runs this: on the engine's own connection (crate::per_engine).
    let query = signed_in_user!(user_id, version)
        .order(role_assignments::id.nullable())
        .select(principal_columns!());
    let rows: Vec<PrincipalRow> = crate::per_engine!(conn, |c| query.load(c))?;
    Ok(principal_from(user_id, rows))
}

/// Ends every session of the user (on every server).
pub fn logout(conn: &mut AnyConnection, user_id: i64, now: NaiveDateTime) -> AppResult<()> {
    Ok(model::revoke_sessions(conn, user_id, now)?)
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
