//! Moving a county to another region from a day on, and taking a recorded move back; both keep
//! `counties.region_id` the region of today.

use super::{may_edit, region_on};
use crate::accounts::audit;
use crate::accounts::policy::Principal;
use crate::db::schema::{counties, regions};
use crate::db::schema_regions::county_regions as cr;
use crate::db::{write_tx, AnyConnection};
use crate::i18n::format::helsinki_date;
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

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
        check_region(tx, region_id)?;
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

/// A region a county may move to: one that exists and is not the national (Swedish-language)
/// network.
fn check_region(tx: &mut AnyConnection, region_id: i64) -> AppResult<()> {
    let national: Option<bool> = regions::table
        .find(region_id)
        .select(regions::national)
        .first(tx)
        .optional()?;
    match national {
        None => Err(AppError::invalid("regions.region_invalid")),
        Some(true) => Err(AppError::invalid("regions.region_national")),
        Some(false) => Ok(()),
    }
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
