//! Kirjaamo: a closed learning platform for client-documentation training in Finnish social welfare.
//!
//! The crate map (see ARCHITECTURE.md for the walkthroughs):
//! - [`config`], [`clock`], [`error`]: the settings, the time rules see, the error types;
//!   [`net`]: client addresses behind trusted proxies.
//! - [`db`]: one connection type over SQLite and PostgreSQL, the pool, migrations, the schema.
//! - Contexts, free of HTTP: [`accounts`], [`network`], [`courses`], [`mail`].
//! - [`privacy`]: personal data across contexts (the data download, account erasure), above them.
//! - [`web`]: the only place that speaks HTTP; [`app`] wires state and routes together.
//! - [`demo`]: the demo world seeded by `kirjaamo demo`.

pub mod accounts;
pub mod app;
pub mod clock;
pub mod cohorts;
pub mod config;
pub mod courses;
pub mod db;
pub mod demo;
pub mod discussions;
pub mod error;
pub mod exercises;
pub mod i18n;
pub mod knowledge_bank;
pub mod learning;
pub mod mail;
pub mod net;
pub mod network;
pub mod privacy;
pub mod privacy_guard;
pub mod spreadsheet;
pub mod surveys;
pub mod templates;
pub mod text;
pub mod web;

pub use app::AppState;
pub use config::Config;
pub use error::{AppError, AppResult};
