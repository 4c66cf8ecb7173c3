//! A password changed: by its holder with the current one (throttled as a sign-in), or from a
//! reset or invitation link (and the reset link's e-mail). Either way the other sessions end
//! and unused links are spent.

use super::links::{check_account_token, issue_account_token, spend_links};
use super::model::{self, User};
use super::{normalize_email, password, sign_in, tokens};
use crate::db::schema::users;
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope};
use crate::templates::Templates;
use crate::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// How long a password-reset link works.
pub const RESET_TTL_MINUTES: i64 = 60;

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
