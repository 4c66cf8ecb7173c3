//! The audit log: who did what to what, for actions that must be accountable (role changes,
//! exports, API reads, registry transfers, imports, deletions, redactions, manual enrolments).
//! Each entry may carry the area it belongs to ([`Area`]), so coordinators can read the entries
//! of their own region or county at `/hallinta/loki` (reading: [`super::audit_log`]).

use super::policy::Principal;
use crate::db::schema::{audit_log, counties};
use crate::db::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The region and county an audited action concerns. An entry of a county names its region
/// too, so the regional coordinator sees it; an entry without an area is for admins only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Area {
    pub region_id: Option<i64>,
    pub county_id: Option<i64>,
}

impl Area {
    /// No area: national or personal actions (admins read them).
    pub const NONE: Area = Area {
        region_id: None,
        county_id: None,
    };

    pub fn region(region_id: i64) -> Area {
        Area {
            region_id: Some(region_id),
            county_id: None,
        }
    }

    pub fn county(region_id: i64, county_id: i64) -> Area {
        Area {
            region_id: Some(region_id),
            county_id: Some(county_id),
        }
    }

    /// The county and the region it lies in (looked up); no area for an unknown county.
    pub fn of_county(conn: &mut AnyConnection, county_id: i64) -> QueryResult<Area> {
        let region: Option<i64> = counties::table
            .find(county_id)
            .select(counties::region_id)
            .first(conn)
            .optional()?;
        Ok(region.map_or(Area::NONE, |r| Area::county(r, county_id)))
    }

    /// The one area a coordinator manages (their region or their county); none for an admin
    /// or anyone with several areas.
    pub fn of_coordinator(conn: &mut AnyConnection, who: &Principal) -> QueryResult<Area> {
        if who.is_admin() {
            return Ok(Area::NONE);
        }
        match (&who.regions_managed()[..], &who.counties_managed()[..]) {
            ([r], []) => Ok(Area::region(*r)),
            ([], [c]) => Area::of_county(conn, *c),
            _ => Ok(Area::NONE),
        }
    }
}

/// Records an action without an area (only admins read it).
pub fn record(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    action: &str,
    subject: &str,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    record_in(conn, Area::NONE, actor, action, subject, details, now)
}

/// Records an action of an area: its coordinators read it too.
pub fn record_in(
    conn: &mut AnyConnection,
    area: Area,
    actor: Option<i64>,
    action: &str,
    subject: &str,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_user_id.eq(actor),
            audit_log::action.eq(action),
            audit_log::subject.eq(subject),
            audit_log::details.eq(details),
            audit_log::created_at.eq(now),
            audit_log::region_id.eq(area.region_id),
            audit_log::county_id.eq(area.county_id),
        ))
        .execute(conn)?;
    Ok(())
}
