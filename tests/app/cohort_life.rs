//! A cohort's life as its coordinator and people see it: dates checked (with the message next
//! to the field and the input kept), a start in the past only when confirmed, cancelling (every
//! applicant and trainee told, never offered again), archiving once over, lessons that open on
//! the start date, certificates never dated before the start, a removed trainee told, and the
//! queue showing the manager's answer and a full cohort before anyone presses accept.

use crate::cohorts::{coordinator, open_cohort, organisation, path_of, ready_application};
use crate::support::{link_in, TestApp};
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use kirjaamo::db::schema::{applications, certificates, cohorts, courses, enrolments, users};

fn course_id(app: &TestApp) -> i64 {
    courses::table
        .select(courses::id)
        .first(&mut app.conn())
        .unwrap()
}

/// The cohort form's fields with dates relative to today (in days; None leaves it empty).
fn fields(
    app: &TestApp,
    start: Option<i64>,
    end: Option<i64>,
    close: Option<i64>,
) -> Vec<(&'static str, String)> {
    let today = app.clock.today();
    let day = |d: Option<i64>| d.map(|d| (today + Duration::days(d)).to_string());
    vec![
        ("course_id", course_id(app).to_string()),
        ("name", "Talvi 2027, Socca".into()),
        ("region_id", app.region_id("socca").to_string()),
        ("starts_on", day(start).unwrap_or_default()),
        ("ends_on", day(end).unwrap_or_default()),
        ("capacity", "10".into()),
        ("applications_open_on", day(Some(-1)).unwrap_or_default()),
        ("applications_close_on", day(close).unwrap_or_default()),
        ("work_hours", "12".into()),
        ("description", "Äänekoski Åbo – kuvaus säilyy.".into()),
    ]
}

fn refs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn cohort_count(app: &TestApp) -> i64 {
    cohorts::table.count().get_result(&mut app.conn()).unwrap()
}

