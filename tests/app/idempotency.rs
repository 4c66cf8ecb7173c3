//! Forms that create something carry an idempotency key (issue 15): a retry after a lost
//! answer — the browser sending the same form again, two clicks racing — creates nothing twice
//! and answers as the first did; a key is nothing to another person; a form that failed stored
//! nothing and may simply be sent again.

use crate::support::{Browser, TestApp};
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{announcements, applications, cohorts, trainings_held};
use kirjaamo::db::schema_discussions::{discussion_posts as dp, discussion_threads as dt};

const LESSON: &str = "mita-kirjaaminen-on";

macro_rules! count {
    ($app:expr, $table:expr) => {
        $table.count().get_result::<i64>(&mut $app.conn()).unwrap()
    };
}

/// The key a freshly rendered form of `page` carries.
async fn key_on(b: &mut Browser, page: &str) -> String {
    let res = b.get(page).await;
    assert_eq!(res.status, 200, "{page}");
    let marker = "name=\"idempotency_key\" value=\"";
    let at = res
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("no idempotency key on {page}"));
    let rest = &res.body[at + marker.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[actix_web::test]
async fn a_resent_new_thread_or_reply_is_created_once_and_answered_as_before() {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    let mut b = app.signed_in("trainee@example.fi").await;
    let area = format!("/ryhmat/{cohort}/{LESSON}/keskustelu");
    let key = key_on(&mut b, &area).await;
    assert_ne!(
        key,
        key_on(&mut b, &area).await,
        "each form gets its own key"
    );
    let fields = [
        ("kind", "question"),
        ("title", "Miten kirjaan puhelun?"),
        ("body", "Asiakas soitti ja kertoi muutoksesta."),
        ("action", "send"),
        ("idempotency_key", key.as_str()),
    ];
    let threads_before = count!(app, dt::table);
    let first = b.post(&area, &fields).await;
    assert_eq!(first.status, 303, "{}", first.body);
    // The answer was lost; the browser sends the same form again.
    let again = b.post(&area, &fields).await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location(), first.location());
    assert_eq!(count!(app, dt::table), threads_before + 1);

    // A reply, sent twice at the same moment (a double click on a slow connection).
    let thread = first.location();
    let key = key_on(&mut b, &thread).await;
    let mut twin = app.browser().await;
    twin.cookies = b.cookies.clone();
    twin.peer = b.peer;
    let reply = [
        ("body", "Lisäkysymys: kirjataanko soittoaika?"),
        ("parent_id", ""),
        ("action", "send"),
        ("idempotency_key", key.as_str()),
    ];
    let posts_before = count!(app, dp::table);
    let (r1, r2) = tokio::join!(b.post(&thread, &reply), twin.post(&thread, &reply));
    assert_eq!((r1.status, r2.status), (303, 303));
    assert_eq!(r1.location(), r2.location());
    assert_eq!(count!(app, dp::table), posts_before + 1);

    // A new form (a new key) is a new reply, as the person meant.
    let key = key_on(&mut b, &thread).await;
    let reply = [
        ("body", "Ja toinen asia vielä."),
        ("action", "send"),
        ("idempotency_key", key.as_str()),
    ];
    assert_eq!(b.post(&thread, &reply).await.status, 303);
    assert_eq!(count!(app, dp::table), posts_before + 2);
}

#[actix_web::test]
async fn a_failed_form_stores_nothing_and_a_key_is_nothing_to_another_person() {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    let other = app.user("toinen@example.fi", "Toinen Opiskelija", None);
    kirjaamo::cohorts::enrol(&mut app.conn(), cohort, other.id, app.clock.now()).unwrap();
    let mut b = app.signed_in("trainee@example.fi").await;
    let area = format!("/ryhmat/{cohort}/{LESSON}/keskustelu");
    let key = key_on(&mut b, &area).await;
    let empty = b
        .post(
            &area,
            &[
                ("kind", "question"),
                ("title", ""),
                ("body", ""),
                ("action", "send"),
                ("idempotency_key", key.as_str()),
            ],
        )
        .await;
    assert_eq!(empty.status, 400);
    let fields = [
        ("kind", "discussion"),
        ("title", "Kirjaamisen aikataulu"),
        ("body", "Milloin kirjaatte kotikäynnit?"),
        ("action", "send"),
        ("idempotency_key", key.as_str()),
    ];
    let before = count!(app, dt::table);
    let mine = b.post(&area, &fields).await;
    assert_eq!(mine.status, 303, "the corrected form is created");
    // Someone else sending the same key (copied, guessed) creates their own thread.
    let mut them = app.signed_in("toinen@example.fi").await;
    let theirs = them.post(&area, &fields).await;
    assert_eq!(theirs.status, 303);
    assert_ne!(theirs.location(), mine.location());
    assert_eq!(count!(app, dt::table), before + 2);
}

