//! The thread page: the opening post, one keyset page of answers with their replies, each
//! post as this viewer may see it; reading it moves the viewer's read marker.

use super::super::posting::mark_read;
use super::super::{policy, time_label, Thread, Viewer};
use super::POSTS_PER_PAGE;
use crate::db::schema::{lessons, users};
use crate::db::schema_discussions::{
    discussion_posts as dp, discussion_reads as rd, discussion_subscriptions as dsub,
};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A post as the thread page shows it to this viewer.
#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub author_name: Option<String>,
    pub mine: bool,
    pub by_trainer: bool,
    /// Sanitised when stored; empty when the viewer may not see a hidden post.
    pub body_html: String,
    pub hidden: bool,
    /// Shown to the author and the moderators only.
    pub hidden_reason: Option<String>,
    pub show_body: bool,
    pub created_at: NaiveDateTime,
    pub created_label: String,
    /// Who wrote it and when, to name the post to screen readers ("Vastaa: Maija, 23.11.").
    pub label: String,
    pub edited_label: Option<String>,
    pub is_new: bool,
    pub is_best: bool,
    pub is_answer: bool,
    pub can_edit: bool,
    pub can_mark_best: bool,
    pub can_report: bool,
    /// Removed for good by a moderator: when, and (to the author and the moderators) why.
    pub redacted: Option<super::super::redaction::RedactionInfo>,
    pub can_redact: bool,
    /// The author may ask the moderators to redact it.
    pub can_ask_redaction: bool,
    pub replies: Vec<PostView>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = dp)]
struct PostRow {
    id: i64,
    parent_id: Option<i64>,
    author_id: Option<i64>,
    by_trainer: bool,
    body_html: String,
    created_at: NaiveDateTime,
    edited_at: Option<NaiveDateTime>,
    hidden_at: Option<NaiveDateTime>,
    hidden_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreadPage {
    pub thread: Thread,
    pub lesson_slug: String,
    pub lesson_title: String,
    /// The lesson's discussion prompt, for a prompt thread.
    pub prompt: Option<String>,
    /// On the first page.
    pub opening: Option<PostView>,
    pub posts: Vec<PostView>,
    /// The `jalkeen` value of the next page.
    pub next_after: Option<i64>,
    pub first_page: bool,
    pub following: bool,
    pub can_post: bool,
    pub moderates: bool,
}

struct Ctx<'a> {
    thread: &'a Thread,
    viewer: &'a Viewer,
    last_read: i64,
    now: NaiveDateTime,
    redactions: HashMap<i64, super::super::redaction::RedactionInfo>,
}

fn view_post(cx: &Ctx<'_>, row: PostRow, author_name: Option<String>) -> PostView {
    let mine = row.author_id == Some(cx.viewer.user_id);
    let hidden = row.hidden_at.is_some();
    let may_see = !hidden || policy::can_see_hidden(cx.viewer.role, mine);
    let is_answer = row.parent_id.is_none() && cx.thread.opening_post_id != Some(row.id);
    let is_asker = cx.thread.author_id == Some(cx.viewer.user_id);
    let author_name = if may_see { author_name } else { None };
    let redacted = cx.redactions.get(&row.id).cloned().map(|mut r| {
        if !policy::can_see_hidden(cx.viewer.role, mine) {
            r.reason = String::new();
        }
        r
    });
    let is_redacted = redacted.is_some();
    PostView {
        label: format!(
            "{}, {}",
            author_name.as_deref().unwrap_or("–"),
            time_label(row.created_at)
        ),
        id: row.id,
        parent_id: row.parent_id,
        author_name,
        mine,
        by_trainer: row.by_trainer,
        body_html: if may_see {
            row.body_html
        } else {
            String::new()
        },
        hidden,
        hidden_reason: if may_see { row.hidden_reason } else { None },
        show_body: may_see,
        created_label: time_label(row.created_at),
        created_at: row.created_at,
        edited_label: row.edited_at.map(time_label),
        is_new: row.id > cx.last_read && !mine,
        is_best: cx.thread.best_post_id == Some(row.id),
        is_answer,
        can_edit: may_see
            && !is_redacted
            && policy::can_edit(
                cx.viewer.role,
                mine,
                row.created_at,
                cx.now,
                cx.thread.locked,
            ),
        can_mark_best: is_answer
            && !hidden
            && cx.thread.is_question()
            && policy::can_mark_best(cx.viewer.role, is_asker),
        can_report: may_see && !hidden && !is_redacted && policy::can_report(cx.viewer.role, mine),
        can_redact: may_see && !is_redacted && policy::can_redact(cx.viewer.role),
        // A moderator removes it themselves rather than asking.
        can_ask_redaction: !is_redacted
            && policy::can_ask_redaction(cx.viewer.role, mine)
            && !policy::can_redact(cx.viewer.role),
        redacted,
        replies: Vec::new(),
    }
}

