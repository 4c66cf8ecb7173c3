//! The running totals behind the reach figures, so the network page and the overview read a
//! few rows per organisation instead of summing every training ever held.
//!
//! - `training_totals` (organisation, year, quarter): held trainings, participations counted
//!   from sign-ins, participations reported by experts, trainings flagged above staff;
//! - `reach_people` (organisation, year, person): a person counted once a year where they
//!   signed in (the same name and unit in the same organisation), their profession that of
//!   their first sign-in of the year;
//! - `people_totals` (organisation, year, profession): those people summed.
//!
//! Every change to a training or its sign-ins calls [`contribute`] (or [`add_sign_in`]) in
//! the same transaction, so the totals never disagree with the rows. [`super::recount`]
//! recomputes them from the raw rows, compares and rebuilds.

use super::training::{Training, COUNTED, HELD};
use crate::db::schema::trainings_held;
use crate::db::schema_trainings::{people_totals, reach_people, training_attendances};
use crate::db::{portable_sql, AnyConnection};
use crate::AppResult;
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

/// The Helsinki year and quarter (1–4) of a day.
pub fn year_quarter(day: NaiveDate) -> (i32, i32) {
    (day.year(), (day.month0() / 3) as i32 + 1)
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    (first, last)
}

/// One sign-in as the totals see it.
#[derive(Debug, Clone, Queryable)]
pub struct SignIn {
    pub id: i64,
    pub person_key: String,
    pub profession: String,
}

/// Serialises changes to a training's totals on PostgreSQL (SQLite's `BEGIN IMMEDIATE`
/// already lets one writer in at a time): a row lock on each organisation whose totals move,
/// taken in id order.
pub(super) fn lock_organisations(c: &mut AnyConnection, ids: &[i64]) -> AppResult<()> {
    if let AnyConnection::Postgresql(_) = c {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            diesel::sql_query("SELECT id FROM organisations WHERE id = $1 FOR UPDATE")
                .bind::<diesel::sql_types::BigInt, _>(id)
                .execute(c)?;
        }
    }
    Ok(())
}

/// Adds `sign` (1 or −1) times what the training contributes: nothing while planned; when
/// held, one training, its participations (counted or reported), its flag, and for a counted
/// one each sign-in's person.
pub fn contribute(c: &mut AnyConnection, training_id: i64, sign: i32) -> AppResult<()> {
    let t: Training = super::training::find(c, training_id)?;
    if t.status != HELD {
        return Ok(());
    }
    let (year, quarter) = year_quarter(t.held_on);
    let sign_ins = if t.counting == COUNTED {
        sign_ins_of(c, training_id)?
    } else {
        Vec::new()
    };
    let (counted, reported) = if t.counting == COUNTED {
        (sign_ins.len() as i32, 0)
    } else {
        (0, t.participants)
    };
    add_totals(
        c,
        t.organisation_id,
        year,
        quarter,
        [
            sign,
            sign * counted,
            sign * reported,
            sign * i32::from(t.over_staff),
        ],
    )?;
    for s in &sign_ins {
        if sign > 0 {
            person_add(c, t.organisation_id, year, s)?;
        } else {
            person_remove(c, t.organisation_id, year, s, training_id)?;
        }
    }
    Ok(())
}

/// One more sign-in of a training that is already held and counted: one participation more,
/// the person, and the flag when this sign-in took it above the staff.
pub fn add_sign_in(
    c: &mut AnyConnection,
    t: &Training,
    s: &SignIn,
    newly_flagged: bool,
) -> AppResult<()> {
    let (year, quarter) = year_quarter(t.held_on);
    add_totals(
        c,
        t.organisation_id,
        year,
        quarter,
        [0, 1, 0, i32::from(newly_flagged)],
    )?;
    person_add(c, t.organisation_id, year, s)
}

