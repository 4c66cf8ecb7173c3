//! Device cookies (OWASP, "Slow down online guessing with device cookies"): a browser that has
//! signed in to an account before carries a signed token naming that account. A sign-in with
//! such a token is not held by the account's delay — strangers guessing someone's password do
//! not lock them out of their own browser — and its own failures are counted per token instead.
//!
//! One cookie holds the tokens of up to [`MAX_ACCOUNTS`] accounts (a shared office computer),
//! newest first. A token names the user id and the account's creation stamp, so it never
//! vouches for a new account that was given a deleted one's id.

use super::tokens;
use chrono::{Duration, NaiveDateTime};

pub const COOKIE: &str = "kirjaamo_device";
const PURPOSE: &str = "device-cookie";
pub const LIFETIME_DAYS: i64 = 365;
pub const MAX_ACCOUNTS: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceToken {
    pub user_id: i64,
    pub stamp: i64,
    /// Random: the key its failures are counted under.
    pub nonce: String,
}

fn issue(secret: &[u8], user_id: i64, stamp: i64, now: NaiveDateTime) -> String {
    let nonce = hex::encode(rand::random::<[u8; 12]>());
    let expires = (now + Duration::days(LIFETIME_DAYS)).and_utc().timestamp();
    tokens::sign(
        secret,
        PURPOSE,
        &format!("{user_id}:{stamp}:{nonce}"),
        expires,
    )
}

fn parse_one(secret: &[u8], token: &str, now: NaiveDateTime) -> Option<DeviceToken> {
    let payload = tokens::verify_signed(secret, PURPOSE, token, now.and_utc().timestamp()).ok()?;
    let mut parts = payload.splitn(3, ':');
    let user_id = parts.next()?.parse().ok()?;
    let stamp = parts.next()?.parse().ok()?;
    let nonce = parts.next()?.to_string();
    Some(DeviceToken {
        user_id,
        stamp,
        nonce,
    })
}

/// The valid tokens in a cookie value (forged, expired and malformed ones are left out).
pub fn read(secret: &[u8], cookie: &str, now: NaiveDateTime) -> Vec<DeviceToken> {
    cookie
        .split('~')
        .take(MAX_ACCOUNTS * 2)
        .filter_map(|t| parse_one(secret, t, now))
        .collect()
}

/// The cookie value after a successful sign-in: a fresh token for this account first, then the
/// other accounts' valid tokens, at most [`MAX_ACCOUNTS`] in all.
pub fn remember(
    secret: &[u8],
    cookie: Option<&str>,
    user_id: i64,
    stamp: i64,
    now: NaiveDateTime,
) -> String {
    let mut out = vec![issue(secret, user_id, stamp, now)];
    for t in cookie.unwrap_or("").split('~').take(MAX_ACCOUNTS * 2) {
        if out.len() >= MAX_ACCOUNTS {
            break;
        }
        if parse_one(secret, t, now).is_some_and(|d| d.user_id != user_id) {
            out.push(t.to_string());
        }
    }
    out.join("~")
}

#[cfg(test)]
mod tests {
    use super::*;
    const S: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn now() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn a_cookie_remembers_several_accounts_and_only_valid_tokens() {
        let one = remember(S, None, 1, 100, now());
        let two = remember(S, Some(&one), 2, 200, now());
        let tokens = read(S, &two, now());
        assert_eq!(
            tokens.iter().map(|t| t.user_id).collect::<Vec<_>>(),
            vec![2, 1]
        );
        // Signing in again replaces the account's token rather than adding another.
        let again = remember(S, Some(&two), 1, 100, now());
        assert_eq!(read(S, &again, now()).len(), 2);
        // Forged or foreign tokens are ignored, and so is a token past its lifetime.
        assert!(read(b"another-secret-another-secret-000", &two, now()).is_empty());
        assert!(read(S, "garbage~a.b.c", now()).is_empty());
        let later = now() + Duration::days(LIFETIME_DAYS + 1);
        assert!(read(S, &two, later).is_empty());
        // At most MAX_ACCOUNTS.
        let mut c = String::new();
        for id in 0..10 {
            c = remember(S, Some(&c), id, id, now());
        }
        assert_eq!(read(S, &c, now()).len(), MAX_ACCOUNTS);
    }
}
