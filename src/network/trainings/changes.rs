//! Planning, logging, correcting and deleting a training. Every change that touches a held
//! training moves the running totals in the same transaction.

use super::draft::{ordered_themes, times, validate, Draft, Purpose};
use super::training::{above_staff, find, Actor, Training, HELD, PLANNED, REPORTED};
use super::{code, totals};
use crate::accounts::audit;
use crate::db::schema::trainings_held;
use crate::db::{write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// Plans a training (status planned, with its attendance code). Returns its id.
pub fn plan(
    conn: &mut AnyConnection,
    user_id: i64,
    d: &Draft,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let actor = Actor::Expert(user_id);
    if let Some(e) = validate(conn, &actor, d, Purpose::Plan, today)?.first() {
        return Err(AppError::invalid(*e));
    }
    write_tx(conn, |c| insert(c, user_id, d, PLANNED, now))
}

/// Logs a training held without the app: held, with the typed number marked reported.
pub fn log(
    conn: &mut AnyConnection,
    user_id: i64,
    d: &Draft,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let actor = Actor::Expert(user_id);
    if let Some(e) = validate(conn, &actor, d, Purpose::Log, today)?.first() {
        return Err(AppError::invalid(*e));
    }
    write_tx(conn, |c| {
        totals::lock_organisations(c, &[d.organisation_id])?;
        let id = insert(c, user_id, d, HELD, now)?;
        totals::contribute(c, id, 1)?;
        Ok(id)
    })
}

fn insert(
    c: &mut AnyConnection,
    user_id: i64,
    d: &Draft,
    status: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let themes = ordered_themes(&d.themes);
    let (starts_at, ends_at) = times(d);
    let participants = if status == HELD {
        d.participants.unwrap_or(0)
    } else {
        0
    };
    let over = status == HELD && above_staff(c, d.organisation_id, participants)?;
    let code = if status == PLANNED {
        Some(code::fresh_code(c)?)
    } else {
        None
    };
    Ok(diesel::insert_into(trainings_held::table)
        .values((
            trainings_held::user_id.eq(Some(user_id)),
            trainings_held::organisation_id.eq(d.organisation_id),
            trainings_held::held_on.eq(d.held_on.unwrap_or(now.date())),
            trainings_held::theme.eq(themes.first().copied().unwrap_or("other")),
            trainings_held::themes.eq(themes.join(",")),
            trainings_held::participants.eq(participants),
            trainings_held::notes.eq(d.notes.trim()),
            trainings_held::created_at.eq(now),
            trainings_held::updated_at.eq(Some(now)),
            trainings_held::status.eq(status),
            trainings_held::counting.eq(REPORTED),
            trainings_held::unit.eq(d.unit.trim()),
            trainings_held::starts_at.eq(starts_at),
            trainings_held::ends_at.eq(ends_at),
            trainings_held::place.eq(d.place.trim()),
            trainings_held::remote.eq(d.remote),
            trainings_held::planned_size.eq(d.planned_size),
            trainings_held::code.eq(code),
            trainings_held::over_staff.eq(over),
        ))
        .returning(trainings_held::id)
        .get_result(c)?)
}

/// Corrects a training: the expert their own, a coordinator of the area any (audit-logged).
/// A counted training keeps its count (it comes from the sign-ins); a planned one given a
/// number becomes held and reported; a held, reported one gets its new number.
pub fn correct(
    conn: &mut AnyConnection,
    actor: &Actor<'_>,
    id: i64,
    d: &Draft,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<()> {
    let before = find(conn, id)?;
    let d = checked_correction(conn, actor, &before, d, today)?;
    write_tx(conn, |c| {
        totals::lock_organisations(c, &[before.organisation_id, d.organisation_id])?;
        let current = find(c, id)?;
        totals::contribute(c, id, -1)?;
        let (participants, counting) = store_correction(c, &current, &d, now)?;
        totals::contribute(c, id, 1)?;
        if let Actor::Coordinator(p) = actor {
            audit::record(
                c,
                Some(p.user_id),
                "training.correct",
                &format!("training:{id}"),
                &format!(
                    "{} -> {} participants ({}), held on {}",
                    current.participants,
                    participants,
                    counting,
                    d.held_on.unwrap_or(current.held_on)
                ),
                now,
            )?;
        }
        Ok(())
    })
}

/// The draft as a correction of `before` stores it, or its first problem: a counted training's
/// number is its sign-ins' and cannot be typed over.
fn checked_correction(
    conn: &mut AnyConnection,
    actor: &Actor<'_>,
    before: &Training,
    d: &Draft,
    today: NaiveDate,
) -> AppResult<Draft> {
    let mut d = d.clone();
    if before.is_counted() && before.participants > 0 {
        if d.participants.is_some_and(|n| n != before.participants) {
            return Err(AppError::invalid("training.counted_fixed"));
        }
        d.participants = None;
    }
    let mut problems = validate(conn, actor, &d, Purpose::Correct, today)?;
    // A training may stay in its organisation even if the expert's network has moved since.
    if d.organisation_id == before.organisation_id {
        problems.retain(|p| *p != "training.organisation_invalid");
        if above_staff(conn, d.organisation_id, d.participants.unwrap_or(0))?
            && !d.confirm_over_staff
            && !problems.contains(&"training.over_staff_confirm")
        {
            problems.push("training.over_staff_confirm");
        }
    }
    if let Some(e) = problems.first() {
        return Err(AppError::invalid(*e));
    }
    if d.participants.is_some() && d.held_on.is_some_and(|day| day > today) {
        return Err(AppError::invalid("training.number_before_day"));
    }
    Ok(d)
}

/// Writes the corrected row over `current`. Returns its participants and how they are counted.
fn store_correction<'t>(
    c: &mut AnyConnection,
    current: &'t Training,
    d: &Draft,
    now: NaiveDateTime,
) -> AppResult<(i32, &'t str)> {
    let themes = ordered_themes(&d.themes);
    let (starts_at, ends_at) = times(d);
    let (status, counting, participants) = match d.participants {
        Some(n) => (HELD, REPORTED, n),
        None => (
            current.status.as_str(),
            current.counting.as_str(),
            current.participants,
        ),
    };
    let over = status == HELD && above_staff(c, d.organisation_id, participants)?;
    diesel::update(trainings_held::table.find(current.id))
        .set((
            trainings_held::organisation_id.eq(d.organisation_id),
            trainings_held::held_on.eq(d.held_on.unwrap_or(current.held_on)),
            trainings_held::theme.eq(themes.first().copied().unwrap_or("other")),
            trainings_held::themes.eq(themes.join(",")),
            trainings_held::participants.eq(participants),
            trainings_held::status.eq(status),
            trainings_held::counting.eq(counting),
            trainings_held::notes.eq(d.notes.trim()),
            trainings_held::unit.eq(d.unit.trim()),
            trainings_held::starts_at.eq(starts_at.or(current.starts_at)),
            trainings_held::ends_at.eq(ends_at),
            trainings_held::place.eq(d.place.trim()),
            trainings_held::remote.eq(d.remote),
            trainings_held::planned_size.eq(d.planned_size),
            trainings_held::over_staff.eq(over),
            trainings_held::updated_at.eq(Some(now)),
        ))
        .execute(c)?;
    Ok((participants, counting))
}

/// Deletes a training with its sign-ins and feedback (the expert their own, a coordinator of
/// the area any, audit-logged); the totals lose what it added.
pub fn delete(
    conn: &mut AnyConnection,
    actor: &Actor<'_>,
    id: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| {
        let t = find(c, id)?;
        totals::lock_organisations(c, &[t.organisation_id])?;
        totals::contribute(c, id, -1)?;
        diesel::delete(trainings_held::table.find(id)).execute(c)?;
        if let Actor::Coordinator(p) = actor {
            audit::record(
                c,
                Some(p.user_id),
                "training.delete",
                &format!("training:{id}"),
                &format!(
                    "held on {}, {} participants ({}), organisation:{}",
                    t.held_on, t.participants, t.counting, t.organisation_id
                ),
                now,
            )?;
        }
        Ok(())
    })
}
