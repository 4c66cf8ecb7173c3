//! A growing delay after failed password attempts, per subject (an account, a device cookie, an
//! account's deletion form), held in the database so every server sees the same count.
//!
//! An attempt is *claimed* before the password is checked: refused while the subject is held,
//! otherwise counted at once, so a thousand guesses sent in parallel are counted as they come
//! rather than all slipping past a check made before any of them failed. A success then clears
//! the subject ([`succeeded`]): in effect only failures count. After [`Policy::free`] failures
//! each further one holds the subject for a delay that doubles up to [`Policy::max_delay_secs`];
//! it is never locked for good, and the count is forgotten a day after the last failure.

use crate::db::schema_trust::sign_in_throttle as st;
use crate::db::{portable_sql, write_tx, AnyConnection, Backend};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text, Timestamp};

#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Failures allowed before the first delay.
    pub free: i32,
    pub first_delay_secs: i64,
    pub max_delay_secs: i64,
    /// A failure older than this is forgotten.
    pub forget_after_hours: i64,
}

/// Passwords typed at sign-in and on the account-deletion form: five tries, then 30 s, 1 min,
/// 2 min … up to 15 min between tries.
pub const PASSWORD: Policy = Policy {
    free: 5,
    first_delay_secs: 30,
    max_delay_secs: 15 * 60,
    forget_after_hours: 24,
};

impl Policy {
    /// How long the subject is held after its `failures`-th failure.
    pub fn delay_after(&self, failures: i32) -> Option<Duration> {
        if failures < self.free {
            return None;
        }
        let doublings = (failures - self.free).min(30) as u32;
        let secs = self
            .first_delay_secs
            .saturating_mul(1i64 << doublings)
            .min(self.max_delay_secs);
        Some(Duration::seconds(secs))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Go ahead and check the password (the attempt is counted until [`succeeded`]).
    Go,
    /// Too many failures: no password is checked before `until`.
    Held { until: NaiveDateTime },
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Integer)]
    failures: i32,
    #[diesel(sql_type = Timestamp)]
    last_failure_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    locked_until: Option<NaiveDateTime>,
}

/// Claims one attempt for `subject` (see the module comment).
pub fn claim(
    conn: &mut AnyConnection,
    subject: &str,
    policy: Policy,
    now: NaiveDateTime,
) -> QueryResult<Claim> {
    write_tx(conn, |c| {
        let insert = portable_sql(
            c,
            "INSERT INTO sign_in_throttle (subject, failures, last_failure_at, locked_until) \
             VALUES (?, 0, ?, NULL) ON CONFLICT (subject) DO NOTHING",
        );
        diesel::sql_query(insert)
            .bind::<Text, _>(subject)
            .bind::<Timestamp, _>(now)
            .execute(c)?;
        // The row is locked for the rest of the transaction on PostgreSQL; SQLite's writer
        // lock (BEGIN IMMEDIATE) already serialises this.
        let mut select = portable_sql(
            c,
            "SELECT failures, last_failure_at, locked_until FROM sign_in_throttle \
             WHERE subject = ?",
        );
        if c.backend() == Backend::Postgres {
            select.push_str(" FOR UPDATE");
        }
        let row: Row = diesel::sql_query(select)
            .bind::<Text, _>(subject)
            .get_result(c)?;
        if let Some(until) = row.locked_until.filter(|u| *u > now) {
            return Ok(Claim::Held { until });
        }
        let forgotten = row.last_failure_at < now - Duration::hours(policy.forget_after_hours);
        let failures = if forgotten { 1 } else { row.failures + 1 };
        let locked_until = policy.delay_after(failures).map(|d| now + d);
        diesel::update(st::table.find(subject))
            .set((
                st::failures.eq(failures),
                st::last_failure_at.eq(now),
                st::locked_until.eq(locked_until),
            ))
            .execute(c)?;
        Ok(Claim::Go)
    })
}

/// The claimed attempt succeeded: the subject starts afresh.
pub fn succeeded(conn: &mut AnyConnection, subject: &str) -> QueryResult<()> {
    diesel::delete(st::table.find(subject)).execute(conn)?;
    Ok(())
}

/// Forgets subjects whose last failure is long past.
pub fn prune(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        st::table
            .filter(st::last_failure_at.lt(now - Duration::hours(PASSWORD.forget_after_hours)))
            .filter(st::locked_until.is_null().or(st::locked_until.lt(now))),
    )
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_and_stops_growing() {
        let p = PASSWORD;
        assert_eq!(p.delay_after(4), None);
        assert_eq!(p.delay_after(5), Some(Duration::seconds(30)));
        assert_eq!(p.delay_after(6), Some(Duration::seconds(60)));
        assert_eq!(p.delay_after(8), Some(Duration::seconds(240)));
        assert_eq!(p.delay_after(20), Some(Duration::minutes(15)));
        assert_eq!(p.delay_after(i32::MAX), Some(Duration::minutes(15)));
    }
}