pub(super) fn sign_ins_of(c: &mut AnyConnection, training_id: i64) -> AppResult<Vec<SignIn>> {
    Ok(training_attendances::table
        .filter(training_attendances::training_id.eq(training_id))
        .order(training_attendances::id)
        .select((
            training_attendances::id,
            training_attendances::person_key,
            training_attendances::profession,
        ))
        .load(c)?)
}

/// Adds to one row of `training_totals` (trainings, counted, reported, flagged), creating it,
/// and removes it again when it comes to nothing.
fn add_totals(
    c: &mut AnyConnection,
    organisation_id: i64,
    year: i32,
    quarter: i32,
    d: [i32; 4],
) -> AppResult<()> {
    if d == [0; 4] {
        return Ok(());
    }
    let sql = "INSERT INTO training_totals (organisation_id, year, quarter, trainings, counted, \
               reported, flagged) VALUES (?, ?, ?, ?, ?, ?, ?) \
               ON CONFLICT (organisation_id, year, quarter) DO UPDATE SET \
               trainings = training_totals.trainings + excluded.trainings, \
               counted = training_totals.counted + excluded.counted, \
               reported = training_totals.reported + excluded.reported, \
               flagged = training_totals.flagged + excluded.flagged";
    diesel::sql_query(portable_sql(c, sql))
        .bind::<BigInt, _>(organisation_id)
        .bind::<Integer, _>(year)
        .bind::<Integer, _>(quarter)
        .bind::<Integer, _>(d[0])
        .bind::<Integer, _>(d[1])
        .bind::<Integer, _>(d[2])
        .bind::<Integer, _>(d[3])
        .execute(c)?;
    let sql = "DELETE FROM training_totals WHERE organisation_id = ? AND year = ? AND \
               quarter = ? AND trainings = 0 AND counted = 0 AND reported = 0 AND flagged = 0";
    diesel::sql_query(portable_sql(c, sql))
        .bind::<BigInt, _>(organisation_id)
        .bind::<Integer, _>(year)
        .bind::<Integer, _>(quarter)
        .execute(c)?;
    Ok(())
}

fn add_people(
    c: &mut AnyConnection,
    organisation_id: i64,
    year: i32,
    profession: &str,
    d: i32,
) -> AppResult<()> {
    let sql = "INSERT INTO people_totals (organisation_id, year, profession, people) \
               VALUES (?, ?, ?, ?) ON CONFLICT (organisation_id, year, profession) DO UPDATE \
               SET people = people_totals.people + excluded.people";
    diesel::sql_query(portable_sql(c, sql))
        .bind::<BigInt, _>(organisation_id)
        .bind::<Integer, _>(year)
        .bind::<Text, _>(profession)
        .bind::<Integer, _>(d)
        .execute(c)?;
    diesel::delete(
        people_totals::table
            .filter(people_totals::organisation_id.eq(organisation_id))
            .filter(people_totals::year.eq(year))
            .filter(people_totals::profession.eq(profession))
            .filter(people_totals::people.eq(0)),
    )
    .execute(c)?;
    Ok(())
}

type PersonRow = (String, i64, i32);

fn person(
    c: &mut AnyConnection,
    organisation_id: i64,
    year: i32,
    key: &str,
) -> AppResult<Option<PersonRow>> {
    Ok(reach_people::table
        .filter(reach_people::organisation_id.eq(organisation_id))
        .filter(reach_people::year.eq(year))
        .filter(reach_people::person_key.eq(key))
        .select((
            reach_people::profession,
            reach_people::first_attendance_id,
            reach_people::sign_ins,
        ))
        .first(c)
        .optional()?)
}

