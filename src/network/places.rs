//! Regions and counties as admins keep them: names in Finnish and Swedish, and which region
//! each county belongs to, as dated changes (`county_regions`). A county moved to another
//! region from a day on still counts in its old region for every day before (past quarters'
//! figures do not move with it); `counties.region_id` is the region of today, kept in step by
//! each change, so the coordinators' scopes need no date. County and region ids never change.
//!
//! [`region_on`] answers "which region was this county in on that day" for one county;
//! [`Mapping`] answers it for many at once (figures over quarters). Every change goes to the
//! audit log in the transaction that makes it.

use super::names;
use crate::accounts::audit;
use crate::accounts::policy::Principal;
use crate::db::schema::{counties, regions, users};
use crate::db::schema_regions::county_regions as cr;
use crate::db::{write_tx, AnyConnection};
use crate::i18n::format::helsinki_date;
use crate::i18n::Lang;
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

pub const NAME_MAX: usize = 200;

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

/// A region with its names, for the admin pages.
#[derive(Debug, Clone, Serialize)]
pub struct RegionRow {
    pub id: i64,
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub national: bool,
    /// The name in the page's language.
    pub name: String,
    pub counties: Vec<CountyRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyRow {
    pub id: i64,
    pub code: String,
    pub region_id: i64,
    pub name_fi: String,
    pub name_sv: String,
    pub name: String,
    pub changes: i64,
}

/// Every region (in their order) with the counties that belong to it today.
pub fn overview(conn: &mut AnyConnection, lang: Lang) -> AppResult<Vec<RegionRow>> {
    let regions: Vec<(i64, String, String, String, bool)> = regions::table
        .order(regions::position)
        .select((
            regions::id,
            regions::code,
            regions::name_fi,
            regions::name_sv,
            regions::national,
        ))
        .load(conn)?;
    let counties: Vec<(i64, String, i64, String, String)> = counties::table
        .order(names::county(lang))
        .select((
            counties::id,
            counties::code,
            counties::region_id,
            counties::name_fi,
            counties::name_sv,
        ))
        .load(conn)?;
    let changes: Vec<(i64, i64)> = cr::table
        .group_by(cr::county_id)
        .select((cr::county_id, diesel::dsl::count_star()))
        .load(conn)?;
    let changes: HashMap<i64, i64> = changes.into_iter().collect();
    Ok(regions
        .into_iter()
        .map(|(id, code, name_fi, name_sv, national)| RegionRow {
            name: names::pick(lang, &name_fi, &name_sv).to_string(),
            counties: counties
                .iter()
                .filter(|c| c.2 == id)
                .map(|(cid, ccode, region_id, cfi, csv)| CountyRow {
                    id: *cid,
                    code: ccode.clone(),
                    region_id: *region_id,
                    name: names::pick(lang, cfi, csv).to_string(),
                    name_fi: cfi.clone(),
                    name_sv: csv.clone(),
                    changes: changes.get(cid).copied().unwrap_or(0),
                })
                .collect(),
            id,
            code,
            name_fi,
            name_sv,
            national,
        })
        .collect())
}

/// One recorded change of a county's region.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub id: i64,
    pub region_id: i64,
    pub region: String,
    pub valid_from: NaiveDate,
    pub by: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The county's changes, newest first.
pub fn history(conn: &mut AnyConnection, county_id: i64, lang: Lang) -> AppResult<Vec<Change>> {
    let rows: Vec<(i64, i64, String, NaiveDate, Option<String>, NaiveDateTime)> = cr::table
        .inner_join(regions::table)
        .left_join(users::table.on(users::id.nullable().eq(cr::created_by)))
        .filter(cr::county_id.eq(county_id))
        .order(cr::valid_from.desc())
        .select((
            cr::id,
            cr::region_id,
            names::region(lang),
            cr::valid_from,
            users::name.nullable(),
            cr::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, region_id, region, valid_from, by, created_at)| Change {
                id,
                region_id,
                region,
                valid_from,
                by,
                created_at,
            },
        )
        .collect())
}

