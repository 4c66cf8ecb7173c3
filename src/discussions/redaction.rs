//! Redaction: client data written into a post by mistake is removed for good. A moderator (the
//! cohort's trainer, the region's coordinator, an admin) replaces the post's text and every
//! earlier revision, with a reason; the answer-bank copy drawn from it and its knowledge-bank
//! search entry go too, and the stored e-mails that quoted it lose the text (unsent ones
//! about the post are not sent). The author asks for it from the post ([`request`]); the
//! request reaches the moderators' lists.
//!
//! [`redact_rows`] touches only discussions' own rows and returns the texts it removed, so a
//! later `privacy` context can call it beside the other contexts' parts; [`redact`] is the
//! thin whole for the web layer: the checks, the rows, the outbox, the audit log, one
//! transaction.

use super::notify::excerpt;
use super::posting::{check_reason, check_title, search_text};
use super::{policy, post_access, Post, Thread};
use crate::accounts::{audit, Principal};
use crate::courses::markdown::plain_text;
use crate::db::schema::{cohort_trainers, cohorts, users};
use crate::db::schema_discussions::{
    answer_bank as ab, discussion_digest_items as di, discussion_posts as dp,
    discussion_reports as dr, discussion_revisions as rev, discussion_threads as dt,
};
use crate::db::schema_redaction::{
    discussion_redaction_requests as rq, discussion_redactions as red,
};
use crate::db::{insert_unless_duplicate, search, write_tx, AnyConnection};
use crate::mail::scrub;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// What stored e-mails show where the removed text was.
pub const REPLACEMENT: &str = "[…]";

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

/// What a redaction did, for the moderator's notice.
#[derive(Debug, Clone, Copy)]
pub struct Redacted {
    pub thread_id: i64,
    pub bank_withdrawn: bool,
}

/// A moderator redacts a post: the checks, discussions' rows ([`redact_rows`]), the stored
/// e-mails ([`scrub`]: unsent ones about the post dropped, every copy of its text replaced),
/// and the audit log in the cohort's region — in one transaction.
pub fn redact(
    conn: &mut AnyConnection,
    who: &Principal,
    post_id: i64,
    reason: &str,
    new_title: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<Redacted> {
    let reason = check_reason(reason, true)?;
    if let Some(t) = new_title {
        let mut errors = Vec::new();
        check_title(t, &mut errors);
        if let Some(e) = errors.first() {
            return Err(AppError::invalid(*e));
        }
    }
    write_tx(conn, |c| {
        let (post, thread, cohort, viewer) = post_access(c, who, post_id)?;
        if !policy::can_redact(viewer.role) {
            return Err(AppError::Forbidden);
        }
        let removed = redact_rows(c, &post, &thread, who.user_id, &reason, new_title, now)?;
        scrub::drop_unsent(c, &format!("discussion-post:{}:", post.id))?;
        scrub::scrub(c, &removed.texts, REPLACEMENT)?;
        audit::record_in(
            c,
            audit::Area {
                region_id: cohort.region_id,
                county_id: None,
            },
            Some(who.user_id),
            "post.redact",
            &format!("post:{}", post.id),
            &format!("cohort:{}; thread:{}; {reason}", cohort.id, thread.id),
            now,
        )?;
        Ok(Redacted {
            thread_id: removed.thread_id,
            bank_withdrawn: removed.bank_withdrawn,
        })
    })
}

/// The author asks the moderators to redact their post (once while a request is open).
/// Returns the thread.
pub fn request(
    conn: &mut AnyConnection,
    who: &Principal,
    post_id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let reason = check_reason(reason, false)?;
    write_tx(conn, |c| {
        let (post, thread, _, viewer) = post_access(c, who, post_id)?;
        if !policy::can_ask_redaction(viewer.role, post.author_id == Some(who.user_id)) {
            return Err(AppError::Forbidden);
        }
        if redaction_of(c, post.id)?.is_some() {
            return Err(AppError::Conflict("redaction.already".into()));
        }
        let inserted = insert_unless_duplicate(c, |c| {
            diesel::insert_into(rq::table)
                .values((
                    rq::post_id.eq(post.id),
                    rq::requested_by.eq(Some(who.user_id)),
                    rq::reason.eq(&reason),
                    rq::created_at.eq(now),
                ))
                .execute(c)
        })?;
        if inserted.is_none() {
            return Err(AppError::Conflict("redaction.already_asked".into()));
        }
        Ok(thread.id)
    })
}

/// When and why a post was redacted.
#[derive(Debug, Clone, Serialize)]
pub struct RedactionInfo {
    pub at: NaiveDateTime,
    pub reason: String,
}

pub fn redaction_of(c: &mut AnyConnection, post_id: i64) -> QueryResult<Option<RedactionInfo>> {
    Ok(redactions_of(c, &[post_id])?.remove(&post_id))
}

/// The redactions among these posts.
pub fn redactions_of(
    c: &mut AnyConnection,
    post_ids: &[i64],
) -> QueryResult<HashMap<i64, RedactionInfo>> {
    let rows: Vec<(i64, NaiveDateTime, String)> = red::table
        .filter(red::post_id.eq_any(post_ids))
        .select((red::post_id, red::created_at, red::reason))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, at, reason)| (id, RedactionInfo { at, reason }))
        .collect())
}

