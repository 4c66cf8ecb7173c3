//! The clock every rule reads time from: the system clock in production, a fixed and settable
//! one in tests, so that rules about dates are tested without sleeping.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use std::sync::{Arc, Mutex};

/// Where "now" comes from. Cloning shares the same fixed time.
#[derive(Clone, Debug)]
pub enum Clock {
    System,
    Fixed(Arc<Mutex<NaiveDateTime>>),
}

impl Clock {
    pub fn fixed(at: NaiveDateTime) -> Self {
        Clock::Fixed(Arc::new(Mutex::new(at)))
    }

    /// The current time in UTC, truncated to microseconds so it round-trips through both
    /// databases unchanged.
    pub fn now(&self) -> NaiveDateTime {
        let t = match self {
            Clock::System => Utc::now().naive_utc(),
            Clock::Fixed(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        };
        truncate_micros(t)
    }

    /// Today in Helsinki: the day every date rule (windows, starts, lapses) is judged by.
    pub fn today(&self) -> NaiveDate {
        crate::i18n::format::helsinki_date(self.now())
    }

    /// Moves a fixed clock; does nothing to the system clock.
    pub fn advance(&self, by: chrono::Duration) {
        if let Clock::Fixed(t) = self {
            let mut guard = t.lock().unwrap_or_else(|e| e.into_inner());
            *guard += by;
        }
    }

    pub fn set(&self, at: NaiveDateTime) {
        if let Clock::Fixed(t) = self {
            *t.lock().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }
}

fn truncate_micros(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.with_nanosecond(micros).unwrap_or(t)
}
