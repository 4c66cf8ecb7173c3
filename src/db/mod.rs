//! The database layer: one connection type over SQLite and PostgreSQL, the pool, the embedded
//! migrations, and the few things that differ between the two engines. Anything
//! backend-specific stays in this folder.

pub mod backup;
pub mod figures;
pub mod idempotency;
mod pool;
pub mod readers;
pub mod schema;
pub mod schema_discussions;
pub mod schema_exercises;
pub mod schema_redaction;
pub mod schema_regions;
pub mod schema_surveys;
pub mod schema_trainings;
pub mod schema_trust;
pub mod search;
pub mod trace;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// One connection to either engine; queries written with diesel's DSL run on both.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs `$body` with `$c` bound to the engine's own connection rather than to
/// [`AnyConnection`]. The derived multi-engine layer writes a statement's whole SQL text on
/// every run, twice (once to ask whether it may be cached, once while binding its values):
/// a fifth of the lesson page's time (benches/README.md). On the engine's own connection a
/// statement is found in the cache by its type. For the statements every page runs; `$body`
/// is compiled once per engine, so it must be written with diesel's DSL for both.
#[macro_export]
macro_rules! per_engine {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Postgresql($c) => $body,
            $crate::db::AnyConnection::Sqlite($c) => $body,
        }
    };
}

pub use pool::{pool, Manager, Pooled};

pub type DbPool = Pool<Manager>;
pub type DbConn = PooledConnection<Manager>;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which engine a URL names. The scheme decides; SQLite would accept any string as a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

pub fn establish(url: &str) -> ConnectionResult<AnyConnection> {
    match Backend::of_url(url) {
        Backend::Postgres => Ok(AnyConnection::Postgresql(diesel::PgConnection::establish(
            url,
        )?)),
        Backend::Sqlite => {
            let mut c = diesel::SqliteConnection::establish(sqlite_path(url))?;
            // WAL lets readers run beside the one writer; busy_timeout makes a second writer
            // wait instead of failing; foreign keys are off by default in SQLite. Each
            // connection keeps 256 KiB of pages (the default 2 MiB per connection was a third of
            // the server's memory under load); the operating system caches the file for all,
            // and a page from its cache costs a read call (benches/README.md, issue 19).
            c.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 15000; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                 PRAGMA cache_size = -256;",
            )
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
            warn_unless_stable_plans(&mut c);
            Ok(AnyConnection::Sqlite(c))
        }
    }
}

#[derive(QueryableByName)]
struct CompileOption {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    used: i32,
}

/// Whether this SQLite was built with the query-planner stability guarantee
/// (`.cargo/config.toml`). Cargo does not rebuild an already built libsqlite3-sys when that
/// file's `[env]` changes, so an old `target/` can hold a SQLite without it: every statement
/// with `LIMIT ?` is then prepared again on each run (the lesson page at half its speed).
pub fn sqlite_plans_are_stable(c: &mut diesel::SqliteConnection) -> bool {
    diesel::sql_query("SELECT sqlite_compileoption_used('ENABLE_QPSG') AS used")
        .get_result::<CompileOption>(c)
        .is_ok_and(|o| o.used == 1)
}

fn warn_unless_stable_plans(c: &mut diesel::SqliteConnection) {
    static CHECKED: std::sync::Once = std::sync::Once::new();
    CHECKED.call_once(|| {
        if !sqlite_plans_are_stable(c) {
            tracing::warn!(
                "SQLite was built without SQLITE_ENABLE_QPSG: statements are prepared again on \
                 every run; rebuild it with `cargo clean -p libsqlite3-sys --release`"
            );
        }
    });
}

impl AnyConnection {
    pub fn backend(&self) -> Backend {
        match self {
            AnyConnection::Postgresql(_) => Backend::Postgres,
            AnyConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// An arbitrary key for the migration lock; every server of one installation uses the same.
const MIGRATION_LOCK_KEY: i64 = 0x4b69_726a_6161_6d6f;
/// The key of the lock that makes one server run the daily jobs.
pub const DAILY_JOBS_LOCK_KEY: i64 = 0x4b69_726a_6461_696c;

/// Applies pending migrations. On PostgreSQL several servers may start at once: an advisory
/// lock lets one migrate while the others wait, then find nothing left to do.
pub fn migrate(conn: &mut AnyConnection) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        AnyConnection::Postgresql(pg) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(pg)?;
            let result = pg
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>());
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .execute(pg)?;
            result
        }
        AnyConnection::Sqlite(lite) => lite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>()),
    };
    applied.map_err(|e| anyhow::anyhow!("migrating the database: {e}"))
}

/// Runs `f` in a transaction that takes the write lock at once. On SQLite this is
/// `BEGIN IMMEDIATE`, so a read-then-write never fails half-way with "database is locked";
/// on PostgreSQL an ordinary transaction. Rolls back on error. Inside a transaction already
/// (a caller that must commit more with it, e.g. an idempotency key) it is a savepoint.
pub fn write_tx<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let depth =
        <AnyConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()?;
    if depth.is_some() {
        return conn.transaction(f);
    }
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            // The original error matters more than a failed rollback.
            let _ = <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// Runs `f` as reads from one snapshot of the database: a read transaction on SQLite (WAL keeps
/// its snapshot), REPEATABLE READ on PostgreSQL (READ COMMITTED would let each statement see a
/// different commit). Inside a transaction already, `f` runs in it as it is.
pub fn read_snapshot<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let depth =
        <AnyConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()?;
    if depth.is_some() {
        return f(conn);
    }
    conn.transaction(|c| {
        if let AnyConnection::Postgresql(pg) = c {
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(c)
    })
}

/// Rewrites `?` placeholders to `$1, $2, …` for PostgreSQL, so hand-written SQL (used only
/// where diesel's DSL lacks a portable form, e.g. `ON CONFLICT`) is written once.
pub fn portable_sql(conn: &AnyConnection, sql: &str) -> String {
    match conn.backend() {
        Backend::Sqlite => sql.to_string(),
        Backend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(ch);
                }
            }
            out
        }
    }
}

/// True when the error is a unique-constraint violation (a duplicate that was expected).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Runs `f` inside a savepoint and reports a unique violation as `Ok(None)`, leaving the outer
/// transaction usable (PostgreSQL aborts a transaction on any failed statement otherwise).
pub fn insert_unless_duplicate<T, F>(conn: &mut AnyConnection, f: F) -> QueryResult<Option<T>>
where
    F: FnOnce(&mut AnyConnection) -> QueryResult<T>,
{
    match conn.transaction(f) {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_chosen_by_scheme() {
        assert_eq!(Backend::of_url("postgres://u@h/db"), Backend::Postgres);
        assert_eq!(Backend::of_url("postgresql://u@h/db"), Backend::Postgres);
        assert_eq!(Backend::of_url("sqlite://data/x.db"), Backend::Sqlite);
        assert_eq!(Backend::of_url("data/x.db"), Backend::Sqlite);
    }

    #[test]
    fn password_is_redacted() {
        assert_eq!(
            redact("postgres://kirjaamo:hunter2@db/kirjaamo"),
            "postgres://kirjaamo:***@db/kirjaamo"
        );
    }

    /// A stale `target/` once served the benches a SQLite without the guarantee; a test
    /// build from the same `target/` fails here instead.
    #[test]
    fn sqlite_is_built_with_stable_plans() {
        let mut c = diesel::SqliteConnection::establish(":memory:").unwrap();
        assert!(sqlite_plans_are_stable(&mut c));
    }
}
