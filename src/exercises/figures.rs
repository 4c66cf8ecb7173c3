//! A cohort's exercises in figures, for its trainers and overseers: per exercise the entries
//! written and submitted, the peer reviews done, waiting and missing, the trainer's
//! assessments, the entries with their writers, and the rubric's distribution per criterion
//! (peers' and trainers' ratings) — where the cohort's documentation is weakest — drawn by
//! `rubric_chart` with the same figures in a table beside it.

use super::model::{exercise_of, Rating, ReviewRow, ASSIGNED, DONE, EXPIRED, PEER, TRAINER};
use crate::courses::exercise_model::Exercise;
use crate::db::schema::{course_modules, enrolments, lessons, users};
use crate::db::schema_exercises::{
    exercise_entries as ee, exercise_reviews as er, lesson_exercises as le,
};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// One level of a criterion: how many ratings chose it.
#[derive(Debug, Clone, Serialize)]
pub struct LevelCount {
    pub label: String,
    pub count: usize,
    /// Share of the criterion's ratings, in per cent.
    pub percent: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionFigures {
    pub number: usize,
    pub criterion: String,
    pub total: usize,
    pub levels: Vec<LevelCount>,
    /// The mean level as a share of the scale (0 = all lowest, 100 = all highest).
    pub score: Option<f64>,
}

/// One entry in the trainer's list.
#[derive(Debug, Clone, Serialize)]
pub struct EntryLine {
    pub entry_id: i64,
    pub writer_name: String,
    pub versions: i32,
    pub latest_at: Option<NaiveDateTime>,
    pub peer_done: usize,
    pub peer_open: usize,
    pub assessed: bool,
    pub consent: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExerciseFigures {
    pub lesson_id: i64,
    pub lesson_slug: String,
    pub lesson_title: String,
    pub review: String,
    pub peer_reviews: u32,
    pub trainees: i64,
    pub drafts: usize,
    pub submitted: usize,
    pub revised: usize,
    pub peer_done: usize,
    pub peer_open: usize,
    pub peer_expired: usize,
    /// Peer reviews the submitted entries still lack (none assigned yet).
    pub peer_missing: usize,
    pub trainer_done: usize,
    pub trainer_waiting: usize,
    pub criteria: Vec<CriterionFigures>,
    /// The weakest criterion (lowest score), when anything was rated.
    pub weakest: Option<String>,
    pub entries: Vec<EntryLine>,
}

type EntryRowLite = (
    i64,
    i64,
    String,
    i32,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// Every exercise of the cohort's course, in course order.
pub fn for_cohort(
    conn: &mut AnyConnection,
    cohort_id: i64,
    course_id: i64,
) -> AppResult<Vec<ExerciseFigures>> {
    let lessons: Vec<(i64, String, String)> = lessons::table
        .inner_join(course_modules::table)
        .inner_join(le::table)
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::active.eq(true))
        .order((course_modules::position, lessons::position))
        .select((lessons::id, lessons::slug, lessons::title))
        .load(conn)?;
    let trainees: i64 = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::status.eq_any(["active", "completed"]))
        .count()
        .get_result(conn)?;
    let mut out = Vec::new();
    for (lesson_id, slug, title) in lessons {
        let Some(exercise) = exercise_of(conn, lesson_id)? else {
            continue;
        };
        out.push(one(
            conn, cohort_id, lesson_id, slug, title, &exercise, trainees,
        )?);
    }
    Ok(out)
}

fn one(
    conn: &mut AnyConnection,
    cohort_id: i64,
    lesson_id: i64,
    lesson_slug: String,
    lesson_title: String,
    exercise: &Exercise,
    trainees: i64,
) -> AppResult<ExerciseFigures> {
    let (entries, reviews) = entries_and_reviews(conn, cohort_id, lesson_id)?;
    let submitted: Vec<&EntryRowLite> = entries.iter().filter(|e| e.3 > 0).collect();
    let count = |kind: &str, status: &str| {
        reviews
            .iter()
            .filter(|r| r.kind == kind && r.status == status)
            .count()
    };
    let trainer_done = submitted
        .iter()
        .filter(|e| assessed_latest(&reviews, e))
        .count();
    let criteria = distribution(exercise, &reviews);
    let weakest = weakest(&criteria);
    Ok(ExerciseFigures {
        lesson_id,
        lesson_slug,
        lesson_title,
        review: exercise.review.as_str().to_string(),
        peer_reviews: exercise.peer_reviews,
        trainees,
        drafts: entries.len() - submitted.len(),
        submitted: submitted.len(),
        revised: submitted.iter().filter(|e| e.3 > 1).count(),
        peer_done: count(PEER, DONE),
        peer_open: count(PEER, ASSIGNED),
        peer_expired: count(PEER, EXPIRED),
        peer_missing: peer_missing(exercise, &submitted, &reviews),
        trainer_done,
        trainer_waiting: if exercise.review.trainer() {
            submitted.len() - trainer_done
        } else {
            0
        },
        criteria,
        weakest,
        entries: entry_lines(&entries, &reviews),
    })
}

/// The cohort's entries of one exercise (with their writers' names) and every review of them.
fn entries_and_reviews(
    conn: &mut AnyConnection,
    cohort_id: i64,
    lesson_id: i64,
) -> AppResult<(Vec<EntryRowLite>, Vec<ReviewRow>)> {
    let entries: Vec<EntryRowLite> = ee::table
        .inner_join(users::table)
        .filter(ee::cohort_id.eq(cohort_id))
        .filter(ee::lesson_id.eq(lesson_id))
        .order((ee::latest_at.is_null(), ee::latest_at, ee::id))
        .select((
            ee::id,
            ee::user_id,
            users::name,
            ee::versions,
            ee::latest_at,
            ee::consent_at,
        ))
        .load(conn)?;
    let ids: Vec<i64> = entries.iter().map(|e| e.0).collect();
    let reviews: Vec<ReviewRow> = er::table
        .filter(er::entry_id.eq_any(&ids))
        .select(ReviewRow::as_select())
        .load(conn)?;
    Ok((entries, reviews))
}

/// The criterion with the lowest score, when anything was rated.
fn weakest(criteria: &[CriterionFigures]) -> Option<String> {
    criteria
        .iter()
        .filter_map(|c| c.score.map(|s| (s, c.criterion.clone())))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Peer reviews the submitted entries still lack: each wants as many as the exercise asks,
/// or one fewer than there are writers, and an expired one counts as none.
fn peer_missing(exercise: &Exercise, submitted: &[&EntryRowLite], reviews: &[ReviewRow]) -> usize {
    if !exercise.review.peers() {
        return 0;
    }
    let want = (exercise.peer_reviews as usize).min(submitted.len().saturating_sub(1));
    submitted
        .iter()
        .map(|e| {
            let active = reviews
                .iter()
                .filter(|r| r.entry_id == e.0 && r.kind == PEER && r.status != EXPIRED)
                .count();
            want.saturating_sub(active)
        })
        .sum()
}

/// Whether the trainer has assessed the entry's latest version.
fn assessed_latest(reviews: &[ReviewRow], e: &EntryRowLite) -> bool {
    reviews
        .iter()
        .any(|r| r.entry_id == e.0 && r.kind == TRAINER && r.status == DONE && r.version == e.3)
}

/// The entries in the trainer's list, with their writers and reviews.
fn entry_lines(entries: &[EntryRowLite], reviews: &[ReviewRow]) -> Vec<EntryLine> {
    let peer = |e: &EntryRowLite, status: &str| {
        reviews
            .iter()
            .filter(|r| r.entry_id == e.0 && r.kind == PEER && r.status == status)
            .count()
    };
    entries
        .iter()
        .map(|e| EntryLine {
            entry_id: e.0,
            writer_name: e.2.clone(),
            versions: e.3,
            latest_at: e.4,
            peer_done: peer(e, DONE),
            peer_open: peer(e, ASSIGNED),
            assessed: assessed_latest(reviews, e),
            consent: e.5.is_some(),
        })
        .collect()
}

/// Ratings of done, visible peer reviews and trainers' assessments, per criterion of the
/// current rubric (ratings of a criterion since renamed are left out).
pub fn distribution(exercise: &Exercise, reviews: &[ReviewRow]) -> Vec<CriterionFigures> {
    let mut counts: HashMap<&str, Vec<usize>> = exercise
        .rubric
        .iter()
        .map(|c| (c.criterion.as_str(), vec![0; c.levels.len()]))
        .collect();
    for r in reviews.iter().filter(|r| {
        r.status == DONE && r.hidden_at.is_none() && (r.kind == PEER || r.kind == TRAINER)
    }) {
        for Rating { criterion, level } in r.ratings() {
            if let Some(slot) = counts
                .get_mut(criterion.as_str())
                .and_then(|c| c.get_mut(level))
            {
                *slot += 1;
            }
        }
    }
    exercise
        .rubric
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let n = counts
                .get(c.criterion.as_str())
                .cloned()
                .unwrap_or_default();
            let total: usize = n.iter().sum();
            let steps = c.levels.len().saturating_sub(1).max(1);
            let score = (total > 0).then(|| {
                let sum: usize = n.iter().enumerate().map(|(l, k)| l * k).sum();
                100.0 * sum as f64 / (total * steps) as f64
            });
            CriterionFigures {
                number: i + 1,
                criterion: c.criterion.clone(),
                total,
                levels: c
                    .levels
                    .iter()
                    .zip(&n)
                    .map(|(label, &count)| LevelCount {
                        label: label.clone(),
                        count,
                        percent: if total == 0 {
                            0.0
                        } else {
                            100.0 * count as f64 / total as f64
                        },
                    })
                    .collect(),
                score,
            }
        })
        .collect()
}
