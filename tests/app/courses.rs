//! Courses: publishing (identity, all or nothing), lesson pages with progress and
//! self-checks, closed course images, and the open knowledge bank with its search.

use crate::support::TestApp;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::cohorts::{self, NewCohort};
use kirjaamo::db::schema::{courses, lesson_progress, lessons};
use std::path::{Path, PathBuf};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/courses/valid");

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Copies the fixture courses into the app's courses folder and publishes them.
pub fn publish_fixture(app: &TestApp) -> PathBuf {
    let dir = app.state.config.courses_dir.clone();
    copy_dir(Path::new(FIXTURE), &dir);
    let all = kirjaamo::app::publish_courses(&app.state).unwrap();
    assert!(all.diagnostics.is_empty(), "{:?}", all.diagnostics);
    dir
}

fn lesson_id(app: &TestApp, slug: &str) -> i64 {
    lessons::table
        .filter(lessons::slug.eq(slug))
        .select(lessons::id)
        .first(&mut app.conn())
        .unwrap()
}

/// A cohort of the demo course in Socca with one trainee and one trainer.
pub fn cohort(app: &TestApp) -> i64 {
    let course_id: i64 = courses::table
        .filter(courses::slug.eq("demo-course"))
        .select(courses::id)
        .first(&mut app.conn())
        .unwrap();
    let c = cohorts::create(
        &mut app.conn(),
        NewCohort {
            course_id,
            name: "Syksy 2026, Socca",
            region_id: Some(app.region_id("socca")),
            work_hours: 20,
            ..Default::default()
        },
        app.clock.now(),
    )
    .unwrap();
    let trainee = app.user("trainee@example.fi", "Tiina Trainee", None);
    let trainer = app.user(
        "trainer@example.fi",
        "Ville Valmentaja",
        Some(Role::Trainer),
    );
    cohorts::enrol(&mut app.conn(), c.id, trainee.id, app.clock.now()).unwrap();
    cohorts::add_trainer(&mut app.conn(), c.id, trainer.id).unwrap();
    c.id
}

#[actix_web::test]
async fn republishing_keeps_lesson_identity_and_progress_and_retires_removed_lessons() {
    let app = TestApp::new();
    let dir = publish_fixture(&app);
    let before = lesson_id(&app, "asiakirjatyypit");
    let harjoitus = lesson_id(&app, "harjoitus");
    let u = app.user("t@example.fi", "T", None);
    diesel::insert_into(lesson_progress::table)
        .values((
            lesson_progress::user_id.eq(u.id),
            lesson_progress::lesson_id.eq(before),
            lesson_progress::done_at.eq(Some(app.clock.now())),
            lesson_progress::answers_json.eq("{}"),
            lesson_progress::updated_at.eq(app.clock.now()),
        ))
        .execute(&mut app.conn())
        .unwrap();
    // Reorder (the module moves first), edit a lesson, remove another.
    let course = dir.join("demo-course");
    std::fs::rename(course.join("02-kaytanto"), course.join("00-kaytanto")).unwrap();
    let f = course.join("00-kaytanto/01-asiakirjatyypit.md");
    let text = std::fs::read_to_string(&f).unwrap().replace(
        "Palvelutehtävä ja asiakirjatyyppi",
        "Palvelutehtävä sekä asiakirjatyyppi",
    );
    std::fs::write(&f, text).unwrap();
    std::fs::remove_file(course.join("00-kaytanto/02-harjoitus.md")).unwrap();
    let all = kirjaamo::app::publish_courses(&app.state).unwrap();
    assert_eq!(all.published[0].retired, 1);
    assert_eq!(
        lesson_id(&app, "asiakirjatyypit"),
        before,
        "same lesson, same identity"
    );
    let (body, active): (String, bool) = lessons::table
        .find(before)
        .select((lessons::body_html, lessons::active))
        .first(&mut app.conn())
        .unwrap();
    assert!(body.contains("Palvelutehtävä sekä asiakirjatyyppi") && active);
    let retired: bool = lessons::table
        .find(harjoitus)
        .select(lessons::active)
        .first(&mut app.conn())
        .unwrap();
    assert!(!retired, "a removed lesson is retired");
    let kept: i64 = lesson_progress::table
        .filter(lesson_progress::lesson_id.eq(before))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(kept, 1, "progress survives");
    // Publishing unchanged sources changes nothing.
    assert!(
        !kirjaamo::app::publish_courses(&app.state)
            .unwrap()
            .published[0]
            .changed
    );
}

