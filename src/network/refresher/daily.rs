//! The daily run inside `serve`: once a day across all servers.

use super::check::check_counting;
use super::report::Report;
use crate::db::schema::job_runs;
use crate::db::{insert_unless_duplicate, AnyConnection, DAILY_JOBS_LOCK_KEY};
use crate::mail::Messaging;
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// The name of the daily job in `job_runs`.
pub const JOB: &str = "lapse-check";

/// The last finished daily run: its day and summary.
pub fn last_run(conn: &mut AnyConnection) -> AppResult<Option<(NaiveDate, String)>> {
    Ok(job_runs::table
        .filter(job_runs::job.eq(JOB))
        .filter(job_runs::finished_at.is_not_null())
        .order(job_runs::run_on.desc())
        .select((job_runs::run_on, job_runs::summary))
        .first(conn)
        .optional()?)
}

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

/// The daily run: does the check for `today` unless it was done already. On PostgreSQL an
/// advisory lock makes one server of many do it; a run that died half-way is picked up again
/// (every step is idempotent). Returns `None` when there was nothing to do here.
pub fn run_daily(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Option<Report>> {
    let postgres = matches!(conn, AnyConnection::Postgresql(_));
    if postgres {
        let got: Locked = diesel::sql_query(format!(
            "SELECT pg_try_advisory_lock({DAILY_JOBS_LOCK_KEY}) AS locked"
        ))
        .get_result(conn)?;
        if !got.locked {
            return Ok(None);
        }
    }
    let result = run_daily_locked(conn, msg, today, now);
    if postgres {
        // Session-level lock: released here, or by the connection closing if we died.
        let _ = diesel::sql_query(format!(
            "SELECT pg_advisory_unlock({DAILY_JOBS_LOCK_KEY}) AS locked"
        ))
        .get_result::<Locked>(conn);
    }
    result
}

fn run_daily_locked(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Option<Report>> {
    let done: Option<Option<NaiveDateTime>> = job_runs::table
        .filter(job_runs::job.eq(JOB))
        .filter(job_runs::run_on.eq(today))
        .select(job_runs::finished_at)
        .first(conn)
        .optional()?;
    match done {
        Some(Some(_)) => return Ok(None),
        Some(None) => {}
        None => {
            insert_unless_duplicate(conn, |c| {
                diesel::insert_into(job_runs::table)
                    .values((
                        job_runs::job.eq(JOB),
                        job_runs::run_on.eq(today),
                        job_runs::started_at.eq(now),
                    ))
                    .execute(c)
            })?;
        }
    }
    let report = check_counting(conn, msg, today, now)?;
    let summary = report.as_ref().map_or_else(
        || "no refresher course published".to_string(),
        Report::summary,
    );
    diesel::update(
        job_runs::table
            .filter(job_runs::job.eq(JOB))
            .filter(job_runs::run_on.eq(today)),
    )
    .set((
        job_runs::finished_at.eq(now),
        job_runs::summary.eq(&summary),
    ))
    .execute(conn)?;
    Ok(report)
}

/// The daily check for the server's background work: [`LapseJob::spawn`] tries every hour
/// and [`run_daily`] makes each day's check run once across all servers.
#[derive(Clone)]
pub struct LapseJob {
    pub pool: crate::db::DbPool,
    pub templates: std::sync::Arc<crate::templates::Templates>,
    pub base_url: String,
    pub secret: Vec<u8>,
    pub clock: crate::clock::Clock,
}

impl LapseJob {
    pub fn run_once(&self) -> anyhow::Result<Option<Report>> {
        let mut conn = self.pool.get()?;
        let msg = Messaging {
            templates: &self.templates,
            base_url: &self.base_url,
            secret: &self.secret,
        };
        run_daily(&mut conn, &msg, self.clock.today(), self.clock.now())
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    pub fn spawn(self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let job = self.clone();
                match tokio::task::spawn_blocking(move || job.run_once()).await {
                    Ok(Ok(Some(report))) => {
                        tracing::info!(summary = %report.summary(), "lapse check done")
                    }
                    Ok(Ok(None)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "lapse check failed"),
                    Err(e) => tracing::error!(error = %e, "lapse check panicked"),
                }
            }
        })
    }
}
