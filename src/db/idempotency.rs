//! Idempotency keys: a form that creates something carries a random key (rendered by
//! `templates/partials_idempotency.html`), and [`once`] runs the creation at most once per key.
//! The key and the answer the creation gave (usually the address it redirected to) are stored in
//! the creation's own transaction, so a retry after a lost response — a browser resending the
//! form, a double click, a reconnect after the database restarted — gets the first answer and
//! creates nothing again; a creation that failed stored nothing and may simply be tried again.

use super::schema_trust::idempotency_keys as ik;
use super::{portable_sql, write_tx, AnyConnection};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

/// How long a key is remembered; a retry comes within minutes.
pub const KEEP_HOURS: i64 = 24;

/// One key: the form and who sent it (`scope`), and the random token the form carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub scope: String,
    pub token: String,
}

impl Key {
    /// A key as a form sent it. The token must look like one we render (16 to 100 characters of
    /// `A–Z a–z 0–9 - _`); anything else counts as no key, and the form works as without one.
    pub fn new(form: &str, who: &str, token: &str) -> Option<Key> {
        let token = token.trim();
        let valid = (16..=100).contains(&token.len())
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        valid.then(|| Key {
            scope: format!("{form}:{who}"),
            token: token.to_string(),
        })
    }
}

/// Runs `create` once per key. In one write transaction: claims the key, runs `create` (its own
/// transactions become savepoints of this one), stores the answer it returns and commits all of
/// it together. When the key was used before, returns the stored answer and runs nothing. A
/// second request with the same key while the first is still running waits for it (the key's
/// row is locked on PostgreSQL; SQLite has one writer) and then gets its answer. Without a key,
/// `create` simply runs.
pub fn once<E, F>(
    conn: &mut AnyConnection,
    key: Option<&Key>,
    now: NaiveDateTime,
    create: F,
) -> Result<String, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<String, E>,
    E: From<diesel::result::Error>,
{
    let Some(key) = key else {
        return create(conn);
    };
    write_tx(conn, |c| {
        let sql = portable_sql(
            c,
            "INSERT INTO idempotency_keys (scope, token, answer, created_at) VALUES (?, ?, '', ?) \
             ON CONFLICT (scope, token) DO NOTHING",
        );
        let claimed = diesel::sql_query(sql)
            .bind::<Text, _>(&key.scope)
            .bind::<Text, _>(&key.token)
            .bind::<Timestamp, _>(now)
            .execute(c)?;
        if claimed == 0 {
            let answer: String = ik::table
                .find((&key.scope, &key.token))
                .select(ik::answer)
                .first(c)?;
            return Ok(answer);
        }
        let answer = create(c)?;
        diesel::update(ik::table.find((&key.scope, &key.token)))
            .set(ik::answer.eq(&answer))
            .execute(c)?;
        Ok(answer)
    })
}

/// Forgets keys older than [`KEEP_HOURS`].
pub fn prune(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(ik::table.filter(ik::created_at.lt(now - Duration::hours(KEEP_HOURS))))
        .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn only_tokens_we_render_are_keys() {
        let k = Key::new("thread", "user:7", "abcdefghijklmnop_-12").unwrap();
        assert_eq!(k.scope, "thread:user:7");
        assert!(Key::new("thread", "user:7", "").is_none());
        assert!(Key::new("thread", "user:7", "short").is_none());
        assert!(Key::new("thread", "user:7", "abcdefghijklmnop\u{0}").is_none());
        assert!(Key::new("thread", "user:7", &"a".repeat(101)).is_none());
        assert!(Key::new("thread", "user:7", "abcdefgh ijklmnopq").is_none());
    }
}
