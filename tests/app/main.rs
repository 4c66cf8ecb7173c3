//! The integration tests: one binary, one module per context, the harness in `support`.

mod support;

mod accounts;
mod browser;
mod cohorts;
mod content;
mod course_snapshots;
mod courses;
mod demo_scale;
mod discussions;
mod foundation;
mod idempotency;
mod mail;
mod network;
mod odd_input;
mod operations;
mod organisations;
mod privacy;
mod refresher;
mod route_matrix;
mod security;
mod shutdown;
mod signed_links;
mod speed;
mod surveys;
mod throttle;
