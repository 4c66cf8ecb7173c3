//! The web layer: the only place that speaks HTTP. One file per context (`accounts.rs`,
//! `admin.rs`, …), the frame middleware (request id, session, CSRF, security headers, error
//! pages, the request log), the request context handlers render with, and the route table.

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod assets;
pub mod attendance;
pub mod audit;
pub mod body;
pub mod charts;
pub mod client;
pub mod cohort_form;
pub mod cohort_queue;
pub mod cohort_roster;
pub mod cohorts;
pub mod compress;
pub mod csrf;
pub mod ctx;
pub mod discussions;
pub mod error;
pub mod error_page;
pub mod exercises;
pub mod frame;
pub mod idempotency;
pub mod kits;
pub mod knowledge_bank;
pub mod learning;
pub mod lesson_page;
pub mod limits;
pub mod nav;
pub mod network;
pub mod notice;
pub mod open_cohort;
pub mod organisations;
pub mod pages;
pub mod places;
pub mod qr;
pub mod reach;
pub mod refresher;
pub mod rescue;
pub mod route_table;
pub mod routes;
pub mod sign_in;
pub mod surveys;
pub mod teaching;
pub mod trainings;
pub mod transfer;
pub mod upload;
pub mod user_confirm;
pub mod users;

pub use ctx::{Auth, Ctx};
