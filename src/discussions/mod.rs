//! Discussions (keskustelut): every lesson has, per cohort, a discussion area visible to the
//! cohort's trainees, its trainers and those over it (coordinators of its region, admins) —
//! nobody else, whatever ids they guess ([`cohort_access`], [`thread_access`]).
//!
//! A thread is a question, a discussion, or the lesson's own prompt (`lessons.discussion`),
//! which the system opens once per cohort the first time the cohort's discussions are looked
//! at ([`posting::prompts::ensure_prompt_threads`]; a partial unique index keeps it to one). The prompt
//! heads its lesson's discussion; the lists show it only once someone has written in it, so
//! a cohort's list opens with real threads, not a row of empty prompts.
//! Posts are Markdown stored with their sanitised HTML (`courses::markdown::render_user`), and
//! answers may have replies one level deep. The pieces:
//! - [`policy`]: who may do what (pure functions over the caller's role in the cohort);
//! - [`posting`]: starting threads, replying, editing (with revisions), following;
//! - [`moderation`]: pinning, locking, hiding and restoring, the best answer, reports;
//! - [`view`]: thread lists (keyset pages), the thread page, read markers;
//! - [`search`]: search within a cohort;
//! - `follows`: the subscription rows (following, auto-follow) posting and notify share;
//! - [`notify`]: e-mail to followers at once, the e-mail settings, unsubscribing;
//! - [`digest`]: the daily digest and the job that sends it;
//! - [`answers`]: the answer bank (vastauspankki) in the open knowledge bank;
//! - [`redaction`]: removing client data from a post for good, and authors' requests for it;
//! - [`stats`]: the trainers' unanswered queue and reports, the coordinators' figures;
//! - [`demo`]: the demo cohort's discussions.

pub mod answers;
pub mod demo;
pub mod digest;
pub mod email_mode;
mod follows;
pub mod moderation;
pub mod notify;
pub mod policy;
pub mod posting;
pub mod redaction;
pub mod search;
pub mod stats;
pub mod unsubscribe;
pub mod view;

use crate::accounts::Principal;
use crate::cohorts::{self, Cohort, CohortRole};
use crate::db::schema_discussions::{discussion_posts, discussion_threads};
use crate::db::AnyConnection;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// The kinds of thread.
pub const QUESTION: &str = "question";
pub const DISCUSSION: &str = "discussion";
pub const PROMPT: &str = "prompt";

/// Who is looking at a cohort's discussions, and as what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Viewer {
    pub user_id: i64,
    pub role: CohortRole,
}

impl Viewer {
    pub fn moderates(&self) -> bool {
        policy::can_moderate(self.role)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = discussion_threads)]
