//! `kirjaamo outbox status|deliver|retry`: the mail queue at a glance, one delivery round,
//! failed messages queued again.

use kirjaamo::{mail, AppState};
use std::process::ExitCode;

pub fn status(state: &AppState) -> anyhow::Result<ExitCode> {
    let mut conn = state.pool.get()?;
    let s = mail::status(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    let age = s
        .oldest_pending
        .map(|t| format!("{} s", (state.clock.now() - t).num_seconds()))
        .unwrap_or_else(|| "-".into());
    println!(
        "pending {}\nsent {}\nfailed {}\noldest pending age {age}",
        s.pending, s.sent, s.failed
    );
    Ok(ExitCode::SUCCESS)
}

pub fn deliver(state: &AppState, runtime: &tokio::runtime::Runtime) -> anyhow::Result<ExitCode> {
    let r = runtime.block_on(state.mailer().deliver_due(100))?;
    println!(
        "sent {}, to retry {}, failed {}",
        r.sent, r.retried, r.failed
    );
    Ok(ExitCode::SUCCESS)
}

pub fn retry(state: &AppState, id: Option<i64>) -> anyhow::Result<ExitCode> {
    let mut conn = state.pool.get()?;
    let n =
        mail::retry_failed(&mut conn, id, state.clock.now()).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{n} failed messages queued again");
    Ok(ExitCode::SUCCESS)
}
