//! The totals recounted from the raw rows: [`compute`] is a separate, plain computation from
//! the running updates in [`super::totals`], so the two check each other; [`compare`] tells
//! where stored and recomputed totals differ (the CLI's `--check` and the tests) and
//! [`rebuild`] replaces the stored ones.

use super::totals::year_quarter;
use super::training::{COUNTED, HELD};
use crate::db::schema::trainings_held;
use crate::db::schema_trainings::{people_totals, reach_people, training_attendances};
use crate::db::{write_tx, AnyConnection};
use crate::AppResult;
use chrono::NaiveDate;
use diesel::prelude::*;
use std::collections::BTreeMap;

/// All the totals, as stored or as recomputed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Totals {
    /// (organisation, year, quarter) → [trainings, counted, reported, flagged]
    pub trainings: BTreeMap<(i64, i32, i32), [i32; 4]>,
    /// (organisation, year, person key) → (profession, first sign-in, sign-ins)
    pub people: BTreeMap<(i64, i32, String), (String, i64, i32)>,
    /// (organisation, year, profession) → people
    pub professions: BTreeMap<(i64, i32, String), i32>,
}

/// The totals as they are stored.
pub fn stored(c: &mut AnyConnection) -> AppResult<Totals> {
    use crate::db::schema_trainings::training_totals as tt;
    let mut out = Totals::default();
    let rows: Vec<(i64, i32, i32, i32, i32, i32, i32)> = tt::table
        .select((
            tt::organisation_id,
            tt::year,
            tt::quarter,
            tt::trainings,
            tt::counted,
            tt::reported,
            tt::flagged,
        ))
        .load(c)?;
    for (o, y, q, a, b, r, f) in rows {
        out.trainings.insert((o, y, q), [a, b, r, f]);
    }
    let rows: Vec<(i64, i32, String, String, i64, i32)> = reach_people::table
        .select((
            reach_people::organisation_id,
            reach_people::year,
            reach_people::person_key,
            reach_people::profession,
            reach_people::first_attendance_id,
            reach_people::sign_ins,
        ))
        .load(c)?;
    for (o, y, k, p, first, n) in rows {
        out.people.insert((o, y, k), (p, first, n));
    }
    let rows: Vec<(i64, i32, String, i32)> = people_totals::table
        .select((
            people_totals::organisation_id,
            people_totals::year,
            people_totals::profession,
            people_totals::people,
        ))
        .load(c)?;
    for (o, y, p, n) in rows {
        out.professions.insert((o, y, p), n);
    }
    Ok(out)
}

/// The totals computed afresh from the trainings and sign-ins, by the rules in the module
/// documentation (a separate computation from the running updates, so they check each other).
pub fn compute(c: &mut AnyConnection) -> AppResult<Totals> {
    let held: Vec<(i64, i64, NaiveDate, String, i32, bool)> = trainings_held::table
        .filter(trainings_held::status.eq(HELD))
        .select((
            trainings_held::id,
            trainings_held::organisation_id,
            trainings_held::held_on,
            trainings_held::counting,
            trainings_held::participants,
            trainings_held::over_staff,
        ))
        .load(c)?;
    let signs: Vec<(i64, i64, String, String)> = training_attendances::table
        .order(training_attendances::id)
        .select((
            training_attendances::id,
            training_attendances::training_id,
            training_attendances::person_key,
            training_attendances::profession,
        ))
        .load(c)?;
    let mut per_training: BTreeMap<i64, Vec<(i64, String, String)>> = BTreeMap::new();
    for (id, training, key, profession) in signs {
        per_training
            .entry(training)
            .or_default()
            .push((id, key, profession));
    }
    let mut out = Totals::default();
    for (id, org, day, counting, participants, over) in held {
        let (y, q) = year_quarter(day);
        let signs = per_training.remove(&id).unwrap_or_default();
        let e = out.trainings.entry((org, y, q)).or_insert([0; 4]);
        e[0] += 1;
        e[3] += i32::from(over);
        if counting == COUNTED {
            e[1] += signs.len() as i32;
            for (sid, key, profession) in signs {
                let p = out
                    .people
                    .entry((org, y, key))
                    .or_insert((profession.clone(), sid, 0));
                p.2 += 1;
                if sid < p.1 {
                    *p = (profession, sid, p.2);
                }
            }
        } else {
            e[2] += participants;
        }
    }
    for ((org, y, _), (profession, _, _)) in &out.people {
        *out.professions
            .entry((*org, *y, profession.clone()))
            .or_insert(0) += 1;
    }
    Ok(out)
}

