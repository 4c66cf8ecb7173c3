//! Writing exercises (kirjaamisharjoitukset): a trainee writes an entry about a fictive case in
//! the lesson, a checker points out what a trainer would, and the entry is assessed on the
//! course's rubric by the writer, by peers of the cohort and by the trainer. The pieces:
//! - [`model`]: rows, states, limits, loading the compiled exercise and the checker's lists;
//! - [`access`] and [`policy`]: finding an exercise or an entry for someone, and who may do what;
//! - [`checker`]: the writing checker (hints with the course's reasons, never a grade);
//! - [`entries`]: drafts, submitting (one revision), consent to publish, asking for a review;
//! - [`reviews`]: the self-assessment, peer reviews, the trainer's assessment, hiding;
//! - [`allocation`] (pure, property-tested) and [`peers`] (stored): who reviews whom;
//! - [`progress`]: when the lesson is done, and the completion that may follow;
//! - [`notify`]: e-mail (a review arrived, an entry waits for you, the assessment arrived);
//! - [`view`]: what the pages show; [`figures`]: per cohort, with the rubric chart;
//! - [`desk`]: entries waiting for the trainer; [`examples`]: the knowledge bank's examples;
//! - [`rescue`]: texts kept when a session ended mid-writing; [`jobs`]: expiring reviews;
//! - [`export`]: the personal-data download; [`demo`]: the demo cohort's entries.
//!
//! The privacy guard every written text passes is `crate::privacy_guard`.

pub mod access;
pub mod allocation;
pub mod checker;
pub mod demo;
pub mod desk;
pub mod entries;
pub mod examples;
pub mod export;
pub mod figures;
pub mod jobs;
pub mod model;
pub mod notify;
pub mod peers;
pub mod policy;
pub mod progress;
pub mod rescue;
pub mod reviews;
pub mod rubric_chart;
pub mod view;

#[cfg(test)]
mod allocation_tests;
