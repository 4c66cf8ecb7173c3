//! The knowledge bank's full-text index, one of the few places where the engines differ:
//! SQLite FTS5 (no Finnish stemmer: terms are matched as prefixes, long terms shortened a
//! little so inflected forms still meet) and PostgreSQL `tsvector` with the `finnish`
//! configuration (`swedish` for Swedish entries). Every entry has a language (`fi`, `sv`),
//! and a search looks in one language.

use super::{AnyConnection, Backend};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = Text)]
    entry_key: String,
}

/// Adds or replaces one Finnish entry (`lesson:42`, `answer:7`).
pub fn replace_entry(
    conn: &mut AnyConnection,
    key: &str,
    title: &str,
    body: &str,
) -> QueryResult<()> {
    replace_entry_in(conn, key, "fi", title, body)
}

/// The PostgreSQL text-search configuration of a language (a fixed name, never input).
fn pg_config(language: &str) -> &'static str {
    match language {
        "fi" => "finnish",
        "sv" => "swedish",
        "en" => "english",
        _ => "simple",
    }
}

/// Adds or replaces one entry in the given language.
pub fn replace_entry_in(
    conn: &mut AnyConnection,
    key: &str,
    language: &str,
    title: &str,
    body: &str,
) -> QueryResult<()> {
    remove_entry(conn, key)?;
    let sql = match conn.backend() {
        Backend::Sqlite => {
            "INSERT INTO knowledge_search (entry_key, language, title, body) VALUES (?, ?, ?, ?)"
                .to_string()
        }
        Backend::Postgres => {
            let cfg = pg_config(language);
            format!(
                "INSERT INTO knowledge_search (entry_key, language, title, body, document) \
                 VALUES ($1, $2, $3, $4, \
                 setweight(to_tsvector('{cfg}', $3), 'A') || to_tsvector('{cfg}', $4))"
            )
        }
    };
    diesel::sql_query(sql)
        .bind::<Text, _>(key)
        .bind::<Text, _>(language)
        .bind::<Text, _>(title)
        .bind::<Text, _>(body)
        .execute(conn)?;
    Ok(())
}

pub fn remove_entry(conn: &mut AnyConnection, key: &str) -> QueryResult<()> {
    let sql = super::portable_sql(conn, "DELETE FROM knowledge_search WHERE entry_key = ?");
    diesel::sql_query(sql).bind::<Text, _>(key).execute(conn)?;
    Ok(())
}

/// Makes removed entries unrecoverable from the index itself: SQLite FTS5 keeps a deleted
/// entry's terms in its segments until they are merged, so after a redaction they are merged
/// now. (PostgreSQL keeps nothing of a deleted row visible.)
pub fn purge_deleted(conn: &mut AnyConnection) -> QueryResult<()> {
    if conn.backend() == Backend::Sqlite {
        diesel::sql_query("INSERT INTO knowledge_search (knowledge_search) VALUES ('optimize')")
            .execute(conn)?;
    }
    Ok(())
}

/// The words of a query: letters and digits only, so no input can be query syntax.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(8)
        .map(|t| t.to_lowercase())
        .collect()
}

/// A prefix for FTS5: Finnish inflects at the end of the word (and changes consonants there:
/// "dokumentointi", "dokumentoinnin"), so a long term loses about a quarter of its letters,
/// keeping at least five ("dokumentoinnin" finds "dokumentointia" through "dokumentoin").
fn prefix(term: &str) -> String {
    let n = term.chars().count();
    if n >= 7 {
        let keep = (n - (n / 4).max(2)).max(5);
        term.chars().take(keep).collect()
    } else {
        term.to_string()
    }
}

/// Finnish entry keys matching every word of the query, best first.
pub fn search(conn: &mut AnyConnection, query: &str, limit: i64) -> QueryResult<Vec<String>> {
    search_in(conn, query, "fi", limit)
}

/// Entry keys in `language` matching every word of the query, best first.
pub fn search_in(
    conn: &mut AnyConnection,
    query: &str,
    language: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    let terms = terms(query);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let hits: Vec<Hit> = match conn.backend() {
        Backend::Sqlite => {
            let q = terms
                .iter()
                .map(|t| format!("\"{}\"*", prefix(t)))
                .collect::<Vec<_>>()
                .join(" ");
            diesel::sql_query(
                "SELECT entry_key FROM knowledge_search WHERE knowledge_search MATCH ? \
                 AND language = ? ORDER BY rank LIMIT ?",
            )
            .bind::<Text, _>(q)
            .bind::<Text, _>(language)
            .bind::<BigInt, _>(limit)
            .load(conn)?
        }
        Backend::Postgres => {
            let q = terms
                .iter()
                .map(|t| format!("{t}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            let cfg = pg_config(language);
            diesel::sql_query(format!(
                "SELECT entry_key FROM knowledge_search, to_tsquery('{cfg}', $1) q \
                 WHERE document @@ q AND language = $2 \
                 ORDER BY ts_rank(document, q) DESC, entry_key LIMIT $3"
            ))
            .bind::<Text, _>(q)
            .bind::<Text, _>(language)
            .bind::<BigInt, _>(limit)
            .load(conn)?
        }
    };
    Ok(hits.into_iter().map(|h| h.entry_key).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_plain_words() {
        assert_eq!(
            terms("Kanta-arkisto \"OR\" *"),
            vec!["kanta", "arkisto", "or"]
        );
        assert_eq!(terms("säilytysajat?"), vec!["säilytysajat"]);
        assert_eq!(prefix("arkistoinnin"), "arkistoin");
        assert_eq!(prefix("dokumentoinnin"), "dokumentoin");
        assert_eq!(prefix("laki"), "laki");
    }
}
