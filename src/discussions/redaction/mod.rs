//! Redaction: client data written into a post by mistake is removed for good. A moderator (the
//! cohort's trainer, the region's coordinator, an admin) replaces the post's text and every
//! earlier revision, with a reason; the answer-bank copy drawn from it and its knowledge-bank
//! search entry go too, and the stored e-mails that quoted it lose the text (unsent ones
//! about the post are not sent). The author asks for it from the post
//! ([`requests::request`]); the request reaches the moderators' lists.
//!
//! [`rows::redact_rows`] touches only discussions' own rows and returns the texts it removed,
//! so a later `privacy` context can call it beside the other contexts' parts; [`redact`] is
//! the thin whole for the web layer: the checks, the rows, the outbox, the audit log, one
//! transaction. Here too: whether and why a post was redacted.

pub mod requests;
pub mod rows;

use super::posting::{check_reason, check_title};
use super::{policy, post_access};
use crate::accounts::{audit, Principal};
use crate::db::schema_redaction::discussion_redactions as red;
use crate::db::{write_tx, AnyConnection};
use crate::mail::scrub;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use rows::redact_rows;
use serde::Serialize;
use std::collections::HashMap;

/// What stored e-mails show where the removed text was.
pub const REPLACEMENT: &str = "[…]";

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
