//! Certificates, the expert's own page (memberships, certificates, trainings held), and the
//! coordinators' network view: registry, trainings over time, reach, blind spots and charts
//! drawn on the server as accessible SVG with the figures beside them, and the CSV export.
//!
//! The parts: [`expert`] (the expert's page, certificates), [`view`] (the network page, the
//! registry CSV), [`figures`] (its charts), [`scope`] (the region or county a page is about),
//! [`announcements`], [`placements`], [`api`] (the registry API and its tokens).

pub mod announcements;
pub mod api;
pub mod expert;
pub mod figures;
pub mod placements;
pub mod scope;
pub mod view;

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/todistus/{code}", expert::certificate);
    t.get("/asiantuntija", expert::expert);
    t.get("/verkosto", view::network);
    t.get("/verkosto/rekisteri.csv", view::export_csv);
    t.get("/verkosto/tiedotteet", announcements::announcements_page);
    t.post("/verkosto/tiedotteet", announcements::announce);
    super::transfer::register(t);
    t.get("/verkosto/sijoitettavat", placements::placements_page);
    t.post("/verkosto/sijoitettavat/{id}", placements::place);
    t.get("/verkosto/api-avaimet", api::tokens_page);
    t.post("/verkosto/api-avaimet", api::create_token);
    t.post("/verkosto/api-avaimet/{id}/poista", api::revoke_token);
    t.get("/api/v1/registry", api::api_registry);
    t.get("/api/v1/openapi.json", api::openapi);
}
