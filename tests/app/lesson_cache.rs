//! The lesson page's cache of the published course (`learning::cache`): what it must never do
//! (serve a lesson a publish has replaced, on any server; show one trainee's progress, answers
//! or name to another; change a trainee's own order of a check's choices) and how few
//! statements the page sends.

use crate::courses::{cohort, publish_fixture};
use crate::support::{same_person_on, statements, Browser, TestApp};

const LESSON: &str = "asiakkaan-osallisuus";

/// The choices of check `qi` in the order the page shows them (their own indexes).
fn shown_order(body: &str, qi: usize) -> Vec<usize> {
    let marker = format!("id=\"c{qi}-");
    body.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &body[at + marker.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

fn edit(app: &TestApp, file: &str, from: &str, to: &str) {
    let path = app.state.config.courses_dir.join("demo-course").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} in {file}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

#[actix_web::test]
async fn a_publish_on_one_server_shows_on_the_others_next_request() {
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let url = format!("/ryhmat/{cohort_id}/{LESSON}");
    let mut on_a = app.signed_in("trainee@example.fi").await;
    let server_b = app.second_server();
    let mut on_b = same_person_on(server_b.clone(), &on_a).await;
    // Both servers have served (and so hold) the lesson as first published.
    for b in [&mut on_a, &mut on_b] {
        let page = b.get(&url).await;
        assert_eq!(page.status, 200);
        assert!(page
            .body
            .contains("Lyhyt lainaus välittää asiakkaan näkemyksen tarkasti."));
        assert!(page.body.contains(">Juorut</label>"));
    }
    assert_eq!(server_b.lessons.held(), (1, 4));
    let order_before = shown_order(&on_b.get(&url).await.body, 0);

    // Server A publishes a changed text, a changed choice, and drops a lesson.
    edit(
        &app,
        "01-perusteet/02-asiakkaan-osallisuus.md",
        "Lyhyt lainaus välittää asiakkaan näkemyksen tarkasti.",
        "Lyhyt suora lainaus kertoo asiakkaan näkemyksen sellaisenaan.",
    );
    edit(
        &app,
        "01-perusteet/02-asiakkaan-osallisuus.md",
        "\"Juorut\"",
        "\"Naapurin arvailut\"",
    );
    std::fs::remove_file(
        app.state
            .config
            .courses_dir
            .join("demo-course/02-kaytanto/02-harjoitus.md"),
    )
    .unwrap();
    let all = kirjaamo::app::publish_courses(&app.state).unwrap();
    assert!(all.published[0].changed, "{:?}", all.diagnostics);

    // Server B's next request: the new text, nothing of the old.
    let page = on_b.get(&url).await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Lyhyt suora lainaus kertoo asiakkaan näkemyksen sellaisenaan."));
    assert!(!page.body.contains("välittää asiakkaan näkemyksen tarkasti"));
    assert!(page.body.contains(">Naapurin arvailut</label>"));
    assert!(!page.body.contains("Juorut"));
    assert_eq!(
        shown_order(&page.body, 0),
        order_before,
        "the trainee's order of the choices is kept"
    );
    // The dropped lesson is gone from B's pages and from its outline.
    let gone = on_b.get(&format!("/ryhmat/{cohort_id}/harjoitus")).await;
    assert_eq!(gone.status, 404);
    let home = on_b.get(&format!("/ryhmat/{cohort_id}/")).await;
    assert!(home.body.contains("0/3 oppituntia tehty"), "{}", home.body);
    // B now holds only the new version.
    assert_eq!(server_b.lessons.held(), (1, 3));
    // And A, which published, shows it too.
    let page = on_a.get(&url).await;
    assert!(page
        .body
        .contains("Lyhyt suora lainaus kertoo asiakkaan näkemyksen sellaisenaan."));
    // Answers are graded against the new checks on either server.
    let res = on_b
        .post(
            &format!("{url}/tarkistus"),
            &[("c0", "0"), ("c0", "1"), ("c1", "0")],
        )
        .await;
    assert_eq!(res.status, 303);
    let page = on_a.get(&url).await;
    assert!(
        page.body.contains("Kaikki vastaukset ovat oikein"),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn one_trainees_progress_and_answers_never_show_to_another() {
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let other = app.user("toinen@example.fi", "Toni Toinen", None);
    kirjaamo::cohorts::enrol(&mut app.conn(), cohort_id, other.id, app.clock.now()).unwrap();
    let url = format!("/ryhmat/{cohort_id}/{LESSON}");
    let mut tiina = app.signed_in("trainee@example.fi").await;
    // Tiina answers (one right, one wrong) and marks the first lesson read.
    let res = tiina
        .post(&format!("{url}/tarkistus"), &[("c0", "2"), ("c1", "0")])
        .await;
    assert_eq!(res.status, 303);
    let read = tiina
        .post(&format!("/ryhmat/{cohort_id}/asiakirjatyypit/luettu"), &[])
        .await;
    assert_eq!(read.status, 303);
    let mine = tiina.get(&url).await;
    assert!(mine.body.contains(r#"value="2" checked"#));
    assert!(mine.body.contains("Osa vastauksista ei ole vielä oikein"));
    assert!(
        mine.body.contains("1/4"),
        "Tiina's outline counts her lesson"
    );

    // Toni, served from the same cache right after, on this server and on another.
    let mut toni = app.signed_in("toinen@example.fi").await;
    let server_b = app.second_server();
    let toni_b = same_person_on(server_b, &toni).await;
    for mut b in [toni, toni_b] {
        let page = b.get(&url).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("checked"), "none of Tiina's answers");
        assert!(!page.body.contains("Osa vastauksista"));
        assert!(!page.body.contains("feedback-wrong") && !page.body.contains("feedback-right"));
        assert!(!page.body.contains("1/4"), "Tiina's progress is not Toni's");
        assert!(!page.body.contains("Tiina") && !page.body.contains("trainee@example.fi"));
        let read = b.get(&format!("/ryhmat/{cohort_id}/asiakirjatyypit")).await;
        assert!(
            read.body.contains("/asiakirjatyypit/luettu"),
            "Toni may still mark it read"
        );
        let home = b.get(&format!("/ryhmat/{cohort_id}/")).await;
        assert!(home.body.contains("0/4 oppituntia tehty"));
        assert!(!home.body.contains("Tiina"));
    }
    // And Tiina's page still shows hers.
    toni = app.signed_in("toinen@example.fi").await;
    assert!(!toni.get(&url).await.body.contains("checked"));
    assert!(tiina.get(&url).await.body.contains(r#"value="2" checked"#));
}

/// The frame reads a lesson page's cohort in the session check's own hand-off
/// (`web::open_cohort::Prefetched`): only for the principal the check has just found, only for
/// that page, and a session ended elsewhere still ends here.
#[actix_web::test]
async fn the_lesson_read_with_the_session_check_keeps_to_its_reader() {
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let url = format!("/ryhmat/{cohort_id}/{LESSON}");
    app.user("ulkopuolinen@example.fi", "Ulla Ulkopuolinen", None);
    let mut outsider = app.signed_in("ulkopuolinen@example.fi").await;
    assert_eq!(outsider.get(&url).await.status, 404, "not a member");
    assert_eq!(
        outsider
            .get(&format!("/ryhmat/{}/{LESSON}", cohort_id + 1000))
            .await
            .status,
        404,
        "no such cohort"
    );
    let mut tiina = app.signed_in("trainee@example.fi").await;
    let page = tiina.get(&url).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("0/4"), "her own outline");
    assert_eq!(tiina.get(&format!("{url}/ei-tallaista")).await.status, 404);
    assert_eq!(
        tiina
            .get(&format!("/ryhmat/{cohort_id}/ei-tallaista"))
            .await
            .status,
        404,
        "no such lesson"
    );
    // Signed out on another device: the copy of the cookie gets the sign-in page, no lesson.
    let stolen = tiina.cookies.clone();
    tiina.post("/logout", &[]).await;
    let mut thief = app.browser().await;
    thief.cookies = stolen;
    let res = thief.get(&url).await;
    assert_eq!(res.status, 303);
    assert!(res.location().starts_with("/login"), "{}", res.location());
    assert!(!res.body.contains("Asiakirjatyypit") && !res.body.contains("0/4"));
}

/// On PostgreSQL the session check and the cohort are one statement, the user's roles joined to
/// the progress rows (`cohorts::reader::signed_in_with_cohort`): someone with several roles
/// still sees each of their lessons once and keeps every role's navigation; a coordinator
/// without a place in the cohort sees it only in their own region.
#[actix_web::test]
async fn a_reader_with_several_roles_sees_their_progress_once_and_every_role() {
    use kirjaamo::accounts::{roles::grant_role, Role};
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let url = format!("/ryhmat/{cohort_id}/{LESSON}");
    let grant = |user: i64, role: Role| {
        grant_role(&mut app.conn(), user, &role, None, app.clock.now()).unwrap();
    };
    let socca = app.region_id("socca");
    let pikassos = app.region_id("pikassos");
    let aino = app.user("aino@example.fi", "Aino Monirooli", Some(Role::Admin));
    grant(aino.id, Role::Trainer);
    grant(aino.id, Role::RegionalCoordinator { region_id: socca });
    kirjaamo::cohorts::enrol(&mut app.conn(), cohort_id, aino.id, app.clock.now()).unwrap();
    let mut b = app.signed_in("aino@example.fi").await;
    let read = b
        .post(&format!("/ryhmat/{cohort_id}/asiakirjatyypit/luettu"), &[])
        .await;
    assert_eq!(read.status, 303);
    let page = b.get(&url).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("1/4"), "the lesson she read, once");
    let nav_at = page.body.find(r#"<nav class="course-nav""#).unwrap();
    let nav = &page.body[nav_at..nav_at + page.body[nav_at..].find("</nav>").unwrap()];
    assert_eq!(nav.matches("<li>").count(), 4, "every lesson once: {nav}");
    assert_eq!(nav.matches("✓").count(), 1, "{nav}");
    for link in ["/hallinta/alueet", "/hallinta/ryhmat", "/verkosto"] {
        assert!(page.body.contains(&format!(r#"href="{link}""#)), "{link}");
    }

    // Coordinators who are not in the cohort: their own region's cohort opens, another's not.
    for (email, region, status) in [
        ("socca@example.fi", socca, 200),
        ("pikassos@example.fi", pikassos, 404),
    ] {
        let u = app.user(email, "Kaisa Koordinaattori", Some(Role::Trainer));
        grant(u.id, Role::RegionalCoordinator { region_id: region });
        let mut c = app.signed_in(email).await;
        let res = c.get(&url).await;
        assert_eq!(res.status, status, "{email}");
        if status == 200 {
            assert!(res.body.contains("Asiakirjatyypit"), "the lesson");
            assert!(!res.body.contains("✓"), "no progress of Aino's");
        }
    }

    // The same statement checks the account is active: an account found inactive (even with
    // its session's version unchanged) gets the sign-in page, not the lesson.
    {
        use diesel::prelude::*;
        use kirjaamo::db::schema::users;
        diesel::update(users::table.find(aino.id))
            .set(users::active.eq(false))
            .execute(&mut app.conn())
            .unwrap();
    }
    let res = b.get(&url).await;
    assert_eq!(res.status, 303);
    assert!(res.location().starts_with("/login"), "{}", res.location());
}

#[actix_web::test]
async fn each_trainee_keeps_their_own_order_of_the_choices() {
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let url = format!("/ryhmat/{cohort_id}/{LESSON}");
    let server_b = app.second_server();
    let mut orders = Vec::new();
    for n in 0..6 {
        let email = format!("t{n}@example.fi");
        let u = app.user(&email, &format!("Trainee {n}"), None);
        kirjaamo::cohorts::enrol(&mut app.conn(), cohort_id, u.id, app.clock.now()).unwrap();
        let mut b = app.signed_in(&email).await;
        let first = shown_order(&b.get(&url).await.body, 0);
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2], "every choice shown once");
        assert_eq!(shown_order(&b.get(&url).await.body, 0), first, "stable");
        let mut on_b = same_person_on(server_b.clone(), &b).await;
        assert_eq!(
            shown_order(&on_b.get(&url).await.body, 0),
            first,
            "the same on another server"
        );
        orders.push(first);
    }
    orders.sort();
    orders.dedup();
    assert!(
        orders.len() > 1,
        "trainees see different orders: {orders:?}"
    );
}

/// Statements one request sends, after a first request warmed whatever may be warmed.
async fn statements_of(app: &TestApp, b: &mut Browser, url: &str) -> usize {
    assert_eq!(b.get(url).await.status, 200, "{url}");
    let before = statements::sent(&app.state.config.database_url);
    let res = b.get(url).await;
    assert_eq!(res.status, 200, "{url}");
    statements::sent(&app.state.config.database_url) - before
}

/// The round trips are the page's cost that grows with the database's distance (PostgreSQL);
/// benches/README.md records the figures before and after the cache.
#[actix_web::test]
async fn the_lesson_page_reads_only_the_cohort_and_the_progress() {
    statements::install();
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let mut b = app.signed_in("trainee@example.fi").await;
    let lesson = statements_of(&app, &mut b, &format!("/ryhmat/{cohort_id}/{LESSON}")).await;
    let home = statements_of(&app, &mut b, &format!("/ryhmat/{cohort_id}/")).await;
    let mut t = app.signed_in("trainer@example.fi").await;
    let trainer = statements_of(&app, &mut t, &format!("/ryhmat/{cohort_id}/{LESSON}")).await;
    eprintln!(
        "statements: trainee lesson {lesson}, trainee cohort home {home}, trainer lesson {trainer}"
    );
    // The lesson page's session check, cohort, role, course version and progress are one
    // statement on both engines (`cohorts::reader::signed_in_with_cohort`): a round trip each
    // on PostgreSQL, a read transaction each on SQLite. Other pages of the cohort read the
    // session and then the cohort (`open_for`: one statement on PostgreSQL, two on SQLite).
    // A PostgreSQL connection back in the pool within a second is not pinged (`SELECT 1` per
    // check-out was two more).
    let lesson_reads = 1;
    let cohort_reads = if app.state.config.database_url.starts_with("postgres") {
        1
    } else {
        2
    };
    assert_eq!(lesson, lesson_reads, "a trainee's lesson page");
    assert_eq!(trainer, lesson_reads, "a trainer's lesson page");
    assert!(home <= 4 + cohort_reads, "the cohort page: {home}");
}

/// The course's navigation beside the lesson (written by `web::lesson_page::course_nav`): each
/// lesson once, the reader's own done marks only, the lesson shown marked as the current page,
/// and on a Swedish page the Finnish titles marked as Finnish.
#[actix_web::test]
async fn the_course_navigation_marks_the_readers_own_lessons_and_the_one_shown() {
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let other = app.user("toinen@example.fi", "Toni Toinen", None);
    kirjaamo::cohorts::enrol(&mut app.conn(), cohort_id, other.id, app.clock.now()).unwrap();
    let url = format!("/ryhmat/{cohort_id}/{LESSON}");
    let read_link = format!(r#"href="/ryhmat/{cohort_id}/asiakirjatyypit""#);
    let nav = |body: &str| {
        let at = body
            .find(r#"<nav class="course-nav""#)
            .expect("the course's navigation");
        body[at..at + body[at..].find("</nav>").unwrap()].to_string()
    };
    let mut tiina = app.signed_in("trainee@example.fi").await;
    let read = tiina
        .post(&format!("/ryhmat/{cohort_id}/asiakirjatyypit/luettu"), &[])
        .await;
    assert_eq!(read.status, 303);
    let mine = nav(&tiina.get(&url).await.body);
    assert_eq!(mine.matches("<li>").count(), 4, "every lesson once: {mine}");
    let read_item = &mine[mine.find(&read_link).unwrap()..];
    let read_item = &read_item[..read_item.find("</li>").unwrap()];
    assert!(
        read_item.contains("✓") && read_item.contains("tehty"),
        "{read_item}"
    );
    assert_eq!(mine.matches("✓").count(), 1, "only the lesson she read");
    assert_eq!(mine.matches(r#"aria-current="page""#).count(), 1);
    let shown = format!(r#"href="/ryhmat/{cohort_id}/{LESSON}" aria-current="page""#);
    assert!(mine.contains(&shown), "{mine}");
    assert!(
        !mine.contains("lang="),
        "a Finnish page marks nothing: {mine}"
    );

    // Toni sees no mark of Tiina's.
    let mut toni = app.signed_in("toinen@example.fi").await;
    assert!(!nav(&toni.get(&url).await.body).contains("✓"));

    // On a Swedish page the Finnish course's titles are marked as Finnish.
    assert!(
        tiina
            .post("/tili/kieli", &[("language", "sv")])
            .await
            .status
            < 400
    );
    let sv = nav(&tiina.get(&url).await.body);
    assert!(sv.contains(r#"<h2 id="course-nav-h" lang="fi">"#), "{sv}");
    assert!(sv.contains(&format!(r#"{shown} lang="fi">"#)), "{sv}");
    assert!(
        sv.contains("✓ <span class=\"visually-hidden\">klar</span>"),
        "the mark in Swedish: {sv}"
    );
}

/// The trainer's roster shows each trainee's own progress (the outline's figures, read for the
/// whole roster at once).
#[actix_web::test]
async fn the_roster_shows_each_trainees_own_progress() {
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let other = app.user("toinen@example.fi", "Toni Toinen", None);
    kirjaamo::cohorts::enrol(&mut app.conn(), cohort_id, other.id, app.clock.now()).unwrap();
    let mut tiina = app.signed_in("trainee@example.fi").await;
    let read = tiina
        .post(&format!("/ryhmat/{cohort_id}/asiakirjatyypit/luettu"), &[])
        .await;
    assert_eq!(read.status, 303);
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let page = trainer.get(&format!("/hallinta/ryhmat/{cohort_id}")).await;
    assert_eq!(page.status, 200);
    let row = |name: &str| {
        let at = page
            .body
            .find(name)
            .unwrap_or_else(|| panic!("{name} on the roster"));
        page.body[at..at + page.body[at..].find("</tr>").unwrap()].to_string()
    };
    let tiina_row = row("Tiina Trainee");
    assert!(
        tiina_row.contains("1/4") && tiina_row.contains("25 %"),
        "{tiina_row}"
    );
    let toni_row = row("Toni Toinen");
    assert!(
        toni_row.contains("0/4") && toni_row.contains("0 %"),
        "{toni_row}"
    );
}

/// On PostgreSQL the short reads (the session check and the lesson's cohort) queue for the read
/// threads (`KIRJAAMO_DB_READERS`). With a single thread and two dozen requests at once, every
/// trainee still gets their own page, with their own progress, and nobody an error page.
#[actix_web::test]
async fn trainees_asking_at_once_through_one_read_thread_each_get_their_own_page() {
    let app = TestApp::with_config(|c| c.db_readers = 1);
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let url = format!("/ryhmat/{cohort_id}/{LESSON}");
    let mut trainees = Vec::new();
    for k in 0..8 {
        let email = format!("osallistuja{k}@example.fi");
        let user = app.user(&email, &format!("Osallistuja {k}"), None);
        kirjaamo::cohorts::enrol(&mut app.conn(), cohort_id, user.id, app.clock.now()).unwrap();
        let mut b = app.signed_in(&email).await;
        // Every other trainee has read the first lesson.
        if k % 2 == 0 {
            let read = b
                .post(&format!("/ryhmat/{cohort_id}/asiakirjatyypit/luettu"), &[])
                .await;
            assert_eq!(read.status, 303);
        }
        trainees.push((k, b));
    }
    // Each trainee asks three times at once (three tabs share one cookie jar).
    let mut tabs = Vec::new();
    for (k, b) in &trainees {
        for _ in 0..3 {
            let mut tab = Browser::new(b.state.clone()).await;
            tab.cookies = b.cookies.clone();
            tabs.push((*k, tab));
        }
    }
    let pages = futures_util::future::join_all(
        tabs.iter_mut()
            .map(|(k, tab)| async { (*k, tab.get(&url).await) }),
    )
    .await;
    assert_eq!(pages.len(), 24);
    for (k, page) in pages {
        assert_eq!(page.status, 200, "trainee {k}: {}", page.body);
        let (own, other) = if k % 2 == 0 {
            ("1/4", "0/4")
        } else {
            ("0/4", "1/4")
        };
        assert!(page.body.contains(own), "trainee {k} sees their own {own}");
        assert!(!page.body.contains(other), "trainee {k} sees no {other}");
        for j in (0..8).filter(|j| *j != k) {
            assert!(
                !page.body.contains(&format!("Osallistuja {j}")),
                "trainee {k} sees no other trainee's name"
            );
        }
    }
}
