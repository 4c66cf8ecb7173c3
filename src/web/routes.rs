//! The route table: every route of the application, registered in one place and listed for
//! the role × route matrix test (a route missing from the test's table fails it).

pub use super::route_table::RouteTable;

/// The whole route table of the application.
pub fn register(t: &mut RouteTable) {
    use super::{accounts, admin, applications, cohorts, knowledge_bank, learning, pages, sign_in};
    // The most visited page first: actix tries the `{…}` patterns of a scope in the order they
    // came, and none of the others under /ryhmat/ can match a lesson's address.
    t.get("/ryhmat/{cohort}/{lesson}", super::lesson_page::lesson_page);
    super::discussions::register(t); // first: its /tietopankki/vastaukset/{id} must win
    register_exercises(t); // before /tietopankki/{course}/{lesson} too
    t.get("/", pages::home);
    t.get("/healthz", pages::healthz);
    t.get("/readyz", pages::readyz);
    t.get("/assets/{file:.*}", super::assets::asset);
    t.get("/saavutettavuus", pages::accessibility);
    t.get("/palaute", pages::feedback_form);
    t.post("/palaute", pages::feedback_send);
    t.post("/kieli", pages::switch_language);

    t.get("/login", sign_in::login_form);
    t.post("/login", sign_in::login);
    t.post("/logout", sign_in::logout);
    t.get("/salasana/unohtunut", accounts::forgot_form);
    t.post("/salasana/unohtunut", accounts::forgot);
    t.get("/salasana/uusi/{token}", accounts::reset_form);
    t.post("/salasana/uusi/{token}", accounts::reset);
    t.get("/tili", accounts::account);
    t.post("/tili/salasana", accounts::change_password);
    t.post("/tili/kieli", accounts::change_language);
    t.get("/tili/omat-tiedot", accounts::download_my_data);
    t.get("/tili/poista", accounts::delete_form);
    t.post("/tili/poista", accounts::delete_account);
    t.get("/tili/poistettu", accounts::deleted_page);

    t.get("/tietopankki", knowledge_bank::index);
    t.get("/kunskapsbank", knowledge_bank::index);
    t.get("/knowledge-bank", knowledge_bank::index);
    t.get("/tietopankki/{course}/{lesson}", knowledge_bank::entry);

    t.get("/ryhmat/{cohort}", learning::cohort_redirect);
    t.get("/ryhmat/{cohort}/", learning::cohort_home);
    // The exercise's forms post to the lesson's own address (see web::rescue).
    t.post(
        "/ryhmat/{cohort}/{lesson}",
        super::exercises::trainee::lesson_post,
    );
    t.post("/ryhmat/{cohort}/{lesson}/luettu", learning::mark_read);
    t.post(
        "/ryhmat/{cohort}/{lesson}/tarkistus",
        learning::answer_checks,
    );
    t.get("/kurssimateriaali/{course}/{file}", learning::course_asset);

    t.get("/haku", applications::open_list);
    t.get("/haku/{cohort}", applications::form);
    t.post("/haku/{cohort}", applications::submit);
    t.get("/vahvista/{token}", applications::confirm_page);
    t.post("/vahvista/{token}", applications::confirm);
    t.get("/esihenkilo/{token}", applications::manager_page);
    t.post("/esihenkilo/{token}", applications::manager_decide);

    t.get("/hallinta/ryhmat", cohorts::list);
    t.post("/hallinta/ryhmat", cohorts::create);
    t.get("/hallinta/ryhmat/uusi", cohorts::new_form);
    t.get("/hallinta/ryhmat/{cohort}", cohorts::show);
    t.get("/hallinta/ryhmat/{cohort}/muokkaa", cohorts::edit_form);
    t.post("/hallinta/ryhmat/{cohort}/muokkaa", cohorts::update);
    t.post(
        "/hallinta/ryhmat/{cohort}/valmentajat",
        super::cohort_roster::add_trainer,
    );
    t.get(
        "/hallinta/ryhmat/{cohort}/osallistujat/{enrolment}/{action}",
        super::cohort_roster::enrolment_confirm,
    );
    t.post(
        "/hallinta/ryhmat/{cohort}/osallistujat/{enrolment}/{action}",
        super::cohort_roster::enrolment_action,
    );
    t.post("/hallinta/ryhmat/{cohort}/peru", cohorts::cancel);
    t.post("/hallinta/ryhmat/{cohort}/arkistoi", cohorts::archive);
    use super::cohort_queue as queue;
    t.get("/hallinta/ryhmat/{cohort}/hakemukset", queue::queue);
    t.post("/hallinta/hakemukset/{id}/{action}", queue::decide);
    t.get("/hallinta/ryhmat/{cohort}/kutsu", queue::invite_form);
    t.post("/hallinta/ryhmat/{cohort}/kutsu", queue::invite_preview);
    t.post(
        "/hallinta/ryhmat/{cohort}/kutsu/vahvista",
        queue::invite_confirm,
    );

    super::organisations::register(t);

    super::network::register(t);
    super::trainings::register(t);
    super::attendance::register(t);
    super::reach::register(t);
    super::kits::register(t);
    super::refresher::register(t);

    super::surveys::register(t);

    super::users::register(t);
    super::user_confirm::register(t);
    super::audit::register(t);
    // Regions and counties (admins); registered here so web::places needs no route table.
    t.get("/hallinta/alueet", super::places::list);
    t.get("/hallinta/alueet/{id}", super::places::region_form);
    t.post("/hallinta/alueet/{id}", super::places::save_region);
    t.get(
        "/hallinta/hyvinvointialueet/{id}",
        super::places::county_page,
    );
    t.post(
        "/hallinta/hyvinvointialueet/{id}",
        super::places::save_county,
    );
    t.post(
        "/hallinta/hyvinvointialueet/{id}/siirto",
        super::places::move_county,
    );
    t.post(
        "/hallinta/hyvinvointialueet/muutokset/{id}/peru",
        super::places::undo_change,
    );
    t.get("/hallinta/posti", admin::outbox);
    t.post("/hallinta/posti/uudelleen", admin::outbox_retry_all);
    t.post("/hallinta/posti/{id}/uudelleen", admin::outbox_retry_one);
}

