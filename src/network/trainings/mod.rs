//! Trainings held: an expert plans a training in their own organisation (Helsinki date and
//! time, organisation and unit, themes, place, planned size), holds it with attendance
//! counted from participants' sign-ins ([`attendance`]), or logs one held without the app with
//! a typed number (marked *reported*, not counted). This is how the platform's reach is
//! measured, so every change here also moves the running totals ([`totals`]) in the same
//! transaction.
//!
//! - [`training`]: the training row, its statuses, and who may see and change it;
//! - [`draft`]: a training as written, and its checks;
//! - [`changes`]: plan / log / correct / delete;
//! - [`lists`]: the lists the pages show;
//! - [`code`]: the attendance code, closing it;
//! - [`attendance`]: the sign-ins;
//! - [`totals`]: the running totals;
//! - [`recount`]: the totals recounted from the raw rows, compared and rebuilt;
//! - [`calendar`]: the iCalendar feeds;
//! - [`invite`]: inviting colleagues by e-mail;
//! - [`privacy`]: participants' names in a data download, and their erasure after the
//!   retention period.

pub mod attendance;
pub mod calendar;
pub mod changes;
pub mod code;
pub mod draft;
pub mod invite;
pub mod lists;
pub mod privacy;
pub mod recount;
pub mod totals;
pub mod training;

// The training, its draft and its changes are used across the crate and the tests by these
// paths.
pub use changes::{correct, delete, log, plan};
pub use draft::{organisation_choices, validate, Draft, Purpose};
pub use training::{
    actor_for, find, Actor, Training, COUNTED, HELD, MAX_PARTICIPANTS, PLANNED, PROFESSIONS,
    REPORTED,
};
