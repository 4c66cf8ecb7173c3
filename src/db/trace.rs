//! Statement timings, for finding where a page's time goes: run with
//! `KIRJAAMO_LOG=info,kirjaamo::sql=debug` and every statement is logged with its duration
//! (the SQL with `?`/`$n` placeholders, never the bound values, which may be personal data).
//! Off by default: without that filter no connection carries the hook.

use diesel::connection::{Instrumentation, InstrumentationEvent};
use std::time::Instant;

/// Installs the hook on every connection opened from now on, when the log asks for it.
pub fn install_if_wanted() {
    if tracing::enabled!(target: "kirjaamo::sql", tracing::Level::DEBUG) {
        // Only fails when the lock is poisoned; the timings are a convenience.
        let _ = diesel::connection::set_default_instrumentation(timer);
    }
}

fn timer() -> Option<Box<dyn Instrumentation>> {
    let mut started: Option<Instant> = None;
    Some(Box::new(
        move |event: InstrumentationEvent<'_>| match event {
            InstrumentationEvent::StartQuery { .. } => started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { query, error, .. } => {
                let micros = started.take().map_or(0, |s| s.elapsed().as_micros());
                // The query's text ends with its bound values: cut them off.
                let text = query.to_string();
                let sql = text.split(" -- binds:").next().unwrap_or_default();
                tracing::debug!(target: "kirjaamo::sql", micros, failed = error.is_some(), "{sql}");
            }
            _ => {}
        },
    ))
}
