//! The read side of discussions: thread lists and the thread page, both paged by keyset
//! (`WHERE id > ? ORDER BY id LIMIT n`, never OFFSET, so the thousandth page costs what the
//! first does), unread markers, the user's discussion areas, and a post's revisions.
//!
//! Search within a cohort is in `search`; the thread page is in `thread`.

use super::{time_label, Thread, Viewer};
use crate::accounts::Principal;
use crate::cohorts::{self, CohortRole};
use crate::db::schema::{cohort_trainers, enrolments, lessons, users};
use crate::db::schema_discussions::{
    discussion_reads as rd, discussion_revisions as rev, discussion_threads as dt,
};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

pub mod thread;

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
