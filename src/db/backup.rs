//! Backups of the embedded SQLite database: `kirjaamo backup FILE` takes a consistent copy while
//! the server runs (`VACUUM INTO` reads one snapshot beside the writer), `kirjaamo restore FILE`
//! puts one back with the servers stopped. A running server holds a shared lock on
//! `<database>.lock`; restore takes it exclusively, so it refuses while any server runs, and a
//! server does not start during a restore. PostgreSQL has its own tools (pg_dump, pg_restore):
//! both commands say so there.

use super::{sqlite_path, Backend, SQLITE_MIGRATIONS};
use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::Text;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Why a backup or restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// Refused before anything changed; the message says why and what to do.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for OpError {
    fn from(e: diesel::result::Error) -> Self {
        OpError::Failed(e.into())
    }
}

impl From<std::io::Error> for OpError {
    fn from(e: std::io::Error) -> Self {
        OpError::Failed(e.into())
    }
}

pub const PG_DUMP_HINT: &str = "on PostgreSQL, back up with pg_dump: \
    pg_dump --format=custom --file=FILE \"$KIRJAAMO_DATABASE_URL\" (README: Backups)";
pub const PG_RESTORE_HINT: &str = "on PostgreSQL, restore with pg_restore while the servers are \
    stopped: pg_restore --clean --if-exists --no-owner --dbname=\"$KIRJAAMO_DATABASE_URL\" FILE \
    (README: Backups)";

#[derive(Debug)]
pub struct BackupReport {
    pub file: PathBuf,
    pub bytes: u64,
    /// The last migration the copy has (e.g. `20261206010001`).
    pub level: String,
}

#[derive(Debug)]
pub struct RestoreReport {
    pub file: PathBuf,
    pub level: String,
    /// Where the database that was replaced now is (none if there was none).
    pub previous: Option<PathBuf>,
}

impl std::fmt::Display for BackupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "backed up to {} ({} bytes, migration level {})",
            self.file.display(),
            self.bytes,
            self.level
        )
    }
}

impl std::fmt::Display for RestoreReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "restored {} (migration level {}) and migrated to this version",
            self.file.display(),
            self.level
        )?;
        if let Some(p) = &self.previous {
            write!(f, "; the replaced database is kept as {}", p.display())?;
        }
        Ok(())
    }
}

fn database_file(url: &str) -> PathBuf {
    PathBuf::from(sqlite_path(url))
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// The lock a server holds while it serves an SQLite database (None on PostgreSQL). Several
/// servers may hold it at once; a restore cannot take it until they have all stopped.
pub fn server_lock(url: &str) -> anyhow::Result<Option<File>> {
    if Backend::of_url(url) == Backend::Postgres {
        return Ok(None);
    }
    let db = database_file(url);
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(&db))?;
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "the database {} is being restored: start the server when the restore has finished",
            db.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// Writes a consistent copy of the SQLite database to `target`, which must not exist yet.
pub fn backup(url: &str, target: &Path) -> Result<BackupReport, OpError> {
    if Backend::of_url(url) == Backend::Postgres {
        return Err(OpError::Refused(PG_DUMP_HINT.into()));
    }
    let db = database_file(url);
    if !db.is_file() {
        return Err(OpError::Refused(format!(
            "there is no database at {} to back up",
            db.display()
        )));
    }
    if target.exists() {
        return Err(OpError::Refused(format!(
            "{} exists already: a backup never overwrites a file; choose a new name",
            target.display()
        )));
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(OpError::Refused(format!(
            "the folder {} does not exist",
            dir.display()
        )));
    }
    // Written under a temporary name and linked into place, so an interrupted backup never
    // leaves a half-written file under the name asked for.
    let partial = dir.join(format!(
        ".{}.partial-{}",
        target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        hex::encode(rand::random::<[u8; 4]>())
    ));
    let result = (|| -> Result<(), OpError> {
        let mut conn = super::establish(url).map_err(|e| OpError::Failed(e.into()))?;
        diesel::sql_query("VACUUM INTO ?")
            .bind::<Text, _>(partial.to_string_lossy().as_ref())
            .execute(&mut conn)?;
        drop(conn);
        check_file(&partial)?;
        match std::fs::hard_link(&partial, target) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(OpError::Refused(format!(
                    "{} appeared while the backup was written: nothing overwritten",
                    target.display()
                )))
            }
            // A file system without hard links: rename, having checked the name is free.
            Err(_) if !target.exists() => Ok(std::fs::rename(&partial, target)?),
            Err(e) => Err(e.into()),
        }
    })();
    let _ = std::fs::remove_file(&partial);
    result?;
    Ok(BackupReport {
        file: target.to_path_buf(),
        bytes: std::fs::metadata(target)?.len(),
        level: check_file(target)?,
    })
}

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = Text)]
    value: String,
}

