//! Authors' requests for redaction: asking (once while a request is open), and the open
//! requests as the trainers' desk and a cohort's figures page list them.

use super::redaction_of;
use crate::accounts::Principal;
use crate::db::schema::{cohort_trainers, cohorts, users};
use crate::db::schema_discussions::{discussion_posts as dp, discussion_threads as dt};
use crate::db::schema_redaction::discussion_redaction_requests as rq;
use crate::db::{insert_unless_duplicate, write_tx, AnyConnection};
use crate::discussions::posting::check_reason;
use crate::discussions::{policy, post_access};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

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
    open_requests(conn, Cohorts::TrainedBy(trainer_id))
}

/// Open requests in one cohort (its discussion figures page, for coordinators and admins).
pub fn open_requests_in_cohort(
    conn: &mut AnyConnection,
    cohort_id: i64,
) -> AppResult<Vec<RequestItem>> {
    open_requests(conn, Cohorts::One(cohort_id))
}

/// Whose cohorts' requests a list shows.
enum Cohorts {
    TrainedBy(i64),
    One(i64),
}

/// The open requests of some cohorts, oldest first (at most 200).
fn open_requests(conn: &mut AnyConnection, of: Cohorts) -> AppResult<Vec<RequestItem>> {
    let q = rq::table
        .inner_join(dp::table.inner_join(dt::table.inner_join(cohorts::table)))
        .left_join(users::table.on(users::id.nullable().eq(rq::requested_by)))
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
        .into_boxed();
    let q = match of {
        Cohorts::TrainedBy(trainer) => q.filter(
            dt::cohort_id.eq_any(
                cohort_trainers::table
                    .filter(cohort_trainers::user_id.eq(trainer))
                    .select(cohort_trainers::cohort_id),
            ),
        ),
        Cohorts::One(cohort) => q.filter(dt::cohort_id.eq(cohort)),
    };
    let rows: Vec<RequestRow> = q.load(conn)?;
    Ok(rows.into_iter().map(to_item).collect())
}
