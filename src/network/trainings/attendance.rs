//! Attendance on the day: a planned training has a short code (typed, or scanned as a QR
//! code) that participants open on their phones at `/osallistu/{code}` and sign in with their
//! name, organisation unit and profession, without an account. The code works only on the
//! training's Helsinki day and until the expert closes it; a participant is counted once
//! however often they submit (a keyed hash of the normalised name and unit, unique per
//! training). Every sign-in moves the totals in its own transaction.

use super::code::{by_code, code_state, CodeState};
use super::totals::{self, lock_organisations};
use super::training::{find, Actor, Training, COUNTED, HELD, PLANNED, PROFESSIONS, REPORTED};
use crate::accounts::audit;
use crate::accounts::tokens::{derive_key, hmac};
use crate::db::schema::{organisations, trainings_held};
use crate::db::schema_trainings::training_attendances;
use crate::db::{write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// The longest name and unit a participant may give.
pub const MAX_NAME: usize = 100;
pub const MAX_UNIT: usize = 200;

/// What a participant writes.
#[derive(Debug, Clone, Default)]
pub struct SignInForm {
    pub name: String,
    pub unit: String,
    pub profession: String,
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plain_ok(s: &str, max: usize) -> bool {
    s.chars().count() <= max
        && !s
            .chars()
            .any(|c| c.is_control() || crate::text::is_bidi_control(c))
}

/// Problems with a sign-in, as message keys.
pub fn check(form: &SignInForm) -> Vec<&'static str> {
    let mut errors = Vec::new();
    let name = collapse(&form.name);
    if name.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        errors.push("attendance.name_missing");
    } else if !plain_ok(&name, MAX_NAME) {
        errors.push("attendance.name_invalid");
    }
    let unit = collapse(&form.unit);
    if unit.is_empty() {
        errors.push("attendance.unit_missing");
    } else if !plain_ok(&unit, MAX_UNIT) {
        errors.push("attendance.unit_invalid");
    }
    if !PROFESSIONS.contains(&form.profession.as_str()) {
        errors.push("attendance.profession_invalid");
    }
    errors
}

/// The participant's one-way key: an HMAC of the normalised name and unit under a key
/// derived from the installation secret (the organisation is the training's).
pub fn person_key(secret: &[u8], name: &str, unit: &str) -> String {
    let norm = |s: &str| collapse(s).to_lowercase();
    hex::encode(hmac(
        &derive_key(secret, "training-attendance"),
        format!("{}\n{}", norm(name), norm(unit)).as_bytes(),
    ))
}

/// Signs a participant in. Errors: `attendance.closed|not_yet|expired` (the code does not
/// take sign-ins now), `attendance.duplicate` (they are already counted), and the message
/// keys of [`check`]. Nothing changes on an error. Returns the sign-in's id.
pub fn sign_in(
    conn: &mut AnyConnection,
    secret: &[u8],
    code: &str,
    form: &SignInForm,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<i64> {
    if let Some(e) = check(form).first() {
        return Err(AppError::invalid(*e));
    }
    let key = person_key(secret, &form.name, &form.unit);
    write_tx(conn, |c| {
        let t = by_code(c, code)?.ok_or(AppError::NotFound)?;
        lock_organisations(c, &[t.organisation_id])?;
        let t = find(c, t.id)?;
        ensure_may_sign_in(c, &t, &key, today)?;
        let incremental = t.status == HELD && t.counting == COUNTED;
        if !incremental {
            // A planned (or reported) training becomes held and counted: take out what it
            // added, change it, add it again.
            totals::contribute(c, t.id, -1)?;
        }
        let id = insert_sign_in(c, t.id, form, &key, now)?;
        let n = if incremental {
            t.participants + 1
        } else {
            // Sign-ins replace a typed number: the count is the sign-ins there are.
            count_of(c, t.id)? as i32
        };
        let over = set_counted(c, &t, n, now)?;
        if incremental {
            let s = totals::SignIn {
                id,
                person_key: key.clone(),
                profession: form.profession.clone(),
            };
            totals::add_sign_in(c, &t, &s, over && !t.over_staff)?;
        } else {
            totals::contribute(c, t.id, 1)?;
        }
        Ok(id)
    })
}

/// Refuses a sign-in the training does not take now: its code is not open, the person is
/// already counted, or it has the most participants a training may have.
fn ensure_may_sign_in(
    c: &mut AnyConnection,
    t: &Training,
    key: &str,
    today: NaiveDate,
) -> AppResult<()> {
    match code_state(t, today) {
        CodeState::Open => {}
        CodeState::Closed => return Err(AppError::Conflict("attendance.closed".into())),
        CodeState::NotYet => return Err(AppError::Conflict("attendance.not_yet".into())),
        CodeState::Expired => return Err(AppError::Conflict("attendance.expired".into())),
    }
    let already: i64 = training_attendances::table
        .filter(training_attendances::training_id.eq(t.id))
        .filter(training_attendances::person_key.eq(key))
        .count()
        .get_result(c)?;
    if already > 0 {
        return Err(AppError::Conflict("attendance.duplicate".into()));
    }
    if t.participants >= super::training::MAX_PARTICIPANTS {
        return Err(AppError::Conflict("attendance.full".into()));
    }
    Ok(())
}

fn insert_sign_in(
    c: &mut AnyConnection,
    training_id: i64,
    form: &SignInForm,
    key: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    Ok(diesel::insert_into(training_attendances::table)
        .values((
            training_attendances::training_id.eq(training_id),
            training_attendances::name.eq(collapse(&form.name)),
            training_attendances::unit.eq(collapse(&form.unit)),
            training_attendances::profession.eq(&form.profession),
            training_attendances::person_key.eq(key),
            training_attendances::created_at.eq(now),
        ))
        .returning(training_attendances::id)
        .get_result(c)?)
}

/// Marks the training held and counted with `n` participants. Returns whether they are more
/// than its organisation's staff.
fn set_counted(c: &mut AnyConnection, t: &Training, n: i32, now: NaiveDateTime) -> AppResult<bool> {
    let over = super::training::above_staff(c, t.organisation_id, n)?;
    diesel::update(trainings_held::table.find(t.id))
        .set((
            trainings_held::status.eq(HELD),
            trainings_held::counting.eq(COUNTED),
            trainings_held::participants.eq(n),
            trainings_held::over_staff.eq(over),
            trainings_held::updated_at.eq(Some(now)),
        ))
        .execute(c)?;
    Ok(over)
}

fn count_of(c: &mut AnyConnection, training_id: i64) -> AppResult<i64> {
    Ok(training_attendances::table
        .filter(training_attendances::training_id.eq(training_id))
        .count()
        .get_result(c)?)
}

/// A sign-in as the expert and the area's coordinators see it.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Attendee {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub profession: String,
    pub created_at: NaiveDateTime,
    pub erased_at: Option<NaiveDateTime>,
}