/// Where stored and recomputed totals differ, one line each (empty: they agree).
pub fn compare(c: &mut AnyConnection) -> AppResult<Vec<String>> {
    let (stored, fresh) = (stored(c)?, compute(c)?);
    let mut out = Vec::new();
    diff(
        &stored.trainings,
        &fresh.trainings,
        "training_totals",
        &mut out,
    );
    diff(&stored.people, &fresh.people, "reach_people", &mut out);
    diff(
        &stored.professions,
        &fresh.professions,
        "people_totals",
        &mut out,
    );
    Ok(out)
}

fn diff<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    stored: &BTreeMap<K, V>,
    fresh: &BTreeMap<K, V>,
    table: &str,
    out: &mut Vec<String>,
) {
    for (k, v) in stored {
        match fresh.get(k) {
            Some(f) if f == v => {}
            other => out.push(format!(
                "{table} {k:?}: stored {v:?}, from the rows {other:?}"
            )),
        }
    }
    for (k, v) in fresh {
        if !stored.contains_key(k) {
            out.push(format!("{table} {k:?}: missing, from the rows {v:?}"));
        }
    }
}

/// Replaces every total with what the raw rows give, in one transaction. Returns the number
/// of rows written.
pub fn rebuild(conn: &mut AnyConnection) -> AppResult<usize> {
    use crate::db::schema_trainings::training_totals as tt;
    write_tx(conn, |c| {
        let fresh = compute(c)?;
        diesel::delete(tt::table).execute(c)?;
        diesel::delete(reach_people::table).execute(c)?;
        diesel::delete(people_totals::table).execute(c)?;
        store_trainings(c, &fresh)?;
        store_people(c, &fresh)?;
        store_professions(c, &fresh)?;
        Ok(fresh.trainings.len() + fresh.people.len() + fresh.professions.len())
    })
}

fn store_trainings(c: &mut AnyConnection, fresh: &Totals) -> AppResult<()> {
    use crate::db::schema_trainings::training_totals as tt;
    let rows: Vec<_> = fresh
        .trainings
        .iter()
        .map(|((o, y, q), v)| {
            (
                tt::organisation_id.eq(*o),
                tt::year.eq(*y),
                tt::quarter.eq(*q),
                tt::trainings.eq(v[0]),
                tt::counted.eq(v[1]),
                tt::reported.eq(v[2]),
                tt::flagged.eq(v[3]),
            )
        })
        .collect();
    // One row at a time: the multi-backend connection has no batch insert.
    for row in rows {
        diesel::insert_into(tt::table).values(row).execute(c)?;
    }
    Ok(())
}

fn store_people(c: &mut AnyConnection, fresh: &Totals) -> AppResult<()> {
    let rows: Vec<_> = fresh
        .people
        .iter()
        .map(|((o, y, k), (p, first, n))| {
            (
                reach_people::organisation_id.eq(*o),
                reach_people::year.eq(*y),
                reach_people::person_key.eq(k.clone()),
                reach_people::profession.eq(p.clone()),
                reach_people::first_attendance_id.eq(*first),
                reach_people::sign_ins.eq(*n),
            )
        })
        .collect();
    for row in rows {
        diesel::insert_into(reach_people::table)
            .values(row)
            .execute(c)?;
    }
    Ok(())
}

fn store_professions(c: &mut AnyConnection, fresh: &Totals) -> AppResult<()> {
    let rows: Vec<_> = fresh
        .professions
        .iter()
        .map(|((o, y, p), n)| {
            (
                people_totals::organisation_id.eq(*o),
                people_totals::year.eq(*y),
                people_totals::profession.eq(p.clone()),
                people_totals::people.eq(*n),
            )
        })
        .collect();
    for row in rows {
        diesel::insert_into(people_totals::table)
            .values(row)
            .execute(c)?;
    }
    Ok(())
}