fn person_add(c: &mut AnyConnection, organisation_id: i64, year: i32, s: &SignIn) -> AppResult<()> {
    let row = reach_people::table
        .filter(reach_people::organisation_id.eq(organisation_id))
        .filter(reach_people::year.eq(year))
        .filter(reach_people::person_key.eq(&s.person_key));
    match person(c, organisation_id, year, &s.person_key)? {
        None => {
            diesel::insert_into(reach_people::table)
                .values((
                    reach_people::organisation_id.eq(organisation_id),
                    reach_people::year.eq(year),
                    reach_people::person_key.eq(&s.person_key),
                    reach_people::profession.eq(&s.profession),
                    reach_people::first_attendance_id.eq(s.id),
                    reach_people::sign_ins.eq(1),
                ))
                .execute(c)?;
            add_people(c, organisation_id, year, &s.profession, 1)?;
        }
        Some((profession, first, n)) => {
            diesel::update(row)
                .set(reach_people::sign_ins.eq(n + 1))
                .execute(c)?;
            // An earlier sign-in (a training re-added after a correction) decides the
            // profession, as the rebuild decides it.
            if s.id < first {
                set_first(c, organisation_id, year, &s.person_key, s.id, &s.profession)?;
                if profession != s.profession {
                    add_people(c, organisation_id, year, &profession, -1)?;
                    add_people(c, organisation_id, year, &s.profession, 1)?;
                }
            }
        }
    }
    Ok(())
}

fn set_first(
    c: &mut AnyConnection,
    organisation_id: i64,
    year: i32,
    key: &str,
    first: i64,
    profession: &str,
) -> AppResult<()> {
    diesel::update(
        reach_people::table
            .filter(reach_people::organisation_id.eq(organisation_id))
            .filter(reach_people::year.eq(year))
            .filter(reach_people::person_key.eq(key)),
    )
    .set((
        reach_people::first_attendance_id.eq(first),
        reach_people::profession.eq(profession),
    ))
    .execute(c)?;
    Ok(())
}

/// Takes a sign-in of `training_id` away from its person (the training's own sign-ins are
/// being taken away too, so only other trainings' sign-ins can become the first).
fn person_remove(
    c: &mut AnyConnection,
    organisation_id: i64,
    year: i32,
    s: &SignIn,
    training_id: i64,
) -> AppResult<()> {
    let Some((profession, first, n)) = person(c, organisation_id, year, &s.person_key)? else {
        return Ok(());
    };
    let row = reach_people::table
        .filter(reach_people::organisation_id.eq(organisation_id))
        .filter(reach_people::year.eq(year))
        .filter(reach_people::person_key.eq(&s.person_key));
    if n <= 1 {
        diesel::delete(row).execute(c)?;
        return add_people(c, organisation_id, year, &profession, -1);
    }
    diesel::update(row)
        .set(reach_people::sign_ins.eq(n - 1))
        .execute(c)?;
    if first != s.id {
        return Ok(());
    }
    let (from, to) = year_bounds(year);
    let next: Option<(i64, String)> = training_attendances::table
        .inner_join(trainings_held::table)
        .filter(training_attendances::person_key.eq(&s.person_key))
        .filter(training_attendances::training_id.ne(training_id))
        .filter(trainings_held::organisation_id.eq(organisation_id))
        .filter(trainings_held::status.eq(HELD))
        .filter(trainings_held::counting.eq(COUNTED))
        .filter(trainings_held::held_on.between(from, to))
        .order(training_attendances::id)
        .select((training_attendances::id, training_attendances::profession))
        .first(c)
        .optional()?;
    if let Some((next_id, next_profession)) = next {
        set_first(
            c,
            organisation_id,
            year,
            &s.person_key,
            next_id,
            &next_profession,
        )?;
        if next_profession != profession {
            add_people(c, organisation_id, year, &profession, -1)?;
            add_people(c, organisation_id, year, &next_profession, 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_follow_the_calendar() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(year_quarter(d("2026-01-01")), (2026, 1));
        assert_eq!(year_quarter(d("2026-03-31")), (2026, 1));
        assert_eq!(year_quarter(d("2026-04-01")), (2026, 2));
        assert_eq!(year_quarter(d("2026-12-31")), (2026, 4));
    }
}
