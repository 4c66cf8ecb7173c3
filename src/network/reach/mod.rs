//! The reach figures of a region or county, read from the running totals
//! (`trainings::totals`), so their cost grows with the number of organisations, never with
//! the trainings held. What is counted, and said so on the pages:
//!
//! - **people reached** (counted): participants who signed in, each person once a year per
//!   organisation (the same name and unit) — the share of staff reached;
//! - **reported participations**: numbers experts typed for trainings held without the app;
//!   one person attending twice is two participations;
//! - the reach percentage puts both against the organisations' staff. It can pass 100 % only
//!   through reported participations (or staff counts that are out of date); the pages then
//!   flag it and say why.
//!
//! A scope's quarters are in `quarterly`, its organisations and professions in `breakdowns`.

use super::registry::{counties_of, Scope};
use crate::db::schema::{counties, memberships, organisations};
use crate::db::schema_trainings::{people_totals, training_totals};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::AppResult;
use diesel::dsl::sum;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

pub mod breakdowns;
pub mod quarterly;

/// The national goal: a quarter of all staff.
pub const GOAL_PERCENT: f64 = 25.0;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reach {
    pub year: i32,
    pub staff: i64,
    /// People reached, counted from sign-ins (once a year per organisation).
    pub people: i64,
    /// Participations counted from sign-ins (a person at two trainings is two).
    pub counted: i64,
    /// Participations reported by experts.
    pub reported: i64,
    /// What the percentage is of: people reached plus reported participations.
    pub participants: i64,
    /// `participants` per staff, in per cent (one decimal).
    pub percent: f64,
    /// People reached per staff, in per cent: the part that cannot be inflated.
    pub people_percent: f64,
    pub goal_percent: f64,
    /// More than the staff: shown only with the flag that explains it.
    pub over_100: bool,
    /// Trainings with more participants than their organisation's staff.
    pub flagged: i64,
    pub trainings: i64,
    pub by_county: Vec<CountyReach>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CountyReach {
    pub county_id: i64,
    pub county: String,
    pub staff: i64,
    pub people: i64,
    pub reported: i64,
    pub participants: i64,
    pub percent: f64,
    pub over_100: bool,
    /// Whether the county's organisations report any staff; without, the reach is unknown
    /// ("no data"), not 0 %.
    pub has_staff: bool,
    pub active_experts: i64,
}

pub fn pct(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

fn sum_by_county(rows: Vec<(i64, Option<i64>)>) -> HashMap<i64, i64> {
    rows.into_iter().map(|(c, n)| (c, n.unwrap_or(0))).collect()
}

/// The scope's reach in `year` (a Helsinki calendar year), county by county.
pub fn reach(conn: &mut AnyConnection, scope: Scope, year: i32, lang: Lang) -> AppResult<Reach> {
    let ids = counties_of(conn, scope)?;
    let names: Vec<(i64, String)> = counties::table
        .filter(counties::id.eq_any(&ids))
        .order(super::names::county(lang))
        .select((counties::id, super::names::county(lang)))
        .load(conn)?;
    let staff = sum_by_county(
        organisations::table
            .filter(organisations::county_id.eq_any(&ids))
            .filter(organisations::active.eq(true))
            .group_by(organisations::county_id)
            .select((organisations::county_id, sum(organisations::staff_count)))
            .load(conn)?,
    );
    let people = sum_by_county(
        people_totals::table
            .inner_join(organisations::table)
            .filter(organisations::county_id.eq_any(&ids))
            .filter(people_totals::year.eq(year))
            .group_by(organisations::county_id)
            .select((organisations::county_id, sum(people_totals::people)))
            .load(conn)?,
    );
    type Sums = (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Sums> = training_totals::table
        .inner_join(organisations::table)
        .filter(organisations::county_id.eq_any(&ids))
        .filter(training_totals::year.eq(year))
        .group_by(organisations::county_id)
        .select((
            organisations::county_id,
            sum(training_totals::trainings),
            sum(training_totals::counted),
            sum(training_totals::reported),
            sum(training_totals::flagged),
        ))
        .load(conn)?;
    let sums: HashMap<i64, [i64; 4]> = rows
        .into_iter()
        .map(|(c, a, b, r, f)| {
            (
                c,
                [
                    a.unwrap_or(0),
                    b.unwrap_or(0),
                    r.unwrap_or(0),
                    f.unwrap_or(0),
                ],
            )
        })
        .collect();
    let active: HashMap<i64, i64> = memberships::table
        .filter(memberships::county_id.eq_any(&ids))
        .filter(memberships::status.eq("active"))
        .group_by(memberships::county_id)
        .select((memberships::county_id, diesel::dsl::count_star()))
        .load::<(Option<i64>, i64)>(conn)?
        .into_iter()
        .filter_map(|(c, n)| Some((c?, n)))
        .collect();
    let mut out = Reach {
        year,
        staff: 0,
        people: 0,
        counted: 0,
        reported: 0,
        participants: 0,
        percent: 0.0,
        people_percent: 0.0,
        goal_percent: GOAL_PERCENT,
        over_100: false,
        flagged: 0,
        trainings: 0,
        by_county: Vec::new(),
    };
    for (id, name) in names {
        let s = sums.get(&id).copied().unwrap_or([0; 4]);
        let (st, pe) = (
            staff.get(&id).copied().unwrap_or(0),
            people.get(&id).copied().unwrap_or(0),
        );
        let participants = pe + s[2];
        out.staff += st;
        out.people += pe;
        out.trainings += s[0];
        out.counted += s[1];
        out.reported += s[2];
        out.flagged += s[3];
        out.by_county.push(CountyReach {
            county_id: id,
            county: name,
            staff: st,
            people: pe,
            reported: s[2],
            participants,
            percent: pct(participants, st),
            over_100: participants > st,
            has_staff: st > 0,
            active_experts: active.get(&id).copied().unwrap_or(0),
        });
    }
    out.participants = out.people + out.reported;
    out.percent = pct(out.participants, out.staff);
    out.people_percent = pct(out.people, out.staff);
    out.over_100 = out.participants > out.staff;
    Ok(out)
}

/// The years with trainings in the scope, newest first (and `this_year` always).
pub fn years(conn: &mut AnyConnection, scope: Scope, this_year: i32) -> AppResult<Vec<i32>> {
    let ids = counties_of(conn, scope)?;
    let mut ys: Vec<i32> = training_totals::table
        .inner_join(organisations::table)
        .filter(organisations::county_id.eq_any(&ids))
        .select(training_totals::year)
        .distinct()
        .load(conn)?;
    if !ys.contains(&this_year) {
        ys.push(this_year);
    }
    ys.sort_unstable_by(|a, b| b.cmp(a));
    Ok(ys)
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentages_round_to_one_decimal() {
        assert_eq!(super::pct(1, 3), 33.3);
        assert_eq!(super::pct(5, 0), 0.0);
        assert_eq!(super::pct(250, 1000), 25.0);
    }
}
