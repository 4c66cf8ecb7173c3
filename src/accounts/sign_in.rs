//! Checking a password at sign-in and when a signed-in user confirms an action with it, throttled
//! so that guessing is slowed and people are not locked out (OWASP ASVS 2.2.1):
//!
//! - per account: a growing delay after a few failures ([`super::throttle`]), never a lock for
//!   good; unknown addresses are throttled alike, so the answers reveal nobody;
//! - per device: a browser carrying a device cookie for the account ([`super::device`]) is not
//!   held by the account's delay; its own failures are counted per cookie;
//! - per client address: failures only, with a limit a shared office never meets
//!   ([`rate_limit::PASSWORD_FAILURES_PER_ADDRESS`]); a known device is not held by it either.
//!
//! Successful sign-ins are never counted.

use super::device::DeviceToken;
use super::model::{self, User};
use super::throttle::{self, Claim};
use super::{password, rate_limit};
use crate::db::schema::users;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// One sign-in attempt as the web layer hands it over.
pub struct Attempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The client's address key ([`crate::net::address_key`]).
    pub address: &'a str,
    /// The valid tokens of the browser's device cookie.
    pub devices: &'a [DeviceToken],
}

#[derive(Debug)]
pub enum LoginOutcome {
    SignedIn(User),
    /// Unknown address, wrong password or inactive account: one answer for all.
    Invalid,
    /// Too many failures: no password is checked before `until`.
    Held {
        until: NaiveDateTime,
    },
}

/// The throttle subject of an address's sign-ins (hashed: the table holds no addresses).
pub fn account_subject(email: &str) -> String {
    format!("account:{}", rate_limit::hashed(email))
}

/// The throttle subject of a signed-in user's password confirmations (account deletion,
/// password change).
pub fn confirm_subject(user_id: i64) -> String {
    format!("confirm:{user_id}")
}

fn address_bucket(address: &str) -> String {
    format!("password-fail-ip:{address}")
}

/// The creation stamp a link or device cookie names an account by: ids may be reused by SQLite,
/// the moment an account was created is not.
pub fn stamp(user: &User) -> i64 {
    user.created_at.and_utc().timestamp_micros()
}

/// The creation stamp of an account, for a link that names it (None: no such account).
pub fn stamp_of(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Option<i64>> {
    let created: Option<NaiveDateTime> = users::table
        .find(user_id)
        .select(users::created_at)
        .first(conn)
        .optional()?;
    Ok(created.map(stamp_from))
}

/// An account's stamp from its creation time (what [`stamp_of`] reads).
pub fn stamp_from(created_at: NaiveDateTime) -> i64 {
    created_at.and_utc().timestamp_micros()
}

/// Whether `user_id` is still the account that had `stamp` (not deleted, not a new account that
/// was given the same id).
pub fn is_same_account(conn: &mut AnyConnection, user_id: i64, expected: i64) -> QueryResult<bool> {
    Ok(stamp_of(conn, user_id)? == Some(expected))
}

/// Checks a password (slow on purpose: argon2id; call it off the async executor).
pub fn login(
    conn: &mut AnyConnection,
    attempt: Attempt<'_>,
    now: NaiveDateTime,
) -> AppResult<LoginOutcome> {
    let email = attempt.email.trim().to_lowercase();
    let user = model::find_by_email(conn, &email)?;
    let device = user.as_ref().and_then(|u| {
        attempt
            .devices
            .iter()
            .find(|d| d.user_id == u.id && d.stamp == stamp(u))
    });
    let limit = rate_limit::PASSWORD_FAILURES_PER_ADDRESS;
    let bucket = address_bucket(attempt.address);
    if device.is_none() && rate_limit::exceeded(conn, &bucket, limit, now)? {
        return Ok(LoginOutcome::Held {
            until: rate_limit::window_end(now, limit),
        });
    }
    let subject = match device {
        Some(d) => format!("device:{}", d.nonce),
        None => account_subject(&email),
    };
    if let Claim::Held { until } = throttle::claim(conn, &subject, throttle::PASSWORD, now)? {
        return Ok(LoginOutcome::Held { until });
    }
    let stored = user
        .as_ref()
        .and_then(|u| u.password_hash.as_deref())
        .unwrap_or_else(|| password::dummy_hash());
    let matches = password::verify(attempt.password, stored);
    match user {
        Some(u) if matches && u.active && u.password_hash.is_some() => {
            throttle::succeeded(conn, &subject)?;
            diesel::update(users::table.find(u.id))
                .set(users::last_login_at.eq(now))
                .execute(conn)?;
            Ok(LoginOutcome::SignedIn(u))
        }
        _ => {
            if device.is_none() {
                rate_limit::hit(conn, &bucket, limit, now)?;
            }
            Ok(LoginOutcome::Invalid)
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Confirmed {
    Yes,
    WrongPassword,
    Held { until: NaiveDateTime },
}

/// A signed-in user's current password, asked before an action that needs it (deleting the
/// account, changing the password): throttled per account and per address like a sign-in.
pub fn confirm_password(
    conn: &mut AnyConnection,
    user_id: i64,
    given: &str,
    address: &str,
    now: NaiveDateTime,
) -> AppResult<Confirmed> {
    let limit = rate_limit::PASSWORD_FAILURES_PER_ADDRESS;
    let bucket = address_bucket(address);
    if rate_limit::exceeded(conn, &bucket, limit, now)? {
        return Ok(Confirmed::Held {
            until: rate_limit::window_end(now, limit),
        });
    }
    let subject = confirm_subject(user_id);
    if let Claim::Held { until } = throttle::claim(conn, &subject, throttle::PASSWORD, now)? {
        return Ok(Confirmed::Held { until });
    }
    let user = model::find(conn, user_id)?;
    if user
        .password_hash
        .as_deref()
        .is_some_and(|h| password::verify(given, h))
    {
        throttle::succeeded(conn, &subject)?;
        Ok(Confirmed::Yes)
    } else {
        rate_limit::hit(conn, &bucket, limit, now)?;
        Ok(Confirmed::WrongPassword)
    }
}

/// The counters that name an account, removed with it (called inside the deletion).
pub fn forget_account(conn: &mut AnyConnection, email: &str, user_id: i64) -> QueryResult<()> {
    use crate::db::schema::rate_limits;
    use crate::db::schema_trust::sign_in_throttle as st;
    diesel::delete(
        st::table.filter(st::subject.eq_any([account_subject(email), confirm_subject(user_id)])),
    )
    .execute(conn)?;
    let h = rate_limit::hashed(email);
    diesel::delete(rate_limits::table.filter(
        rate_limits::bucket.eq_any([format!("reset-email:{h}"), format!("apply-email:{h}")]),
    ))
    .execute(conn)?;
    Ok(())
}
