//! A post's text removed for good from discussions' own rows, in the caller's transaction:
//! the post and its revisions, the thread's title, reports and requests about it, unsent
//! digest items, and the answer-bank copy drawn from it. Returns the texts it removed, so the
//! caller can find their copies elsewhere (the outbox).

use crate::courses::markdown::plain_text;
use crate::db::schema_discussions::{
    answer_bank as ab, discussion_digest_items as di, discussion_posts as dp,
    discussion_reports as dr, discussion_revisions as rev, discussion_threads as dt,
};
use crate::db::schema_redaction::{
    discussion_redaction_requests as rq, discussion_redactions as red,
};
use crate::db::{insert_unless_duplicate, search, AnyConnection};
use crate::discussions::notify::excerpt;
use crate::discussions::posting::search_text;
use crate::discussions::{Post, Thread};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// What [`redact_rows`] removed: the texts as they were (to find their copies elsewhere), and
/// whether the answer-bank entry drawn from the post was taken offline.
#[derive(Debug, Clone, Default)]
pub struct Removed {
    pub texts: Vec<String>,
    pub thread_id: i64,
    pub bank_withdrawn: bool,
}

/// The ways a text was copied out of a post: as written, as plain text, and the excerpts the
/// e-mails quote.
fn copies_of(markdown: &str) -> Vec<String> {
    let mut out = vec![
        markdown.trim().to_string(),
        plain_text(markdown).trim().to_string(),
    ];
    for n in [600, 300, 200] {
        out.push(excerpt(markdown, n));
    }
    out.retain(|t| !t.is_empty());
    out
}

