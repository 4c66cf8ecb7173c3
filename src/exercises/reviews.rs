//! Reviews on the rubric: the writer's self-assessment, a peer's review (every criterion rated
//! and a comment of at least a sentence), the trainer's assessment (which may quote a sentence
//! of the entry), and hiding an unhelpful peer review with a reason. Each checks the caller's
//! rights and runs in one transaction with what it causes (the e-mail to the writer, the
//! lesson done, the completion).

use super::access::{self, Place};
use super::model::{
    check_comment, check_text, normalise, ratings_from, EntryRow, Rating, ReviewRow, ASSIGNED,
    COMMENT_MAX, DONE, EXPIRED, PEER, QUOTE_MAX, REASON_MAX, SELF, TRAINER,
};
use super::{notify, policy, progress};
use crate::accounts::Principal;
use crate::courses::exercise_model::Exercise;
use crate::db::schema_exercises::{exercise_reviews as er, exercise_versions as ev};
use crate::db::{write_tx, AnyConnection};
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// What a reviewer sends: a level per criterion (by index) and a comment.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub levels: Vec<Option<usize>>,
    pub comment: String,
    /// The trainer's quoted sentence (empty: none).
    pub quote: String,
}

/// Every problem with a review, as message keys; `comment_required` for peers and trainers.
pub fn validate(
    exercise: &Exercise,
    given: &Given,
    comment_required: bool,
) -> (Vec<Rating>, Vec<&'static str>) {
    let mut errors = Vec::new();
    let ratings = ratings_from(exercise, &given.levels, &mut errors);
    let comment = normalise(&given.comment);
    if comment_required {
        check_comment(&comment, &mut errors);
    } else if !comment.is_empty() {
        check_text(&comment, COMMENT_MAX, "ex.comment_empty", &mut errors);
    }
    (ratings, errors)
}

fn first_error(errors: &[&'static str]) -> AppResult<()> {
    match errors.first() {
        Some(e) => Err(AppError::invalid(*e)),
        None => Ok(()),
    }
}

fn json(ratings: &[Rating]) -> AppResult<String> {
    Ok(serde_json::to_string(ratings).map_err(anyhow::Error::from)?)
}

/// The text of a version of an entry.
pub fn version_text(conn: &mut AnyConnection, entry_id: i64, number: i32) -> AppResult<String> {
    Ok(ev::table
        .filter(ev::entry_id.eq(entry_id))
        .filter(ev::number.eq(number))
        .select(ev::body)
        .first(conn)?)
}

/// The writer assesses their latest version on the rubric (saving again replaces it).
pub fn self_assess(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    who: &Principal,
    cohort_id: i64,
    slug: &str,
    given: &Given,
    now: NaiveDateTime,
) -> AppResult<progress::Refreshed> {
    write_tx(conn, |tx| {
        let place = access::place(tx, who, cohort_id, slug)?;
        if !policy::can_write(place.role) {
            return Err(AppError::Forbidden);
        }
        let (ratings, errors) = validate(&place.exercise, given, false);
        first_error(&errors)?;
        let entry = access::entry_of(tx, cohort_id, place.lesson_id, who.user_id)?
            .filter(|e| e.versions > 0)
            .ok_or_else(|| AppError::invalid("ex.submit_first"))?;
        upsert_single(tx, &entry, SELF, who.user_id, &ratings, given, now)?;
        progress::refresh(
            tx,
            msg,
            &place.exercise,
            cohort_id,
            place.lesson_id,
            who.user_id,
            now,
        )
    })
}

/// Inserts or replaces the self-assessment or the trainer's assessment of the entry's latest
/// version. True when it is new.
fn upsert_single(
    tx: &mut AnyConnection,
    entry: &EntryRow,
    kind: &str,
    reviewer: i64,
    ratings: &[Rating],
    given: &Given,
    now: NaiveDateTime,
) -> AppResult<(i64, bool)> {
    let existing: Option<i64> = er::table
        .filter(er::entry_id.eq(entry.id))
        .filter(er::kind.eq(kind))
        .filter(er::version.eq(entry.versions))
        .select(er::id)
        .first(tx)
        .optional()?;
    let values = (
        er::reviewer_id.eq(Some(reviewer)),
        er::status.eq(DONE),
        er::ratings_json.eq(json(ratings)?),
        er::comment.eq(normalise(&given.comment)),
        er::quote.eq(normalise(&given.quote)),
    );
    match existing {
        Some(id) => {
            diesel::update(er::table.find(id))
                .set((values, er::done_at.eq(Some(now))))
                .execute(tx)?;
            Ok((id, false))
        }
        None => {
            let id = diesel::insert_into(er::table)
                .values((
                    er::entry_id.eq(entry.id),
                    er::kind.eq(kind),
                    er::version.eq(entry.versions),
                    er::assigned_at.eq(now),
                    er::done_at.eq(Some(now)),
                    values,
                ))
                .returning(er::id)
                .get_result(tx)?;
            Ok((id, true))
        }
    }
}

/// A peer assignment and its entry, for its reviewer (anyone else: `NotFound`).
pub fn assignment(
    conn: &mut AnyConnection,
    who: &Principal,
    review_id: i64,
) -> AppResult<(ReviewRow, EntryRow, Place)> {
    let review: ReviewRow = er::table
        .find(review_id)
        .select(ReviewRow::as_select())
        .first(conn)?;
    if review.kind != PEER || review.reviewer_id != Some(who.user_id) {
        return Err(AppError::NotFound);
    }
    let (place, entry) = access::entry(conn, who, review.entry_id)?;
    if !policy::can_write(place.role) {
        return Err(AppError::NotFound);
    }
    Ok((review, entry, place))
}

/// A peer sends their review of the entry given to them.
pub fn peer_review(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    who: &Principal,
    review_id: i64,
    given: &Given,
    now: NaiveDateTime,
) -> AppResult<progress::Refreshed> {
    write_tx(conn, |tx| {
        let (review, entry, place) = assignment(tx, who, review_id)?;
        match review.status.as_str() {
            DONE => return Err(AppError::invalid("ex.review_done")),
            EXPIRED => return Err(AppError::invalid("ex.review_expired")),
            _ => {}
        }
        let (ratings, errors) = validate(&place.exercise, given, true);
        first_error(&errors)?;
        diesel::update(er::table.find(review.id).filter(er::status.eq(ASSIGNED)))
            .set((
                er::status.eq(DONE),
                er::version.eq(entry.versions.max(1)),
                er::ratings_json.eq(json(&ratings)?),
                er::comment.eq(normalise(&given.comment)),
                er::done_at.eq(Some(now)),
            ))
            .execute(tx)?;
        let scope = place.scope();
        let about = scope.about(format!("{}#palaute", scope.url()));
        notify::review_arrived(tx, msg, entry.user_id, review.id, &about, now)?;
        progress::refresh(
            tx,
            msg,
            &place.exercise,
            place.cohort.id,
            place.lesson_id,
            who.user_id,
            now,
        )
    })
}

/// Whether `quote` is a sentence (or part of one) of `text`, spaces aside.
pub fn quotes_from(text: &str, quote: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let q = squash(quote);
    !q.is_empty() && squash(text).contains(&q)
}

/// Every problem with a trainer's assessment, as message keys (the quote must come from the
/// assessed version).
pub fn validate_assessment(
    exercise: &Exercise,
    given: &Given,
    assessed_text: &str,
) -> (Vec<Rating>, Vec<&'static str>) {
    let (ratings, mut errors) = validate(exercise, given, true);
    let quote = normalise(&given.quote);
    if !quote.is_empty() {
        if quote.chars().count() > QUOTE_MAX {
            errors.push("ex.quote_too_long");
        } else if !quotes_from(assessed_text, &quote) {
            errors.push("ex.quote_not_in_entry");
        }
    }
    (ratings, errors)
}

/// The trainer assesses the entry's latest version (saving again replaces the assessment;
/// the writer is told once per version). Returns the review's id.
pub fn trainer_assess(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    who: &Principal,
    entry_id: i64,
    given: &Given,
    now: NaiveDateTime,
) -> AppResult<i64> {
    write_tx(conn, |tx| {
        let (place, entry) = access::entry(tx, who, entry_id)?;
        if !policy::can_assess(place.role) || !place.exercise.review.trainer() {
            return Err(AppError::Forbidden);
        }
        if entry.versions == 0 {
            return Err(AppError::invalid("ex.not_submitted"));
        }
        let text = version_text(tx, entry.id, entry.versions)?;
        let (ratings, errors) = validate_assessment(&place.exercise, given, &text);
        first_error(&errors)?;
        let (id, new) = upsert_single(tx, &entry, TRAINER, who.user_id, &ratings, given, now)?;
        if new {
            let scope = place.scope();
            let about = scope.about(format!("{}#palaute", scope.url()));
            notify::assessment_arrived(tx, msg, entry.user_id, id, &about, now)?;
        }
        progress::refresh(
            tx,
            msg,
            &place.exercise,
            place.cohort.id,
            place.lesson_id,
            entry.user_id,
            now,
        )?;
        Ok(id)
    })
}

/// A reason for hiding: required, at most [`REASON_MAX`] characters, no identifiers.
pub fn check_reason(reason: &str) -> Vec<&'static str> {
    let mut errors = Vec::new();
    check_text(reason, REASON_MAX, "ex.reason_empty", &mut errors);
    errors
}

