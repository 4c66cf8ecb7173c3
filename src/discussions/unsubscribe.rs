//! The signed unsubscribe links of discussion e-mail: what a link does (stop following a thread,
//! or no discussion e-mail at all), making and checking its token (its own purpose; it names
//! the account by id and creation stamp), and carrying it out. The page the link opens asks for
//! confirmation, and only a POST to the link changes anything — the page's button, or a mail
//! program's one-click unsubscribe (RFC 8058), which comes without a session or a CSRF token
//! (the signed token is the proof; `web::csrf::exempt` lets exactly this route through).

use super::email_mode::set_email_mode;
use crate::accounts::tokens;
use crate::db::schema_discussions::discussion_threads as dt;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The purpose of unsubscribe tokens (a token for another purpose is worthless here).
pub const UNSUBSCRIBE_PURPOSE: &str = "discussion-unsubscribe";
/// How long an unsubscribe link works.
pub const UNSUBSCRIBE_DAYS: i64 = 365;

/// What an unsubscribe link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribe {
    /// Stop following one thread.
    Thread { thread_id: i64, user_id: i64 },
    /// No more discussion e-mail at all (the mode becomes `off`).
    All { user_id: i64 },
}

impl Unsubscribe {
    fn payload(&self) -> String {
        match self {
            Unsubscribe::Thread { thread_id, user_id } => format!("thread:{thread_id}:{user_id}"),
            Unsubscribe::All { user_id } => format!("all:{user_id}"),
        }
    }

    fn parse(s: &str) -> Option<Unsubscribe> {
        let parts: Vec<&str> = s.split(':').collect();
        match parts.as_slice() {
            ["thread", t, u] => Some(Unsubscribe::Thread {
                thread_id: t.parse().ok()?,
                user_id: u.parse().ok()?,
            }),
            ["all", u] => Some(Unsubscribe::All {
                user_id: u.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// A link that carries out `target`. It names the account by id and creation stamp
/// ([`crate::accounts::sign_in::stamp`]): an account that is deleted and whose id a new account
/// is given later is not the one the link was made for.
pub fn unsubscribe_token(
    secret: &[u8],
    target: Unsubscribe,
    stamp: i64,
    now: NaiveDateTime,
) -> String {
    let expires = (now + chrono::Duration::days(UNSUBSCRIBE_DAYS))
        .and_utc()
        .timestamp();
    tokens::sign(
        secret,
        UNSUBSCRIBE_PURPOSE,
        &format!("{}:{stamp}", target.payload()),
        expires,
    )
}

/// The address of an unsubscribe link: its page asks first; a POST to it (the page's button,
/// or a mail program's one-click unsubscribe, RFC 8058) unsubscribes.
pub fn unsubscribe_url(base_url: &str, token: &str) -> String {
    format!("{base_url}/keskustelut/peru-tilaus/{token}")
}

/// The target and account stamp of a valid token, or None (forged, another purpose, expired).
/// Check the stamp with [`still_theirs`] before acting.
pub fn check_unsubscribe(
    secret: &[u8],
    token: &str,
    now: NaiveDateTime,
) -> Option<(Unsubscribe, i64)> {
    let payload = tokens::verify_signed(
        secret,
        UNSUBSCRIBE_PURPOSE,
        token,
        now.and_utc().timestamp(),
    )
    .ok()?;
    let (target, stamp) = payload.rsplit_once(':')?;
    Some((Unsubscribe::parse(target)?, stamp.parse().ok()?))
}

/// Whether the account a link was made for still exists (and is not a new account that was
/// given its id).
pub fn still_theirs(conn: &mut AnyConnection, target: Unsubscribe, stamp: i64) -> AppResult<bool> {
    let user_id = match target {
        Unsubscribe::Thread { user_id, .. } | Unsubscribe::All { user_id } => user_id,
    };
    Ok(crate::accounts::sign_in::is_same_account(
        conn, user_id, stamp,
    )?)
}

/// The stamp of the account a link is made for (0 for an account that is gone: such a link
/// never works).
pub fn stamp_for(conn: &mut AnyConnection, user_id: i64) -> AppResult<i64> {
    Ok(crate::accounts::sign_in::stamp_of(conn, user_id)?.unwrap_or(0))
}

/// What the confirmation page says: the thread's title (None for "all e-mail").
pub fn describe(conn: &mut AnyConnection, target: Unsubscribe) -> AppResult<Option<String>> {
    match target {
        Unsubscribe::Thread { thread_id, .. } => Ok(Some(
            dt::table.find(thread_id).select(dt::title).first(conn)?,
        )),
        Unsubscribe::All { .. } => Ok(None),
    }
}

/// Carries out an unsubscribe link (doing it twice changes nothing).
pub fn unsubscribe(
    conn: &mut AnyConnection,
    target: Unsubscribe,
    now: NaiveDateTime,
) -> AppResult<()> {
    match target {
        Unsubscribe::Thread { thread_id, user_id } => {
            super::follows::set_following_unchecked(conn, thread_id, user_id, false, now)?
        }
        Unsubscribe::All { user_id } => set_email_mode(conn, user_id, "off")?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_tokens_name_their_target_and_nothing_else() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let target = Unsubscribe::Thread {
            thread_id: 7,
            user_id: 3,
        };
        let t = unsubscribe_token(secret, target, 1234, now);
        assert_eq!(check_unsubscribe(secret, &t, now), Some((target, 1234)));
        assert_eq!(
            check_unsubscribe(b"another-secret-another-secret-xx", &t, now),
            None
        );
        let later = now + chrono::Duration::days(UNSUBSCRIBE_DAYS + 1);
        assert_eq!(check_unsubscribe(secret, &t, later), None);
        let other = tokens::sign(secret, "manager-approval", "all:3:1234", i64::MAX);
        assert_eq!(check_unsubscribe(secret, &other, now), None);
        // A link made before links named the account's creation is not accepted.
        let old = tokens::sign(secret, UNSUBSCRIBE_PURPOSE, "all:3", i64::MAX);
        assert_eq!(check_unsubscribe(secret, &old, now), None);
        let all = unsubscribe_token(secret, Unsubscribe::All { user_id: 3 }, 99, now);
        assert_eq!(
            check_unsubscribe(secret, &all, now),
            Some((Unsubscribe::All { user_id: 3 }, 99))
        );
    }
}