#[actix_web::test]
async fn dates_are_checked_next_to_their_fields_and_a_past_start_needs_confirming() {
    let app = TestApp::new();
    coordinator(&app);
    crate::courses::publish_fixture(&app);
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let before = cohort_count(&app);

    // The end before the start.
    let res = kaisa
        .post(
            "/hallinta/ryhmat",
            &refs(&fields(&app, Some(30), Some(20), Some(10))),
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(
        res.body.contains(
            r#"<p class="field-error" id="ends_on-error">Päättymispäivän pitää olla alkamispäivän jälkeen."#
        ),
        "{}",
        res.body
    );
    assert!(res.body.contains(r#"aria-describedby="ends_on-error""#));
    assert!(
        res.body.contains("Äänekoski Åbo – kuvaus säilyy."),
        "the input is kept"
    );

    // Applications closing on the start day.
    let res = kaisa
        .post(
            "/hallinta/ryhmat",
            &refs(&fields(&app, Some(30), Some(60), Some(30))),
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Haun pitää päättyä ennen valmennuksen alkamispäivää."));

    // A start in the past: refused until confirmed, with the confirmation offered.
    let past = fields(&app, Some(-3), Some(30), None);
    let res = kaisa.post("/hallinta/ryhmat", &refs(&past)).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Alkamispäivä on menneisyydessä."));
    assert!(res.body.contains(r#"name="confirm_past_start""#));
    assert_eq!(cohort_count(&app), before, "nothing saved while refused");

    let mut confirmed = past.clone();
    confirmed.push(("confirm_past_start", "on".into()));
    // Its application window would close after the start: drop the window for a running one.
    confirmed.retain(|(k, _)| !k.starts_with("applications_"));
    let res = kaisa.post("/hallinta/ryhmat", &refs(&confirmed)).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = kaisa.get(&res.location()).await;
    assert!(page
        .body
        .contains(r#"role="alert">Valmennusryhmä on luotu.</div>"#));
    assert!(page.body.contains("Käynnissä"), "the phase is named");

    // Editing the running cohort without moving its start asks nothing and says it saved.
    let id: i64 = cohorts::table
        .select(cohorts::id)
        .order(cohorts::id.desc())
        .first(&mut app.conn())
        .unwrap();
    let mut edit: Vec<(&'static str, String)> = confirmed
        .iter()
        .filter(|(k, _)| *k != "confirm_past_start")
        .cloned()
        .collect();
    edit.retain(|(k, _)| *k != "name");
    edit.push(("name", "Talvi 2027, Socca (muutettu)".into()));
    let res = kaisa
        .post(&format!("/hallinta/ryhmat/{id}/muokkaa"), &refs(&edit))
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = kaisa.get(&res.location()).await;
    assert!(page
        .body
        .contains(r#"role="alert">Muutokset on tallennettu.</div>"#));
    assert!(page.body.contains("Talvi 2027, Socca (muutettu)"));
}

#[actix_web::test]
async fn cancelling_tells_every_applicant_and_trainee_and_the_cohort_is_never_offered_again() {
    let app = TestApp::new();
    coordinator(&app);
    let org = organisation(&app, "Vantaan sosiaalipalvelut", "vantaa-kerava");
    let cohort = open_cohort(&app, "10", false).await;
    let accepted = ready_application(
        &app,
        cohort,
        "Aino Hyväksytty",
        "aino@example.fi",
        org,
        false,
    )
    .await;
    ready_application(
        &app,
        cohort,
        "Pekka Odottaa",
        "pekka@example.fi",
        org,
        false,
    )
    .await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let res = kaisa
        .post(&format!("/hallinta/hakemukset/{accepted}/hyvaksy"), &[])
        .await;
    assert_eq!(res.status, 303);
    let queue = kaisa.get(&res.location()).await;
    assert!(queue.body.contains(
        r#"role="alert">Hakemus on hyväksytty. Hakijalle on lähetetty kutsu valmennukseen.</div>"#
    ));
    let mut anon = app.browser().await;
    assert!(anon.get("/haku").await.body.contains("Kevät 2027, Socca"));

    // No reason: the page again, the problem named beside the field.
    let res = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/peru"),
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains(r#"id="cancel-reason-error""#));
    assert!(res.body.contains("Kirjoita peruutuksen syy"));
    let sent_before = app.outbox().len();

    let reason = "Liian vähän hakijoita.\nUusi ryhmä alkaa syksyllä.";
    let res = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/peru"),
            &[("reason", reason)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = kaisa.get(&res.location()).await;
    assert!(page.body.contains(
        r#"role="alert">Valmennusryhmä on peruttu. Viesti lähetettiin 2 hakijalle ja valmennettavalle.</div>"#
    ), "{}", page.body);
    assert!(page.body.contains("Liian vähän hakijoita."));
    // Each person is told once, with the reason.
    let told: Vec<(String, String, String)> = app.outbox().split_off(sent_before);
    assert_eq!(told.len(), 2, "{told:?}");
    for who in ["aino@example.fi", "pekka@example.fi"] {
        let (_, subject, text) = told.iter().find(|(to, _, _)| to == who).unwrap();
        assert_eq!(subject, "Valmennusryhmä Kevät 2027, Socca on peruttu");
        assert!(text.contains("Liian vähän hakijoita.\nUusi ryhmä alkaa syksyllä."));
    }
    let (_, _, to_trainee) = told
        .iter()
        .find(|(to, _, _)| to == "aino@example.fi")
        .unwrap();
    assert!(to_trainee.contains("jossa olit mukana"));
    let status: String = enrolments::table
        .select(enrolments::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "withdrawn");

    // Never offered again; cancelling twice is refused and sends nothing.
    assert!(!anon.get("/haku").await.body.contains("Kevät 2027, Socca"));
    assert_eq!(anon.get(&format!("/haku/{cohort}")).await.status, 404);
    let again = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/peru"),
            &[("reason", "Uudestaan")],
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(app.outbox().len(), sent_before + 2);
    let queue = kaisa
        .get(&format!("/hallinta/ryhmat/{cohort}/hakemukset"))
        .await;
    assert!(queue.body.contains("Ryhmä peruttu"));
    assert!(!queue.body.contains("/hyvaksy\""), "nothing left to accept");

    // A cancelled cohort is archived away from the current list.
    let res = kaisa
        .post(&format!("/hallinta/ryhmat/{cohort}/arkistoi"), &[])
        .await;
    assert_eq!(res.status, 303);
    let list = kaisa.get(&res.location()).await;
    assert!(list
        .body
        .contains(r#"role="alert">Valmennusryhmä on arkistoitu.</div>"#));
    assert!(list.body.contains("Arkistoitu valmennusryhmä (1)"));
}

#[actix_web::test]
async fn a_started_or_past_cohort_is_not_offered_and_archives_only_when_over() {
    let app = TestApp::new();
    coordinator(&app);
    let cohort = open_cohort(&app, "10", false).await;
    let mut anon = app.browser().await;
    assert!(anon.get("/haku").await.body.contains("Kevät 2027, Socca"));
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let early = kaisa
        .post(&format!("/hallinta/ryhmat/{cohort}/arkistoi"), &[])
        .await;
    assert_eq!(early.status, 409);
    assert!(early
        .body
        .contains("Valmennusryhmän voi arkistoida vasta, kun se on päättynyt tai peruttu."));

    // A window left open past the start (data from before the rule) still closes at the start.
    diesel::update(cohorts::table.find(cohort))
        .set(cohorts::applications_close_on.eq(None::<NaiveDate>))
        .execute(&mut app.conn())
        .unwrap();
    app.clock.advance(Duration::days(30));
    assert!(!anon.get("/haku").await.body.contains("Kevät 2027, Socca"));
    app.clock.advance(Duration::days(31));
    // Two months on, the coordinator signs in again.
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let res = kaisa
        .post(&format!("/hallinta/ryhmat/{cohort}/arkistoi"), &[])
        .await;
    assert_eq!(res.status, 303);
    let archived: Option<chrono::NaiveDateTime> = cohorts::table
        .find(cohort)
        .select(cohorts::archived_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(archived.is_some());
}

/// The fixture cohort starting in `days`, its lessons opening only then.
fn start_fixture_cohort_in(app: &TestApp, days: i64, lessons_at_start: bool) -> (i64, NaiveDate) {
    crate::courses::publish_fixture(app);
    let cohort = crate::courses::cohort(app);
    let start = app.clock.today() + Duration::days(days);
    diesel::update(cohorts::table.find(cohort))
        .set((
            cohorts::starts_on.eq(Some(start)),
            cohorts::ends_on.eq(Some(start + Duration::days(28))),
            cohorts::lessons_open_at_start.eq(lessons_at_start),
        ))
        .execute(&mut app.conn())
        .unwrap();
    (cohort, start)
}

#[actix_web::test]
async fn lessons_open_on_the_start_date_when_the_coordinator_says_so() {
    let app = TestApp::new();
    let (cohort, start) = start_fixture_cohort_in(&app, 10, true);
    let shown = format!(
        "{}.{}.{}",
        start.format("%-d"),
        start.format("%-m"),
        start.format("%Y")
    );
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let page = trainee.get(&format!("/ryhmat/{cohort}/")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!(
            "Oppitunnit avautuvat {shown}, kun valmennus alkaa."
        )),
        "{}",
        page.body
    );
    assert!(!page.body.contains(r#"<a href="mita-kirjaaminen-on">"#));
    let home = trainee.get("/").await;
    assert!(home.body.contains(&format!("Oppitunnit avautuvat {shown}")));
    let lesson = trainee
        .get(&format!("/ryhmat/{cohort}/mita-kirjaaminen-on"))
        .await;
    assert_eq!(lesson.status, 303);
    assert_eq!(lesson.location(), format!("/ryhmat/{cohort}/"));
    let read = trainee
        .post(&format!("/ryhmat/{cohort}/asiakirjatyypit/luettu"), &[])
        .await;
    assert_eq!(read.status, 409);
    assert!(read.body.contains("Oppitunnit eivät ole vielä auki."));
    // The trainer reads them already.
    let mut trainer = app.signed_in("trainer@example.fi").await;
    assert_eq!(
        trainer
            .get(&format!("/ryhmat/{cohort}/mita-kirjaaminen-on"))
            .await
            .status,
        200
    );
    // On the start day (Helsinki), the lessons are open.
    app.clock.advance(Duration::days(10));
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let lesson = trainee
        .get(&format!("/ryhmat/{cohort}/mita-kirjaaminen-on"))
        .await;
    assert_eq!(lesson.status, 200);
}

#[actix_web::test]
async fn a_certificate_is_never_dated_before_its_cohort_started() {
    let app = TestApp::new();
    let (cohort, start) = start_fixture_cohort_in(&app, 20, false);
    // Every lesson done before the cohort starts (its lessons are open from the outset).
    let uid: i64 = users::table
        .filter(users::email.eq("trainee@example.fi"))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap();
    let lessons: Vec<i64> = kirjaamo::db::schema::lessons::table
        .select(kirjaamo::db::schema::lessons::id)
        .load(&mut app.conn())
        .unwrap();
    for id in lessons {
        use kirjaamo::db::schema::lesson_progress as lp;
        diesel::insert_into(lp::table)
            .values((
                lp::user_id.eq(uid),
                lp::lesson_id.eq(id),
                lp::done_at.eq(Some(app.clock.now())),
                lp::answers_json.eq("{}"),
                lp::updated_at.eq(app.clock.now()),
            ))
            .execute(&mut app.conn())
            .unwrap();
    }
    let enrolment: i64 = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort))
        .select(enrolments::id)
        .first(&mut app.conn())
        .unwrap();
    let msg = app.state.messaging();
    let done = kirjaamo::learning::completion::complete_if_done(
        &mut app.conn(),
        &msg,
        enrolment,
        app.clock.now(),
    )
    .unwrap();
    assert!(matches!(
        done,
        kirjaamo::learning::completion::Outcome::Completed { .. }
    ));
    let issued: NaiveDate = certificates::table
        .select(certificates::issued_on)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        issued, start,
        "completed early, dated the day the cohort starts"
    );
}

#[actix_web::test]
async fn a_trainee_taken_out_of_a_cohort_is_told_by_email() {
    let app = TestApp::new();
    coordinator(&app);
    let org = organisation(&app, "Vantaan sosiaalipalvelut", "vantaa-kerava");
    let cohort = open_cohort(&app, "10", false).await;
    let id = ready_application(&app, cohort, "Ville Valmis", "ville@example.fi", org, false).await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    kaisa
        .post(&format!("/hallinta/hakemukset/{id}/hyvaksy"), &[])
        .await;
    let enrolment: i64 = enrolments::table
        .select(enrolments::id)
        .first(&mut app.conn())
        .unwrap();
    let res = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/osallistujat/{enrolment}/peru"),
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
    let page = kaisa.get(&res.location()).await;
    assert!(page.body.contains(
        r#"role="alert">Valmennettava on poistettu ryhmästä, ja hänelle on lähetetty viesti.</div>"#
    ));
    let (_, subject, text) = app.outbox().into_iter().last().unwrap();
    assert_eq!(
        subject,
        "Sinut on poistettu valmennusryhmästä Kevät 2027, Socca"
    );
    assert!(text.contains("Hei Ville Valmis"));
    // In Swedish for a Swedish speaker.
    diesel::update(users::table.filter(users::email.eq("ville@example.fi")))
        .set(users::language.eq("sv"))
        .execute(&mut app.conn())
        .unwrap();
    kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/osallistujat/{enrolment}/palauta"),
            &[],
        )
        .await;
    app.clock.advance(Duration::minutes(1));
    kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/osallistujat/{enrolment}/peru"),
            &[],
        )
        .await;
    let (_, subject, _) = app.outbox().into_iter().last().unwrap();
    assert_eq!(
        subject,
        "Du har tagits bort ur utbildningsgruppen Kevät 2027, Socca"
    );
}

#[actix_web::test]
async fn the_queue_shows_the_managers_answer_and_a_full_cohort_offers_the_waitlist() {
    let app = TestApp::new();
    coordinator(&app);
    let org = organisation(&app, "Keravan palvelut", "vantaa-kerava");
    let cohort = open_cohort(&app, "1", true).await;
    let first = ready_application(
        &app,
        cohort,
        "Eka Ensimmäinen",
        "eka@example.fi",
        org,
        false,
    )
    .await;
    // The second's manager approves with a message for the coordinator.
    let mut b = app.browser().await;
    let org_s = org.to_string();
    b.post(
        &format!("/haku/{cohort}"),
        &[
            ("name", "Toka Toinen"),
            ("email", "toka@example.fi"),
            ("organisation_id", &org_s),
            ("manager_name", "Eila Esihenkilö"),
            ("manager_email", "eila@example.fi"),
        ],
    )
    .await;
    let (_, _, text) = app
        .outbox()
        .into_iter()
        .rev()
        .find(|(to, _, _)| to == "toka@example.fi")
        .unwrap();
    let confirm = path_of(&app, &link_in(&text, "/vahvista/").unwrap());
    b.post(&confirm, &[]).await;
    let (_, _, text) = app
        .outbox()
        .into_iter()
        .rev()
        .find(|(to, s, _)| to == "eila@example.fi" && s.contains("Toka"))
        .unwrap();
    let link = path_of(&app, &link_in(&text, "/esihenkilo/").unwrap());
    let mut m = app.browser().await;
    let res = m
        .post(
            &link,
            &[
                ("decision", "approve"),
                ("note", "Toka voi osallistua maanantaisin."),
            ],
        )
        .await;
    assert_eq!(res.status, 200);
    // The first was approved without a note (ready_application skipped the manager); approve.
    diesel::update(applications::table.find(first))
        .set(applications::manager_decision.eq(Some("approved")))
        .execute(&mut app.conn())
        .unwrap();
    let second: i64 = applications::table
        .filter(applications::email.eq("toka@example.fi"))
        .select(applications::id)
        .first(&mut app.conn())
        .unwrap();

    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let queue = kaisa
        .get(&format!("/hallinta/ryhmat/{cohort}/hakemukset"))
        .await;
    assert!(queue.body.contains("Eila Esihenkilö"));
    assert!(queue.body.contains("Esihenkilön viesti koordinaattorille:"));
    assert!(queue.body.contains("Toka voi osallistua maanantaisin."));
    kaisa
        .post(&format!("/hallinta/hakemukset/{first}/hyvaksy"), &[])
        .await;
    // Full: the page says so before anyone presses accept.
    let queue = kaisa
        .get(&format!("/hallinta/ryhmat/{cohort}/hakemukset"))
        .await;
    assert!(
        queue.body.contains("Ryhmä on täynnä (1/1)."),
        "{}",
        queue.body
    );
    assert!(queue
        .body
        .contains(r#"disabled aria-describedby="queue-full">Ryhmä täynnä"#));
    assert!(!queue
        .body
        .contains(&format!("/hallinta/hakemukset/{second}/hyvaksy")));
    // Pressed anyway (an old page): the queue again, saying why, with the waitlist offered.
    let res = kaisa
        .post(&format!("/hallinta/hakemukset/{second}/hyvaksy"), &[])
        .await;
    assert_eq!(res.status, 409);
    assert!(res
        .body
        .contains("Hakijaa Toka Toinen koskevaa päätöstä ei tehty"));
    assert!(res.body.contains("Valmennusryhmä on täynnä."));
    assert!(res.body.contains(&format!(
        r#"action="/hallinta/hakemukset/{second}/jonoon"><input type="hidden" name="csrf_token""#
    )));
    assert!(res.body.contains("Siirrä Toka Toinen varasijalle"));
    assert!(!res.body.contains("Palaa etusivulle"), "not a dead end");
    let res = kaisa
        .post(&format!("/hallinta/hakemukset/{second}/jonoon"), &[])
        .await;
    assert_eq!(res.status, 303);
    let queue = kaisa.get(&res.location()).await;
    assert!(queue.body.contains(
        r#"role="alert">Hakemus on siirretty varasijalle, ja hakijalle on lähetetty viesti.</div>"#
    ));
}
