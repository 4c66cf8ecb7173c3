//! The read side of discussions: thread lists and the thread page, both paged by keyset
//! (`WHERE id > ? ORDER BY id LIMIT n`, never OFFSET, so the thousandth page costs what the
//! first does), unread markers, the user's discussion areas, and a post's revisions.
//!
//! Search within a cohort is in `search`.

use super::posting::mark_read;
use super::{policy, time_label, Thread, Viewer};
use crate::accounts::Principal;
use crate::cohorts::{self, CohortRole};
use crate::db::schema::{cohort_trainers, enrolments, lessons, users};
use crate::db::schema_discussions::{
    discussion_posts as dp, discussion_reads as rd, discussion_revisions as rev,
    discussion_subscriptions as dsub, discussion_threads as dt,
};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

pub const THREADS_PER_PAGE: i64 = 30;
pub const POSTS_PER_PAGE: i64 = 50;

/// Where a thread list continues: after the thread with this (last post id, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cursor {
    pub last_post_id: i64,
    pub id: i64,
}

impl Cursor {
    /// `123.45` as in the page's "more" link.
    pub fn parse(s: &str) -> Option<Cursor> {
        let (a, b) = s.split_once('.')?;
        Some(Cursor {
            last_post_id: a.parse().ok()?,
            id: b.parse().ok()?,
        })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}", self.last_post_id, self.id)
    }
}

