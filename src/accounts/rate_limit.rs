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

/// Wrong passwords (at sign-in and on the forms that ask for the current one) from one
/// address. Only failures count, and a browser with a device cookie for the account is not held
/// by it: a limit no shared office ever meets, which only a guessing machine reaches.
pub const PASSWORD_FAILURES_PER_ADDRESS: Limit = Limit {
    max: 500,
    window_minutes: 15,
};
/// Reset links asked for one address (the target: its owner's inbox).
pub const RESET_PER_EMAIL: Limit = Limit {
    max: 5,
    window_minutes: 60,
};
/// Reset links asked from one client address, whatever the target: only mass abuse meets it.
pub const RESET_PER_ADDRESS: Limit = Limit {
    max: 300,
    window_minutes: 60,
};
/// Applications for one e-mail address (each sends it a confirmation mail).
pub const APPLY_PER_EMAIL: Limit = Limit {
    max: 5,
    window_minutes: 60,
};
/// Applications from one client address: a municipality's whole staff applying after an
/// announcement stays far below it.
pub const APPLY_PER_ADDRESS: Limit = Limit {
    max: 300,
    window_minutes: 60,
};
/// Feedback messages from one sender (a signed-in user, else one browser); each e-mails every
/// admin.
pub const FEEDBACK_PER_SENDER: Limit = Limit {
    max: 5,
    window_minutes: 60,
};
/// Feedback messages from one client address, whoever sends them.
pub const FEEDBACK_PER_ADDRESS: Limit = Limit {
    max: 30,
    window_minutes: 60,
};

/// A target such as an e-mail address as it appears in a bucket name: hashed, so the counters
/// hold no addresses.
pub fn hashed(value: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(value.trim().to_lowercase().as_bytes())[..16])
}

/// When the window that `now` falls in ends: a limit reached now is lifted then.
pub fn window_end(now: NaiveDateTime, limit: Limit) -> NaiveDateTime {
    window_start(now, limit) + Duration::minutes(limit.window_minutes.max(1))
}

/// When the first of these buckets already over its limit opens again (None: all are within
/// their limits); counts nothing.
pub fn held_until(
    conn: &mut AnyConnection,
    buckets: &[(&str, Limit)],
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut until: Option<NaiveDateTime> = None;
    for (bucket, limit) in buckets {
        if exceeded(conn, bucket, *limit, now)? {
            let end = window_end(now, *limit);
            until = Some(until.map_or(end, |u| u.max(end)));
        }
    }
    Ok(until)
}

/// Counts one hit on each bucket and tells when the first one over its limit opens again (None:
/// every bucket is within its limit). Every bucket counts the hit even when one is over.
pub fn hit_all(
    conn: &mut AnyConnection,
    buckets: &[(&str, Limit)],
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut until: Option<NaiveDateTime> = None;
    for (bucket, limit) in buckets {
        if !hit(conn, bucket, *limit, now)? {
            let end = window_end(now, *limit);
            until = Some(until.map_or(end, |u| u.max(end)));
        }
    }
    Ok(until)
}

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
