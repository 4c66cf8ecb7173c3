//! The write side of discussions: starting threads, replying, editing with revisions,
//! following (moderation is in `moderation`). Each change runs
//! in one transaction with what it causes (counters, the answered mark, follows, read markers,
//! e-mails queued to followers), and checks the caller's rights itself — the web layer's
//! checks are not the only ones.

use super::follows::{auto_follow, set_following_unchecked};
use super::{notify, policy, post_access, thread_access, Thread, Viewer};
use super::{DISCUSSION, PROMPT, QUESTION};
use crate::accounts::Principal;
use crate::cohorts::{self, Cohort, CohortRole};
use crate::courses::markdown::{plain_text, render_user};
use crate::db::schema::lessons;
use crate::db::schema_discussions::{
    discussion_posts as dp, discussion_revisions as rev, discussion_threads as dt,
};
use crate::db::{insert_unless_duplicate, portable_sql, write_tx, AnyConnection};
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Timestamp};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
pub const REASON_MAX: usize = 500;

/// Control characters other than line breaks and tabs.
fn has_bad_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Characters that reorder text (bidi overrides): a title could pretend to say something else.
fn has_bidi_control(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

pub fn check_title(title: &str, errors: &mut Vec<&'static str>) {
    let t = title.trim();
    if t.is_empty()
        || t.chars().count() > TITLE_MAX
        || has_bad_control(t)
        || t.contains('\n')
        || has_bidi_control(t)
    {
        errors.push("disc.title_invalid");
    }
    crate::privacy_guard::check(t, errors);
}

pub fn check_body(body: &str, errors: &mut Vec<&'static str>) {
    if body.trim().is_empty() {
        errors.push("disc.body_empty");
    } else if body.chars().count() > BODY_MAX {
        errors.push("disc.body_too_long");
    } else if has_bad_control(body) {
        errors.push("disc.body_invalid");
    }
    // Nothing that identifies a client: the privacy guard exercises use too.
    crate::privacy_guard::check(body, errors);
}

/// Every problem with a new thread, as message keys.
pub fn validate_thread(kind: &str, title: &str, body: &str) -> Vec<&'static str> {
    let mut errors = Vec::new();
    if kind != QUESTION && kind != DISCUSSION {
        errors.push("disc.kind_invalid");
    }
    check_title(title, &mut errors);
    check_body(body, &mut errors);
    errors
}

/// A reason for hiding or reporting: up to [`REASON_MAX`] characters, required when hiding.
pub fn check_reason(reason: &str, required: bool) -> Result<String, AppError> {
    let r = reason.trim();
    if (required && r.is_empty()) || r.chars().count() > REASON_MAX || has_bad_control(r) {
        return Err(AppError::invalid("disc.reason_invalid"));
    }
    Ok(r.to_string())
}

/// What search looks in: the title (of an opening post) and the text, lower-cased.
pub(crate) fn search_text(title: Option<&str>, body: &str) -> String {
    let mut s = String::new();
    if let Some(t) = title {
        s.push_str(t);
        s.push('\n');
    }
    s.push_str(&plain_text(body));
    s.to_lowercase()
}

fn first_error(errors: Vec<&'static str>) -> AppResult<()> {
    match errors.first() {
        Some(e) => Err(AppError::invalid(*e)),
        None => Ok(()),
    }
}

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

/// What a new post sets off, in the poster's transaction: the poster follows and has read it,
/// the followers are told, then the thread's counters and the answered mark. Returns the
/// thread's new post count.
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
    auto_follow(tx, thread.id, viewer.user_id, now)?;
    mark_read(tx, thread.id, viewer.user_id, post_id)?;
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

/// Opens the prompt thread of every lesson of the cohort's course that has a discussion
/// prompt, once: a partial unique index makes a second opening (another server, another
/// request) a no-op. The lesson's prompt text is shown from the lesson itself, so a
/// republished prompt shows its new wording. The thread is not pinned: it heads its lesson's
/// discussion and joins the cohort's list once someone writes in it (`view::threads`).
pub fn ensure_prompt_threads(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let with_prompt: Vec<(i64, String)> = lessons::table
        .filter(lessons::course_id.eq(cohort.course_id))
        .filter(lessons::active.eq(true))
        .filter(lessons::discussion.is_not_null())
        .select((lessons::id, lessons::title))
        .load(conn)?;
    let opened: Vec<i64> = dt::table
        .filter(dt::cohort_id.eq(cohort.id))
        .filter(dt::kind.eq(PROMPT))
        .select(dt::lesson_id)
        .load(conn)?;
    let mut created = 0;
    for (lesson_id, title) in with_prompt {
        if opened.contains(&lesson_id) {
            continue;
        }
        let inserted = insert_unless_duplicate(conn, |c| {
            diesel::insert_into(dt::table)
                .values((
                    dt::cohort_id.eq(cohort.id),
                    dt::lesson_id.eq(lesson_id),
                    dt::kind.eq(PROMPT),
                    dt::title.eq(&title),
                    dt::author_id.eq(None::<i64>),
                    dt::pinned.eq(false),
                    dt::last_post_at.eq(now),
                    dt::created_at.eq(now),
                ))
                .execute(c)
        })?;
        created += usize::from(inserted.is_some());
    }
    Ok(created)
}

/// Saves an edited post; the text it replaces is kept as a revision. The opening post may
/// change the thread's title too.
pub fn edit(
    conn: &mut AnyConnection,
    who: &Principal,
    post_id: i64,
    title: Option<&str>,
    body: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    write_tx(conn, |tx| {
        let (post, thread, _, viewer) = post_access(tx, who, post_id)?;
        let is_author = post.author_id == Some(who.user_id);
        if !policy::can_edit(viewer.role, is_author, post.created_at, now, thread.locked) {
            return Err(AppError::Forbidden);
        }
        let is_opening = thread.opening_post_id == Some(post.id);
        let mut errors = Vec::new();
        if let (true, Some(t)) = (is_opening, title) {
            check_title(t, &mut errors);
        }
        check_body(body, &mut errors);
        first_error(errors)?;
        let new_title = if is_opening {
            Some(title.map(str::trim).unwrap_or(&thread.title))
        } else {
            None
        };
        diesel::insert_into(rev::table)
            .values((
                rev::post_id.eq(post.id),
                rev::title.eq(is_opening.then_some(thread.title.as_str())),
                rev::body_markdown.eq(&post.body_markdown),
                rev::edited_by.eq(Some(who.user_id)),
                rev::created_at.eq(now),
            ))
            .execute(tx)?;
        diesel::update(dp::table.find(post.id))
            .set((
                dp::body_markdown.eq(body),
                dp::body_html.eq(render_user(body)),
                dp::search_text.eq(search_text(new_title, body)),
                dp::edited_at.eq(Some(now)),
                dp::edited_by.eq(Some(who.user_id)),
            ))
            .execute(tx)?;
        if let Some(t) = new_title {
            diesel::update(dt::table.find(thread.id))
                .set(dt::title.eq(t))
                .execute(tx)?;
        }
        Ok(thread.id)
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
