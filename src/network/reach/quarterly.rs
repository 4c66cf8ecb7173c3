//! A scope's trainings and participations quarter by quarter, each county's counted in the
//! region it belonged to then.

use super::super::registry::{counties_of, Scope};
use crate::db::schema::organisations;
use crate::db::schema_trainings::training_totals;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{Datelike, NaiveDate};
use diesel::dsl::sum;
use diesel::prelude::*;
use serde::Serialize;

/// One quarter's trainings and participations.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quarter {
    pub label: String,
    pub trainings: i64,
    pub counted: i64,
    pub reported: i64,
    /// Counted and reported participations together.
    pub participants: i64,
}

/// The last `n` quarters up to `today` in the scope. A region's quarters count each county's
/// trainings in the region it belonged to on the quarter's first day (`places::Mapping`), so a
/// county moved to another region leaves its past behind; the totals are kept per quarter, so
/// a move in the middle of a quarter takes effect from the next one.
pub fn quarters(
    conn: &mut AnyConnection,
    scope: Scope,
    today: NaiveDate,
    n: u32,
) -> AppResult<Vec<Quarter>> {
    let mut ids = counties_of(conn, scope)?;
    let mapping = super::super::places::Mapping::load(conn)?;
    if let Scope::Region(r) = scope {
        ids.extend(mapping.counties_ever_in(r));
        ids.sort_unstable();
        ids.dedup();
    }
    let (mut y, mut q) = (today.year(), (today.month0() / 3) as i32 + 1);
    let mut wanted = Vec::new();
    for _ in 0..n.max(1) {
        wanted.push((y, q));
        q -= 1;
        if q == 0 {
            q = 4;
            y -= 1;
        }
    }
    wanted.reverse();
    let first_year = wanted.first().map_or(y, |w| w.0);
    type Row = (i64, i32, i32, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Row> = training_totals::table
        .inner_join(organisations::table)
        .filter(organisations::county_id.eq_any(&ids))
        .filter(training_totals::year.ge(first_year))
        .filter(training_totals::year.le(today.year()))
        .group_by((
            organisations::county_id,
            training_totals::year,
            training_totals::quarter,
        ))
        .select((
            organisations::county_id,
            training_totals::year,
            training_totals::quarter,
            sum(training_totals::trainings),
            sum(training_totals::counted),
            sum(training_totals::reported),
        ))
        .load(conn)?;
    let in_scope = |county: i64, y: i32, q: i32| match scope {
        Scope::County(_) => true,
        Scope::Region(r) => {
            let first_day = NaiveDate::from_ymd_opt(y, (q as u32 - 1) * 3 + 1, 1).unwrap_or(today);
            mapping.region_on(county, first_day).unwrap_or(r) == r
        }
    };
    Ok(wanted
        .into_iter()
        .map(|(y, q)| {
            let (mut trainings, mut counted, mut reported) = (0, 0, 0);
            for r in rows
                .iter()
                .filter(|r| r.1 == y && r.2 == q && in_scope(r.0, y, q))
            {
                trainings += r.3.unwrap_or(0);
                counted += r.4.unwrap_or(0);
                reported += r.5.unwrap_or(0);
            }
            Quarter {
                label: format!("{y} Q{q}"),
                trainings,
                counted,
                reported,
                participants: counted + reported,
            }
        })
        .collect())
}
