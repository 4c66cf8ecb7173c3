//! The bodies of the `kirjaamo` commands, one module per command group; `src/main.rs` parses
//! the command line and holds the table that calls them (and `serve`, which stays there with
//! the web server's runtime: only main, app and web speak HTTP).

pub mod backup;
pub mod courses;
pub mod demo;
pub mod network;
pub mod outbox;
pub mod users;

/// Refused before anything is done (bad setting, a file that must not be touched).
pub const REFUSED: u8 = 2;
