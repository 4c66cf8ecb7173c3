//! The trainee's side of an entry: saving the draft, submitting (the first version, then one
//! revision), and the consent to publish it as an example. Each step checks the caller's
//! rights and the text itself (the web layer's checks are not the only ones) and runs in one
//! transaction with what it causes: the peers assigned, the lesson done, the completion.

use super::access::{self, Place};
use super::model::{check_text, normalise, EntryRow, BODY_MAX};
use super::{peers, policy, progress, rescue};
use crate::accounts::Principal;
use crate::db::schema_exercises::{exercise_entries as ee, exercise_versions as ev};
use crate::db::{write_tx, AnyConnection};
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Every problem with an entry's text, as message keys.
pub fn validate_body(text: &str) -> Vec<&'static str> {
    let mut errors = Vec::new();
    check_text(text, BODY_MAX, "ex.body_empty", &mut errors);
    errors
}

fn first_error(errors: Vec<&'static str>) -> AppResult<()> {
    match errors.first() {
        Some(e) => Err(AppError::invalid(*e)),
        None => Ok(()),
    }
}

/// The place, for a trainee of the cohort (others: `Forbidden`).
fn writer_place(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort_id: i64,
    slug: &str,
) -> AppResult<Place> {
    let place = access::place(conn, who, cohort_id, slug)?;
    if !policy::can_write(place.role) {
        return Err(AppError::Forbidden);
    }
    Ok(place)
}

/// The user's entry, made empty when they have none yet.
fn entry_for_writing(
    tx: &mut AnyConnection,
    place: &Place,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<EntryRow> {
    if let Some(e) = access::entry_of(tx, place.cohort.id, place.lesson_id, user_id)? {
        return Ok(e);
    }
    diesel::insert_into(ee::table)
        .values((
            ee::cohort_id.eq(place.cohort.id),
            ee::lesson_id.eq(place.lesson_id),
            ee::user_id.eq(user_id),
            ee::created_at.eq(now),
            ee::updated_at.eq(now),
        ))
        .execute(tx)?;
    access::entry_of(tx, place.cohort.id, place.lesson_id, user_id)?.ok_or(AppError::NotFound)
}

/// Saves the draft (before the first submission, or of the revision after it).
pub fn save_draft(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort_id: i64,
    slug: &str,
    text: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let text = normalise(text);
    first_error(validate_body(&text))?;
    write_tx(conn, |tx| {
        let place = writer_place(tx, who, cohort_id, slug)?;
        let entry = entry_for_writing(tx, &place, who.user_id, now)?;
        if entry.versions >= 2 {
            return Err(AppError::invalid("ex.no_more_versions"));
        }
        diesel::update(ee::table.find(entry.id))
            .set((
                ee::draft.eq(&text),
                ee::draft_saved_at.eq(Some(now)),
                ee::updated_at.eq(now),
            ))
            .execute(tx)?;
        rescue::clear(tx, who.user_id, cohort_id, place.lesson_id)?;
        Ok(())
    })
}

/// Submits the text: the first version, or the one revision. Returns the version's number
/// and what followed (the lesson done, the course completed).
pub fn submit(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    who: &Principal,
    cohort_id: i64,
    slug: &str,
    text: &str,
    now: NaiveDateTime,
) -> AppResult<(i32, progress::Refreshed)> {
    let text = normalise(text);
    first_error(validate_body(&text))?;
    write_tx(conn, |tx| {
        let place = writer_place(tx, who, cohort_id, slug)?;
        let entry = entry_for_writing(tx, &place, who.user_id, now)?;
        let number = entry.versions + 1;
        if number > 2 {
            return Err(AppError::invalid("ex.no_more_versions"));
        }
        if number == 2 {
            let first: String = ev::table
                .filter(ev::entry_id.eq(entry.id))
                .filter(ev::number.eq(1))
                .select(ev::body)
                .first(tx)?;
            if first == text {
                return Err(AppError::invalid("ex.revision_same"));
            }
        }
        diesel::insert_into(ev::table)
            .values((
                ev::entry_id.eq(entry.id),
                ev::number.eq(number),
                ev::body.eq(&text),
                ev::submitted_at.eq(now),
            ))
            .execute(tx)?;
        diesel::update(ee::table.find(entry.id))
            .set((
                ee::draft.eq(""),
                ee::draft_saved_at.eq(None::<NaiveDateTime>),
                ee::submitted_at.eq(entry.submitted_at.or(Some(now))),
                ee::versions.eq(number),
                ee::latest_at.eq(Some(now)),
                ee::updated_at.eq(now),
            ))
            .execute(tx)?;
        rescue::clear(tx, who.user_id, cohort_id, place.lesson_id)?;
        let scope = place.scope();
        if number == 1 {
            peers::after_submit(tx, msg, &scope, who.user_id, now)?;
        }
        let refreshed = progress::refresh(
            tx,
            msg,
            &place.exercise,
            cohort_id,
            place.lesson_id,
            who.user_id,
            now,
        )?;
        Ok((number, refreshed))
    })
}

/// The writer allows (or no longer allows) publishing the entry, names removed, as an
/// example in the knowledge bank. Withdrawing consent takes a published example offline.
pub fn set_consent(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort_id: i64,
    slug: &str,
    consent: bool,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |tx| {
        let place = writer_place(tx, who, cohort_id, slug)?;
        let entry = access::entry_of(tx, cohort_id, place.lesson_id, who.user_id)?
            .filter(|e| e.submitted_at.is_some())
            .ok_or_else(|| AppError::invalid("ex.submit_first"))?;
        diesel::update(ee::table.find(entry.id))
            .set((
                ee::consent_at.eq(if consent { Some(now) } else { None }),
                ee::updated_at.eq(now),
            ))
            .execute(tx)?;
        if !consent {
            super::examples::withdraw_unchecked(tx, entry.id, now)?;
        }
        Ok(())
    })
}

/// The trainee asks for one more entry to review. False when there is none to give.
pub fn request_review(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    who: &Principal,
    cohort_id: i64,
    slug: &str,
    now: NaiveDateTime,
) -> AppResult<bool> {
    write_tx(conn, |tx| {
        let place = writer_place(tx, who, cohort_id, slug)?;
        let entry = access::entry_of(tx, cohort_id, place.lesson_id, who.user_id)?;
        let st = progress::status(
            tx,
            &place.exercise,
            cohort_id,
            place.lesson_id,
            entry.as_ref(),
            who.user_id,
        )?;
        if !st.submitted {
            return Err(AppError::invalid("ex.submit_first"));
        }
        if st.reviews_open > 0 || st.reviews_done >= st.reviews_required {
            return Err(AppError::invalid("ex.no_review_needed"));
        }
        peers::one_more(tx, msg, &place.scope(), who.user_id, now)
    })
}