#[actix_web::test]
async fn a_course_with_errors_is_not_published_and_the_last_good_version_stays() {
    let app = TestApp::new();
    let dir = publish_fixture(&app);
    let id = lesson_id(&app, "asiakirjatyypit");
    let good: String = lessons::table
        .find(id)
        .select(lessons::body_html)
        .first(&mut app.conn())
        .unwrap();
    let f = dir.join("demo-course/02-kaytanto/01-asiakirjatyypit.md");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("Palvelutehtävä", "Muutettu teksti");
    std::fs::write(&f, text).unwrap();
    std::fs::write(
        dir.join("demo-course/01-perusteet/02-asiakkaan-osallisuus.md"),
        "+++\ntitle = \n+++\nrikki",
    )
    .unwrap();
    let all = kirjaamo::app::publish_courses(&app.state).unwrap();
    assert!(!all.diagnostics.is_empty());
    assert!(all.published.is_empty());
    let now: String = lessons::table
        .find(id)
        .select(lessons::body_html)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(now, good, "nothing of the broken version went live");
}

#[actix_web::test]
async fn lessons_are_closed_to_all_but_the_cohort() {
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let url = format!("/ryhmat/{cohort_id}/mita-kirjaaminen-on");
    let mut anon = app.browser().await;
    let res = anon.get(&url).await;
    assert_eq!(res.status, 303);
    assert!(res.location().starts_with("/login"));

    app.user("outsider@example.fi", "Ulla Ulkopuolinen", None);
    app.user(
        "coord-socca@example.fi",
        "Kaisa",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user(
        "coord-poske@example.fi",
        "Pekka",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("poske"),
        }),
    );
    for (who, status) in [
        ("trainee@example.fi", 200),
        ("trainer@example.fi", 200),
        ("coord-socca@example.fi", 200),
        ("outsider@example.fi", 404),
        ("coord-poske@example.fi", 404),
    ] {
        let mut b = app.signed_in(who).await;
        let res = b.get(&url).await;
        assert_eq!(res.status, status, "{who}");
        if status == 200 {
            assert!(res.body.contains("Mitä kirjaaminen on?"));
        } else {
            assert!(!res.body.contains("Kenelle kirjaus kirjoitetaan"));
        }
        assert_eq!(
            b.get(&format!("/ryhmat/{}/mita-kirjaaminen-on", cohort_id + 1))
                .await
                .status,
            404,
            "{who}: a guessed cohort id"
        );
    }
}

