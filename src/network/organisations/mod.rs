//! Maintaining the organisations of an area: admins everywhere, a regional coordinator in the
//! counties of their region, a county coordinator in their county. Creating, editing (moving
//! to another county only inside the caller's area) and a CSV import with a preview of every
//! row's problems, applied all or nothing ([`import`]). Every change is audit-logged. The
//! fields as typed are checked in [`fields`].
//!
//! Names are compared case-insensitively (Unicode, in Rust — SQLite's `lower()` knows only
//! ASCII), so "Äänekosken kaupunki" and "ÄÄNEKOSKEN KAUPUNKI" are one organisation of a county.

pub mod fields;
pub mod import;

use self::fields::{clean_name, parse_kind, parse_staff_count, Checked};
use super::{County, Organisation};
use crate::accounts::audit;
use crate::accounts::policy::{CountyPlace, Principal};
use crate::db::schema::{counties, organisations};
use crate::db::{is_unique_violation, write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

fn place(c: &County) -> CountyPlace {
    CountyPlace {
        county_id: c.id,
        region_id: c.region_id,
    }
}

/// The counties whose organisations `who` maintains (none for trainers and trainees).
pub fn counties_in_area(conn: &mut AnyConnection, who: &Principal) -> AppResult<Vec<County>> {
    if !who.manages_anything() {
        return Ok(Vec::new());
    }
    Ok(super::counties(conn)?
        .into_iter()
        .filter(|c| who.manages_county(place(c)))
        .collect())
}

/// One line of the organisations list.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub organisation: Organisation,
    pub county_name: String,
}

/// The organisations `who` maintains, by county and name; `county` narrows to one county
/// (a county outside the area gives an empty list). Counties are named in `lang`.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    county: Option<i64>,
    lang: crate::i18n::Lang,
) -> AppResult<Vec<Listed>> {
    let area: Vec<i64> = counties_in_area(conn, who)?
        .into_iter()
        .map(|c| c.id)
        .filter(|id| county.is_none_or(|wanted| wanted == *id))
        .collect();
    if area.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Organisation, String)> = organisations::table
        .inner_join(counties::table)
        .filter(organisations::county_id.eq_any(&area))
        .select((Organisation::as_select(), super::names::county(lang)))
        .load(conn)?;
    let mut rows: Vec<Listed> = rows
        .into_iter()
        .map(|(organisation, county_name)| Listed {
            organisation,
            county_name,
        })
        .collect();
    // Sorted here: the collation of "Å", "Ä" and "Ö" differs between the engines.
    rows.sort_by_cached_key(|l| {
        (
            l.county_name.to_lowercase(),
            l.organisation.name.to_lowercase(),
        )
    });
    Ok(rows)
}

/// The organisation, if `who` maintains it; otherwise not found (its existence is not revealed).
pub fn managed(conn: &mut AnyConnection, who: &Principal, id: i64) -> AppResult<Organisation> {
    let org = super::organisation(conn, id)?;
    let place = super::county_place(conn, org.county_id)?;
    if who.manages_county(place) {
        Ok(org)
    } else {
        Err(AppError::NotFound)
    }
}

/// What the form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct FormInput {
    pub name: String,
    pub county_id: String,
    pub kind: String,
    pub staff_count: String,
    pub active: bool,
}

/// An organisation's settings, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub name: String,
    pub county_id: i64,
    pub kind: &'static str,
    pub staff_count: i32,
    pub active: bool,
}

/// Another organisation of the county with the same name (in any case), other than `except`.
fn name_taken(
    conn: &mut AnyConnection,
    county_id: i64,
    name: &str,
    except: Option<i64>,
) -> AppResult<bool> {
    let wanted = name.to_lowercase();
    let names: Vec<(i64, String)> = organisations::table
        .filter(organisations::county_id.eq(county_id))
        .select((organisations::id, organisations::name))
        .load(conn)?;
    Ok(names
        .iter()
        .any(|(id, n)| Some(*id) != except && n.to_lowercase() == wanted))
}

/// Checks the form: every field, the county inside the caller's area, and the name free in
/// that county.
fn check(
    conn: &mut AnyConnection,
    who: &Principal,
    input: &FormInput,
    except: Option<i64>,
) -> AppResult<Checked<Settings>> {
    let mut problems = Vec::new();
    let name = clean_name(&input.name).map_err(|e| problems.push(e)).ok();
    let kind = parse_kind(&input.kind);
    if kind.is_none() {
        problems.push("organisation.kind_invalid");
    }
    let staff_count = parse_staff_count(&input.staff_count)
        .map_err(|e| problems.push(e))
        .ok();
    let area = counties_in_area(conn, who)?;
    let county = input
        .county_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| area.iter().find(|c| c.id == id));
    if county.is_none() {
        problems.push("organisations.county_invalid");
    }
    if let (Some(name), Some(county)) = (&name, county) {
        if name_taken(conn, county.id, name, except)? {
            problems.push("organisation.exists");
        }
    }
    match (name, county, kind, staff_count) {
        (Some(name), Some(county), Some(kind), Some(staff_count)) if problems.is_empty() => {
            Ok(Ok(Settings {
                name,
                county_id: county.id,
                kind,
                staff_count,
                active: input.active,
            }))
        }
        _ => Ok(Err(problems)),
    }
}

