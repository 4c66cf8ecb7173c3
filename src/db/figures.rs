//! The coordinators' figures in memory. The network page and the overview add up a whole
//! region (its registry, reach, blind spots, questions waiting): at national scale tens of
//! milliseconds of reads, the same for every coordinator of the region until something they
//! show changes. Every such change bumps one row, `figure_versions`, in a trigger that commits
//! with the write (the migration lists the tables and the columns); a page reads that row,
//! one primary-key lookup, and serves what it holds for the same version, else computes the
//! figures afresh in one read snapshot together with the version they belong to. So several
//! servers on one PostgreSQL stay consistent: a write on one shows on the other's next request.
//!
//! What is per viewer (the scope switch, links only managers may follow, tokens) is never kept
//! here; the key says everything the figures depend on besides the data (scope, language, day).

use super::schema::figure_versions;
use super::{read_snapshot, AnyConnection};
use diesel::prelude::*;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};

/// The current version of the figures.
pub fn version(conn: &mut AnyConnection) -> QueryResult<i64> {
    figure_versions::table
        .find(1)
        .select(figure_versions::version)
        .first(conn)
}

/// Figures of one kind, by key, each with the version it was computed at.
pub struct FiguresCache<K, V> {
    held: RwLock<HashMap<K, (i64, Arc<V>)>>,
    /// Keys held at most; beyond, everything is dropped. Scopes × languages (× viewers' areas)
    /// is small: this bounds memory only if something unexpected multiplies the keys.
    max_keys: usize,
}

impl<K: Hash + Eq + Clone, V> FiguresCache<K, V> {
    pub fn new(max_keys: usize) -> Self {
        FiguresCache {
            held: RwLock::new(HashMap::new()),
            max_keys,
        }
    }

    /// The figures for `key` at the database's current version: held, or computed by
    /// `compute` in one read snapshot (which reads the version first, so the figures are never
    /// older than the version they are kept under).
    pub fn get<E, F>(&self, conn: &mut AnyConnection, key: K, compute: F) -> Result<Arc<V>, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<V, E>,
        E: From<diesel::result::Error>,
    {
        let now = version(conn)?;
        if let Some((v, figures)) = self.read().get(&key) {
            if *v == now {
                return Ok(figures.clone());
            }
        }
        let (v, figures) = read_snapshot(conn, |c| {
            let v = version(c)?;
            Ok::<_, E>((v, Arc::new(compute(c)?)))
        })?;
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        // Figures of an older version are of no use to anyone any more.
        held.retain(|_, (kept, _)| *kept >= v);
        if held.len() >= self.max_keys {
            held.clear();
        }
        let keep = match held.get(&key) {
            Some((kept, _)) => *kept < v,
            None => true,
        };
        if keep {
            held.insert(key, (v, figures.clone()));
        }
        Ok(figures)
    }

    /// How many keys are held (for the tests).
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<K, (i64, Arc<V>)>> {
        self.held.read().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn bump(conn: &mut AnyConnection) {
        diesel::sql_query("UPDATE figure_versions SET version = version + 1")
            .execute(conn)
            .unwrap();
    }

    #[test]
    fn figures_are_computed_once_per_key_and_version() {
        let mut conn = crate::db::establish("sqlite://:memory:").unwrap();
        crate::db::migrate(&mut conn).unwrap();
        let cache: FiguresCache<&str, i64> = FiguresCache::new(2);
        let runs = Cell::new(0);
        let get = |conn: &mut AnyConnection, key| {
            *cache
                .get(conn, key, |_| {
                    runs.set(runs.get() + 1);
                    Ok::<_, diesel::result::Error>(runs.get())
                })
                .unwrap()
        };
        assert_eq!(get(&mut conn, "socca"), 1);
        assert_eq!(get(&mut conn, "socca"), 1, "held");
        assert_eq!(get(&mut conn, "poske"), 2, "another key is computed");
        bump(&mut conn);
        assert_eq!(
            get(&mut conn, "socca"),
            3,
            "a new version is computed afresh"
        );
        assert_eq!(cache.len(), 1, "the other key's old figures are dropped");
        assert_eq!(get(&mut conn, "poske"), 4);
        assert_eq!(get(&mut conn, "helsinki"), 5);
        assert_eq!(cache.len(), 1, "at the cap, everything before goes");
    }
}
