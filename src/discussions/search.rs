//! Search within a cohort's discussions: a `LIKE` over each post's lower-cased plain text
//! (`search_text`, the title included for opening posts), every word required, LIKE's own
//! characters escaped, at most [`SEARCH_LIMIT`] hits, newest first. It works the same on both
//! engines and scans only the cohort's posts (through the thread index); the knowledge bank's
//! full-text index is for public text, which posts are not.

use super::{time_label, Viewer};
use crate::courses::markdown::plain_text;
use crate::db::schema::users;
use crate::db::schema_discussions::{discussion_posts as dp, discussion_threads as dt};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

pub const SEARCH_LIMIT: i64 = 50;

/// A post found by search.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub author_name: Option<String>,
    pub excerpt: String,
    pub created_label: String,
}

/// The words of a search: at most six, lower-cased.
pub fn search_terms(q: &str) -> Vec<String> {
    q.split_whitespace()
        .take(6)
        .map(|t| t.to_lowercase())
        .collect()
}

/// `%term%` with LIKE's own characters escaped (the escape character is `\`).
fn like_pattern(term: &str) -> String {
    let mut p = String::from("%");
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// About `width` characters of `text` around the first place a term occurs.
fn snippet(text: &str, terms: &[String], width: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = flat.to_lowercase();
    let chars: Vec<char> = flat.chars().collect();
    // Lower-casing can change lengths; find the position in characters of the lower text.
    let at = terms
        .iter()
        .filter_map(|t| lower.find(t.as_str()))
        .min()
        .map(|byte| lower[..byte].chars().count())
        .unwrap_or(0)
        .min(chars.len());
    let start = at.saturating_sub(width / 3);
    let end = (start + width).min(chars.len());
    let mut s: String = chars[start..end].iter().collect();
    if start > 0 {
        s = format!("…{s}");
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}

type SearchRow = (i64, i64, String, Option<String>, String, NaiveDateTime);

/// Posts of the cohort containing every word of `q`, newest first.
pub fn search(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    cohort_id: i64,
    q: &str,
) -> AppResult<Vec<SearchHit>> {
    let terms = search_terms(q);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = dp::table
        .inner_join(dt::table)
        .left_join(users::table.on(users::id.nullable().eq(dp::author_id)))
        .filter(dt::cohort_id.eq(cohort_id))
        .into_boxed();
    for t in &terms {
        query = query.filter(dp::search_text.like(like_pattern(t)).escape('\\'));
    }
    if !viewer.moderates() {
        query = query
            .filter(dp::hidden_at.is_null())
            .filter(dt::hidden.eq(false));
    }
    let rows: Vec<SearchRow> = query
        .order(dp::id.desc())
        .limit(SEARCH_LIMIT)
        .select((
            dp::id,
            dt::id,
            dt::title,
            users::name.nullable(),
            dp::body_markdown,
            dp::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(post_id, thread_id, thread_title, author_name, body, created)| SearchHit {
                post_id,
                thread_id,
                thread_title,
                author_name,
                excerpt: snippet(&plain_text(&body), &terms, 200),
                created_label: time_label(created),
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_their_own_characters() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn snippets_centre_on_the_match() {
        let text = "alku ".repeat(100) + "Kanta-arkisto on tärkeä " + &"loppu ".repeat(100);
        let s = snippet(&text, &["kanta".to_string()], 60);
        assert!(s.contains("Kanta-arkisto"), "{s}");
        assert!(s.starts_with('…') && s.ends_with('…'));
    }
}
