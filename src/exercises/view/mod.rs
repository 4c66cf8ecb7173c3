//! What the exercise pages show: the trainee's section of the lesson page and their list of
//! exercises and reviews to do (`trainee`), one entry as its peer reviewer (anonymously) and its
//! trainer (with who wrote what) see it (`entry`); here the versions and reviews they all show.
//! Read-only.

pub mod entry;
pub mod trainee;

use super::model::{Rating, ReviewRow, DONE, PEER, TRAINER};
use crate::courses::exercise_model::Exercise;
use crate::db::schema::users;
use crate::db::schema_exercises::{exercise_reviews as er, exercise_versions as ev};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

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

pub(super) fn reviews_of(
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