/// Hides (with a reason) or shows again a peer review. Returns the entry's id.
pub fn set_hidden(
    conn: &mut AnyConnection,
    who: &Principal,
    review_id: i64,
    hide: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    write_tx(conn, |tx| {
        let review: ReviewRow = er::table
            .find(review_id)
            .select(ReviewRow::as_select())
            .first(tx)?;
        let (place, entry) = access::entry(tx, who, review.entry_id)?;
        if !policy::can_moderate(place.role) {
            return Err(AppError::NotFound);
        }
        if review.kind != PEER || review.status != DONE {
            return Err(AppError::invalid("ex.only_peer_reviews_hide"));
        }
        match hide {
            Some(reason) => {
                let reason = normalise(reason);
                if let Some(e) = check_reason(&reason).first() {
                    return Err(AppError::invalid(*e));
                }
                diesel::update(er::table.find(review.id))
                    .set((
                        er::hidden_at.eq(Some(now)),
                        er::hidden_by.eq(Some(who.user_id)),
                        er::hidden_reason.eq(Some(reason)),
                    ))
                    .execute(tx)?;
            }
            None => {
                diesel::update(er::table.find(review.id))
                    .set((
                        er::hidden_at.eq(None::<NaiveDateTime>),
                        er::hidden_by.eq(None::<i64>),
                        er::hidden_reason.eq(None::<String>),
                    ))
                    .execute(tx)?;
            }
        }
        Ok(entry.id)
    })
}

#[cfg(test)]
mod tests {
    use super::quotes_from;

    #[test]
    fn a_quote_must_come_from_the_entry() {
        let text = "Asiakas kertoo\nnukkuvansa huonosti. Sovimme uuden käynnin.";
        assert!(quotes_from(text, "Asiakas kertoo nukkuvansa huonosti."));
        assert!(quotes_from(text, "  Sovimme   uuden käynnin. "));
        assert!(!quotes_from(text, "Asiakas on hankala."));
        assert!(!quotes_from(text, "   "));
    }
}
