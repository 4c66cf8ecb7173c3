//! The trainee's side: their section of the lesson page (the entry, the reviews received, the
//! reviews they owe, the checker's hints) and their list of exercises.

use super::{reviews_of, versions, Review, Version};
use crate::db::schema::{cohorts, lessons};
use crate::db::schema_exercises::{
    exercise_entries as ee, exercise_examples as ex, exercise_reviews as er,
};
use crate::db::AnyConnection;
use crate::exercises::access::{self, Place};
use crate::exercises::checker::{self, Hint};
use crate::exercises::model::{self, EntryRow, ASSIGNED, DONE, PEER, SELF, TRAINER};
use crate::exercises::progress::{self, Status};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A peer review the trainee owes.
#[derive(Debug, Clone, Serialize)]
pub struct Owed {
    pub review_id: i64,
    pub status: String,
    pub due_at: Option<NaiveDateTime>,
    pub lesson_title: String,
    pub lesson_slug: String,
    pub cohort_id: i64,
    pub cohort_name: String,
}

/// The trainee's side of an exercise on the lesson page.
#[derive(Debug, Clone, Serialize)]
pub struct TraineeView {
    pub status: Status,
    pub entry: Option<EntryRow>,
    pub versions: Vec<Version>,
    /// The text in the writing form: the draft (or a rescued text).
    pub text: String,
    /// The form writes the revision (one version submitted).
    pub revising: bool,
    pub can_revise: bool,
    pub self_review: Option<Review>,
    /// Done, visible reviews by peers and by the trainer, in arrival order.
    pub peer_reviews: Vec<Review>,
    pub trainer_reviews: Vec<Review>,
    /// Reasons of peer reviews a trainer hid.
    pub hidden_reasons: Vec<String>,
    /// Peer reviews of this entry still being written.
    pub peers_pending: usize,
    /// The reviews this trainee owes for this exercise.
    pub owed: Vec<Owed>,
    /// The published example made of this entry, if any.
    pub example_id: Option<i64>,
    pub hints: Option<Vec<Hint>>,
}

/// What the trainee sees of the exercise; `text` overrides the stored draft (a text sent
/// back after an error, or a rescued one), `hints` runs the checker on the form's text.
pub fn for_trainee(
    conn: &mut AnyConnection,
    place: &Place,
    user_id: i64,
    text: Option<String>,
    hints: bool,
) -> AppResult<TraineeView> {
    let ex = &place.exercise;
    let entry = access::entry_of(conn, place.cohort.id, place.lesson_id, user_id)?;
    let status = progress::status(
        conn,
        ex,
        place.cohort.id,
        place.lesson_id,
        entry.as_ref(),
        user_id,
    )?;
    let (versions, reviews) = match &entry {
        Some(e) => (versions(conn, e.id)?, reviews_of(conn, ex, e.id, false)?),
        None => (Vec::new(), Vec::new()),
    };
    let latest = versions.last().map_or(0, |v| v.number);
    let received = Received::sort(&reviews, latest);
    let owed = owed_by(conn, user_id, Some((place.cohort.id, place.lesson_id)))?;
    let example_id = match &entry {
        Some(e) => published_example(conn, e.id)?,
        None => None,
    };
    let text = text.unwrap_or_else(|| draft_text(entry.as_ref(), &versions));
    let hints = if hints && !text.trim().is_empty() {
        let rules = model::rules_of(conn, place.cohort.course_id)?;
        Some(checker::check(&rules, &ex.client_view, &text))
    } else {
        None
    };
    Ok(TraineeView {
        status,
        revising: latest == 1,
        can_revise: latest == 1,
        entry,
        versions,
        text,
        self_review: received.self_review,
        peer_reviews: received.peer_reviews,
        trainer_reviews: received.trainer_reviews,
        hidden_reasons: received.hidden_reasons,
        peers_pending: received.peers_pending,
        owed,
        example_id,
        hints,
    })
}

/// The reviews of an entry as its writer sees them.
struct Received {
    /// The writer's own, of the latest version.
    self_review: Option<Review>,
    /// Done and visible, in arrival order.
    peer_reviews: Vec<Review>,
    trainer_reviews: Vec<Review>,
    hidden_reasons: Vec<String>,
    peers_pending: usize,
}

impl Received {
    fn sort(reviews: &[Review], latest: i32) -> Received {
        let done = |k: &str| {
            reviews
                .iter()
                .filter(|r| r.kind == k && r.status == DONE)
                .cloned()
                .collect::<Vec<_>>()
        };
        let self_review = done(SELF).into_iter().find(|r| r.version == latest);
        let peers = done(PEER);
        let hidden_reasons = peers
            .iter()
            .filter(|r| r.hidden)
            .map(|r| r.hidden_reason.clone().unwrap_or_default())
            .collect();
        let peer_reviews = peers.into_iter().filter(|r| !r.hidden).collect();
        let peers_pending = reviews
            .iter()
            .filter(|r| r.kind == PEER && r.status == ASSIGNED)
            .count();
        Received {
            self_review,
            peer_reviews,
            trainer_reviews: done(TRAINER),
            hidden_reasons,
            peers_pending,
        }
    }
}