/// The problems with a pair of names, as (field, message key).
pub fn check_names(name_fi: &str, name_sv: &str) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    for (field, value) in [("name_fi", name_fi), ("name_sv", name_sv)] {
        let v = value.trim();
        if v.is_empty()
            || v.chars().count() > NAME_MAX
            || v.chars().any(|c| c.is_control() || is_bidi_control(c))
        {
            errors.push((field, "regions.name_invalid"));
        }
    }
    errors
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn first_error(errors: Vec<(&'static str, &'static str)>) -> AppResult<()> {
    match errors.first() {
        Some((_, key)) => Err(AppError::invalid(*key)),
        None => Ok(()),
    }
}

/// Renames a region (both languages), audit-logged.
pub fn rename_region(
    conn: &mut AnyConnection,
    who: &Principal,
    region_id: i64,
    name_fi: &str,
    name_sv: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let names = (name_fi, name_sv);
    rename(
        conn,
        who,
        ("region", region_id),
        names,
        now,
        |tx| {
            regions::table
                .find(region_id)
                .select((regions::name_fi, regions::name_sv))
                .first(tx)
        },
        |tx, (fi, sv)| {
            diesel::update(regions::table.find(region_id))
                .set((regions::name_fi.eq(fi), regions::name_sv.eq(sv)))
                .execute(tx)
        },
    )
}

/// Renames a county (both languages), audit-logged.
pub fn rename_county(
    conn: &mut AnyConnection,
    who: &Principal,
    county_id: i64,
    name_fi: &str,
    name_sv: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let names = (name_fi, name_sv);
    rename(
        conn,
        who,
        ("county", county_id),
        names,
        now,
        |tx| {
            counties::table
                .find(county_id)
                .select((counties::name_fi, counties::name_sv))
                .first(tx)
        },
        |tx, (fi, sv)| {
            diesel::update(counties::table.find(county_id))
                .set((counties::name_fi.eq(fi), counties::name_sv.eq(sv)))
                .execute(tx)
        },
    )
}

/// The one renaming of a place (`kind` "region" or "county"): checked, unchanged names left
/// alone, the new ones stored and the change audit-logged in one transaction.
fn rename(
    conn: &mut AnyConnection,
    who: &Principal,
    (kind, id): (&str, i64),
    (name_fi, name_sv): (&str, &str),
    now: NaiveDateTime,
    load: impl Fn(&mut AnyConnection) -> QueryResult<(String, String)>,
    store: impl Fn(&mut AnyConnection, (&str, &str)) -> QueryResult<usize>,
) -> AppResult<()> {
    if !may_edit(who) {
        return Err(AppError::Forbidden);
    }
    first_error(check_names(name_fi, name_sv))?;
    let (name_fi, name_sv) = (name_fi.trim(), name_sv.trim());
    write_tx(conn, |tx| {
        let (old_fi, old_sv) = load(tx)?;
        if (old_fi.as_str(), old_sv.as_str()) == (name_fi, name_sv) {
            return Ok(());
        }
        store(tx, (name_fi, name_sv))?;
        audit::record(
            tx,
            Some(who.user_id),
            &format!("{kind}.rename"),
            &format!("{kind}:{id}"),
            &format!("fi: {old_fi} -> {name_fi}; sv: {old_sv} -> {name_sv}"),
            now,
        )?;
        Ok(())
    })
}

/// The earliest day a change may take effect (the wellbeing services counties began then).
pub fn earliest_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default()
}

