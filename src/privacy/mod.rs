//! Personal data across contexts (GDPR): the download of everything held about a person
//! ([`download`]) and the erasure of an account ([`erasure`]). This context sits above the
//! others and asks each for its part through a small function it exposes
//! (`discussions::export_for_user` and `forget_reader`, `surveys::answers_for_download` and
//! `surveys::erasure::forget_respondent`, `exercises::export::export_for_user`), so `accounts`
//! — the lowest context — imports none of them.

pub mod download;
pub mod erasure;

pub use download::export_my_data;
pub use erasure::{delete_account, DeletedBy};
