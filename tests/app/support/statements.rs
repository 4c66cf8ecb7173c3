//! Counting the statements the application sends to the database (diesel's instrumentation):
//! a page's round trips are a figure the speed work keeps down, and a test can name it
//! without timing anything. Every connection of the process gets a counter that remembers the
//! URL it was opened with, so tests running side by side (each with its own database) count
//! only their own statements. `KIRJAAMO_TEST_PRINT_SQL=1` prints each statement (the start of
//! it) to stderr, to see which ones a page sends.

use diesel::connection::{set_default_instrumentation, Instrumentation, InstrumentationEvent};
use std::collections::HashMap;
use std::sync::{Mutex, Once};

static COUNTS: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);

struct Counter {
    url: Option<String>,
}

impl Instrumentation for Counter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => {
                self.url = Some(key(url));
            }
            InstrumentationEvent::StartQuery { query, .. } => {
                if std::env::var_os("KIRJAAMO_TEST_PRINT_SQL").is_some() {
                    eprintln!(
                        "SQL {}",
                        query.to_string().chars().take(150).collect::<String>()
                    );
                }
                if let Some(url) = &self.url {
                    let mut counts = COUNTS.lock().unwrap();
                    *counts
                        .get_or_insert_with(HashMap::new)
                        .entry(url.clone())
                        .or_default() += 1;
                }
            }
            _ => {}
        }
    }
}

/// SQLite connections are opened with the bare path.
fn key(url: &str) -> String {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
        .to_string()
}

/// Counts from now on in every connection opened later: call it before the app is built.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        set_default_instrumentation(|| Some(Box::new(Counter { url: None })))
            .expect("installing the statement counter");
    });
}

/// Statements sent so far on connections to `database_url` (BEGIN, COMMIT and the pool's
/// connection check included: each is a round trip).
pub fn sent(database_url: &str) -> usize {
    COUNTS
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|c| c.get(&key(database_url)).copied())
        .unwrap_or(0)
}
