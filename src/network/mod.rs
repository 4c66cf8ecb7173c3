//! The expert networks: regions, counties and organisations (the reference data seeded by the
//! first migration; `places` keeps their names and the dated county–region mapping, `names`
//! picks the name in the reader's language), and later the memberships, trainings held and
//! the lapse check.

pub mod announcements;
pub mod api;
pub mod figures;
pub mod membership;
pub mod names;
pub mod places;
pub mod reach;
pub mod refresher;
pub mod registry;
pub mod trainings;
pub mod transfer;

pub mod organisations;
use crate::accounts::policy::CountyPlace;
use crate::db::schema::organisations as organisations_t;
use crate::db::schema::{counties, regions};
use crate::db::AnyConnection;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = regions)]
pub struct Region {
    pub id: i64,
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub national: bool,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = counties)]
pub struct County {
    pub id: i64,
    pub code: String,
    pub region_id: i64,
    pub name_fi: String,
    pub name_sv: String,
    pub mapping_note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = organisations_t)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub county_id: i64,
    pub kind: String,
    pub staff_count: i32,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub const ORGANISATION_KINDS: [&str; 4] = ["public", "private", "education", "other"];

pub fn regions(conn: &mut AnyConnection) -> AppResult<Vec<Region>> {
    Ok(regions::table
        .order(regions::position)
        .select(Region::as_select())
        .load(conn)?)
}

pub fn counties(conn: &mut AnyConnection) -> AppResult<Vec<County>> {
    Ok(counties::table
        .order(counties::name_fi)
        .select(County::as_select())
        .load(conn)?)
}

pub fn region_by_code(conn: &mut AnyConnection, code: &str) -> AppResult<Region> {
    Ok(regions::table
        .filter(regions::code.eq(code))
        .select(Region::as_select())
        .first(conn)?)
}

pub fn county_by_code(conn: &mut AnyConnection, code: &str) -> AppResult<County> {
    Ok(counties::table
        .filter(counties::code.eq(code))
        .select(County::as_select())
        .first(conn)?)
}

/// Where a county lies (for the coordinators' reach).
pub fn county_place(conn: &mut AnyConnection, county_id: i64) -> AppResult<CountyPlace> {
    let region_id = counties::table
        .find(county_id)
        .select(counties::region_id)
        .first(conn)?;
    Ok(CountyPlace {
        county_id,
        region_id,
    })
}

pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub county_id: i64,
    pub kind: &'a str,
    pub staff_count: i32,
}

pub fn create_organisation(
    conn: &mut AnyConnection,
    org: NewOrganisation<'_>,
    now: NaiveDateTime,
) -> AppResult<Organisation> {
    let name = org.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(AppError::invalid("organisation.name_invalid"));
    }
    if !ORGANISATION_KINDS.contains(&org.kind) {
        return Err(AppError::invalid("organisation.kind_invalid"));
    }
    if org.staff_count < 0 {
        return Err(AppError::invalid("organisation.staff_invalid"));
    }
    if find_organisation(conn, org.county_id, name)?.is_some() {
        return Err(AppError::Conflict("organisation.exists".into()));
    }
    let id: i64 = diesel::insert_into(organisations_t::table)
        .values((
            organisations_t::name.eq(name),
            organisations_t::county_id.eq(org.county_id),
            organisations_t::kind.eq(org.kind),
            organisations_t::staff_count.eq(org.staff_count),
            organisations_t::active.eq(true),
            organisations_t::created_at.eq(now),
            organisations_t::updated_at.eq(now),
        ))
        .returning(organisations_t::id)
        .get_result(conn)?;
    Ok(organisations_t::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)?)
}

pub fn find_organisation(
    conn: &mut AnyConnection,
    county_id: i64,
    name: &str,
) -> AppResult<Option<Organisation>> {
    Ok(organisations_t::table
        .filter(organisations_t::county_id.eq(county_id))
        .filter(organisations_t::name.eq(name.trim()))
        .select(Organisation::as_select())
        .first(conn)
        .optional()?)
}

pub fn organisation(conn: &mut AnyConnection, id: i64) -> AppResult<Organisation> {
    Ok(organisations_t::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)?)
}