/// An author's open request, as the moderators' lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestItem {
    pub id: i64,
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub cohort_name: String,
    pub author_name: Option<String>,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

type RequestRow = (
    i64,
    i64,
    i64,
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
);

fn to_item(r: RequestRow) -> RequestItem {
    RequestItem {
        id: r.0,
        post_id: r.1,
        thread_id: r.2,
        thread_title: r.3,
        cohort_name: r.4,
        author_name: r.5,
        reason: r.6,
        created_at: r.7,
    }
}

/// Open requests in the cohorts `trainer_id` trains (the trainers' desk), oldest first.
pub fn open_requests_for_trainer(
    conn: &mut AnyConnection,
    trainer_id: i64,
) -> AppResult<Vec<RequestItem>> {
    let rows: Vec<RequestRow> = rq::table
        .inner_join(dp::table.inner_join(dt::table.inner_join(cohorts::table)))
        .inner_join(cohort_trainers::table.on(cohort_trainers::cohort_id.eq(dt::cohort_id)))
        .left_join(users::table.on(users::id.nullable().eq(rq::requested_by)))
        .filter(cohort_trainers::user_id.eq(trainer_id))
        .filter(rq::resolved_at.is_null())
        .order(rq::id)
        .limit(200)
        .select((
            rq::id,
            dp::id,
            dt::id,
            dt::title,
            cohorts::name,
            users::name.nullable(),
            rq::reason,
            rq::created_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(to_item).collect())
}

/// Open requests in one cohort (its discussion figures page, for coordinators and admins).
pub fn open_requests_in_cohort(
    conn: &mut AnyConnection,
    cohort_id: i64,
) -> AppResult<Vec<RequestItem>> {
    let rows: Vec<RequestRow> = rq::table
        .inner_join(dp::table.inner_join(dt::table.inner_join(cohorts::table)))
        .left_join(users::table.on(users::id.nullable().eq(rq::requested_by)))
        .filter(dt::cohort_id.eq(cohort_id))
        .filter(rq::resolved_at.is_null())
        .order(rq::id)
        .limit(200)
        .select((
            rq::id,
            dp::id,
            dt::id,
            dt::title,
            cohorts::name,
            users::name.nullable(),
            rq::reason,
            rq::created_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(to_item).collect())
}

/// Whether the post has an open request (the author's own page says so).
pub fn has_open_request(c: &mut AnyConnection, post_id: i64) -> QueryResult<bool> {
    let n: i64 = rq::table
        .filter(rq::post_id.eq(post_id))
        .filter(rq::resolved_at.is_null())
        .count()
        .get_result(c)?;
    Ok(n > 0)
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
