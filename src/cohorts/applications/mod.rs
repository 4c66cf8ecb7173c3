//! Applications: a person applies to an open cohort, confirms their e-mail address from a
//! link, their manager approves the work time from a signed link (when the cohort asks for
//! it), and a coordinator accepts, declines or waitlists them. Accepting creates the account
//! (or reuses one), enrols, and sends a set-your-password link. Seats freed later go to the
//! waitlist in order.
//!
//! The parts: [`application`] (the row, the signed links), [`form`] (choices and checks),
//! [`applying`] (apply, confirm, the manager's answer), [`queue`] (the coordinator's list),
//! [`decisions`] (accept, decline, waitlist), [`admission`] (account, enrolment, message).

pub mod admission;
pub mod application;
pub mod applying;
pub mod decisions;
pub mod form;
pub mod queue;

// The application pages, the queue and the other contexts use these by the paths they have
// always used.
pub use application::{
    application_from_token, find_application, find_linked, Application, CONFIRM_DAYS,
    CONFIRM_PURPOSE, MANAGER_DAYS, MANAGER_PURPOSE,
};
pub use applying::{apply, confirm, manager_decide};
pub use decisions::{accept, decide, promote_waitlist};
pub use form::{county_choices, organisation_choices, validate, ApplicationForm};
pub use queue::{organisation_has_expert, queue, QueueRow};
