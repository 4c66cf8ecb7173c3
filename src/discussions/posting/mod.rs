//! The write side of discussions: starting threads, replying, editing with revisions,
//! following (moderation is in `moderation`; editing in `editing`, the lessons' prompt threads
//! in `prompts`, the checks of what people write in `checks`). Each change runs
//! in one transaction with what it causes (counters, the answered mark, follows, read markers,
//! e-mails queued to followers), and checks the caller's rights itself — the web layer's
//! checks are not the only ones.

use super::follows::{auto_follow, set_following_unchecked};
use super::QUESTION;
use super::{notify, policy, post_access, thread_access, Thread, Viewer};
use crate::accounts::Principal;
use crate::cohorts::{self, Cohort, CohortRole};
use crate::courses::markdown::render_user;
use crate::db::schema::lessons;
use crate::db::schema_discussions::{discussion_posts as dp, discussion_threads as dt};
use crate::db::{portable_sql, write_tx, AnyConnection};
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Timestamp};

mod checks;
pub mod editing;
pub mod prompts;

use checks::first_error;
pub(crate) use checks::search_text;
pub use checks::{check_body, check_reason, check_title, validate_thread};
pub use checks::{BODY_MAX, REASON_MAX, TITLE_MAX};

#[expect(clippy::too_many_arguments, reason = "one row's columns, private")]
fn insert_post(
    conn: &mut AnyConnection,
    thread_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    by_trainer: bool,
    title: Option<&str>,
    body: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(dp::table)
        .values((
            dp::thread_id.eq(thread_id),
            dp::parent_id.eq(parent_id),
            dp::author_id.eq(Some(author_id)),
            dp::by_trainer.eq(by_trainer),
            dp::body_markdown.eq(body),
            dp::body_html.eq(render_user(body)),
            dp::search_text.eq(search_text(title, body)),
            dp::created_at.eq(now),
        ))
        .returning(dp::id)
        .get_result(conn)
}

/// Moves the user's read marker forward to `post_id` (never back).
pub(crate) fn mark_read(
    conn: &mut AnyConnection,
    thread_id: i64,
    user_id: i64,
    post_id: i64,
) -> QueryResult<()> {
    let sql = portable_sql(
        conn,
        "INSERT INTO discussion_reads (thread_id, user_id, last_read_post_id) VALUES (?, ?, ?) \
         ON CONFLICT (thread_id, user_id) DO UPDATE SET last_read_post_id = excluded.last_read_post_id \
         WHERE discussion_reads.last_read_post_id < excluded.last_read_post_id",
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(thread_id)
        .bind::<BigInt, _>(user_id)
        .bind::<BigInt, _>(post_id)
        .execute(conn)?;
    Ok(())
}

/// What a new post sets off, in the poster's transaction: the followers are told, the poster
/// follows and has read it, then the thread's counters and the answered mark. Returns the
/// thread's new post count. The rows others may be writing too (the poster's own follow and
/// read marker, the thread's counters) come last, so each stays locked only until the commit
/// and not while the e-mails are written.
#[expect(clippy::too_many_arguments, reason = "what a post sets off, private")]
fn after_post(
    tx: &mut AnyConnection,
    msg: Option<&Messaging<'_>>,
    thread: &Thread,
    cohort: &Cohort,
    viewer: &Viewer,
    author_name: &str,
    post_id: i64,
    body: &str,
    now: NaiveDateTime,
) -> AppResult<i32> {
    if let Some(msg) = msg {
        notify::on_new_post(
            tx,
            msg,
            thread,
            cohort,
            notify::NewPost {
                id: post_id,
                author_id: viewer.user_id,
                author_name,
                body,
            },
            now,
        )?;
    }
    auto_follow(tx, thread.id, viewer.user_id, now)?;
    mark_read(tx, thread.id, viewer.user_id, post_id)?;
    let answers = viewer.role == CohortRole::Trainer
        && thread.is_question()
        && thread.opening_post_id.is_some_and(|o| o != post_id);
    Ok(count_post(tx, thread.id, post_id, answers, now)?)
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    post_count: i32,
}

/// Counts a new post on its thread's row: one statement, the last of the posting transaction.
/// On PostgreSQL the row stays locked from this update to the commit, so everyone posting into
/// the same busy thread waits for that short moment only, not for the e-mails queued before
/// it. Two posts committing out of id order never move `last_post_id` back. `answers` sets the
/// answered mark of a question (a trainer's answer) when it is not set yet.
fn count_post(
    tx: &mut AnyConnection,
    thread_id: i64,
    post_id: i64,
    answers: bool,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    let sql = portable_sql(
        tx,
        "UPDATE discussion_threads SET post_count = post_count + 1, \
         last_post_at = CASE WHEN last_post_id < ? THEN ? ELSE last_post_at END, \
         last_post_id = CASE WHEN last_post_id < ? THEN ? ELSE last_post_id END, \
         answered_at = CASE WHEN ? AND answered_at IS NULL THEN ? ELSE answered_at END \
         WHERE id = ? RETURNING post_count",
    );
    let row: Counted = diesel::sql_query(sql)
        .bind::<BigInt, _>(post_id)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(post_id)
        .bind::<BigInt, _>(post_id)
        .bind::<Bool, _>(answers)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(thread_id)
        .get_result(tx)?;
    Ok(row.post_count)
}

/// A thread as its author starts it.
#[derive(Debug, Clone, Copy)]
pub struct NewThread<'a> {
    pub lesson_id: i64,
    /// [`QUESTION`] or [`DISCUSSION`].
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
}

