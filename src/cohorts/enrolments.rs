//! Enrolments: enrolling a trainee (again), changing an enrolment's status with its history
//! kept in `enrolment_events`, and the seats they take.

use super::cohort::find;
use crate::db::schema::{enrolment_events, enrolments};
use crate::db::AnyConnection;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Seats taken: active and completed enrolments.
pub fn seats_taken(conn: &mut AnyConnection, cohort_id: i64) -> AppResult<i64> {
    Ok(enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::status.ne("withdrawn"))
        .count()
        .get_result(conn)?)
}

/// Enrols a user as a trainee (again, if they had withdrawn). Returns the enrolment id.
pub fn enrol(
    conn: &mut AnyConnection,
    cohort_id: i64,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<i64> {
    enrol_by(conn, cohort_id, user_id, None, now)
}

/// Like [`enrol`], naming who did it in the enrolment's history.
pub fn enrol_by(
    conn: &mut AnyConnection,
    cohort_id: i64,
    user_id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let existing: Option<(i64, String)> = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::user_id.eq(user_id))
        .select((enrolments::id, enrolments::status))
        .first(conn)
        .optional()?;
    let id = match existing {
        Some((id, status)) if status == "withdrawn" => {
            set_status(conn, id, "active", actor, "", now)?;
            id
        }
        Some((id, _)) => id,
        None => {
            let id = diesel::insert_into(enrolments::table)
                .values((
                    enrolments::cohort_id.eq(cohort_id),
                    enrolments::user_id.eq(user_id),
                    enrolments::status.eq("active"),
                    enrolments::created_at.eq(now),
                    enrolments::updated_at.eq(now),
                ))
                .returning(enrolments::id)
                .get_result(conn)?;
            record_event(conn, id, "active", actor, "", now)?;
            id
        }
    };
    Ok(id)
}

fn record_event(
    conn: &mut AnyConnection,
    enrolment_id: i64,
    status: &str,
    actor: Option<i64>,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(enrolment_events::table)
        .values((
            enrolment_events::enrolment_id.eq(enrolment_id),
            enrolment_events::status.eq(status),
            enrolment_events::actor_user_id.eq(actor),
            enrolment_events::note.eq(note),
            enrolment_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Changes an enrolment's status and keeps the change in its history.
pub fn set_status(
    conn: &mut AnyConnection,
    enrolment_id: i64,
    status: &str,
    actor: Option<i64>,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(enrolments::table.find(enrolment_id))
        .set((
            enrolments::status.eq(status),
            enrolments::updated_at.eq(now),
        ))
        .execute(conn)?;
    record_event(conn, enrolment_id, status, actor, note, now)
}

/// Brings a withdrawn trainee back, if there is a seat.
pub fn reenrol(
    conn: &mut AnyConnection,
    enrolment_id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    crate::db::write_tx(conn, |c| {
        let (cohort_id, status): (i64, String) = enrolments::table
            .find(enrolment_id)
            .select((enrolments::cohort_id, enrolments::status))
            .first(c)?;
        if status != "withdrawn" {
            return Err(AppError::Conflict("enrolment.not_withdrawn".into()));
        }
        let cohort = find(c, cohort_id)?;
        if cohort.cancelled_at.is_some() || cohort.archived_at.is_some() {
            return Err(AppError::Conflict("cohort.closed".into()));
        }
        if cohort
            .capacity
            .is_some_and(|cap| seats_taken(c, cohort_id).unwrap_or(0) >= i64::from(cap))
        {
            return Err(AppError::Conflict("cohort.full".into()));
        }
        set_status(c, enrolment_id, "active", actor, "", now)
    })
}
