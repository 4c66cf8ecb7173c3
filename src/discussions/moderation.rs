//! Moderation: pinning and locking threads, hiding posts with a reason (and restoring them),
//! marking the best answer of a question, reporting posts to the trainers and handling the
//! reports. Each action checks the caller's rights itself (`policy`), in one transaction.

use super::posting::check_reason;
use super::{policy, post_access, thread_access, Post, Thread};
use crate::accounts::Principal;
use crate::db::schema_discussions::{
    discussion_posts as dp, discussion_reports as dr, discussion_threads as dt,
};
use crate::db::{insert_unless_duplicate, write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A moderator's action on a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAction {
    Pin,
    Unpin,
    Lock,
    Unlock,
}

impl ThreadAction {
    pub fn parse(s: &str) -> Option<ThreadAction> {
        match s {
            "pin" => Some(ThreadAction::Pin),
            "unpin" => Some(ThreadAction::Unpin),
            "lock" => Some(ThreadAction::Lock),
            "unlock" => Some(ThreadAction::Unlock),
            _ => None,
        }
    }
}

pub fn moderate_thread(
    conn: &mut AnyConnection,
    who: &Principal,
    thread_id: i64,
    action: ThreadAction,
) -> AppResult<()> {
    write_tx(conn, |tx| {
        let (thread, _, viewer) = thread_access(tx, who, thread_id)?;
        if !viewer.moderates() {
            return Err(AppError::Forbidden);
        }
        let target = dt::table.find(thread.id);
        match action {
            ThreadAction::Pin => diesel::update(target).set(dt::pinned.eq(true)).execute(tx),
            ThreadAction::Unpin => diesel::update(target).set(dt::pinned.eq(false)).execute(tx),
            ThreadAction::Lock => diesel::update(target).set(dt::locked.eq(true)).execute(tx),
            ThreadAction::Unlock => diesel::update(target).set(dt::locked.eq(false)).execute(tx),
        }?;
        Ok(())
    })
}

/// Hides a post with a reason its author sees; open reports about it are settled. Hiding the
/// opening post hides the thread from everyone but its author and the moderators.
pub fn hide(
    conn: &mut AnyConnection,
    who: &Principal,
    post_id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let reason = check_reason(reason, true)?;
    write_tx(conn, |tx| {
        let (post, thread, _, viewer) = post_access(tx, who, post_id)?;
        if !viewer.moderates() {
            return Err(AppError::Forbidden);
        }
        diesel::update(dp::table.find(post.id))
            .set((
                dp::hidden_at.eq(Some(now)),
                dp::hidden_by.eq(Some(who.user_id)),
                dp::hidden_reason.eq(Some(&reason)),
            ))
            .execute(tx)?;
        if thread.opening_post_id == Some(post.id) {
            diesel::update(dt::table.find(thread.id))
                .set(dt::hidden.eq(true))
                .execute(tx)?;
        }
        diesel::update(
            dr::table
                .filter(dr::post_id.eq(post.id))
                .filter(dr::resolved_at.is_null()),
        )
        .set((
            dr::resolved_at.eq(Some(now)),
            dr::resolved_by.eq(Some(who.user_id)),
        ))
        .execute(tx)?;
        Ok(thread.id)
    })
}

/// Shows a hidden post again.
pub fn restore(conn: &mut AnyConnection, who: &Principal, post_id: i64) -> AppResult<i64> {
    write_tx(conn, |tx| {
        let (post, thread, _, viewer) = post_access(tx, who, post_id)?;
        if !viewer.moderates() {
            return Err(AppError::Forbidden);
        }
        diesel::update(dp::table.find(post.id))
            .set((
                dp::hidden_at.eq(None::<NaiveDateTime>),
                dp::hidden_by.eq(None::<i64>),
                dp::hidden_reason.eq(None::<String>),
            ))
            .execute(tx)?;
        if thread.opening_post_id == Some(post.id) {
            diesel::update(dt::table.find(thread.id))
                .set(dt::hidden.eq(false))
                .execute(tx)?;
        }
        Ok(thread.id)
    })
}

/// Marks an answer of a question the best one (again: unmarks it).
pub fn mark_best(conn: &mut AnyConnection, who: &Principal, post_id: i64) -> AppResult<i64> {
    write_tx(conn, |tx| {
        let (post, thread, _, viewer) = post_access(tx, who, post_id)?;
        let is_asker = thread.author_id == Some(who.user_id);
        if !policy::can_mark_best(viewer.role, is_asker) {
            return Err(AppError::Forbidden);
        }
        if !is_answer(&thread, &post) || !thread.is_question() || post.hidden_at.is_some() {
            return Err(AppError::invalid("disc.best_invalid"));
        }
        let best = if thread.best_post_id == Some(post.id) {
            None
        } else {
            Some(post.id)
        };
        diesel::update(dt::table.find(thread.id))
            .set(dt::best_post_id.eq(best))
            .execute(tx)?;
        Ok(thread.id)
    })
}

/// An answer: a post at the top level of a thread, other than the opening post.
pub fn is_answer(thread: &Thread, post: &Post) -> bool {
    post.parent_id.is_none() && thread.opening_post_id != Some(post.id)
}

/// Reports a post to the trainers (once per person and post).
pub fn report(
    conn: &mut AnyConnection,
    who: &Principal,
    post_id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let reason = check_reason(reason, false)?;
    write_tx(conn, |tx| {
        let (post, thread, _, viewer) = post_access(tx, who, post_id)?;
        if !policy::can_report(viewer.role, post.author_id == Some(who.user_id)) {
            return Err(AppError::Forbidden);
        }
        insert_unless_duplicate(tx, |c| {
            diesel::insert_into(dr::table)
                .values((
                    dr::post_id.eq(post.id),
                    dr::reporter_id.eq(Some(who.user_id)),
                    dr::reason.eq(&reason),
                    dr::created_at.eq(now),
                ))
                .execute(c)
        })?;
        Ok(thread.id)
    })
}

/// Marks a report handled (the post stays as it is).
pub fn resolve_report(
    conn: &mut AnyConnection,
    who: &Principal,
    report_id: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |tx| {
        let post_id: i64 = dr::table.find(report_id).select(dr::post_id).first(tx)?;
        let (_, _, _, viewer) = post_access(tx, who, post_id)?;
        if !viewer.moderates() {
            return Err(AppError::NotFound);
        }
        diesel::update(dr::table.find(report_id).filter(dr::resolved_at.is_null()))
            .set((
                dr::resolved_at.eq(Some(now)),
                dr::resolved_by.eq(Some(who.user_id)),
            ))
            .execute(tx)?;
        Ok(())
    })
}
