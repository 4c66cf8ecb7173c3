//! The integration tests: one binary, one module per context, the harness in `support`.

mod support;

mod accounts;
mod foundation;
mod mail;
mod route_matrix;
mod security;