pub struct Thread {
    pub id: i64,
    pub cohort_id: i64,
    pub lesson_id: i64,
    pub kind: String,
    pub title: String,
    pub author_id: Option<i64>,
    pub opening_post_id: Option<i64>,
    pub pinned: bool,
    pub locked: bool,
    pub hidden: bool,
    pub answered_at: Option<NaiveDateTime>,
    pub best_post_id: Option<i64>,
    pub post_count: i32,
    pub last_post_id: i64,
    pub last_post_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl Thread {
    pub fn is_question(&self) -> bool {
        self.kind == QUESTION
    }
}

/// A post as stored (without its search text).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = discussion_posts)]
pub struct Post {
    pub id: i64,
    pub thread_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: Option<i64>,
    pub by_trainer: bool,
    pub body_markdown: String,
    pub body_html: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub edited_by: Option<i64>,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_by: Option<i64>,
    pub hidden_reason: Option<String>,
}

/// The cohort and the caller's role in it; anyone without a role gets `NotFound`, so a
/// guessed id reveals nothing.
pub fn cohort_access(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort_id: i64,
) -> AppResult<(Cohort, Viewer)> {
    let cohort = cohorts::find(conn, cohort_id)?;
    let role = cohorts::role_in(conn, who, &cohort)?.ok_or(AppError::NotFound)?;
    Ok((
        cohort,
        Viewer {
            user_id: who.user_id,
            role,
        },
    ))
}

/// A thread the caller may see: a member of its cohort, and — when its opening post is
/// hidden — its author or a moderator.
pub fn thread_access(
    conn: &mut AnyConnection,
    who: &Principal,
    thread_id: i64,
) -> AppResult<(Thread, Cohort, Viewer)> {
    let thread: Thread = discussion_threads::table
        .find(thread_id)
        .select(Thread::as_select())
        .first(conn)?;
    let (cohort, viewer) = cohort_access(conn, who, thread.cohort_id)?;
    if thread.hidden && !viewer.moderates() && thread.author_id != Some(who.user_id) {
        return Err(AppError::NotFound);
    }
    Ok((thread, cohort, viewer))
}

/// A post the caller may see, with its thread: hidden posts only to their author and the
/// moderators.
pub fn post_access(
    conn: &mut AnyConnection,
    who: &Principal,
    post_id: i64,
) -> AppResult<(Post, Thread, Cohort, Viewer)> {
    let post: Post = discussion_posts::table
        .find(post_id)
        .select(Post::as_select())
        .first(conn)?;
    let (thread, cohort, viewer) = thread_access(conn, who, post.thread_id)?;
    if post.hidden_at.is_some()
        && !policy::can_see_hidden(viewer.role, post.author_id == Some(who.user_id))
    {
        return Err(AppError::NotFound);
    }
    Ok((post, thread, cohort, viewer))
}

/// The signed-in view of a user who is not making the request (a follower being notified):
/// None when the account is gone or inactive.
pub fn principal_of(conn: &mut AnyConnection, user_id: i64) -> AppResult<Option<Principal>> {
    use crate::db::schema::users;
    let version: Option<i32> = users::table
        .find(user_id)
        .select(users::session_version)
        .first(conn)
        .optional()?;
    match version {
        Some(v) => crate::accounts::principal_for(conn, user_id, v),
        None => Ok(None),
    }
}

/// A stored (UTC) timestamp as the pages show it, in Helsinki time: `23.11.2026 11.05`.
pub fn time_label(t: NaiveDateTime) -> String {
    crate::i18n::format::helsinki(t)
        .format("%-d.%-m.%Y %-H.%M")
        .to_string()
}

/// The user's posts, for the personal-data download (`privacy::download`).
pub fn export_for_user(conn: &mut AnyConnection, user_id: i64) -> AppResult<serde_json::Value> {
    let rows: Vec<(i64, String, String, NaiveDateTime, Option<NaiveDateTime>)> =
        discussion_posts::table
            .inner_join(discussion_threads::table)
            .filter(discussion_posts::author_id.eq(user_id))
            .order(discussion_posts::id)
            .select((
                discussion_posts::id,
                discussion_threads::title,
                discussion_posts::body_markdown,
                discussion_posts::created_at,
                discussion_posts::edited_at,
            ))
            .load(conn)?;
    Ok(serde_json::Value::Array(
        rows.into_iter()
            .map(|(id, thread, body, created, edited)| {
                serde_json::json!({
                    "id": id, "thread": thread, "body": body,
                    "created_at": created, "edited_at": edited,
                })
            })
            .collect(),
    ))
}

/// The discussions' part of erasing a person (`privacy::erasure`), in the caller's
/// transaction: what they follow, have read, chose for e-mail and were to get in a digest.
/// Their posts stay, their author emptied by the foreign key when the user row goes.
pub fn forget_reader(c: &mut AnyConnection, user_id: i64) -> AppResult<()> {
    for sql in [
        "DELETE FROM discussion_subscriptions WHERE user_id = ?",
        "DELETE FROM discussion_reads WHERE user_id = ?",
        "DELETE FROM discussion_settings WHERE user_id = ?",
        "DELETE FROM discussion_digest_items WHERE user_id = ?",
    ] {
        diesel::sql_query(crate::db::portable_sql(c, sql))
            .bind::<diesel::sql_types::BigInt, _>(user_id)
            .execute(c)?;
    }
    Ok(())
}