/// Moves a county to another region from `valid_from` on (today or a day in the past: the
/// figures of the days since then move with it; earlier days stay where they were counted).
/// Refused: a day in the future or before [`earliest_day`], a day that already has a change,
/// the national (Swedish-language) network as a county's region, or no change at all.
pub fn move_county(
    conn: &mut AnyConnection,
    who: &Principal,
    county_id: i64,
    region_id: i64,
    valid_from: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<()> {
    if !may_edit(who) {
        return Err(AppError::Forbidden);
    }
    let today = helsinki_date(now);
    if valid_from > today {
        return Err(AppError::invalid("regions.move_future"));
    }
    if valid_from < earliest_day() {
        return Err(AppError::invalid("regions.move_too_early"));
    }
    write_tx(conn, |tx| {
        let national: Option<bool> = regions::table
            .find(region_id)
            .select(regions::national)
            .first(tx)
            .optional()?;
        match national {
            None => return Err(AppError::invalid("regions.region_invalid")),
            Some(true) => return Err(AppError::invalid("regions.region_national")),
            Some(false) => {}
        }
        let clash: i64 = cr::table
            .filter(cr::county_id.eq(county_id))
            .filter(cr::valid_from.eq(valid_from))
            .count()
            .get_result(tx)?;
        if clash > 0 {
            return Err(AppError::Conflict("regions.move_same_day".into()));
        }
        let before = region_on(tx, county_id, valid_from)?;
        if before == region_id {
            return Err(AppError::invalid("regions.move_no_change"));
        }
        diesel::insert_into(cr::table)
            .values((
                cr::county_id.eq(county_id),
                cr::region_id.eq(region_id),
                cr::valid_from.eq(valid_from),
                cr::created_by.eq(Some(who.user_id)),
                cr::created_at.eq(now),
            ))
            .execute(tx)?;
        set_current(tx, county_id, today)?;
        audit::record(
            tx,
            Some(who.user_id),
            "county.move",
            &format!("county:{county_id}"),
            &format!("region:{before} -> region:{region_id} from {valid_from}"),
            now,
        )?;
        Ok(())
    })
}

/// The county a recorded change belongs to (NotFound for an unknown change).
pub fn county_of_change(conn: &mut AnyConnection, change_id: i64) -> AppResult<i64> {
    Ok(cr::table
        .find(change_id)
        .select(cr::county_id)
        .first(conn)?)
}

/// Takes back a recorded change (a mistake): the county's days from it on count in the region
/// before it again. The county's only mapping cannot be taken back. Returns the county.
pub fn undo_change(
    conn: &mut AnyConnection,
    who: &Principal,
    change_id: i64,
    now: NaiveDateTime,
) -> AppResult<i64> {
    if !may_edit(who) {
        return Err(AppError::Forbidden);
    }
    write_tx(conn, |tx| {
        let (county_id, region_id, valid_from): (i64, i64, NaiveDate) = cr::table
            .find(change_id)
            .select((cr::county_id, cr::region_id, cr::valid_from))
            .first(tx)?;
        let count: i64 = cr::table
            .filter(cr::county_id.eq(county_id))
            .count()
            .get_result(tx)?;
        if count <= 1 {
            return Err(AppError::invalid("regions.undo_only"));
        }
        diesel::delete(cr::table.find(change_id)).execute(tx)?;
        set_current(tx, county_id, helsinki_date(now))?;
        audit::record(
            tx,
            Some(who.user_id),
            "county.move_undone",
            &format!("county:{county_id}"),
            &format!("region:{region_id} from {valid_from} taken back"),
            now,
        )?;
        Ok(county_id)
    })
}

/// Keeps `counties.region_id` the region of today.
fn set_current(tx: &mut AnyConnection, county_id: i64, today: NaiveDate) -> AppResult<()> {
    let current = region_on(tx, county_id, today)?;
    diesel::update(counties::table.find(county_id))
        .set(counties::region_id.eq(current))
        .execute(tx)?;
    Ok(())
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

    #[test]
    fn names_are_one_line_and_not_empty() {
        assert!(check_names(
            "Vantaan ja Keravan hyvinvointialue",
            "Vanda och Kervo välfärdsområde"
        )
        .is_empty());
        assert_eq!(
            check_names(" ", "x"),
            vec![("name_fi", "regions.name_invalid")]
        );
        assert_eq!(
            check_names("a\nb", "c\u{202e}d"),
            vec![
                ("name_fi", "regions.name_invalid"),
                ("name_sv", "regions.name_invalid")
            ]
        );
        assert_eq!(check_names(&"x".repeat(201), "y").len(), 1);
    }
}
