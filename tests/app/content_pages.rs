//! The course content as users meet it (issue 18): self-check choices in each trainee's own
//! stable order, graded by the choice's identity; every lesson's sources on the lesson page
//! and the knowledge-bank page; the knowledge bank in the page's language with links between
//! a lesson and its translation; the Swedish basic course in the cohort form; and completing
//! the Swedish course counting for the network and the refresher rule like the Finnish one.

use crate::courses::{cohort, copy_dir, publish_fixture};
use crate::support::TestApp;
use chrono::Months;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::cohorts::{self, NewCohort};
use kirjaamo::db::schema::{courses, lesson_progress, lessons, memberships, users};
use kirjaamo::network::refresher;
use std::path::Path;

/// The `value`s of a check's inputs, in the order the page shows them.
fn shown_order(body: &str, check: usize) -> Vec<String> {
    let marker = format!(r#"name="c{check}" value=""#);
    body.match_indices(&marker)
        .filter_map(|(i, _)| {
            let rest = body.get(i + marker.len()..)?;
            Some(rest.split('"').next()?.to_string())
        })
        .collect()
}

#[actix_web::test]
async fn choices_are_shuffled_per_trainee_stable_and_graded_by_identity() {
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let lesson_url = format!("/ryhmat/{cohort_id}/mita-kirjaaminen-on");

    let mut tiina = app.signed_in("trainee@example.fi").await;
    let page = tiina.get(&lesson_url).await;
    let order = shown_order(&page.body, 0);
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(sorted, ["0", "1", "2"], "every choice once: {order:?}");
    assert!(page.body.contains("Lähteet"), "the lesson's sources");
    assert!(page.body.contains("703/2023"));
    for _ in 0..3 {
        let again = tiina.get(&lesson_url).await;
        assert_eq!(
            shown_order(&again.body, 0),
            order,
            "a reload keeps the order"
        );
    }

    // Other trainees see other orders (three choices: six orders; eight trainees).
    let mut orders = vec![order.clone()];
    for n in 0..8 {
        let email = format!("t{n}@example.fi");
        let user = app.user(&email, &format!("Trainee {n}"), None);
        cohorts::enrol(&mut app.conn(), cohort_id, user.id, app.clock.now()).unwrap();
        let mut b = app.signed_in(&email).await;
        orders.push(shown_order(&b.get(&lesson_url).await.body, 0));
    }
    orders.sort();
    orders.dedup();
    assert!(
        orders.len() > 1,
        "trainees see the choices in different orders"
    );

    // The right answer is the choice's own value wherever it is shown.
    let right = tiina
        .post(&format!("{lesson_url}/tarkistus"), &[("c0", "1")])
        .await;
    assert_eq!(right.status, 303);
    let after = tiina.get(&lesson_url).await;
    assert!(after.body.contains("Kaikki vastaukset ovat oikein"));
    assert!(after.body.contains(r#"value="1" checked"#));
    assert_eq!(
        shown_order(&after.body, 0),
        order,
        "answering does not move them"
    );

    // Answers stored before shuffling existed (by the choice's index) still show and grade.
    let other = app.user("old@example.fi", "Old Answers", None);
    cohorts::enrol(&mut app.conn(), cohort_id, other.id, app.clock.now()).unwrap();
    let lesson_id: i64 = lessons::table
        .filter(lessons::slug.eq("mita-kirjaaminen-on"))
        .select(lessons::id)
        .first(&mut app.conn())
        .unwrap();
    diesel::insert_into(lesson_progress::table)
        .values((
            lesson_progress::user_id.eq(other.id),
            lesson_progress::lesson_id.eq(lesson_id),
            lesson_progress::done_at.eq(Some(app.clock.now())),
            lesson_progress::answers_json.eq(r#"{"0":[1]}"#),
            lesson_progress::updated_at.eq(app.clock.now()),
        ))
        .execute(&mut app.conn())
        .unwrap();
    let mut old = app.signed_in("old@example.fi").await;
    let page = old.get(&lesson_url).await;
    assert!(
        page.body.contains(r#"value="1" checked"#),
        "the stored answer"
    );
    assert!(page.body.contains("feedback-right"), "graded as right");
}

/// The real basic course in Finnish and in Swedish, published.
fn publish_real_basic_courses(app: &TestApp) {
    let dir = app.state.config.courses_dir.clone();
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("courses");
    for slug in [
        "kirjaamisvalmennus",
        "dokumentationsutbildning",
        "kertaava-valmennus",
    ] {
        copy_dir(&real.join(slug), &dir.join(slug));
    }
    let all = kirjaamo::app::publish_courses(&app.state).unwrap();
    assert!(all.diagnostics.is_empty(), "{:?}", all.diagnostics);
}

#[actix_web::test]
async fn the_knowledge_bank_reads_in_the_page_language_with_sources_and_translations() {
    let app = TestApp::new();
    publish_real_basic_courses(&app);

    let mut fi = app.browser().await;
    let index = fi.get("/tietopankki").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("Asiakkaan osallisuus kirjaamisessa"));
    assert!(!index
        .body
        .contains("Klientens delaktighet i dokumentationen"));

    let mut sv = app.browser().await;
    sv.extra_headers
        .push(("Accept-Language".into(), "sv-FI,sv;q=0.9".into()));
    let index = sv.get("/kunskapsbank").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains(r#"<html lang="sv""#));
    assert!(index
        .body
        .contains("Klientens delaktighet i dokumentationen"));
    assert!(!index.body.contains("Asiakkaan osallisuus kirjaamisessa"));

    // A search on a Swedish page looks in the Swedish entries.
    let found = sv.get("/kunskapsbank?q=delaktighet").await;
    assert!(found
        .body
        .contains("/tietopankki/dokumentationsutbildning/klientens-delaktighet"));
    let none = sv.get("/kunskapsbank?q=osallisuus").await;
    assert!(!none.body.contains("/tietopankki/kirjaamisvalmennus/"));
    let found = fi.get("/tietopankki?q=osallisuus").await;
    assert!(found
        .body
        .contains("/tietopankki/kirjaamisvalmennus/asiakkaan-osallisuus"));

    // The entry page: its sources, and the same lesson in the other language.
    let entry = sv
        .get("/tietopankki/dokumentationsutbildning/klientens-delaktighet")
        .await;
    assert_eq!(entry.status, 200);
    assert!(entry.body.contains("Källor"), "{}", entry.body);
    assert!(entry.body.contains("812/2000"));
    assert!(entry.body.contains("kontrollerad 6.12.2026"));
    assert!(
        entry.body.contains(
            r#"href="/tietopankki/kirjaamisvalmennus/asiakkaan-osallisuus" hreflang="fi""#
        ),
        "{}",
        entry.body
    );
    // Read on a Finnish page, the Swedish text is marked as Swedish.
    let entry = fi
        .get("/tietopankki/dokumentationsutbildning/klientens-delaktighet")
        .await;
    assert!(entry
        .body
        .contains(r#"<article class="kb-entry" lang="sv">"#));
    assert!(entry.body.contains("Lähteet"));
    let entry = fi
        .get("/tietopankki/kirjaamisvalmennus/asiakkaan-osallisuus")
        .await;
    assert!(entry.body.contains(
        r#"href="/tietopankki/dokumentationsutbildning/klientens-delaktighet" hreflang="sv""#
    ));
    assert!(!entry.body.contains(r#"<article class="kb-entry" lang="#));

    // English pages read the Finnish bank and say so.
    let mut en = app.browser().await;
    en.extra_headers
        .push(("Accept-Language".into(), "en".into()));
    let index = en.get("/knowledge-bank").await;
    assert!(index.body.contains("Asiakkaan osallisuus kirjaamisessa"));
    assert!(index.body.contains("This page shows the Finnish ones"));
}

#[actix_web::test]
async fn coordinators_choose_the_swedish_course_for_a_cohort() {
    let app = TestApp::new();
    publish_real_basic_courses(&app);
    app.user(
        "kaisa@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let mut b = app.signed_in("kaisa@example.fi").await;
    let form = b.get("/hallinta/ryhmat/uusi").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("Kirjaamisvalmennus (suomi)"),
        "{}",
        form.body
    );
    assert!(form.body.contains("Dokumentationsutbildning (svenska)"));
}

#[actix_web::test]
async fn the_demo_world_has_a_swedish_cohort_open_for_applications() {
    let app = TestApp::new();
    publish_real_basic_courses(&app);
    let first =
        kirjaamo::demo::seed(&mut app.conn(), crate::support::PASSWORD, app.clock.now()).unwrap();
    assert_eq!(
        first.cohorts, 3,
        "basic course, refresher, Swedish basic course"
    );
    let open = app.browser().await.get("/haku").await;
    assert!(
        open.body.contains(kirjaamo::demo::DEMO_SWEDISH_COHORT),
        "{}",
        open.body
    );
    let again =
        kirjaamo::demo::seed(&mut app.conn(), crate::support::PASSWORD, app.clock.now()).unwrap();
    assert_eq!(again.cohorts, 0, "idempotent");
}

#[actix_web::test]
async fn completing_the_swedish_course_counts_for_the_network_and_the_refresher_rule() {
    let app = TestApp::new();
    publish_real_basic_courses(&app);
    let org = kirjaamo::network::create_organisation(
        &mut app.conn(),
        kirjaamo::network::NewOrganisation {
            name: "Österbottens välfärdsområde",
            county_id: app.county_id("pohjanmaa"),
            kind: "public",
            staff_count: 100,
        },
        app.clock.now(),
    )
    .unwrap()
    .id;
    let course_id: i64 = courses::table
        .filter(courses::slug.eq("dokumentationsutbildning"))
        .select(courses::id)
        .first(&mut app.conn())
        .unwrap();
    let cohort = cohorts::create(
        &mut app.conn(),
        NewCohort {
            course_id,
            name: "Hösten 2026, på svenska",
            region_id: None,
            work_hours: 20,
            ..Default::default()
        },
        app.clock.now(),
    )
    .unwrap();
    let user = app.user("sara@example.fi", "Sara Svensson", None);
    diesel::update(users::table.find(user.id))
        .set(users::organisation_id.eq(org))
        .execute(&mut app.conn())
        .unwrap();
    let enrolment = cohorts::enrol(&mut app.conn(), cohort.id, user.id, app.clock.now()).unwrap();
    let ids: Vec<i64> = lessons::table
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::active.eq(true))
        .select(lessons::id)
        .load(&mut app.conn())
        .unwrap();
    for id in ids {
        diesel::insert_into(lesson_progress::table)
            .values((
                lesson_progress::user_id.eq(user.id),
                lesson_progress::lesson_id.eq(id),
                lesson_progress::done_at.eq(Some(app.clock.now())),
                lesson_progress::answers_json.eq("{}"),
                lesson_progress::updated_at.eq(app.clock.now()),
            ))
            .execute(&mut app.conn())
            .unwrap();
    }
    let msg = app.state.messaging();
    let outcome = kirjaamo::learning::completion::complete_if_done(
        &mut app.conn(),
        &msg,
        enrolment,
        app.clock.now(),
    )
    .unwrap();
    assert!(
        matches!(
            outcome,
            kirjaamo::learning::completion::Outcome::Completed { .. }
        ),
        "{outcome:?}"
    );
    let status: String = memberships::table
        .filter(memberships::user_id.eq(user.id))
        .select(memberships::status)
        .first(&mut app.conn())
        .expect("the Swedish graduate joins the network");
    assert_eq!(status, "active");

    // The refresher rule counts the Swedish completion: current for 36 months, then lapsed.
    let today = app.clock.now().date();
    let check = |months: u32| {
        let as_of = today.checked_add_months(Months::new(months)).unwrap();
        refresher::check(&mut app.conn(), &msg, as_of, app.clock.now(), true)
            .unwrap()
            .expect("the refresher course is published")
    };
    let soon = check(30);
    assert!(
        soon.findings.iter().all(|f| f.expert.user_id != user.id),
        "current 30 months after the Swedish course"
    );
    let late = check(37);
    let finding = late
        .findings
        .iter()
        .find(|f| f.expert.user_id == user.id)
        .expect("lapsed 37 months after");
    assert_eq!(finding.expert.last_completion, today);
    assert_eq!(finding.standing.state, refresher::State::Lapsed);
}