/// The posts with these ids and their authors' names, in id order.
fn with_authors(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> QueryResult<Vec<(PostRow, Option<String>)>> {
    dp::table
        .left_join(users::table.on(users::id.nullable().eq(dp::author_id)))
        .filter(dp::id.eq_any(ids))
        .order(dp::id)
        .select((PostRow::as_select(), users::name.nullable()))
        .load(conn)
}

/// One page of a thread: the opening post (first page), then up to [`POSTS_PER_PAGE`] answers
/// after `after`, each with its replies in time order. Moves the viewer's read marker.
pub fn thread_page(
    conn: &mut AnyConnection,
    thread: &Thread,
    viewer: &Viewer,
    after: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<ThreadPage> {
    // The lesson, the viewer's read marker and follow in one statement: on PostgreSQL each
    // statement is a round trip, and this page sends a dozen.
    let (lesson_slug, lesson_title, prompt, last_read, following): (
        String,
        String,
        Option<String>,
        Option<i64>,
        Option<bool>,
    ) = lessons::table
        .find(thread.lesson_id)
        .select((
            lessons::slug,
            lessons::title,
            lessons::discussion,
            rd::table
                .filter(rd::thread_id.eq(thread.id))
                .filter(rd::user_id.eq(viewer.user_id))
                .select(rd::last_read_post_id)
                .single_value(),
            dsub::table
                .filter(dsub::thread_id.eq(thread.id))
                .filter(dsub::user_id.eq(viewer.user_id))
                .select(dsub::following)
                .single_value(),
        ))
        .first(conn)?;
    let (last_read, following) = (last_read.unwrap_or(0), following.unwrap_or(false));
    let opening_id = thread.opening_post_id.unwrap_or(0);
    let opening_row = match (after, thread.opening_post_id) {
        (None, Some(id)) => with_authors(conn, &[id])?.into_iter().next(),
        _ => None,
    };
    let start = after.unwrap_or(0);
    let top_ids: Vec<i64> = dp::table
        .filter(dp::thread_id.eq(thread.id))
        .filter(dp::parent_id.is_null())
        .filter(dp::id.gt(start))
        .filter(dp::id.ne(opening_id))
        .order(dp::id)
        .limit(POSTS_PER_PAGE + 1)
        .select(dp::id)
        .load(conn)?;
    let more = top_ids.len() as i64 > POSTS_PER_PAGE;
    let top = with_authors(conn, &top_ids[..top_ids.len().min(POSTS_PER_PAGE as usize)])?;
    let top_ids: Vec<i64> = top.iter().map(|(r, _)| r.id).collect();
    let replies: Vec<(PostRow, Option<String>)> = dp::table
        .left_join(users::table.on(users::id.nullable().eq(dp::author_id)))
        .filter(dp::parent_id.eq_any(&top_ids))
        .order(dp::id)
        .select((PostRow::as_select(), users::name.nullable()))
        .load(conn)?;
    let shown: Vec<i64> = opening_row
        .iter()
        .chain(top.iter())
        .chain(replies.iter())
        .map(|(r, _)| r.id)
        .collect();
    let cx = Ctx {
        thread,
        viewer,
        last_read,
        now,
        redactions: super::super::redaction::redactions_of(conn, &shown)?,
    };
    let opening = opening_row.map(|(row, name)| view_post(&cx, row, name));
    let mut max_seen = opening.as_ref().map(|o| o.id).unwrap_or(0);
    let mut by_parent: HashMap<i64, Vec<PostView>> = HashMap::new();
    for (row, name) in replies {
        max_seen = max_seen.max(row.id);
        if let Some(parent) = row.parent_id {
            by_parent
                .entry(parent)
                .or_default()
                .push(view_post(&cx, row, name));
        }
    }
    let posts: Vec<PostView> = top
        .into_iter()
        .map(|(row, name)| {
            max_seen = max_seen.max(row.id);
            let mut v = view_post(&cx, row, name);
            v.replies = by_parent.remove(&v.id).unwrap_or_default();
            v
        })
        .collect();
    let next_after = if more {
        posts.last().map(|p| p.id)
    } else {
        None
    };
    // Read: everything on the last page, or what this page showed.
    let read_to = if more { max_seen } else { thread.last_post_id };
    if read_to > last_read {
        mark_read(conn, thread.id, viewer.user_id, read_to)?;
    }
    Ok(ThreadPage {
        thread: thread.clone(),
        lesson_slug,
        lesson_title,
        prompt: if thread.kind == super::super::PROMPT {
            prompt
        } else {
            None
        },
        opening,
        posts,
        next_after,
        first_page: after.is_none(),
        following,
        can_post: policy::can_post_in(viewer.role, thread.locked),
        moderates: viewer.moderates(),
    })
}
