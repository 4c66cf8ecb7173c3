//! The exercises' background work for `serve`: every few minutes, peer reviews past their
//! window are expired and handed to other peers ([`super::peers::expire_overdue`]). Safe to run
//! on every server at once: each exercise is handled in one transaction that only changes
//! assignments still open, so a second run finds nothing to do.

use crate::clock::Clock;
use crate::db::DbPool;
use crate::mail::Messaging;
use crate::templates::Templates;
use std::sync::Arc;

#[derive(Clone)]
pub struct ExerciseJob {
    pub pool: DbPool,
    pub templates: Arc<Templates>,
    pub base_url: String,
    pub secret: Vec<u8>,
    pub clock: Clock,
}

impl ExerciseJob {
    /// Expires what is overdue now; returns how many reviews expired.
    pub fn run_once(&self) -> anyhow::Result<usize> {
        let mut conn = self.pool.get()?;
        let msg = Messaging {
            templates: &self.templates,
            base_url: &self.base_url,
            secret: &self.secret,
        };
        super::peers::expire_overdue(&mut conn, &msg, self.clock.now())
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Runs [`ExerciseJob::run_once`] every `every` until the task is dropped.
    pub fn spawn(self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let job = self.clone();
                match tokio::task::spawn_blocking(move || job.run_once()).await {
                    Ok(Ok(0)) => {}
                    Ok(Ok(n)) => tracing::info!(expired = n, "peer reviews expired and handed on"),
                    Ok(Err(e)) => tracing::warn!(error = %e, "expiring peer reviews failed"),
                    Err(e) => tracing::error!(error = %e, "expiring peer reviews panicked"),
                }
            }
        })
    }
}
