//! Taking text out of stored messages, for redaction: a message about something removed is
//! dropped while unsent, and every stored copy (sent ones too: the e-mail itself cannot be
//! recalled, but our copy can go) has the removed text replaced. Knows no feature: callers
//! hand it the texts as they were put into messages.

use crate::db::schema::outbox_messages as om;
use crate::db::AnyConnection;
use diesel::prelude::*;

/// Deletes the unsent messages whose dedupe key starts with `prefix` (e.g.
/// `discussion-post:42:`, every follower's mail about post 42). Returns how many.
pub fn drop_unsent(conn: &mut AnyConnection, prefix: &str) -> QueryResult<usize> {
    // The prefix is the caller's own key format; refuse LIKE wildcards rather than escape them.
    if prefix.is_empty() || prefix.contains(['%', '_', '\\']) {
        return Ok(0);
    }
    diesel::delete(
        om::table
            .filter(om::status.ne("sent"))
            .filter(om::dedupe_key.like(format!("{prefix}%"))),
    )
    .execute(conn)
}

/// How many messages whose dedupe key starts with `prefix` have been sent already.
pub fn sent_count(conn: &mut AnyConnection, prefix: &str) -> QueryResult<i64> {
    if prefix.is_empty() || prefix.contains(['%', '_', '\\']) {
        return Ok(0);
    }
    om::table
        .filter(om::status.eq("sent"))
        .filter(om::dedupe_key.like(format!("{prefix}%")))
        .count()
        .get_result(conn)
}

/// A piece of `text` that LIKE can look for without escaping: the longest run of its first
/// 60 characters without `%`, `_` or `\`.
fn fragment(text: &str) -> Option<String> {
    let head: String = text.chars().take(60).collect();
    head.split(['%', '_', '\\'])
        .max_by_key(|s| s.chars().count())
        .map(str::to_string)
        .filter(|s| s.trim().chars().count() >= 3)
}

/// Replaces every text of `texts` in the stored messages (subject, text and HTML, where the
/// HTML holds it escaped as the templates escape it) with `replacement`. A message that still
/// holds the beginning of a removed text afterwards (quoted in a way not foreseen) loses its
/// whole body. Returns how many messages changed.
pub fn scrub(conn: &mut AnyConnection, texts: &[String], replacement: &str) -> QueryResult<usize> {
    let mut texts: Vec<&String> = texts.iter().filter(|t| !t.trim().is_empty()).collect();
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    texts.dedup();
    let fragments: Vec<String> = texts.iter().filter_map(|t| fragment(t)).collect();
    let mut ids: Vec<i64> = Vec::new();
    for f in &fragments {
        let pattern = format!("%{f}%");
        let html = format!("%{}%", tera::escape_html(f));
        ids.extend(
            om::table
                .filter(
                    om::subject
                        .like(pattern.clone())
                        .or(om::body_text.like(pattern))
                        .or(om::body_html.like(html)),
                )
                .select(om::id)
                .load::<i64>(conn)?,
        );
    }
    ids.sort_unstable();
    ids.dedup();
    let mut changed = 0;
    for id in ids {
        let (subject, text, html): (String, String, String) = om::table
            .find(id)
            .select((om::subject, om::body_text, om::body_html))
            .first(conn)?;
        let (mut s, mut t, mut h) = (subject.clone(), text.clone(), html.clone());
        for needle in &texts {
            s = s.replace(needle.as_str(), replacement);
            t = t.replace(needle.as_str(), replacement);
            h = h
                .replace(&tera::escape_html(needle), replacement)
                .replace(needle.as_str(), replacement);
        }
        let leaks = |x: &str| {
            fragments
                .iter()
                .any(|f| x.contains(f.as_str()) || x.contains(&tera::escape_html(f)))
        };
        if leaks(&t) || leaks(&h) {
            t = replacement.to_string();
            h = format!("<p>{}</p>", tera::escape_html(replacement));
        }
        if leaks(&s) {
            s = replacement.to_string();
        }
        if (&s, &t, &h) != (&subject, &text, &html) {
            diesel::update(om::table.find(id))
                .set((
                    om::subject.eq(&s),
                    om::body_text.eq(&t),
                    om::body_html.eq(&h),
                ))
                .execute(conn)?;
            changed += 1;
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::fragment;

    #[test]
    fn fragments_avoid_like_wildcards() {
        assert_eq!(
            fragment("Matti 100 % varma_x").as_deref(),
            Some("Matti 100 ")
        );
        assert_eq!(fragment("ab"), None);
        assert_eq!(fragment("Asiakas Matti").as_deref(), Some("Asiakas Matti"));
    }
}
