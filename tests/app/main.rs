//! The integration tests: one binary, one module per context, the harness in `support`.

mod support;

mod accounts;
mod browser;
mod cohorts;
mod demo_scale;
mod content;
mod course_snapshots;
mod courses;
mod discussions;
mod foundation;
mod mail;
mod network;
mod organisations;
mod route_matrix;
mod security;
mod shutdown;