/// The writing exercises (`web::exercises`).
fn register_exercises(t: &mut RouteTable) {
    use super::exercises::{public, review, trainee, trainer};
    t.get("/tietopankki/esimerkit/{id}", public::example_page);
    t.get("/harjoitukset", trainee::mine);
    t.post("/harjoitukset/sahkoposti", trainee::set_mail);
    t.get("/harjoitukset/arvioi/{review}", review::review_page);
    t.post("/harjoitukset/arvioi/{review}", review::review_send);
    t.get("/harjoitukset/ryhma/{cohort}", trainer::cohort_page);
    t.get("/harjoitukset/vastaus/{entry}", trainer::entry_page);
    t.post("/harjoitukset/vastaus/{entry}", trainer::assess);
    t.get(
        "/harjoitukset/vastaus/{entry}/julkaise",
        trainer::publish_form,
    );
    t.post("/harjoitukset/vastaus/{entry}/julkaise", trainer::publish);
    t.post(
        "/harjoitukset/vastaus/{entry}/peru-julkaisu",
        trainer::withdraw,
    );
    t.post(
        "/harjoitukset/arviot/{review}/{review_action}",
        trainer::moderate_review,
    );
    t.get(
        "/harjoitukset/peru-tilaus/{token}",
        public::unsubscribe_page,
    );
    t.post("/harjoitukset/peru-tilaus/{token}", public::unsubscribe);
}

/// The list of routes, for tests and documentation.
pub fn all() -> Vec<(String, String)> {
    let mut t = RouteTable::default();
    register(&mut t);
    t.list()
}
