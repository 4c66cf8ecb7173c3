//! The coordinators' figures in memory (`db::figures`): a page served from memory never shows
//! figures a write has changed, on this server or another on the same database, whichever way
//! the write came (a form, another server, a statement from outside the app); and the writes
//! the platform makes most (posts, sign-ins) leave the figures' version as it is.

use crate::discussions::{ask, reply};
use crate::network::{graduate, organisation};
use crate::support::{same_person_on, statements, Browser, TestApp};
use diesel::prelude::*;
use kirjaamo::accounts::Role;

/// Kaisa, Socca's regional coordinator.
fn socca_coordinator(app: &TestApp) {
    app.user(
        "kaisa@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
}

fn version(app: &TestApp) -> i64 {
    kirjaamo::db::figures::version(&mut app.conn()).unwrap()
}

/// The figure after `<dt>label</dt>` on the overview.
fn figure(body: &str, label: &str) -> String {
    let at = body
        .find(&format!("{label}</dt><dd>"))
        .unwrap_or_else(|| panic!("no figure {label}"));
    let rest = &body[at + label.len() + "</dt><dd>".len()..];
    rest[..rest.find("</dd>").unwrap()].to_string()
}

const REACH_2026: &str = "Vuonna 2026 tavoitettuja henkilöitä on 0 (jokainen laskettu kerran ilmoittautumisista), ja kouluttajat ovat lisäksi ilmoittaneet";

#[actix_web::test]
async fn a_training_logged_on_one_server_shows_on_the_others_next_request() {
    let app = TestApp::new();
    socca_coordinator(&app);
    let home = organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 300);
    organisation(&app, "Pieni yhdistys", "helsinki", 100);
    graduate(&app, Some(home)).await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let server_b = app.second_server();
    let mut kaisa_b = same_person_on(server_b.clone(), &kaisa).await;
    // Both servers hold the figures: no training yet, 300 + 100 staff.
    for b in [&mut kaisa, &mut kaisa_b] {
        let page = b.get("/verkosto").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(&format!(
                "{REACH_2026} 0 osallistumiskertaa. Organisaatioiden henkilöstöä on 400"
            )),
            "{}",
            page.body
        );
        assert_eq!(b.get("/hallinta/yleiskuva").await.status, 200);
    }
    assert_eq!(server_b.figures.network.len(), 1);

    // The expert logs a training on server A.
    let mut expert = app.signed_in("trainee@example.fi").await;
    let logged = expert
        .post(
            "/asiantuntija/koulutukset",
            &[
                ("organisation_id", &home.to_string()),
                ("held_on", "2026-10-01"),
                ("theme", "archiving"),
                ("participants", "25"),
            ],
        )
        .await;
    assert_eq!(logged.status, 303, "{}", logged.body);
    // Server B's next page has it, and so has its overview.
    let page = kaisa_b.get("/verkosto").await;
    assert!(
        page.body.contains(&format!("{REACH_2026} 25 osallistumiskertaa. Organisaatioiden henkilöstöä on 400: tavoittavuus 6,3\u{a0}%.")),
        "{}",
        page.body
    );
    let overview = kaisa_b.get("/hallinta/yleiskuva").await;
    assert!(overview.body.contains("6,3\u{a0}%"), "{}", overview.body);

    // The area's calendar is kept with the figures too: a training planned on server A is on
    // server B's next page.
    assert!(page.body.contains("Alueella ei ole tulevia koulutuksia."));
    let planned = expert
        .post(
            "/asiantuntija/koulutukset/uusi",
            &[
                ("organisation_id", &home.to_string()),
                ("unit", "Aikuissosiaalityö"),
                ("held_on", "2026-12-10"),
                ("starts", "13:00"),
                ("ends", "14:30"),
                ("themes", "structured"),
                ("place", "Kokoushuone Aurora"),
                ("planned_size", "30"),
            ],
        )
        .await;
    assert_eq!(planned.status, 303, "{}", planned.body);
    let page = kaisa_b.get("/verkosto").await;
    assert!(!page.body.contains("Alueella ei ole tulevia koulutuksia."));
    assert!(
        page.body.contains("Kokoushuone Aurora") && page.body.contains("10.12.2026 klo 13.00"),
        "{}",
        page.body
    );

    // A write from outside the app (an operator's statement, another tool): the trigger
    // moves the version all the same.
    diesel::update(
        kirjaamo::db::schema::organisations::table
            .filter(kirjaamo::db::schema::organisations::name.eq("Pieni yhdistys")),
    )
    .set(kirjaamo::db::schema::organisations::staff_count.eq(200))
    .execute(&mut app.conn())
    .unwrap();
    for b in [&mut kaisa, &mut kaisa_b] {
        let page = b.get("/verkosto").await;
        assert!(
            page.body
                .contains("Organisaatioiden henkilöstöä on 500: tavoittavuus 5,0\u{a0}%."),
            "{}",
            page.body
        );
    }
}

