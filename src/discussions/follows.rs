//! Who follows a thread: the subscription rows that posting (a poster follows what they write
//! in) and notify (an unsubscribe link unfollows) both write, kept apart so neither imports
//! the other for them.

use crate::db::{portable_sql, AnyConnection};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Timestamp};

/// Follows a thread, unless the user once unfollowed it (that choice stays).
pub(crate) fn auto_follow(
    conn: &mut AnyConnection,
    thread_id: i64,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let sql = portable_sql(
        conn,
        "INSERT INTO discussion_subscriptions (thread_id, user_id, following, created_at) \
         VALUES (?, ?, ?, ?) ON CONFLICT (thread_id, user_id) DO NOTHING",
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(thread_id)
        .bind::<BigInt, _>(user_id)
        .bind::<Bool, _>(true)
        .bind::<Timestamp, _>(now)
        .execute(conn)?;
    Ok(())
}

/// Sets whether the user follows the thread, without checking they may see it (the caller has).
pub(crate) fn set_following_unchecked(
    conn: &mut AnyConnection,
    thread_id: i64,
    user_id: i64,
    follow: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let sql = portable_sql(
        conn,
        "INSERT INTO discussion_subscriptions (thread_id, user_id, following, created_at) \
         VALUES (?, ?, ?, ?) ON CONFLICT (thread_id, user_id) DO UPDATE SET following = excluded.following",
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(thread_id)
        .bind::<BigInt, _>(user_id)
        .bind::<Bool, _>(follow)
        .bind::<Timestamp, _>(now)
        .execute(conn)?;
    Ok(())
}