/// The example published from the entry, unless withdrawn.
fn published_example(conn: &mut AnyConnection, entry_id: i64) -> AppResult<Option<i64>> {
    Ok(ex::table
        .filter(ex::entry_id.eq(entry_id))
        .filter(ex::withdrawn_at.is_null())
        .select(ex::id)
        .first(conn)
        .optional()?)
}

/// The text of the writing form: the draft; for a revision not yet started, the submitted text
/// to edit.
fn draft_text(entry: Option<&EntryRow>, versions: &[Version]) -> String {
    match entry {
        Some(e) if !e.draft.is_empty() => e.draft.clone(),
        Some(e) if e.versions == 1 => versions.last().map(|v| v.body.clone()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// review id, status, due, lesson title and slug, cohort id and name.
type OwedRow = (
    i64,
    String,
    Option<NaiveDateTime>,
    String,
    String,
    i64,
    String,
);

/// The peer reviews a trainee owes (open ones first), everywhere or in one exercise.
pub fn owed_by(
    conn: &mut AnyConnection,
    user_id: i64,
    only: Option<(i64, i64)>,
) -> AppResult<Vec<Owed>> {
    let mut q = er::table
        .inner_join(
            ee::table
                .inner_join(lessons::table)
                .inner_join(cohorts::table),
        )
        .filter(er::kind.eq(PEER))
        .filter(er::reviewer_id.eq(user_id))
        .into_boxed();
    if let Some((cohort_id, lesson_id)) = only {
        q = q
            .filter(ee::cohort_id.eq(cohort_id))
            .filter(ee::lesson_id.eq(lesson_id));
    }
    let rows: Vec<OwedRow> = q
        .order((er::status, er::due_at, er::id))
        .select((
            er::id,
            er::status,
            er::due_at,
            lessons::title,
            lessons::slug,
            cohorts::id,
            cohorts::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(review_id, status, due_at, lesson_title, lesson_slug, cohort_id, cohort_name)| Owed {
                review_id,
                status,
                due_at,
                lesson_title,
                lesson_slug,
                cohort_id,
                cohort_name,
            },
        )
        .collect())
}

/// A trainee's entry in their list of exercises.
#[derive(Debug, Clone, Serialize)]
pub struct MyEntry {
    pub cohort_id: i64,
    pub cohort_name: String,
    pub lesson_slug: String,
    pub lesson_title: String,
    pub versions: i32,
    pub latest_at: Option<NaiveDateTime>,
    pub reviews_received: usize,
    pub assessed: bool,
}

/// entry id, cohort id and name, lesson slug and title, versions, latest.
type MyEntryRow = (i64, i64, String, String, String, i32, Option<NaiveDateTime>);

pub fn my_entries(conn: &mut AnyConnection, user_id: i64) -> AppResult<Vec<MyEntry>> {
    let rows: Vec<MyEntryRow> = ee::table
        .inner_join(lessons::table)
        .inner_join(cohorts::table)
        .filter(ee::user_id.eq(user_id))
        .order(ee::updated_at.desc())
        .select((
            ee::id,
            cohorts::id,
            cohorts::name,
            lessons::slug,
            lessons::title,
            ee::versions,
            ee::latest_at,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let done: Vec<(i64, String)> = er::table
        .filter(er::entry_id.eq_any(&ids))
        .filter(er::status.eq(DONE))
        .filter(er::hidden_at.is_null())
        .filter(er::kind.ne(SELF))
        .select((er::entry_id, er::kind))
        .load(conn)?;
    let mut received: HashMap<i64, usize> = HashMap::new();
    let mut assessed: HashMap<i64, bool> = HashMap::new();
    for (entry, kind) in done {
        *received.entry(entry).or_default() += usize::from(kind == PEER);
        if kind == TRAINER {
            assessed.insert(entry, true);
        }
    }
    Ok(rows
        .into_iter()
        .map(
            |(id, cohort_id, cohort_name, lesson_slug, lesson_title, versions, latest_at)| {
                MyEntry {
                    cohort_id,
                    cohort_name,
                    lesson_slug,
                    lesson_title,
                    versions,
                    latest_at,
                    reviews_received: received.get(&id).copied().unwrap_or(0),
                    assessed: assessed.get(&id).copied().unwrap_or(false),
                }
            },
        )
        .collect())
}
