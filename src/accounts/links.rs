//! Single-use links (password resets, invitations): a random token mailed to the user, only its
//! hash stored; spent once used, or when the password is set another way.

use super::tokens;
use crate::db::schema::account_tokens;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// How long a set-your-password invitation works.
pub const INVITE_TTL_DAYS: i64 = 14;

/// Marks every unused link token of the user used (the password was set another way).
pub(super) fn spend_links(
    c: &mut AnyConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(c)
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
