//! The expert's trainings: planning one (`/asiantuntija/koulutukset/uusi`), logging one held
//! without the app (`POST /asiantuntija/koulutukset`), and a training's own page
//! (`/koulutukset/{id}`) for its expert and the area's coordinators: the attendance code and
//! its QR code, the sign-ins, the feedback, inviting colleagues, correcting and deleting.
//!
//! The parts: [`form`] (the form), [`planning`] (plan, log), [`page`] (the training's page),
//! [`correction`] (correct, delete), [`participants`] (code, invitations, sign-ins), [`feeds`]
//! (calendar addresses).

pub mod correction;
pub mod feeds;
pub mod form;
pub mod page;
pub mod participants;
pub mod planning;

use crate::network::trainings::PROFESSIONS;

pub fn register(t: &mut super::route_table::RouteTable) {
    t.post("/asiantuntija/koulutukset", planning::log);
    t.get("/asiantuntija/koulutukset/uusi", planning::new_form);
    t.post("/asiantuntija/koulutukset/uusi", planning::plan);
    t.get("/koulutukset/{id}", page::show);
    t.get("/koulutukset/{id}/naytto", page::display);
    t.get("/koulutukset/{id}/muokkaa", correction::edit_form);
    t.post("/koulutukset/{id}/muokkaa", correction::edit);
    t.get("/koulutukset/{id}/poista", correction::delete_form);
    t.post("/koulutukset/{id}/poista", correction::delete);
    t.post("/koulutukset/{id}/koodi", participants::toggle_code);
    t.post("/koulutukset/{id}/kutsu", participants::invite);
    t.get(
        "/koulutukset/{id}/osallistujat.csv",
        participants::attendees_csv,
    );
    t.post(
        "/koulutukset/{id}/osallistujat/{attendance}/poista",
        participants::remove_attendee,
    );
}

/// The professions, for the sign-in form.
pub fn professions() -> &'static [&'static str] {
    &PROFESSIONS
}