/// Starts a question or a discussion under a lesson of the cohort. Returns the thread id.
/// With `msg` None nobody is e-mailed (the demo world, bulk loads).
pub fn start_thread(
    conn: &mut AnyConnection,
    msg: Option<&Messaging<'_>>,
    who: &Principal,
    cohort_id: i64,
    new: NewThread<'_>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let NewThread {
        lesson_id,
        kind,
        title,
        body,
    } = new;
    write_tx(conn, |tx| {
        let (cohort, viewer) = super::cohort_access(tx, who, cohort_id)?;
        if !policy::can_post(viewer.role) {
            return Err(AppError::Forbidden);
        }
        first_error(validate_thread(kind, title, body))?;
        let lesson_ok: i64 = lessons::table
            .filter(lessons::id.eq(lesson_id))
            .filter(lessons::course_id.eq(cohort.course_id))
            .filter(lessons::active.eq(true))
            .count()
            .get_result(tx)?;
        if lesson_ok == 0 {
            return Err(AppError::NotFound);
        }
        let title = title.trim();
        let thread_id: i64 = diesel::insert_into(dt::table)
            .values((
                dt::cohort_id.eq(cohort.id),
                dt::lesson_id.eq(lesson_id),
                dt::kind.eq(kind),
                dt::title.eq(title),
                dt::author_id.eq(Some(who.user_id)),
                dt::last_post_at.eq(now),
                dt::created_at.eq(now),
            ))
            .returning(dt::id)
            .get_result(tx)?;
        let by_trainer = viewer.role == CohortRole::Trainer;
        let post_id = insert_post(
            tx,
            thread_id,
            None,
            who.user_id,
            by_trainer,
            Some(title),
            body,
            now,
        )?;
        diesel::update(dt::table.find(thread_id))
            .set(dt::opening_post_id.eq(Some(post_id)))
            .execute(tx)?;
        if kind == QUESTION {
            // The cohort's trainers hear of new questions (they may unfollow).
            for (trainer, _, _) in cohorts::trainers(tx, cohort.id)? {
                auto_follow(tx, thread_id, trainer, now)?;
            }
        }
        let thread: Thread = dt::table
            .find(thread_id)
            .select(Thread::as_select())
            .first(tx)?;
        after_post(
            tx, msg, &thread, &cohort, &viewer, &who.name, post_id, body, now,
        )?;
        Ok(thread_id)
    })
}

/// Replies in a thread: to the thread itself (`parent` None or the opening post), or to an
/// answer. Replies to a reply go under the same answer: threads are one level deep. With
/// `msg` None nobody is e-mailed. Returns the new post's id.
pub fn reply(
    conn: &mut AnyConnection,
    msg: Option<&Messaging<'_>>,
    who: &Principal,
    thread_id: i64,
    parent: Option<i64>,
    body: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    reply_placed(conn, msg, who, thread_id, parent, body, now).map(|p| p.post_id)
}

/// Where a new reply landed: what the page it is shown on depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub post_id: i64,
    /// The answer it is under (itself when it is an answer).
    pub answer_id: i64,
    /// The thread's post count with it.
    pub post_count: i32,
}

/// [`reply`], telling where the reply landed.
pub fn reply_placed(
    conn: &mut AnyConnection,
    msg: Option<&Messaging<'_>>,
    who: &Principal,
    thread_id: i64,
    parent: Option<i64>,
    body: &str,
    now: NaiveDateTime,
) -> AppResult<Placed> {
    write_tx(conn, |tx| {
        let (thread, cohort, viewer) = thread_access(tx, who, thread_id)?;
        if !policy::can_post(viewer.role) {
            return Err(AppError::Forbidden);
        }
        if !policy::can_post_in(viewer.role, thread.locked) {
            return Err(AppError::invalid("disc.locked"));
        }
        let mut errors = Vec::new();
        check_body(body, &mut errors);
        first_error(errors)?;
        let parent = match parent {
            None => None,
            Some(pid) => {
                let (post, ..) = post_access(tx, who, pid)?;
                if post.thread_id != thread.id {
                    return Err(AppError::NotFound);
                }
                if thread.opening_post_id == Some(post.id) {
                    None
                } else {
                    Some(post.parent_id.unwrap_or(post.id))
                }
            }
        };
        let by_trainer = viewer.role == CohortRole::Trainer;
        let post_id = insert_post(
            tx,
            thread.id,
            parent,
            who.user_id,
            by_trainer,
            None,
            body,
            now,
        )?;
        let post_count = after_post(
            tx, msg, &thread, &cohort, &viewer, &who.name, post_id, body, now,
        )?;
        Ok(Placed {
            post_id,
            answer_id: parent.unwrap_or(post_id),
            post_count,
        })
    })
}

/// Follows or unfollows a thread (any member who may see it).
pub fn set_following(
    conn: &mut AnyConnection,
    who: &Principal,
    thread_id: i64,
    follow: bool,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |tx| {
        let (thread, ..) = thread_access(tx, who, thread_id)?;
        set_following_unchecked(tx, thread.id, who.user_id, follow, now)?;
        Ok(())
    })
}