/// A unique violation (two saves racing on PostgreSQL) is the user's duplicate, not a crash.
fn duplicate_is_conflict(e: diesel::result::Error) -> AppError {
    if is_unique_violation(&e) {
        AppError::Conflict("organisation.exists".into())
    } else {
        e.into()
    }
}

fn insert(conn: &mut AnyConnection, s: &Settings, now: NaiveDateTime) -> AppResult<i64> {
    diesel::insert_into(organisations::table)
        .values((
            organisations::name.eq(&s.name),
            organisations::county_id.eq(s.county_id),
            organisations::kind.eq(s.kind),
            organisations::staff_count.eq(s.staff_count),
            organisations::active.eq(s.active),
            organisations::created_at.eq(now),
            organisations::updated_at.eq(now),
        ))
        .returning(organisations::id)
        .get_result(conn)
        .map_err(duplicate_is_conflict)
}

fn subject(id: i64) -> String {
    format!("organisation:{id}")
}

/// Creates an organisation in the caller's area, or returns every problem (nothing is saved).
pub fn create(
    conn: &mut AnyConnection,
    who: &Principal,
    input: &FormInput,
    now: NaiveDateTime,
) -> AppResult<Checked<Organisation>> {
    write_tx(conn, |c| {
        let settings = match check(c, who, input, None)? {
            Ok(s) => s,
            Err(problems) => return Ok(Err(problems)),
        };
        let id = insert(c, &settings, now)?;
        let details = serde_json::json!({ "created": settings }).to_string();
        let area = audit::Area::of_county(c, settings.county_id)?;
        audit::record_in(
            c,
            area,
            Some(who.user_id),
            "organisation.create",
            &subject(id),
            &details,
            now,
        )?;
        Ok(Ok(super::organisation(c, id)?))
    })
}

/// The fields that differ, as `{"field": [old, new]}`.
fn changes(old: &Organisation, new: &Settings) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::json;
    let mut m = serde_json::Map::new();
    if old.name != new.name {
        m.insert("name".into(), json!([old.name, new.name]));
    }
    if old.county_id != new.county_id {
        m.insert("county_id".into(), json!([old.county_id, new.county_id]));
    }
    if old.kind != new.kind {
        m.insert("kind".into(), json!([old.kind, new.kind]));
    }
    if old.staff_count != new.staff_count {
        m.insert(
            "staff_count".into(),
            json!([old.staff_count, new.staff_count]),
        );
    }
    if old.active != new.active {
        m.insert("active".into(), json!([old.active, new.active]));
    }
    m
}

fn apply_update(
    conn: &mut AnyConnection,
    who: &Principal,
    old: &Organisation,
    new: &Settings,
    source: &str,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let changed = changes(old, new);
    if changed.is_empty() {
        return Ok(false);
    }
    diesel::update(organisations::table.find(old.id))
        .set((
            organisations::name.eq(&new.name),
            organisations::county_id.eq(new.county_id),
            organisations::kind.eq(new.kind),
            organisations::staff_count.eq(new.staff_count),
            organisations::active.eq(new.active),
            organisations::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(duplicate_is_conflict)?;
    let details = serde_json::json!({ "changes": changed, "source": source }).to_string();
    let area = audit::Area::of_county(conn, new.county_id)?;
    audit::record_in(
        conn,
        area,
        Some(who.user_id),
        "organisation.update",
        &subject(old.id),
        &details,
        now,
    )?;
    Ok(true)
}

/// Saves the form over an organisation the caller maintains (not found otherwise). It may move
/// to another county of the caller's area. Returns every problem instead when there are any.
pub fn update(
    conn: &mut AnyConnection,
    who: &Principal,
    id: i64,
    input: &FormInput,
    now: NaiveDateTime,
) -> AppResult<Checked<Organisation>> {
    write_tx(conn, |c| {
        let old = managed(c, who, id)?;
        let settings = match check(c, who, input, Some(id))? {
            Ok(s) => s,
            Err(problems) => return Ok(Err(problems)),
        };
        apply_update(c, who, &old, &settings, "form", now)?;
        Ok(Ok(super::organisation(c, id)?))
    })
}