/// Replaces the post's text and every earlier version in discussions' rows, in the caller's
/// transaction: the post, its revisions, the thread's title (when `new_title` is given for an
/// opening post), the reports and redaction requests about it (their reasons may quote it),
/// unsent digest items, and the answer-bank copy drawn from it (taken offline, out of search).
pub fn redact_rows(
    c: &mut AnyConnection,
    post: &Post,
    thread: &Thread,
    by: i64,
    reason: &str,
    new_title: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<Removed> {
    let mut removed = Removed {
        thread_id: thread.id,
        texts: texts_of_post(c, post)?,
        ..Default::default()
    };
    let is_opening = thread.opening_post_id == Some(post.id);
    let title = match new_title
        .map(str::trim)
        .filter(|t| is_opening && *t != thread.title)
    {
        Some(t) => {
            removed.texts.push(thread.title.clone());
            diesel::update(dt::table.find(thread.id))
                .set(dt::title.eq(t))
                .execute(c)?;
            t.to_string()
        }
        None => thread.title.clone(),
    };
    record_redaction(c, post.id, by, reason, now)?;
    empty_post(c, post.id, is_opening.then_some(title.as_str()))?;
    resolve_reports_and_requests(c, post.id, by, now)?;
    diesel::delete(
        di::table
            .filter(di::post_id.eq(post.id))
            .filter(di::sent_at.is_null()),
    )
    .execute(c)?;
    removed.bank_withdrawn = redact_bank_copy(c, post, thread, &removed.texts, now)?;
    removed.texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    removed.texts.dedup();
    Ok(removed)
}

/// Every text of the post as it is and as it was (each revision's body and title), in every
/// form it was copied in.
fn texts_of_post(c: &mut AnyConnection, post: &Post) -> QueryResult<Vec<String>> {
    let mut texts = copies_of(&post.body_markdown);
    let earlier: Vec<(Option<String>, String)> = rev::table
        .filter(rev::post_id.eq(post.id))
        .select((rev::title, rev::body_markdown))
        .load(c)?;
    for (title, body) in &earlier {
        texts.extend(copies_of(body));
        texts.extend(title.iter().map(|t| t.trim().to_string()));
    }
    Ok(texts)
}

/// The redaction's own row (when, by whom, why); a post is redacted once.
fn record_redaction(
    c: &mut AnyConnection,
    post_id: i64,
    by: i64,
    reason: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let inserted = insert_unless_duplicate(c, |c| {
        diesel::insert_into(red::table)
            .values((
                red::post_id.eq(post_id),
                red::redacted_by.eq(Some(by)),
                red::reason.eq(reason),
                red::created_at.eq(now),
            ))
            .execute(c)
    })?;
    if inserted.is_none() {
        return Err(AppError::Conflict("redaction.already".into()));
    }
    Ok(())
}

/// The post's text emptied (an opening post keeps its thread's title searchable) and its
/// revisions deleted.
fn empty_post(c: &mut AnyConnection, post_id: i64, opening_title: Option<&str>) -> QueryResult<()> {
    diesel::update(dp::table.find(post_id))
        .set((
            dp::body_markdown.eq(""),
            dp::body_html.eq(""),
            dp::search_text.eq(match opening_title {
                Some(title) => search_text(Some(title), ""),
                None => String::new(),
            }),
        ))
        .execute(c)?;
    diesel::delete(rev::table.filter(rev::post_id.eq(post_id))).execute(c)?;
    Ok(())
}

/// Reports and redaction requests about the post lose their reasons (they may quote it), and
/// the open ones are resolved by the redaction.
fn resolve_reports_and_requests(
    c: &mut AnyConnection,
    post_id: i64,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(dr::table.filter(dr::post_id.eq(post_id)))
        .set(dr::reason.eq(""))
        .execute(c)?;
    diesel::update(
        dr::table
            .filter(dr::post_id.eq(post_id))
            .filter(dr::resolved_at.is_null()),
    )
    .set((dr::resolved_at.eq(Some(now)), dr::resolved_by.eq(Some(by))))
    .execute(c)?;
    diesel::update(rq::table.filter(rq::post_id.eq(post_id)))
        .set(rq::reason.eq(""))
        .execute(c)?;
    diesel::update(
        rq::table
            .filter(rq::post_id.eq(post_id))
            .filter(rq::resolved_at.is_null()),
    )
    .set((rq::resolved_at.eq(Some(now)), rq::resolved_by.eq(Some(by))))
    .execute(c)?;
    Ok(())
}

/// The thread's answer-bank entry, when drawn from this post (its question, its best or first
/// trainer answer) or quoting it: that part is emptied and the entry taken offline and out of
/// the search index, for a trainer to edit and publish again.
fn redact_bank_copy(
    c: &mut AnyConnection,
    post: &Post,
    thread: &Thread,
    texts: &[String],
    now: NaiveDateTime,
) -> AppResult<bool> {
    let Some((id, title, question, answer)) = ab::table
        .filter(ab::thread_id.eq(thread.id))
        .select((
            ab::id,
            ab::title,
            ab::question_markdown,
            ab::answer_markdown,
        ))
        .first::<(i64, String, String, String)>(c)
        .optional()?
    else {
        return Ok(false);
    };
    let quotes = |field: &str| {
        texts
            .iter()
            .any(|t| t.chars().count() >= 3 && field.contains(t.as_str()))
    };
    let first_trainer_answer = first_trainer_answer(c, thread)?;
    let from_question = thread.opening_post_id == Some(post.id) || quotes(&question);
    let from_answer = thread.best_post_id == Some(post.id)
        || first_trainer_answer == Some(post.id)
        || quotes(&answer);
    let in_title = quotes(&title);
    if !(from_question || from_answer || in_title) {
        return Ok(false);
    }
    if from_question {
        diesel::update(ab::table.find(id))
            .set((ab::question_markdown.eq(""), ab::question_html.eq("")))
            .execute(c)?;
    }
    if from_answer {
        diesel::update(ab::table.find(id))
            .set((ab::answer_markdown.eq(""), ab::answer_html.eq("")))
            .execute(c)?;
    }
    if in_title {
        let current: String = dt::table.find(thread.id).select(dt::title).first(c)?;
        diesel::update(ab::table.find(id))
            .set(ab::title.eq(current))
            .execute(c)?;
    }
    diesel::update(ab::table.find(id))
        .set((ab::withdrawn_at.eq(Some(now)), ab::updated_at.eq(now)))
        .execute(c)?;
    search::remove_entry(c, &format!("answer:{id}"))?;
    search::purge_deleted(c)?;
    Ok(true)
}

/// The thread's first answer by a trainer (the answer-bank copy's answer unless one was marked
/// best).
fn first_trainer_answer(c: &mut AnyConnection, thread: &Thread) -> QueryResult<Option<i64>> {
    dp::table
        .filter(dp::thread_id.eq(thread.id))
        .filter(dp::parent_id.is_null())
        .filter(dp::by_trainer.eq(true))
        .filter(dp::id.ne(thread.opening_post_id.unwrap_or(0)))
        .order(dp::id)
        .select(dp::id)
        .first(c)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::copies_of;

    #[test]
    fn the_copies_include_what_e_mails_quote() {
        let c = copies_of("Asiakas **Matti** soitti.\n\nHetu 010101-123A.");
        assert!(
            c.contains(&"Asiakas Matti soitti. Hetu 010101-123A.".to_string()),
            "{c:?}"
        );
        assert!(c.iter().any(|t| t.contains("**Matti**")), "as written");
        assert!(copies_of("  ").is_empty());
    }
}
