//! The foundation: migrations on both engines, reference data, health checks, languages,
//! the demo world.

use crate::support::{TestApp, PASSWORD};
use diesel::prelude::*;
use kirjaamo::db::schema::{counties, regions};

#[test]
fn migrations_have_the_same_names_for_both_engines() {
    let names = |dir: &str| {
        let mut v: Vec<String> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect();
        v.sort();
        v
    };
    let (lite, pg) = (names("sqlite"), names("postgres"));
    assert!(!lite.is_empty());
    assert_eq!(
        lite, pg,
        "migrations/sqlite and migrations/postgres must hold the same migrations"
    );
    for m in &lite {
        for f in ["up.sql", "down.sql"] {
            for dir in ["sqlite", "postgres"] {
                let p = format!("{}/migrations/{dir}/{m}/{f}", env!("CARGO_MANIFEST_DIR"));
                assert!(std::path::Path::new(&p).exists(), "{p} is missing");
            }
        }
    }
}

#[actix_web::test]
async fn regions_and_counties_are_seeded() {
    let app = TestApp::new();
    let mut conn = app.conn();
    let regions: Vec<(String, bool)> = regions::table
        .select((regions::code, regions::national))
        .load(&mut conn)
        .unwrap();
    assert_eq!(regions.len(), 10);
    assert!(regions.contains(&("fskc".to_string(), true)));
    let n: i64 = counties::table.count().get_result(&mut conn).unwrap();
    assert_eq!(
        n, 22,
        "21 wellbeing services counties and the city of Helsinki"
    );
    let (helsinki_sv, region): (String, String) = counties::table
        .inner_join(regions::table)
        .filter(counties::code.eq("helsinki"))
        .select((counties::name_sv, regions::code))
        .first(&mut conn)
        .unwrap();
    assert_eq!(helsinki_sv, "Helsingfors stad");
    assert_eq!(region, "socca");
    let fskc_counties: i64 = counties::table
        .inner_join(regions::table)
        .filter(regions::code.eq("fskc"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(fskc_counties, 0, "FSKC is national, without counties");
}

#[actix_web::test]
async fn health_and_readiness() {
    let app = TestApp::new();
    let mut b = app.browser().await;
    let h = b.get("/healthz").await;
    assert_eq!((h.status, h.body.as_str()), (200, "ok"));
    let r = b.get("/readyz").await;
    assert_eq!((r.status, r.body.as_str()), (200, "ready"));
    // A server asked to stop is not ready, though alive and still serving.
    app.state.begin_draining();
    let r = b.get("/readyz").await;
    assert_eq!((r.status, r.body.as_str()), (503, "shutting down"));
    assert_eq!(b.get("/healthz").await.status, 200);
    assert_eq!(b.get("/login").await.status, 200);
}

#[actix_web::test]
async fn finnish_by_default_then_accept_language_then_the_users_choice() {
    let app = TestApp::new();
    let mut b = app.browser().await;
    let fi = b.get("/").await;
    assert!(fi.body.contains(r#"<html lang="fi">"#));
    assert!(fi.body.contains("Tervetuloa Kirjaamoon"));

    b.extra_headers
        .push(("Accept-Language".into(), "sv-FI,sv;q=0.9".into()));
    let sv = b.get("/").await;
    assert!(sv.body.contains(r#"<html lang="sv">"#));
    assert!(sv.body.contains("Välkommen till Kirjaamo"));

    let switched = b
        .post("/kieli", &[("lang", "en"), ("next", "/saavutettavuus")])
        .await;
    assert_eq!(
        (switched.status, switched.location().as_str()),
        (303, "/saavutettavuus")
    );
    let en = b.get("/saavutettavuus").await;
    assert!(en.body.contains(r#"<html lang="en">"#));
    assert!(en.body.contains("Accessibility statement"));
}

#[actix_web::test]
async fn every_page_links_the_accessibility_statement_and_feedback() {
    let app = TestApp::new();
    let mut b = app.browser().await;
    for path in [
        "/",
        "/login",
        "/saavutettavuus",
        "/palaute",
        "/no-such-page",
    ] {
        let res = b.get(path).await;
        assert!(res.body.contains(r#"href="/saavutettavuus""#), "{path}");
        assert!(res.body.contains(r#"href="/palaute""#), "{path}");
    }
}

#[actix_web::test]
async fn feedback_reaches_every_admin_by_mail() {
    let app = TestApp::new();
    app.user(
        "admin1@example.fi",
        "Admin Yksi",
        Some(kirjaamo::accounts::Role::Admin),
    );
    app.user(
        "admin2@example.fi",
        "Admin Kaksi",
        Some(kirjaamo::accounts::Role::Admin),
    );
    let mut b = app.browser().await;
    let empty = b.post("/palaute", &[("message", "   ")]).await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("Kirjoita palaute"));
    assert!(app.outbox().is_empty(), "a rejected form queues nothing");
    let ok = b
        .post(
            "/palaute",
            &[
                ("message", "Lomakkeen virheilmoitus ei näy ruudunlukijalle."),
                ("email", "maija@example.fi"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("Kiitos"));
    let out = app.outbox();
    assert_eq!(out.len(), 2);
    assert!(out
        .iter()
        .all(|(_, _, text)| text.contains("ruudunlukijalle") && text.contains("maija@example.fi")));
}

#[actix_web::test]
async fn demo_world_is_idempotent_and_every_demo_account_signs_in() {
    let app = TestApp::new();
    let first = kirjaamo::demo::seed(&mut app.conn(), PASSWORD, app.clock.now()).unwrap();
    assert_eq!(
        first.users, 9,
        "the four demo accounts and five experts of earlier cohorts"
    );
    let members: i64 = kirjaamo::db::schema::memberships::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    let trainings: i64 = kirjaamo::db::schema::trainings_held::table
        .filter(kirjaamo::db::schema::trainings_held::status.eq("held"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    let planned: i64 = kirjaamo::db::schema::trainings_held::table
        .filter(kirjaamo::db::schema::trainings_held::status.eq("planned"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(
        (members, trainings, planned),
        (5, 6, 4),
        "each expert who has trained before has one planned ahead"
    );
    assert!(
        kirjaamo::network::trainings::recount::compare(&mut app.conn())
            .unwrap()
            .is_empty()
    );
    assert!(first.organisations >= 3);
    let second = kirjaamo::demo::seed(&mut app.conn(), PASSWORD, app.clock.now()).unwrap();
    assert_eq!(second, kirjaamo::demo::DemoReport::default());
    for (email, expect) in [
        (kirjaamo::demo::ADMIN, "Ylläpitäjä"),
        (kirjaamo::demo::COORDINATOR, "Aluekoordinaattori"),
        (kirjaamo::demo::TRAINER, "Valmentaja"),
        (kirjaamo::demo::TRAINEE, "Valmennettava"),
    ] {
        let mut b = app.signed_in(email).await;
        let home = b.get("/").await;
        assert!(home.body.contains(expect), "{email} sees the role {expect}");
        let out = b.post("/logout", &[]).await;
        assert_eq!(out.status, 303);
        let after = b.get("/tili").await;
        assert_eq!(after.status, 303, "signed out");
    }
}

#[test]
fn several_servers_starting_at_once_on_postgresql_migrate_once() {
    let Some(db) = crate::support::pg::TestDatabase::create() else {
        eprintln!("skipped: set KIRJAAMO_TEST_DATABASE_URL to run the concurrent-migration test");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let config = kirjaamo::Config::for_data_dir(dir.path(), Some(db.url.clone()));
            std::thread::spawn(move || {
                let (transport, _) = kirjaamo::mail::transport::Transport::memory();
                kirjaamo::AppState::build(config, kirjaamo::clock::Clock::System, transport)
                    .map(|_| ())
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().expect("every server starts");
    }
    let mut conn = kirjaamo::db::establish(&db.url).unwrap();
    let n: i64 = regions::table.count().get_result(&mut conn).unwrap();
    assert_eq!(n, 10, "the seed ran once");
}

/// Cuts every connection to the test's PostgreSQL database, as a restart of the server does.
fn cut_connections(app: &TestApp) -> usize {
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Cut {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut admin = kirjaamo::db::establish(&crate::support::pg::admin_url().unwrap()).unwrap();
    let name = url::Url::parse(&app.state.config.database_url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_string();
    diesel::sql_query(
        "SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind::<Text, _>(name)
    .get_result::<Cut>(&mut admin)
    .unwrap()
    .n as usize
}

/// PostgreSQL restarted under a running server: the server recovers by itself. A pooled
/// connection idle for a second or more is pinged before use, so after a quiet moment nobody
/// notices; one used just before the cut is handed out as it is (no ping per checkout), fails
/// one request, and is dropped.
#[actix_web::test]
async fn connections_cut_by_postgresql_are_replaced_by_themselves() {
    if crate::support::pg::admin_url().is_none() {
        eprintln!("skipped: set KIRJAAMO_TEST_DATABASE_URL to run the PostgreSQL restart test");
        return;
    }
    let app = TestApp::new();
    app.user("katkos@example.fi", "Katkos", None);
    let mut b = app.signed_in("katkos@example.fi").await;
    assert_eq!(b.get("/tili").await.status, 200);

    assert!(cut_connections(&app) > 0, "the server had connections");
    std::thread::sleep(std::time::Duration::from_millis(1200));
    for _ in 0..5 {
        let page = b.get("/tili").await;
        assert_eq!(page.status, 200, "after a quiet second every request works");
    }

    // Cut again with the connections just used: each dead one fails at most one request.
    let cut = cut_connections(&app);
    let pool = app.state.config.db_pool_size as usize;
    let mut failed = 0;
    for _ in 0..2 * pool + 2 {
        if b.get("/tili").await.status != 200 {
            failed += 1;
        }
    }
    assert!(
        failed <= pool,
        "{failed} requests failed after {cut} connections were cut (pool of {pool})"
    );
    for _ in 0..5 {
        let page = b.get("/tili").await;
        assert_eq!(page.status, 200, "the server recovered by itself");
        assert!(page.body.contains("Katkos"));
    }
}
