//! What the exercise pages show: the trainee's section of the lesson page, the page where a
//! peer reviews an entry (anonymously), the trainee's list of exercises and reviews to do, and
//! the trainer's page of one entry (with who wrote what). Read-only.

use super::access::{self, Place};
use super::checker::{self, Hint};
use super::model::{EntryRow, Rating, ReviewRow, ASSIGNED, DONE, PEER, SELF, TRAINER};
use super::progress::{self, Status};
use crate::courses::exercise_model::Exercise;
use crate::db::schema::{cohorts, lessons, users};
use crate::db::schema_exercises::{
    exercise_entries as ee, exercise_examples as ex, exercise_reviews as er,
    exercise_versions as ev,
};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A submitted version.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub number: i32,
    pub body: String,
    pub submitted_at: NaiveDateTime,
}

/// A criterion as rated in a review.
#[derive(Debug, Clone, Serialize)]
pub struct RatedCriterion {
    pub criterion: String,
    pub level: usize,
    pub label: String,
    /// How many levels the criterion has.
    pub of: usize,
}

/// A review as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub version: i32,
    pub ratings: Vec<RatedCriterion>,
    /// The levels by criterion index, for a form that edits the review.
    pub levels: Vec<Option<usize>>,
    pub comment: String,
    pub quote: String,
    pub done_at: Option<NaiveDateTime>,
    pub due_at: Option<NaiveDateTime>,
    /// Shown to trainers (and the trainee for the trainer's assessment); None for peers.
    pub reviewer_name: Option<String>,
    /// "1", "2", … among the peer reviews of the entry (peers stay anonymous).
    pub number: usize,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
}

fn rated(exercise: &Exercise, ratings: &[Rating]) -> (Vec<RatedCriterion>, Vec<Option<usize>>) {
    let mut levels = vec![None; exercise.rubric.len()];
    let shown = ratings
        .iter()
        .map(|r| {
            let current = exercise
                .rubric
                .iter()
                .position(|c| c.criterion == r.criterion);
            let criterion = current.and_then(|i| exercise.rubric.get(i));
            if let Some(i) = current {
                if let Some(slot) = levels.get_mut(i) {
                    *slot = Some(r.level);
                }
            }
            RatedCriterion {
                criterion: r.criterion.clone(),
                level: r.level,
                label: criterion
                    .and_then(|c| c.levels.get(r.level))
                    .cloned()
                    .unwrap_or_else(|| (r.level + 1).to_string()),
                of: criterion.map_or(0, |c| c.levels.len()),
            }
        })
        .collect();
    (shown, levels)
}

fn reviews_of(
    conn: &mut AnyConnection,
    exercise: &Exercise,
    entry_id: i64,
    with_names: bool,
) -> AppResult<Vec<Review>> {
    let rows: Vec<(ReviewRow, Option<String>)> = er::table
        .left_join(users::table.on(users::id.nullable().eq(er::reviewer_id)))
        .filter(er::entry_id.eq(entry_id))
        .order((er::done_at.is_null(), er::done_at, er::id))
        .select((ReviewRow::as_select(), users::name.nullable()))
        .load(conn)?;
    let mut peer_number = 0;
    Ok(rows
        .into_iter()
        .map(|(r, name)| {
            let (ratings, levels) = rated(exercise, &r.ratings());
            let number = if r.kind == PEER && r.status == DONE {
                peer_number += 1;
                peer_number
            } else {
                0
            };
            let show_name = with_names || r.kind == TRAINER;
            Review {
                id: r.id,
                kind: r.kind,
                status: r.status,
                version: r.version,
                ratings,
                levels,
                comment: r.comment,
                quote: r.quote,
                done_at: r.done_at,
                due_at: r.due_at,
                reviewer_name: if show_name { name } else { None },
                number,
                hidden: r.hidden_at.is_some(),
                hidden_reason: r.hidden_reason,
            }
        })
        .collect())
}

pub fn versions(conn: &mut AnyConnection, entry_id: i64) -> AppResult<Vec<Version>> {
    let rows: Vec<(i32, String, NaiveDateTime)> = ev::table
        .filter(ev::entry_id.eq(entry_id))
        .order(ev::number)
        .select((ev::number, ev::body, ev::submitted_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(number, body, submitted_at)| Version {
            number,
            body,
            submitted_at,
        })
        .collect())
}

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
        let rules = super::model::rules_of(conn, place.cohort.course_id)?;
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

/// An entry as its peer reviewer sees it: the latest version, nobody's name.
#[derive(Debug, Clone, Serialize)]
pub struct ForReviewer {
    pub review: Review,
    pub text: String,
    pub version: i32,
}

pub fn for_reviewer(
    conn: &mut AnyConnection,
    place: &Place,
    review: &ReviewRow,
    entry: &EntryRow,
) -> AppResult<ForReviewer> {
    let all = versions(conn, entry.id)?;
    let shown = if review.status == DONE {
        all.iter().find(|v| v.number == review.version)
    } else {
        all.last()
    };
    let (text, version) = shown.map_or((String::new(), 0), |v| (v.body.clone(), v.number));
    let mine = reviews_of(conn, &place.exercise, entry.id, false)?
        .into_iter()
        .find(|r| r.id == review.id)
        .ok_or(crate::AppError::NotFound)?;
    Ok(ForReviewer {
        review: mine,
        text,
        version,
    })
}

/// One entry as its trainer sees it: who wrote it, both versions, every review with names.
#[derive(Debug, Clone, Serialize)]
pub struct ForTrainer {
    pub entry: EntryRow,
    pub writer_name: String,
    pub versions: Vec<Version>,
    pub reviews: Vec<Review>,
    /// The trainer's assessment of the latest version, if given.
    pub assessment: Option<Review>,
    pub status: Status,
    pub example: Option<(i64, bool)>,
}

pub fn for_trainer(
    conn: &mut AnyConnection,
    place: &Place,
    entry: &EntryRow,
) -> AppResult<ForTrainer> {
    let writer_name: String = users::table
        .find(entry.user_id)
        .select(users::name)
        .first(conn)?;
    let versions = versions(conn, entry.id)?;
    let reviews = reviews_of(conn, &place.exercise, entry.id, true)?;
    let assessment = reviews
        .iter()
        .find(|r| r.kind == TRAINER && r.version == entry.versions)
        .cloned();
    let status = progress::status(
        conn,
        &place.exercise,
        place.cohort.id,
        place.lesson_id,
        Some(entry),
        entry.user_id,
    )?;
    let example: Option<(i64, Option<NaiveDateTime>)> = ex::table
        .filter(ex::entry_id.eq(entry.id))
        .select((ex::id, ex::withdrawn_at))
        .first(conn)
        .optional()?;
    Ok(ForTrainer {
        entry: entry.clone(),
        writer_name,
        versions,
        reviews,
        assessment,
        status,
        example: example.map(|(id, w)| (id, w.is_none())),
    })
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
