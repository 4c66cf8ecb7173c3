//! Fixed-window rate limits with their counters in the database, so every server counts the
//! same attempts (an in-memory counter would multiply by the number of servers).

use crate::db::{portable_sql, AnyConnection};
use chrono::{Duration, NaiveDateTime, Timelike};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

#[derive(QueryableByName)]
struct Hits {
    #[diesel(sql_type = Integer)]
    hits: i32,
}

/// One kind of limit: at most `max` hits per `window_minutes`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: i32,
    pub window_minutes: i64,
}

pub const LOGIN_PER_ADDRESS: Limit = Limit {
    max: 30,
    window_minutes: 15,
};
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    max: 10,
    window_minutes: 15,
};
pub const RESET_PER_ADDRESS: Limit = Limit {
    max: 10,
    window_minutes: 60,
};

/// Applications sent from one address (the form is open to everyone and sends e-mail).
pub const APPLY_PER_ADDRESS: Limit = Limit {
    max: 10,
    window_minutes: 60,
};
/// Wrong passwords on the account-deletion form, per account (as at sign-in).
pub const DELETE_PER_ACCOUNT: Limit = LOGIN_PER_ACCOUNT;

fn window_start(now: NaiveDateTime, limit: Limit) -> NaiveDateTime {
    let minutes = now.and_utc().timestamp() / 60;
    let start = minutes - minutes.rem_euclid(limit.window_minutes.max(1));
    chrono::DateTime::from_timestamp(start * 60, 0)
        .map(|d| d.naive_utc())
        .unwrap_or(now)
        .with_nanosecond(0)
        .unwrap_or(now)
}

/// Counts one hit and tells whether it is still within the limit.
pub fn hit(
    conn: &mut AnyConnection,
    bucket: &str,
    limit: Limit,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let start = window_start(now, limit);
    let sql = portable_sql(
        conn,
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING hits",
    );
    let row: Hits = diesel::sql_query(sql)
        .bind::<Text, _>(bucket)
        .bind::<Timestamp, _>(start)
        .get_result(conn)?;
    Ok(row.hits <= limit.max)
}

/// Whether the bucket is already over its limit, without counting a hit.
pub fn exceeded(
    conn: &mut AnyConnection,
    bucket: &str,
    limit: Limit,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    use crate::db::schema::rate_limits::dsl as r;
    let hits: Option<i32> = r::rate_limits
        .filter(r::bucket.eq(bucket))
        .filter(r::window_start.eq(window_start(now, limit)))
        .select(r::hits)
        .first(conn)
        .optional()?;
    Ok(hits.unwrap_or(0) >= limit.max)
}

/// Forgets counters of windows long past.
pub fn prune(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    use crate::db::schema::rate_limits::dsl as r;
    diesel::delete(r::rate_limits.filter(r::window_start.lt(now - Duration::days(1)))).execute(conn)
}
