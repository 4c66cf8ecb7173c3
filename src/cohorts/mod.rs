//! Cohorts (valmennusryhmät): one run of a course, with its trainers and enrolled trainees, and
//! who may see a cohort. Applications and bulk invitations are in [`applications`] and
//! [`invite`].
//!
//! An enrolment's status is one of `active` (studying), `completed` (the course is done) and
//! `withdrawn` (left the cohort; may be enrolled again). Every change is kept in
//! `enrolment_events`.
//!
//! The parts: [`cohort`] (the row and the lists), [`settings`] (create, update),
//! [`enrolments`], [`roster`] (trainers and trainees), [`roles`] (who sees and manages a
//! cohort), [`rules`] (dates and phases), [`reader`], [`lifecycle`], [`teaching`].

pub mod applications;
pub mod cohort;
pub mod enrolments;
pub mod invite;
pub mod lifecycle;
pub mod reader;
pub mod roles;
pub mod roster;
pub mod rules;
pub mod settings;
pub mod teaching;

// What the other contexts, the pages and the tests use, by the paths they have always used.
pub use cohort::{course_of, find, managed_by, open_cohorts, Cohort, NewCohort};
pub use enrolments::{enrol, enrol_by, seats_taken, set_status};
pub use roles::{manages, role_in, CohortRole};
pub use roster::{add_trainer, trainers};
pub use rules::validate;
pub use settings::create;