/// One thread in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadItem {
    pub thread: Thread,
    pub lesson_slug: String,
    pub lesson_title: String,
    pub author_name: Option<String>,
    pub unread: bool,
    pub last_post_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreadList {
    /// Pinned threads, on the first page only.
    pub pinned: Vec<ThreadItem>,
    pub threads: Vec<ThreadItem>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

type ThreadRow = (Thread, String, String, Option<String>, Option<i64>);

fn to_item(row: ThreadRow) -> ThreadItem {
    let (thread, lesson_slug, lesson_title, author_name, last_read) = row;
    ThreadItem {
        unread: thread.last_post_id > last_read.unwrap_or(0),
        last_post_label: time_label(thread.last_post_at),
        thread,
        lesson_slug,
        lesson_title,
        author_name,
    }
}

/// The cohort's threads (of one lesson, or all), newest activity first: pinned threads on the
/// first page, the rest by keyset. Hidden threads only for their author and the moderators.
/// A lesson's prompt thread is listed only once someone has written in it, and never in its
/// own lesson's list, where [`prompt_thread`] shows it above the threads.
pub fn threads(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    cohort_id: i64,
    lesson_id: Option<i64>,
    after: Option<Cursor>,
) -> AppResult<ThreadList> {
    let load = |conn: &mut AnyConnection, pinned: bool, after: Option<Cursor>, limit: i64| {
        let mut q = dt::table
            .inner_join(lessons::table)
            .left_join(users::table.on(users::id.nullable().eq(dt::author_id)))
            .left_join(rd::table.on(rd::thread_id.eq(dt::id).and(rd::user_id.eq(viewer.user_id))))
            .filter(dt::cohort_id.eq(cohort_id))
            .filter(dt::pinned.eq(pinned))
            .into_boxed();
        if let Some(l) = lesson_id {
            q = q
                .filter(dt::lesson_id.eq(l))
                .filter(dt::kind.ne(super::PROMPT));
        } else {
            // An empty prompt is the lesson's invitation, not yet a discussion.
            q = q.filter(dt::kind.ne(super::PROMPT).or(dt::last_post_id.gt(0)));
        }
        if !viewer.moderates() {
            q = q.filter(
                dt::hidden
                    .eq(false)
                    .or(dt::author_id.eq(viewer.user_id).assume_not_null()),
            );
        }
        if let Some(c) = after {
            q = q.filter(
                dt::last_post_id
                    .lt(c.last_post_id)
                    .or(dt::last_post_id.eq(c.last_post_id).and(dt::id.lt(c.id))),
            );
        }
        q.order((dt::last_post_id.desc(), dt::id.desc()))
            .limit(limit)
            .select((
                Thread::as_select(),
                lessons::slug,
                lessons::title,
                users::name.nullable(),
                rd::last_read_post_id.nullable(),
            ))
            .load::<ThreadRow>(conn)
    };
    let pinned = if after.is_none() {
        load(conn, true, None, 100)?
            .into_iter()
            .map(to_item)
            .collect()
    } else {
        Vec::new()
    };
    let mut rows = load(conn, false, after, THREADS_PER_PAGE + 1)?;
    let more = rows.len() as i64 > THREADS_PER_PAGE;
    rows.truncate(THREADS_PER_PAGE as usize);
    let threads: Vec<ThreadItem> = rows.into_iter().map(to_item).collect();
    let next = if more {
        threads.last().map(|t| {
            Cursor {
                last_post_id: t.thread.last_post_id,
                id: t.thread.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok(ThreadList {
        pinned,
        threads,
        next,
    })
}

/// The prompt thread of a lesson in the cohort (None when the lesson has no prompt, or the
/// thread has not been opened yet), for the top of the lesson's discussion.
pub fn prompt_thread(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    cohort_id: i64,
    lesson_id: i64,
) -> AppResult<Option<ThreadItem>> {
    let row = dt::table
        .inner_join(lessons::table)
        .left_join(users::table.on(users::id.nullable().eq(dt::author_id)))
        .left_join(rd::table.on(rd::thread_id.eq(dt::id).and(rd::user_id.eq(viewer.user_id))))
        .filter(dt::cohort_id.eq(cohort_id))
        .filter(dt::lesson_id.eq(lesson_id))
        .filter(dt::kind.eq(super::PROMPT))
        .select((
            Thread::as_select(),
            lessons::slug,
            lessons::title,
            users::name.nullable(),
            rd::last_read_post_id.nullable(),
        ))
        .first::<ThreadRow>(conn)
        .optional()?;
    Ok(row.map(to_item))
}

/// How many of the cohort's threads have posts the viewer has not seen.
pub fn unread_count(conn: &mut AnyConnection, viewer: &Viewer, cohort_id: i64) -> AppResult<i64> {
    let mut q = dt::table
        .left_join(rd::table.on(rd::thread_id.eq(dt::id).and(rd::user_id.eq(viewer.user_id))))
        .filter(dt::cohort_id.eq(cohort_id))
        .filter(dt::last_post_id.gt(0))
        .filter(
            rd::last_read_post_id.is_null().or(dt::last_post_id
                .nullable()
                .gt(rd::last_read_post_id.nullable())
                .assume_not_null()),
        )
        .into_boxed();
    if !viewer.moderates() {
        q = q.filter(
            dt::hidden
                .eq(false)
                .or(dt::author_id.eq(viewer.user_id).assume_not_null()),
        );
    }
    Ok(q.count().get_result(conn)?)
}

/// A cohort whose discussions the user may read, for their discussions page.
#[derive(Debug, Clone, Serialize)]
pub struct Area {
    pub cohort_id: i64,
    pub cohort_name: String,
    pub course_title: String,
    pub role: CohortRole,
    pub unread: i64,
}

/// The cohorts whose discussions the user takes part in or oversees (at most 100, newest
/// first), each with the number of threads with unread posts.
pub fn areas(conn: &mut AnyConnection, who: &Principal) -> AppResult<Vec<Area>> {
    let mut ids: Vec<i64> = enrolments::table
        .filter(enrolments::user_id.eq(who.user_id))
        .filter(enrolments::status.ne("withdrawn"))
        .select(enrolments::cohort_id)
        .load(conn)?;
    ids.extend(
        cohort_trainers::table
            .filter(cohort_trainers::user_id.eq(who.user_id))
            .select(cohort_trainers::cohort_id)
            .load::<i64>(conn)?,
    );
    if who.manages_anything() {
        ids.extend(cohorts::managed_by(conn, who)?.iter().map(|(c, _)| c.id));
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    ids.truncate(100);
    let mut out = Vec::new();
    for id in ids {
        let cohort = cohorts::find(conn, id)?;
        let Some(role) = cohorts::role_in(conn, who, &cohort)? else {
            continue;
        };
        let viewer = Viewer {
            user_id: who.user_id,
            role,
        };
        out.push(Area {
            cohort_id: cohort.id,
            course_title: cohorts::course_of(conn, &cohort)?.2,
            cohort_name: cohort.name,
            role,
            unread: unread_count(conn, &viewer, id)?,
        });
    }
    Ok(out)
}

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
    pub redacted: Option<super::redaction::RedactionInfo>,
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
    redactions: HashMap<i64, super::redaction::RedactionInfo>,
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
    let (lesson_slug, lesson_title, prompt): (String, String, Option<String>) = lessons::table
        .find(thread.lesson_id)
        .select((lessons::slug, lessons::title, lessons::discussion))
        .first(conn)?;
    let last_read: i64 = rd::table
        .find((thread.id, viewer.user_id))
        .select(rd::last_read_post_id)
        .first(conn)
        .optional()?
        .unwrap_or(0);
    let following: bool = dsub::table
        .find((thread.id, viewer.user_id))
        .select(dsub::following)
        .first(conn)
        .optional()?
        .unwrap_or(false);
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
        redactions: super::redaction::redactions_of(conn, &shown)?,
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
        prompt: if thread.kind == super::PROMPT {
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

/// One earlier version of a post.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub title: Option<String>,
    pub body_markdown: String,
    pub replaced_by: Option<String>,
    pub replaced_label: String,
}

/// The earlier versions of a post, newest first (moderators see these).
pub fn revisions(conn: &mut AnyConnection, post_id: i64) -> AppResult<Vec<Revision>> {
    let rows: Vec<(Option<String>, String, Option<String>, NaiveDateTime)> = rev::table
        .left_join(users::table.on(users::id.nullable().eq(rev::edited_by)))
        .filter(rev::post_id.eq(post_id))
        .order(rev::id.desc())
        .select((
            rev::title,
            rev::body_markdown,
            users::name.nullable(),
            rev::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(title, body_markdown, replaced_by, at)| Revision {
            title,
            body_markdown,
            replaced_by,
            replaced_label: time_label(at),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let c = Cursor {
            last_post_id: 120,
            id: 7,
        };
        assert_eq!(Cursor::parse(&c.encode()), Some(c));
        assert_eq!(Cursor::parse("x.1"), None);
        assert_eq!(Cursor::parse("12"), None);
    }
}
