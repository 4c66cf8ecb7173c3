//! What an operator runs (issue 15): `kirjaamo backup` under write load and `kirjaamo restore`
//! with the server stopped, refusing what is not a Kirjaamo database of a known level; and
//! the commands that queue e-mail refusing a production setup whose links would point at a
//! loopback address. Runs the real binary.

use crate::support::{TestApp, PASSWORD};
use diesel::prelude::*;
use kirjaamo::accounts::{self, NewAccount};
use kirjaamo::i18n::Lang;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const BIN: &str = env!("CARGO_BIN_EXE_kirjaamo");

/// `kirjaamo` with only the settings given: none of the caller's `KIRJAAMO_*` leak in.
fn kirjaamo(dir: &Path, vars: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("KIRJAAMO_") {
            c.env_remove(k);
        }
    }
    c.current_dir(dir)
        .env("KIRJAAMO_DATA_DIR", dir)
        .env("KIRJAAMO_LOG", "warn");
    for (k, v) in vars {
        c.env(k, v);
    }
    c
}

fn run(mut c: Command, args: &[&str]) -> (i32, String) {
    let out = c.args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn add_user(conn: &mut kirjaamo::db::AnyConnection, email: &str, now: chrono::NaiveDateTime) {
    accounts::create_user(
        conn,
        NewAccount {
            email,
            name: "Varmuuskopio Testaaja",
            language: Lang::Fi,
            organisation_id: None,
            password_hash: Some(crate::support::password_hash()),
        },
        now,
    )
    .unwrap();
}

fn user_count(url: &str) -> i64 {
    let mut c = kirjaamo::db::establish(url).unwrap();
    kirjaamo::db::schema::users::table
        .count()
        .get_result(&mut c)
        .unwrap()
}

#[actix_web::test]
async fn a_backup_taken_under_write_load_restores_and_serves() {
    let app = TestApp::new();
    let url = app.state.config.database_url.clone();
    let dir = app.dir.path().to_path_buf();
    let target = dir.join("varmuus.sqlite3");
    let target_s = target.to_string_lossy().into_owned();
    if url.starts_with("postgres") {
        // PostgreSQL has its own tools; both commands say which.
        let (code, text) = run(
            kirjaamo(&dir, &[("KIRJAAMO_DATABASE_URL", &url)]),
            &["backup", &target_s],
        );
        assert_eq!(code, 2, "{text}");
        assert!(text.contains("pg_dump --format=custom"), "{text}");
        let (code, text) = run(
            kirjaamo(&dir, &[("KIRJAAMO_DATABASE_URL", &url)]),
            &["restore", &target_s],
        );
        assert_eq!(code, 2, "{text}");
        assert!(text.contains("pg_restore"), "{text}");
        assert!(!target.exists());
        return;
    }
    app.user("alku@example.fi", "Aino Alku", None);
    // Writers keep adding accounts while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (pool, stop, written, now) = (
                app.state.pool.clone(),
                stop.clone(),
                written.clone(),
                app.clock.now(),
            );
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    add_user(&mut conn, &format!("kirjoittaja{w}-{i}@example.fi"), now);
                    written.fetch_add(1, Ordering::SeqCst);
                    i += 1;
                }
            })
        })
        .collect();
    while written.load(Ordering::SeqCst) < 20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let (code, text) = run(
        kirjaamo(&dir, &[("KIRJAAMO_DATABASE_URL", &url)]),
        &["backup", &target_s],
    );
    let during = written.load(Ordering::SeqCst);
    std::thread::sleep(std::time::Duration::from_millis(200));
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("backed up to"), "{text}");
    let in_backup = user_count(&format!("sqlite://{target_s}"));
    let now_live = user_count(&url);
    assert!(in_backup >= 21, "{in_backup}");
    assert!(in_backup <= now_live, "{in_backup} > {now_live}");
    assert!(during > 20, "the writers ran during the backup");
    kirjaamo::db::backup::check_file(&target).unwrap();

    // A backup never overwrites.
    let size = std::fs::metadata(&target).unwrap().len();
    let (code, text) = run(
        kirjaamo(&dir, &[("KIRJAAMO_DATABASE_URL", &url)]),
        &["backup", &target_s],
    );
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("exists already"), "{text}");
    assert_eq!(std::fs::metadata(&target).unwrap().len(), size);

    // Restore into another installation, whose server is stopped.
    let other = tempfile::tempdir().unwrap();
    let other_url = format!(
        "sqlite://{}",
        other.path().join("kirjaamo.sqlite3").display()
    );
    {
        let config = kirjaamo::Config::for_data_dir(other.path(), Some(other_url.clone()));
        let (t, _) = kirjaamo::mail::transport::Transport::memory();
        let st = kirjaamo::AppState::build(config, kirjaamo::clock::Clock::System, t).unwrap();
        add_user(
            &mut st.pool.get().unwrap(),
            "vanha@example.fi",
            app.clock.now(),
        );
        // While its server runs, restore refuses and changes nothing.
        let lock = kirjaamo::db::backup::server_lock(&other_url).unwrap();
        let (code, text) = run(
            kirjaamo(other.path(), &[("KIRJAAMO_DATABASE_URL", &other_url)]),
            &["restore", &target_s],
        );
        assert_eq!(code, 2, "{text}");
        assert!(text.contains("server is running"), "{text}");
        drop(lock);
    }
    let (code, text) = run(
        kirjaamo(other.path(), &[("KIRJAAMO_DATABASE_URL", &other_url)]),
        &["restore", &target_s],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("kept as"), "{text}");
    assert_eq!(user_count(&other_url), in_backup);
    let kept: Vec<_> = std::fs::read_dir(other.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept");

    // The restored installation serves its data: the account made before the backup signs in.
    let config = kirjaamo::Config::for_data_dir(other.path(), Some(other_url.clone()));
    let (t, _) = kirjaamo::mail::transport::Transport::memory();
    let restored = kirjaamo::AppState::build(config, app.clock.clone(), t).unwrap();
    let mut b = crate::support::Browser::new(restored.clone()).await;
    let res = b
        .post(
            "/login",
            &[("email", "alku@example.fi"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = b.get("/tili").await;
    assert!(page.body.contains("alku@example.fi"));
    let mut nobody = crate::support::Browser::new(restored).await;
    let res = nobody
        .post(
            "/login",
            &[("email", "vanha@example.fi"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 401, "the replaced database's accounts are gone");
}

#[test]
fn restore_refuses_what_is_not_a_kirjaamo_database_of_a_known_level() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("kirjaamo.sqlite3").display());
    let restore = |file: &Path| {
        run(
            kirjaamo(dir.path(), &[("KIRJAAMO_DATABASE_URL", &url)]),
            &["restore", &file.to_string_lossy()],
        )
    };
    // Not a database at all.
    let text_file = dir.path().join("muistiinpanot.txt");
    std::fs::write(&text_file, "ei tietokanta").unwrap();
    let (code, text) = restore(&text_file);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("not an SQLite database"), "{text}");
    // Another program's SQLite database.
    let foreign = dir.path().join("muu.sqlite3");
    {
        let mut c = diesel::SqliteConnection::establish(&foreign.to_string_lossy()).unwrap();
        diesel::sql_query("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
            .execute(&mut c)
            .unwrap();
    }
    let (code, text) = restore(&foreign);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("no Kirjaamo tables"), "{text}");
    // A Kirjaamo database from a newer version.
    let newer = dir.path().join("uudempi.sqlite3");
    {
        let mut c = kirjaamo::db::establish(&format!("sqlite://{}", newer.display())).unwrap();
        kirjaamo::db::migrate(&mut c).unwrap();
        diesel::sql_query(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000001')",
        )
        .execute(&mut c)
        .unwrap();
    }
    let (code, text) = restore(&newer);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("does not know"), "{text}");
    // A missing file.
    let (code, text) = restore(&dir.path().join("ei-ole.sqlite3"));
    assert_eq!(code, 2, "{text}");
    // Nothing was put in place.
    assert!(!dir.path().join("kirjaamo.sqlite3").exists());
}

#[test]
fn commands_that_queue_mail_refuse_a_production_setup_without_the_public_address() {
    let dir = tempfile::tempdir().unwrap();
    let secret = (
        "KIRJAAMO_SECRET",
        "production-secret-production-secret-0123",
    );
    let prod = ("KIRJAAMO_ENV", "production");
    for args in [
        vec!["network", "check-lapsed"],
        vec!["outbox", "retry"],
        vec!["demo"],
        vec!["serve"],
    ] {
        let (code, text) = run(kirjaamo(dir.path(), &[prod, secret]), &args);
        assert_eq!(code, 2, "{args:?}: {text}");
        assert!(text.contains("KIRJAAMO_BASE_URL is required"), "{text}");
        for loopback in ["http://127.0.0.1:8080", "http://localhost:8080"] {
            let (code, text) = run(
                kirjaamo(dir.path(), &[prod, secret, ("KIRJAAMO_BASE_URL", loopback)]),
                &args,
            );
            assert_eq!(code, 2, "{args:?} {loopback}: {text}");
            assert!(text.contains("loopback"), "{text}");
        }
    }
    // With the public address they run; a dry run queues nothing and is never refused.
    let public = ("KIRJAAMO_BASE_URL", "https://kirjaamo.example.fi");
    let (code, text) = run(
        kirjaamo(dir.path(), &[prod, secret, public]),
        &["outbox", "retry"],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("0 failed messages queued again"), "{text}");
    let (code, text) = run(
        kirjaamo(dir.path(), &[prod, secret]),
        &["network", "check-lapsed", "--dry-run"],
    );
    assert_eq!(code, 0, "{text}");
    // Development keeps its convenient default.
    let (code, text) = run(kirjaamo(dir.path(), &[]), &["outbox", "retry"]);
    assert_eq!(code, 0, "{text}");
}
