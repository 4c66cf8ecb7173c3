//! The delivery worker: claims due messages with a lease, sends them, marks them sent, and
//! retries failures with exponential backoff. Several servers may run it against one
//! PostgreSQL: claiming uses `FOR UPDATE SKIP LOCKED`, so each message goes to one worker.
//! A worker that dies mid-send leaves a lease that expires; the message is then sent again,
//! with the same Message-ID (at most one duplicate per crash, never a loss).

use super::transport::{Outgoing, SendError, Transport};
use crate::clock::Clock;
use crate::db::schema::outbox_messages as om;
use crate::db::{portable_sql, write_tx, AnyConnection, Backend, DbPool};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};
use futures_util::StreamExt;

/// After this many attempts a message is marked failed for an admin to look at.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claim holds before another worker may take the message.
pub const LEASE_SECONDS: i64 = 120;
/// How many messages one worker sends at the same time.
pub const CONCURRENT_SENDS: usize = 8;

/// The wait before attempt `n + 1`: 30 s, 1 min, 2 min, … capped at 6 hours.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 20) - 1;
    let secs = 30i64.saturating_mul(1i64 << exp);
    Duration::seconds(secs.min(6 * 3600))
}

#[derive(Clone)]
pub struct Mailer {
    pub pool: DbPool,
    pub transport: Transport,
    pub clock: Clock,
    pub from: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` due messages for this worker.
fn claim(conn: &mut AnyConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Outgoing>> {
    let lock = if conn.backend() == Backend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = portable_sql(
        conn,
        &format!(
            "UPDATE outbox_messages SET leased_until = ?, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox_messages WHERE status = 'pending' \
             AND next_attempt_at <= ? AND (leased_until IS NULL OR leased_until < ?) \
             ORDER BY next_attempt_at, id LIMIT ?{lock}) RETURNING id"
        ),
    );
    let lease_end = now + Duration::seconds(LEASE_SECONDS);
    let ids: Vec<i64> = write_tx(conn, |c| {
        diesel::sql_query(sql)
            .bind::<Timestamp, _>(lease_end)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load::<ClaimedId>(c)
    })?
    .into_iter()
    .map(|r| r.id)
    .collect();
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = om::table
        .filter(om::id.eq_any(&ids))
        .order(om::id)
        .select((
            om::id,
            om::recipient_email,
            om::recipient_name,
            om::subject,
            om::body_text,
            om::body_html,
            om::message_id,
            om::list_unsubscribe,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, to_email, to_name, subject, text, html, message_id, list_unsubscribe)| Outgoing {
                id,
                to_email,
                to_name,
                subject,
                text,
                html,
                message_id,
                list_unsubscribe,
            },
        )
        .collect())
}

enum Outcome {
    Sent,
    Retry(String),
    Failed(String),
}

fn record(
    conn: &mut AnyConnection,
    id: i64,
    outcome: &Outcome,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let target = om::table
        .filter(om::id.eq(id))
        .filter(om::status.eq("pending"));
    match outcome {
        Outcome::Sent => diesel::update(target)
            .set((
                om::status.eq("sent"),
                om::sent_at.eq(now),
                om::leased_until.eq(None::<NaiveDateTime>),
                om::last_error.eq(None::<String>),
            ))
            .execute(conn)?,
        Outcome::Retry(error) => {
            let attempts: i32 = om::table.find(id).select(om::attempts).first(conn)?;
            if attempts >= MAX_ATTEMPTS {
                return record(conn, id, &Outcome::Failed(error.clone()), now);
            }
            diesel::update(target)
                .set((
                    om::next_attempt_at.eq(now + backoff(attempts)),
                    om::leased_until.eq(None::<NaiveDateTime>),
                    om::last_error.eq(truncate(error)),
                ))
                .execute(conn)?
        }
        Outcome::Failed(error) => diesel::update(target)
            .set((
                om::status.eq("failed"),
                om::leased_until.eq(None::<NaiveDateTime>),
                om::last_error.eq(truncate(error)),
            ))
            .execute(conn)?,
    };
    Ok(())
}

fn truncate(s: &str) -> String {
    s.chars().take(1000).collect()
}

impl Mailer {
    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut AnyConnection) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Delivers what is due now, in batches, until nothing due is left. Returns the tally.
    pub async fn deliver_due(&self, batch: i64) -> anyhow::Result<DeliveryReport> {
        let mut report = DeliveryReport::default();
        loop {
            let now = self.clock.now();
            let claimed = self.db(move |c| Ok(claim(c, now, batch)?)).await?;
            if claimed.is_empty() {
                return Ok(report);
            }
            // Several messages in flight at once: each SMTP exchange waits on round trips, so
            // one at a time leaves the connection pool idle.
            let outcomes: Vec<(i64, Outcome)> = futures_util::stream::iter(claimed)
                .map(|msg| async move {
                    let outcome = match self.transport.send(&self.from, &msg).await {
                        Ok(()) => Outcome::Sent,
                        Err(SendError::Temporary(e)) => Outcome::Retry(e),
                        Err(SendError::Permanent(e)) => Outcome::Failed(e),
                    };
                    (msg.id, outcome)
                })
                .buffer_unordered(CONCURRENT_SENDS)
                .collect()
                .await;
            for (_, outcome) in &outcomes {
                match outcome {
                    Outcome::Sent => report.sent += 1,
                    Outcome::Retry(_) => report.retried += 1,
                    Outcome::Failed(_) => report.failed += 1,
                }
            }
            let now = self.clock.now();
            if let Err(e) = self
                .db(move |c| {
                    write_tx(c, |tx| {
                        for (id, outcome) in &outcomes {
                            record(tx, *id, outcome, now)?;
                        }
                        Ok::<_, diesel::result::Error>(())
                    })?;
                    Ok(())
                })
                .await
            {
                tracing::error!(error = %e, "recording deliveries failed; their leases will expire and they are sent again");
            }
            if report.retried > 0 {
                // Something is down: stop this round rather than hammer it.
                return Ok(report);
            }
        }
    }

    /// Runs [`Mailer::deliver_due`] every `interval` until the task is dropped.
    pub fn spawn(self, interval: std::time::Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match self.deliver_due(50).await {
                    Ok(r) if r != DeliveryReport::default() => {
                        tracing::info!(
                            sent = r.sent,
                            retried = r.retried,
                            failed = r.failed,
                            "outbox delivery"
                        )
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "outbox delivery round failed"),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1).num_seconds(), 30);
        assert_eq!(backoff(2).num_seconds(), 60);
        assert_eq!(backoff(4).num_seconds(), 240);
        assert_eq!(backoff(30).num_seconds(), 6 * 3600);
    }
}