#[actix_web::test]
async fn a_trainee_reads_marks_read_and_passes_self_checks() {
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let mut b = app.signed_in("trainee@example.fi").await;

    let home = b.get(&format!("/ryhmat/{cohort_id}/")).await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("0/4 oppituntia tehty"));
    let page = b
        .get(&format!("/ryhmat/{cohort_id}/mita-kirjaaminen-on"))
        .await;
    assert!(page.body.contains("Lukuaika noin 10 minuuttia"));
    assert!(page.body.contains(r##"href="#"##), "a table of contents");
    assert!(
        page.body.contains(r#"href="asiakkaan-osallisuus"#),
        "the next lesson"
    );
    assert!(page
        .body
        .contains(r#"src="/kurssimateriaali/demo-course/kirjauksen-rakenne.png""#));
    assert!(
        page.body
            .contains("Mikä teidän työssänne on kirjaamisen tärkein tehtävä?"),
        "the discussion prompt"
    );

    let check = format!("/ryhmat/{cohort_id}/mita-kirjaaminen-on/tarkistus");
    let wrong = b.post(&check, &[("c0", "0")]).await;
    assert_eq!(wrong.status, 200);
    assert!(wrong.body.contains("Ei vielä oikein"));
    assert!(
        wrong.body.contains("palvelee <strong>asiakasta</strong>"),
        "the explanation is shown after answering"
    );
    assert!(
        wrong.body.contains(r#"value="0" checked"#),
        "the answer stays chosen"
    );
    let right = b.post(&check, &[("c0", "1")]).await;
    assert!(right.body.contains("Kaikki vastaukset ovat oikein"));
    assert!(right.body.contains("1/4"));

    // A lesson without checks is marked read; one with checks cannot be.
    let read = b
        .post(&format!("/ryhmat/{cohort_id}/asiakirjatyypit/luettu"), &[])
        .await;
    assert_eq!(read.status, 303);
    let refused = b
        .post(
            &format!("/ryhmat/{cohort_id}/asiakkaan-osallisuus/luettu"),
            &[],
        )
        .await;
    assert_eq!(refused.status, 400);
    let start = b.get("/").await;
    assert!(
        start.body.contains("2/4 oppituntia tehty"),
        "the home page shows progress"
    );
    assert!(
        start
            .body
            .contains(&format!("/ryhmat/{cohort_id}/asiakkaan-osallisuus")),
        "and the next lesson"
    );

    // The trainer reads but keeps no progress.
    let mut trainer = app.signed_in("trainer@example.fi").await;
    assert_eq!(trainer.post(&check, &[("c0", "1")]).await.status, 403);
}

#[actix_web::test]
async fn course_images_are_closed_too() {
    let app = TestApp::new();
    publish_fixture(&app);
    cohort(&app);
    app.user("outsider@example.fi", "Ulla", None);
    let url = "/kurssimateriaali/demo-course/kirjauksen-rakenne.png";
    let mut t = app.signed_in("trainee@example.fi").await;
    let img = t.get(url).await;
    assert_eq!(img.status, 200);
    assert_eq!(img.header("content-type"), "image/png");
    assert!(img.header("content-security-policy").contains("sandbox"));
    assert_eq!(
        t.get("/kurssimateriaali/demo-course/..%2Fcourse.toml")
            .await
            .status,
        404
    );
    let mut o = app.signed_in("outsider@example.fi").await;
    assert_eq!(o.get(url).await.status, 404);
    assert_eq!(app.browser().await.get(url).await.status, 303);
}

#[actix_web::test]
async fn the_knowledge_bank_is_open_grouped_licensed_and_searchable() {
    let app = TestApp::new();
    publish_fixture(&app);
    let mut anon = app.browser().await;
    let index = anon.get("/tietopankki").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("Mitä kirjaaminen on?"));
    assert!(index.body.contains("Asiakirjatyypit"));
    assert!(
        !index.body.contains("Harjoitus"),
        "a lesson without a summary is not in the bank"
    );
    assert!(!index.body.contains("Asiakkaan osallisuus"));
    let entry = anon
        .get("/tietopankki/demo-course/mita-kirjaaminen-on")
        .await;
    assert_eq!(entry.status, 200);
    assert!(entry.body.contains("<strong>dokumentointia</strong>"));
    assert!(entry.body.contains("CC BY 4.0"));
    assert!(
        !entry.body.contains("Kenelle kirjaus kirjoitetaan"),
        "the self-checks stay closed"
    );
    assert_eq!(
        anon.get("/tietopankki/demo-course/harjoitus").await.status,
        404
    );

    let found = anon.get("/tietopankki?q=dokumentoinnin").await;
    assert!(
        found
            .body
            .contains(r#"href="/tietopankki/demo-course/mita-kirjaaminen-on""#),
        "an inflected form finds the entry"
    );
    let none = anon.get("/tietopankki?q=%22OR%22*%20(").await;
    assert_eq!(none.status, 200, "query syntax is only text");
    let sv = anon.get("/kunskapsbank").await;
    assert_eq!(sv.status, 200);
}
