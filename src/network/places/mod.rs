//! Regions and counties as admins keep them: names in Finnish and Swedish, and which region
//! each county belongs to, as dated changes (`county_regions`). A county moved to another
//! region from a day on still counts in its old region for every day before (past quarters'
//! figures do not move with it); `counties.region_id` is the region of today, kept in step by
//! each change, so the coordinators' scopes need no date. County and region ids never change.
//!
//! [`region_on`] answers "which region was this county in on that day" for one county;
//! [`Mapping`] answers it for many at once (figures over quarters). Every change ([`renaming`],
//! [`moves`]) goes to the audit log in the transaction that makes it; [`overview`] is what the
//! admin pages read.

pub mod moves;
pub mod overview;
pub mod renaming;

use crate::accounts::policy::Principal;
use crate::db::schema::counties;
use crate::db::schema_regions::county_regions as cr;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDate;
use diesel::prelude::*;
use std::collections::HashMap;

/// Only admins keep the reference data of regions and counties.
pub fn may_edit(who: &Principal) -> bool {
    who.is_admin()
}

/// The region `county_id` belonged to on `day`: the latest change on or before that day; a
/// day before the first recorded change counts in the first mapping.
pub fn region_on(conn: &mut AnyConnection, county_id: i64, day: NaiveDate) -> AppResult<i64> {
    let on_or_before: Option<i64> = cr::table
        .filter(cr::county_id.eq(county_id))
        .filter(cr::valid_from.le(day))
        .order(cr::valid_from.desc())
        .select(cr::region_id)
        .first(conn)
        .optional()?;
    if let Some(r) = on_or_before {
        return Ok(r);
    }
    let first: Option<i64> = cr::table
        .filter(cr::county_id.eq(county_id))
        .order(cr::valid_from.asc())
        .select(cr::region_id)
        .first(conn)
        .optional()?;
    match first {
        Some(r) => Ok(r),
        None => Ok(counties::table
            .find(county_id)
            .select(counties::region_id)
            .first(conn)?),
    }
}

/// The whole county–region mapping over time, loaded once, for figures over many days.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// Per county, its changes by day (oldest first).
    by_county: HashMap<i64, Vec<(NaiveDate, i64)>>,
}

impl Mapping {
    pub fn load(conn: &mut AnyConnection) -> AppResult<Mapping> {
        let rows: Vec<(i64, NaiveDate, i64)> = cr::table
            .order((cr::county_id, cr::valid_from))
            .select((cr::county_id, cr::valid_from, cr::region_id))
            .load(conn)?;
        Ok(Mapping::from_rows(rows))
    }

    pub fn from_rows(rows: impl IntoIterator<Item = (i64, NaiveDate, i64)>) -> Mapping {
        let mut by_county: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
        for (county, from, region) in rows {
            by_county.entry(county).or_default().push((from, region));
        }
        for changes in by_county.values_mut() {
            changes.sort();
        }
        Mapping { by_county }
    }

    /// Like [`region_on`], from memory; None for a county with no recorded mapping.
    pub fn region_on(&self, county_id: i64, day: NaiveDate) -> Option<i64> {
        let changes = self.by_county.get(&county_id)?;
        changes
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .or(changes.first())
            .map(|(_, r)| *r)
    }

    /// Every county that belonged to `region_id` at some time.
    pub fn counties_ever_in(&self, region_id: i64) -> Vec<i64> {
        let mut out: Vec<i64> = self
            .by_county
            .iter()
            .filter(|(_, changes)| changes.iter().any(|(_, r)| *r == region_id))
            .map(|(c, _)| *c)
            .collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_county_counts_where_it_was_on_the_day() {
        let m = Mapping::from_rows([
            (7, d("2023-01-01"), 1),
            (7, d("2025-07-01"), 2),
            (8, d("2023-01-01"), 1),
        ]);
        assert_eq!(
            m.region_on(7, d("2022-06-30")),
            Some(1),
            "before: the first mapping"
        );
        assert_eq!(m.region_on(7, d("2025-06-30")), Some(1));
        assert_eq!(m.region_on(7, d("2025-07-01")), Some(2));
        assert_eq!(m.region_on(7, d("2026-12-06")), Some(2));
        assert_eq!(m.region_on(9, d("2026-12-06")), None);
        assert_eq!(m.counties_ever_in(1), vec![7, 8]);
        assert_eq!(m.counties_ever_in(2), vec![7]);
        assert!(m.counties_ever_in(3).is_empty());
    }
}
