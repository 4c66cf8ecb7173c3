//! Discussion pages: the user's discussion areas and e-mail setting, a cohort's threads with
//! search, a lesson's discussion area with the new-thread form in [`areas`]; the thread page
//! with replies, following and the moderators' thread actions in [`thread`]. Post actions
//! (edit, history, best answer, hide, restore, report) are in [`posts`], redaction and the
//! authors' requests for it in [`redaction`]; the answer bank, the trainer's desk, the
//! coordinators' figures and unsubscribing in [`desk`]; what the forms share in [`compose`].
//! Every form works without JavaScript; "Esikatsele" (preview) re-renders the form with the
//! rendered text and saves nothing.
//!
//! Two GET requests write, deliberately and idempotently: opening a discussion area opens the
//! lessons' prompt threads once (a cache-like fill, invisible to users), and reading a thread
//! moves the reader's own read marker. Neither changes anything anyone else sees.

mod areas;
mod compose;
mod desk;
mod post_html;
mod posts;
mod redaction;
mod thread;

use super::route_table::RouteTable;

/// Every discussion route. Registered before the knowledge bank's `/tietopankki/{course}/
/// {lesson}`, which would otherwise take `/tietopankki/vastaukset/{id}`.
pub fn register(t: &mut RouteTable) {
    t.get("/keskustelut", areas::index);
    t.post("/keskustelut/asetukset", areas::save_settings);
    t.get("/keskustelut/valmentaja", desk::trainer_desk);
    t.get("/keskustelut/ryhma/{cohort}", areas::cohort_threads);
    t.get("/ryhmat/{cohort}/{lesson}/keskustelu", areas::lesson_area);
    t.post("/ryhmat/{cohort}/{lesson}/keskustelu", areas::start_thread);
    t.get("/keskustelut/ketju/{thread}", thread::thread_page);
    t.post("/keskustelut/ketju/{thread}", thread::reply);
    t.post("/keskustelut/ketju/{thread}/seuranta", thread::follow);
    t.post("/keskustelut/ketju/{thread}/moderointi", thread::moderate);
    t.get(
        "/keskustelut/ketju/{thread}/vastauspankki",
        desk::publish_form,
    );
    t.post("/keskustelut/ketju/{thread}/vastauspankki", desk::publish);
    t.post(
        "/keskustelut/ketju/{thread}/vastauspankki/poista",
        desk::withdraw,
    );
    t.get("/keskustelut/viesti/{post}/muokkaa", posts::edit_form);
    t.post("/keskustelut/viesti/{post}/muokkaa", posts::edit);
    t.get("/keskustelut/viesti/{post}/historia", posts::history);
    t.post("/keskustelut/viesti/{post}/paras", posts::mark_best);
    t.get("/keskustelut/viesti/{post}/piilota", posts::hide_form);
    t.post("/keskustelut/viesti/{post}/piilota", posts::hide);
    t.post("/keskustelut/viesti/{post}/palauta", posts::restore);
    t.get(
        "/keskustelut/viesti/{post}/poista-teksti",
        redaction::redact_form,
    );
    t.post(
        "/keskustelut/viesti/{post}/poista-teksti",
        redaction::redact,
    );
    t.get(
        "/keskustelut/viesti/{post}/poistopyynto",
        redaction::request_form,
    );
    t.post(
        "/keskustelut/viesti/{post}/poistopyynto",
        redaction::request,
    );
    t.get("/keskustelut/viesti/{post}/ilmoita", posts::report_form);
    t.post("/keskustelut/viesti/{post}/ilmoita", posts::report);
    t.post(
        "/keskustelut/ilmoitukset/{id}/kasitelty",
        posts::resolve_report,
    );
    t.get("/keskustelut/peru-tilaus/{token}", desk::unsubscribe_page);
    t.post("/keskustelut/peru-tilaus/{token}", desk::unsubscribe);
    t.get("/hallinta/ryhmat/{cohort}/keskustelut", desk::stats);
    t.get("/tietopankki/vastaukset/{id}", desk::answer_page);
}