#[actix_web::test]
async fn posts_and_sign_ins_keep_the_figures_and_a_question_moves_them() {
    let app = TestApp::new();
    socca_coordinator(&app);
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let unanswered = "Vastaamattomat kysymykset";
    let first = kaisa.get("/hallinta/yleiskuva").await;
    assert_eq!(figure(&first.body, unanswered), "0");

    let mut trainee = app.signed_in("trainee@example.fi").await;
    let before = version(&app);
    let question = ask(
        &mut trainee,
        cohort,
        "question",
        "Säilytysajat",
        "Kuinka kauan?",
    )
    .await;
    assert!(version(&app) > before, "a new question moves the figures");
    assert_eq!(
        figure(&kaisa.get("/hallinta/yleiskuva").await.body, unanswered),
        "1"
    );

    // The trainee's own follow-up, and signing in again: nothing the figures show.
    let before = version(&app);
    reply(&mut trainee, question, "Tarkennan vielä kysymystä.", None).await;
    let _again = app.signed_in("trainee@example.fi").await;
    assert_eq!(
        version(&app),
        before,
        "a post or a sign-in moved the figures"
    );
    assert_eq!(
        figure(&kaisa.get("/hallinta/yleiskuva").await.body, unanswered),
        "1"
    );

    // The trainer's answer.
    let mut trainer = app.signed_in("trainer@example.fi").await;
    reply(&mut trainer, question, "Ohje on oppitunnilla.", None).await;
    assert!(version(&app) > before, "the answer moves the figures");
    assert_eq!(
        figure(&kaisa.get("/hallinta/yleiskuva").await.body, unanswered),
        "0"
    );
}

/// Statements one request sends, after a first request filled the figures.
async fn statements_of(app: &TestApp, b: &mut Browser, url: &str) -> usize {
    assert_eq!(b.get(url).await.status, 200, "{url}");
    let before = statements::sent(&app.state.config.database_url);
    assert_eq!(b.get(url).await.status, 200, "{url}");
    statements::sent(&app.state.config.database_url) - before
}

/// Served from memory, the pages read the session, the viewer's scopes, the figures' version
/// (and the network page the viewer's calendar token's date): the same few statements whatever
/// the region's size (benches/README.md has the figures at a million posts).
#[actix_web::test]
async fn the_pages_from_memory_read_only_what_is_the_viewers() {
    statements::install();
    let app = TestApp::new();
    socca_coordinator(&app);
    let home = organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 300);
    graduate(&app, Some(home)).await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let network = statements_of(&app, &mut kaisa, "/verkosto").await;
    let overview = statements_of(&app, &mut kaisa, "/hallinta/yleiskuva").await;
    eprintln!("statements: network page {network}, overview {overview}");
    // The session; the regions and counties to switch between; the version; (the account's
    // creation date for the calendar link).
    // The same on both engines (no ping of a connection just back in the pool).
    assert_eq!(network, 5, "the network page");
    assert_eq!(overview, 4, "the overview");
}