/// A training's sign-ins, in the order they came.
pub fn attendees(conn: &mut AnyConnection, training_id: i64) -> AppResult<Vec<Attendee>> {
    Ok(training_attendances::table
        .filter(training_attendances::training_id.eq(training_id))
        .order(training_attendances::id)
        .select((
            training_attendances::id,
            training_attendances::name,
            training_attendances::unit,
            training_attendances::profession,
            training_attendances::created_at,
            training_attendances::erased_at,
        ))
        .load(conn)?)
}

/// Removes one sign-in (a joke or a mistake), the count and totals with it; a coordinator's
/// removal is audit-logged. A training left without sign-ins is planned again.
pub fn remove(
    conn: &mut AnyConnection,
    actor: &Actor<'_>,
    training_id: i64,
    attendance_id: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| {
        let t = find(c, training_id)?;
        lock_organisations(c, &[t.organisation_id])?;
        let belongs: i64 = training_attendances::table
            .filter(training_attendances::id.eq(attendance_id))
            .filter(training_attendances::training_id.eq(training_id))
            .count()
            .get_result(c)?;
        if belongs == 0 {
            return Err(AppError::NotFound);
        }
        totals::contribute(c, training_id, -1)?;
        diesel::delete(training_attendances::table.find(attendance_id)).execute(c)?;
        let n = count_of(c, training_id)? as i32;
        let (status, counting) = if n == 0 {
            (PLANNED, REPORTED)
        } else {
            (HELD, COUNTED)
        };
        let over = n > 0 && super::training::above_staff(c, t.organisation_id, n)?;
        diesel::update(trainings_held::table.find(training_id))
            .set((
                trainings_held::status.eq(status),
                trainings_held::counting.eq(counting),
                trainings_held::participants.eq(n),
                trainings_held::over_staff.eq(over),
                trainings_held::updated_at.eq(Some(now)),
            ))
            .execute(c)?;
        totals::contribute(c, training_id, 1)?;
        if let Actor::Coordinator(p) = actor {
            audit::record(
                c,
                Some(p.user_id),
                "training.attendance.remove",
                &format!("training:{training_id}"),
                &format!("attendance:{attendance_id}"),
                now,
            )?;
        }
        Ok(())
    })
}

/// The staff of the training's organisation (for the page's "more than the staff" notice).
pub fn staff_of(conn: &mut AnyConnection, t: &Training) -> AppResult<i32> {
    Ok(organisations::table
        .find(t.organisation_id)
        .select(organisations::staff_count)
        .first(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_person_gets_the_same_key_however_they_type() {
        let s = b"secret-secret-secret-secret-secret";
        assert_eq!(
            person_key(s, "Maija  Meikäläinen", "Kotihoito"),
            person_key(s, " maija meikäläinen ", "KOTIHOITO")
        );
        assert_ne!(
            person_key(s, "Maija Meikäläinen", "Kotihoito"),
            person_key(s, "Maija Meikäläinen", "Aikuissosiaalityö")
        );
        assert_ne!(
            person_key(s, "Maija Meikäläinen", "Kotihoito"),
            person_key(
                b"another-secret-another-secret-xx",
                "Maija Meikäläinen",
                "Kotihoito"
            )
        );
    }

    #[test]
    fn a_sign_in_needs_a_name_a_unit_and_a_known_profession() {
        let ok = SignInForm {
            name: "Åsa Öberg".into(),
            unit: "Vuxensocialarbete".into(),
            profession: "social-worker".into(),
        };
        assert!(check(&ok).is_empty());
        let bad = SignInForm {
            name: "  ".into(),
            unit: "".into(),
            profession: "astronaut".into(),
        };
        assert_eq!(
            check(&bad),
            vec![
                "attendance.name_missing",
                "attendance.unit_missing",
                "attendance.profession_invalid"
            ]
        );
        let rtl = SignInForm {
            name: "Maija\u{202e}".into(),
            ..ok
        };
        assert_eq!(check(&rtl), vec!["attendance.name_invalid"]);
    }
}