/// Checks that `file` is an intact Kirjaamo database whose migrations are all known to this
/// program, in order; returns its migration level. Opens the file as it is (no WAL switch).
pub fn check_file(file: &Path) -> Result<String, OpError> {
    let refuse = |why: &str| {
        OpError::Refused(format!(
            "{} is not a Kirjaamo database of a known migration level: {why}",
            file.display()
        ))
    };
    let mut head = [0u8; 16];
    {
        use std::io::Read;
        let mut f = File::open(file)
            .map_err(|e| OpError::Refused(format!("cannot read {}: {e}", file.display())))?;
        if f.read_exact(&mut head).is_err() || &head != b"SQLite format 3\0" {
            return Err(refuse("it is not an SQLite database file"));
        }
    }
    let mut conn = diesel::SqliteConnection::establish(&file.to_string_lossy())
        .map_err(|e| refuse(&format!("it cannot be opened ({e})")))?;
    let ok: Vec<One> = diesel::sql_query("SELECT quick_check AS value FROM pragma_quick_check")
        .load(&mut conn)
        .map_err(|e| refuse(&format!("it cannot be read ({e})")))?;
    if ok.first().map(|r| r.value.as_str()) != Some("ok") {
        return Err(refuse("it is damaged (SQLite's quick_check failed)"));
    }
    let has_table: Vec<One> = diesel::sql_query(
        "SELECT name AS value FROM sqlite_master WHERE type = 'table' \
         AND name IN ('__diesel_schema_migrations', 'users')",
    )
    .load(&mut conn)?;
    if has_table.len() != 2 {
        return Err(refuse("it has no Kirjaamo tables"));
    }
    let applied: Vec<String> = diesel::sql_query(
        "SELECT version AS value FROM __diesel_schema_migrations ORDER BY version",
    )
    .load::<One>(&mut conn)?
    .into_iter()
    .map(|r| r.value)
    .collect();
    let known = known_levels();
    if applied.is_empty() {
        return Err(refuse("no migration has been applied to it"));
    }
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        return Err(refuse(&format!(
            "it has migration {unknown}, which this version of Kirjaamo does not know \
             (a newer Kirjaamo made it?)"
        )));
    }
    if known[..applied.len()] != applied[..] {
        return Err(refuse(
            "its migrations are not the ones this program applies, in order",
        ));
    }
    Ok(applied.last().cloned().unwrap_or_default())
}

/// Every migration version this program knows, in order.
pub fn known_levels() -> Vec<String> {
    let migrations: Vec<_> =
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
            .unwrap_or_default();
    let mut v: Vec<String> = migrations
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    v.sort();
    v
}

/// Puts a backup in place of the SQLite database, with every server stopped. The file is
/// checked first (an intact Kirjaamo database of a known migration level) and nothing changes
/// when it is refused; the replaced database is kept beside it as `<name>.before-restore-<time>`;
/// migrations newer than the backup are then applied.
pub fn restore(url: &str, source: &Path, stamp: &str) -> Result<RestoreReport, OpError> {
    if Backend::of_url(url) == Backend::Postgres {
        return Err(OpError::Refused(PG_RESTORE_HINT.into()));
    }
    if !source.is_file() {
        return Err(OpError::Refused(format!(
            "there is no file {} to restore from",
            source.display()
        )));
    }
    let db = database_file(url);
    let dir = match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(&db))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(OpError::Refused(format!(
                "a Kirjaamo server is running on {}: stop every server first, then restore",
                db.display()
            )))
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
    }
    // Check a copy, not the source: opening a file may leave journal files beside it.
    let copy = dir.join(format!(
        ".restore-{}.sqlite3",
        hex::encode(rand::random::<[u8; 4]>())
    ));
    let result = (|| -> Result<RestoreReport, OpError> {
        std::fs::copy(source, &copy)?;
        let level = check_file(&copy)?;
        let previous = if db.exists() {
            // Fold the old database's write-ahead log into it, so what is kept is whole.
            {
                let mut old = diesel::SqliteConnection::establish(&db.to_string_lossy())
                    .map_err(|e| OpError::Failed(e.into()))?;
                old.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
            }
            let kept = dir.join(format!(
                "{}.before-restore-{stamp}",
                db.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            std::fs::rename(&db, &kept)?;
            Some(kept)
        } else {
            None
        };
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
        std::fs::rename(&copy, &db)?;
        let mut conn = super::establish(url).map_err(|e| OpError::Failed(e.into()))?;
        super::migrate(&mut conn)?;
        Ok(RestoreReport {
            file: source.to_path_buf(),
            level,
            previous,
        })
    })();
    let _ = std::fs::remove_file(&copy);
    drop(lock);
    result
}