#[actix_web::test]
async fn a_resent_application_training_announcement_and_cohort_are_created_once() {
    let app = TestApp::new();
    crate::cohorts::coordinator(&app);
    let org = crate::cohorts::organisation(&app, "Vantaan sosiaalipalvelut", "vantaa-kerava");
    let cohort = crate::cohorts::open_cohort(&app, "100", false).await;

    // An application, by someone without an account.
    let mut applicant = app.browser().await;
    let key = key_on(&mut applicant, &format!("/haku/{cohort}")).await;
    let org_s = org.to_string();
    let fields = [
        ("name", "Hanna Hakija"),
        ("email", "hanna@example.fi"),
        ("organisation_id", org_s.as_str()),
        ("manager_name", "Eila Esihenkilö"),
        ("manager_email", "eila@example.fi"),
        ("motivation", "Haluan oppia kirjaamaan."),
        ("idempotency_key", key.as_str()),
    ];
    let mails = app.outbox().len();
    let first = applicant.post(&format!("/haku/{cohort}"), &fields).await;
    let again = applicant.post(&format!("/haku/{cohort}"), &fields).await;
    assert_eq!((first.status, again.status), (200, 200));
    assert!(again.body.contains("hanna@example.fi"), "the same answer");
    assert_eq!(count!(app, applications::table), 1);
    assert_eq!(app.outbox().len(), mails + 1, "one confirmation mail");

    // A cohort, by the coordinator.
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let key = key_on(&mut kaisa, "/hallinta/ryhmat/uusi").await;
    let course_id: i64 = kirjaamo::db::schema::courses::table
        .select(kirjaamo::db::schema::courses::id)
        .first(&mut app.conn())
        .unwrap();
    let (course_s, region_s) = (course_id.to_string(), app.region_id("socca").to_string());
    let today = app.clock.today();
    let (starts, ends) = (
        (today + chrono::Duration::days(90)).to_string(),
        (today + chrono::Duration::days(120)).to_string(),
    );
    let fields = [
        ("course_id", course_s.as_str()),
        ("name", "Syksy 2027, Socca"),
        ("region_id", region_s.as_str()),
        ("starts_on", starts.as_str()),
        ("ends_on", ends.as_str()),
        ("capacity", "30"),
        ("work_hours", "16"),
        ("idempotency_key", key.as_str()),
    ];
    let before = count!(app, cohorts::table);
    let first = kaisa.post("/hallinta/ryhmat", &fields).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let again = kaisa.post("/hallinta/ryhmat", &fields).await;
    assert_eq!(again.location(), first.location());
    assert_eq!(count!(app, cohorts::table), before + 1);

    // A training held and an announcement, by an expert and the coordinator.
    let home = crate::network::organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 300);
    crate::network::graduate(&app, Some(home)).await;
    let mut expert = app.signed_in("trainee@example.fi").await;
    let key = key_on(&mut expert, "/asiantuntija").await;
    let home_s = home.to_string();
    let fields = [
        ("organisation_id", home_s.as_str()),
        ("held_on", "2026-11-02"),
        ("theme", "archiving"),
        ("participants", "15"),
        ("idempotency_key", key.as_str()),
    ];
    let first = expert.post("/asiantuntija/koulutukset", &fields).await;
    let again = expert.post("/asiantuntija/koulutukset", &fields).await;
    assert_eq!((first.status, again.status), (303, 303));
    assert_eq!(count!(app, trainings_held::table), 1);

    let key = key_on(&mut kaisa, "/verkosto/tiedotteet").await;
    let fields = [
        ("title", "Verkostotapaaminen"),
        ("body", "Tervetuloa."),
        ("idempotency_key", key.as_str()),
    ];
    let mails = app.outbox().len();
    let first = kaisa.post("/verkosto/tiedotteet", &fields).await;
    let again = kaisa.post("/verkosto/tiedotteet", &fields).await;
    assert_eq!((first.status, again.status), (200, 200));
    assert!(again.body.contains("Tiedote lähetettiin yhdelle jäsenelle"));
    assert_eq!(count!(app, announcements::table), 1);
    assert_eq!(app.outbox().len(), mails + 1, "the members are mailed once");
}

#[actix_web::test]
async fn resent_feedback_mails_the_admins_once() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Aino Admin", Some(Role::Admin));
    let mut b = app.browser().await;
    let key = key_on(&mut b, "/palaute").await;
    let fields = [
        ("message", "Lomakkeen virheilmoitus jäi epäselväksi."),
        ("idempotency_key", key.as_str()),
    ];
    assert_eq!(b.post("/palaute", &fields).await.status, 200);
    assert_eq!(b.post("/palaute", &fields).await.status, 200);
    assert_eq!(app.outbox().len(), 1);
}
