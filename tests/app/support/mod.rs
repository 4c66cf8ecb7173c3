//! The test harness: a fresh database per test (SQLite in a temporary folder, or a fresh
//! PostgreSQL database when `KIRJAAMO_TEST_DATABASE_URL` is set), an in-memory mailer, a fixed
//! clock, and a small browser that keeps cookies and adds CSRF tokens as a real form would.

pub mod browser;
pub mod pg;
pub mod statements;

use chrono::NaiveDate;
use kirjaamo::accounts::{self, password, NewAccount, Role, User};
use kirjaamo::clock::Clock;
use kirjaamo::db::AnyConnection;
use kirjaamo::i18n::Lang;
use kirjaamo::mail::transport::{Outgoing, Transport};
use kirjaamo::{AppState, Config};
use std::sync::{Arc, Mutex, OnceLock};

pub use browser::Browser;

/// A browser on `state` with the cookies of `b` (the same signed-in person; every server
/// accepts the session it signed).
pub async fn same_person_on(state: AppState, b: &Browser) -> Browser {
    let mut other = Browser::new(state).await;
    other.cookies = b.cookies.clone();
    other
}

pub const PASSWORD: &str = "testisalasana-2026";

/// Hashing with argon2id is slow on purpose; tests share one hash of [`PASSWORD`].
pub fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash(PASSWORD).unwrap())
        .clone()
}

pub struct TestApp {
    pub state: AppState,
    pub clock: Clock,
    pub sent: Arc<Mutex<Vec<Outgoing>>>,
    pub dir: tempfile::TempDir,
    _pg: Option<pg::TestDatabase>,
}

pub fn t0() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

impl TestApp {
    pub fn new() -> TestApp {
        TestApp::with_config(|_| {})
    }

    /// A test app whose configuration `adjust` changes first (trusted proxies, time-outs).
    pub fn with_config(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let pg = pg::TestDatabase::create();
        let mut config = Config::for_data_dir(dir.path(), pg.as_ref().map(|d| d.url.clone()));
        config.courses_dir = dir.path().join("courses");
        adjust(&mut config);
        let clock = Clock::fixed(t0());
        let (transport, sent) = Transport::memory();
        let state = AppState::build(config, clock.clone(), transport).unwrap();
        TestApp {
            state,
            clock,
            sent,
            dir,
            _pg: pg,
        }
    }

    /// A connection of the test's own to the server's database (not one of the server's).
    pub fn conn(&self) -> AnyConnection {
        kirjaamo::db::establish(&self.state.config.database_url).unwrap()
    }

    /// A user with [`PASSWORD`] and the given role (None: a trainee).
    pub fn user(&self, email: &str, name: &str, role: Option<Role>) -> User {
        let mut conn = self.conn();
        let user = accounts::create_user(
            &mut conn,
            NewAccount {
                email,
                name,
                language: Lang::Fi,
                organisation_id: None,
                password_hash: Some(password_hash()),
            },
            self.clock.now(),
        )
        .unwrap();
        if let Some(role) = role {
            accounts::roles::grant_role(&mut conn, user.id, &role, None, self.clock.now()).unwrap();
        }
        accounts::model::find(&mut conn, user.id).unwrap()
    }

    pub fn region_id(&self, code: &str) -> i64 {
        kirjaamo::network::region_by_code(&mut self.conn(), code)
            .unwrap()
            .id
    }

    #[allow(dead_code)]
    pub fn county_id(&self, code: &str) -> i64 {
        kirjaamo::network::county_by_code(&mut self.conn(), code)
            .unwrap()
            .id
    }

    /// A browser for this app.
    pub async fn browser(&self) -> Browser {
        Browser::new(self.state.clone()).await
    }

    /// A browser signed in as `email` (with [`PASSWORD`]).
    pub async fn signed_in(&self, email: &str) -> Browser {
        let mut b = self.browser().await;
        let res = b
            .post("/login", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(res.status, 303, "signing in as {email}: {}", res.body);
        b
    }

    /// A second server on the same database (the same SQLite file, or the same PostgreSQL
    /// database): its own pool, templates and caches, as another process would have.
    pub fn second_server(&self) -> AppState {
        let (transport, _) = Transport::memory();
        AppState::build((*self.state.config).clone(), self.clock.clone(), transport).unwrap()
    }

    /// Messages queued in the outbox, as (recipient, subject, text).
    pub fn outbox(&self) -> Vec<(String, String, String)> {
        use diesel::prelude::*;
        use kirjaamo::db::schema::outbox_messages as om;
        om::table
            .order(om::id)
            .select((om::recipient_email, om::subject, om::body_text))
            .load(&mut self.conn())
            .unwrap()
    }
}

/// The first link in `text` that starts with `prefix` (as a user would click it in a mail).
pub fn link_in(text: &str, prefix: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.contains(prefix))
        .map(|w| {
            w.trim_matches(|c: char| c == '<' || c == '>' || c == '"')
                .to_string()
        })
}
