//! The integration tests: one binary, one module per context, the harness in `support`.

mod support;

mod accounts;
mod audit;
mod browser;
mod cohort_life;
mod cohorts;
mod confirm;
mod content;
mod course_snapshots;
mod courses;
mod demo_scale;
mod discussion_mail;
mod discussions;
mod everyday;
mod foundation;
mod idempotency;
mod languages;
mod mail;
mod navigation;
mod network;
mod odd_input;
mod operations;
mod organisations;
mod places;
mod privacy;
mod redaction;
mod refresher;
mod release;
mod route_matrix;
mod security;
mod shutdown;
mod signed_links;
mod surveys;
mod throttle;
mod trainings;
