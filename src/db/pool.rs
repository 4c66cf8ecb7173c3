//! The connection pool: what a pooled connection is, when it is checked, when it is dropped.

use super::{establish, redact, sqlite_path, trace, AnyConnection, Backend};
use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{ManageConnection, Pool};
use std::time::{Duration, Instant};

/// The r2d2 manager: opens connections of the engine the URL names and tunes SQLite for its
/// single writer.
#[derive(Clone, Debug)]
pub struct Manager {
    url: String,
}

impl Manager {
    pub fn new(url: &str) -> Self {
        Manager {
            url: url.to_string(),
        }
    }
}

/// A connection as the pool holds it. A PostgreSQL connection dies with its server (a restart,
/// an idle connection cut by the network); the pool must not hand out a dead one for good.
pub struct Pooled {
    conn: AnyConnection,
    /// When it last went back to the pool.
    returned: Instant,
    /// Set when the connection was found dead after a failed unit of work ([`Pooled::mend`]).
    closed: bool,
}

impl std::ops::Deref for Pooled {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

impl Pooled {
    /// After a unit of work on this connection failed: whether the connection itself is gone
    /// (one round trip, on the error path only). A dead one is dropped when it is returned
    /// ([`Manager::has_broken`]) rather than handed to the next request.
    pub fn mend(&mut self) {
        if let AnyConnection::Postgresql(c) = &mut self.conn {
            self.closed = c.batch_execute("SELECT 1").is_err();
        }
    }
}

/// A PostgreSQL connection back in the pool within this long is handed out again without a
/// round trip to ask whether it is alive. Under load that is every checkout: the ping was one
/// statement in three on the lesson page and a fourth of its time (benches/README.md). One
/// that has since died fails the unit of work it is used for and is then dropped
/// ([`Pooled::mend`]); one idle for longer is pinged before it is handed out.
const FRESH: Duration = Duration::from_secs(1);

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Pooled, Self::Error> {
        Ok(Pooled {
            conn: establish(&self.url).map_err(diesel::r2d2::Error::ConnectionError)?,
            returned: Instant::now(),
            closed: false,
        })
    }

    /// Checked on every checkout. An SQLite connection is a file handle in this process and
    /// cannot die; a PostgreSQL one is pinged when it has been idle (see [`FRESH`]).
    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), Self::Error> {
        match &mut pooled.conn {
            AnyConnection::Sqlite(_) => Ok(()),
            AnyConnection::Postgresql(_) if pooled.returned.elapsed() < FRESH => Ok(()),
            AnyConnection::Postgresql(c) => c
                .batch_execute("SELECT 1")
                .map_err(diesel::r2d2::Error::QueryError),
        }
    }

    /// Checked on every return: a connection found dead, or left inside a transaction that
    /// could not be ended, is dropped.
    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        pooled.returned = Instant::now();
        pooled.closed
            || match &mut pooled.conn {
                AnyConnection::Postgresql(c) => {
                    AnsiTransactionManager::is_broken_transaction_manager(c)
                }
                AnyConnection::Sqlite(c) => {
                    AnsiTransactionManager::is_broken_transaction_manager(c)
                }
            }
    }
}

/// Builds the pool. Connections are checked out with a time-out so an exhausted pool answers
/// with an error page rather than hanging.
pub fn pool(url: &str, size: u32) -> anyhow::Result<super::DbPool> {
    if Backend::of_url(url) == Backend::Sqlite {
        if let Some(parent) = std::path::Path::new(sqlite_path(url)).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
        }
    }
    trace::install_if_wanted();
    Pool::builder()
        .max_size(size.max(1))
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .build(Manager::new(url))
        .with_context(|| format!("connecting to the database at {}", redact(url)))
}
