//! Regions and counties as the admin pages show them: every region with its counties of today,
//! and a county's recorded changes.

use crate::db::schema::{counties, regions, users};
use crate::db::schema_regions::county_regions as cr;
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::network::names;
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

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
