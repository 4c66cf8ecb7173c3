//! Maintaining the organisations of an area: admins everywhere, a regional coordinator in the
//! counties of their region, a county coordinator in their county. Creating, editing (moving
//! to another county only inside the caller's area) and a CSV import with a preview of every
//! row's problems, applied all or nothing. Every change is audit-logged.
//!
//! Names are compared case-insensitively (Unicode, in Rust — SQLite's `lower()` knows only
//! ASCII), so "Äänekosken kaupunki" and "ÄÄNEKOSKEN KAUPUNKI" are one organisation of a county.

use super::{County, Organisation, ORGANISATION_KINDS};
use crate::accounts::audit;
use crate::accounts::policy::{CountyPlace, Principal};
use crate::db::schema::{counties, organisations};
use crate::db::{is_unique_violation, write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The longest organisation name, in characters.
pub const NAME_MAX: usize = 200;
/// The largest staff count accepted (the largest Finnish employers have some 40,000).
pub const STAFF_MAX: i64 = 1_000_000;
/// The most rows one import may have.
pub const MAX_ROWS: usize = 2000;

/// Problems found in the input: message keys, shown to the user in their language.
pub type Problems = Vec<&'static str>;

/// The result of a check: the value, or every problem found.
pub type Checked<T> = Result<T, Problems>;

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

/// A trimmed name, or the problem with it: empty, too long, or holding control characters
/// (NUL, line breaks, tabs) or invisible direction and formatting marks (RTL overrides).
pub fn clean_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err("organisation.name_invalid");
    }
    let forbidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
    };
    if name.chars().any(forbidden) {
        return Err("organisations.name_characters");
    }
    Ok(name.to_string())
}

/// A kind by its code or its Finnish (or Swedish or English) word, in any case.
pub fn parse_kind(input: &str) -> Option<&'static str> {
    let kind = match input.trim().to_lowercase().as_str() {
        "public" | "julkinen" | "offentlig" => "public",
        "private" | "yksityinen" | "privat" => "private",
        "education" | "oppilaitos" | "läroanstalt" | "utbildning" => "education",
        "other" | "muu" | "annan" | "övrig" => "other",
        _ => return None,
    };
    debug_assert!(ORGANISATION_KINDS.contains(&kind));
    Some(kind)
}

/// A staff count: a whole number 0 ..= [`STAFF_MAX`]; spaces between thousands are allowed
/// ("1 200", also with a no-break space).
pub fn parse_staff_count(input: &str) -> Result<i32, &'static str> {
    let s: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if s.is_empty() {
        return Err("organisations.staff_required");
    }
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("organisations.staff_range");
    }
    if negative && digits.bytes().any(|b| b != b'0') {
        return Err("organisation.staff_invalid");
    }
    // Leading zeros aside, more than seven digits is over the limit (and may overflow).
    let significant = digits.trim_start_matches('0');
    if significant.len() > 7 {
        return Err("organisations.staff_range");
    }
    let n: i64 = if significant.is_empty() {
        0
    } else {
        significant
            .parse()
            .map_err(|_| "organisations.staff_range")?
    };
    if n > STAFF_MAX {
        return Err("organisations.staff_range");
    }
    i32::try_from(n).map_err(|_| "organisations.staff_range")
}

/// A county by its code, Finnish or Swedish name, in any case.
pub fn find_county<'a>(all: &'a [County], input: &str) -> Option<&'a County> {
    let wanted = input.trim().to_lowercase();
    if wanted.is_empty() {
        return None;
    }
    all.iter().find(|c| {
        c.code == wanted || c.name_fi.to_lowercase() == wanted || c.name_sv.to_lowercase() == wanted
    })
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

// ---------------------------------------------------------------------------------------------
// CSV import

/// What the import will do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Unchanged,
    /// The row has problems.
    None,
}

/// The organisation a row updates, as it is now.
#[derive(Debug, Clone, Serialize)]
pub struct Current {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub staff_count: i32,
}

/// One row of the file, as written and as understood.
#[derive(Debug, Clone, Serialize)]
pub struct ImportRow {
    /// The record's number in the file (1-based; the header is record 1 when present).
    pub line: usize,
    pub name: String,
    pub county: String,
    pub kind: String,
    pub staff_count: String,
    /// The county's Finnish name, when it was recognised.
    pub county_name: Option<String>,
    /// Its Swedish name, for a Swedish page.
    pub county_name_sv: Option<String>,
    pub kind_code: Option<&'static str>,
    /// The staff count, when it was readable.
    pub staff_value: Option<i32>,
    pub current: Option<Current>,
    pub action: RowAction,
    /// Message keys; empty when the row is fine.
    pub errors: Problems,
    #[serde(skip)]
    settings: Option<Settings>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportPreview {
    pub rows: Vec<ImportRow>,
    /// File-level problems (empty file, too many rows).
    pub errors: Problems,
    pub ok: bool,
    pub creates: usize,
    pub updates: usize,
    pub unchanged: usize,
}

const HEADER_WORDS: [&str; 16] = [
    "name",
    "nimi",
    "namn",
    "organisaatio",
    "organisation",
    "county",
    "hyvinvointialue",
    "välfärdsområde",
    "kind",
    "tyyppi",
    "laji",
    "typ",
    "staff_count",
    "staff",
    "henkilöstö",
    "henkilöstömäärä",
];

fn looks_like_header(cells: &[String]) -> bool {
    cells
        .iter()
        .filter(|c| HEADER_WORDS.contains(&c.to_lowercase().as_str()))
        .count()
        >= 2
}

/// Reads the file — `name;county;kind;staff_count`, `;` or `,` separated (Finnish Excel writes
/// `;`), an optional header row, a byte-order mark allowed — and says what each row would do.
/// Nothing is saved.
pub fn preview(conn: &mut AnyConnection, who: &Principal, text: &str) -> AppResult<ImportPreview> {
    let mut reader = crate::spreadsheet::reader(text);

    let all_counties = super::counties(conn)?;
    let area: HashSet<i64> = all_counties
        .iter()
        .filter(|c| who.manages_county(place(c)))
        .map(|c| c.id)
        .collect();
    // The organisations of the area by (county, lower-cased name).
    let existing: HashMap<(i64, String), Organisation> = if area.is_empty() {
        HashMap::new()
    } else {
        organisations::table
            .filter(organisations::county_id.eq_any(area.iter().copied().collect::<Vec<_>>()))
            .select(Organisation::as_select())
            .load(conn)?
            .into_iter()
            .map(|o| ((o.county_id, o.name.to_lowercase()), o))
            .collect()
    };

    let mut rows: Vec<ImportRow> = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashSet<(i64, String)> = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let cells: Vec<String> = match record {
            Ok(r) => r.iter().map(|c| c.trim().to_string()).collect(),
            Err(_) => Vec::new(),
        };
        if !cells.is_empty() && cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if line == 1 && looks_like_header(&cells) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            errors.push("organisations.import_too_many_rows");
            break;
        }
        let get = |n: usize| cells.get(n).cloned().unwrap_or_default();
        let mut row = ImportRow {
            line,
            name: get(0),
            county: get(1),
            kind: get(2),
            staff_count: get(3),
            county_name: None,
            county_name_sv: None,
            kind_code: None,
            staff_value: None,
            current: None,
            action: RowAction::None,
            errors: Vec::new(),
            settings: None,
        };
        if cells.is_empty() {
            row.errors.push("organisations.import_row_unreadable");
            rows.push(row);
            continue;
        }
        if cells.len() != 4 {
            row.errors.push("organisations.import_four_columns");
        }
        let name = clean_name(&row.name).map_err(|e| row.errors.push(e)).ok();
        let county = find_county(&all_counties, &row.county);
        match county {
            None => row.errors.push("organisations.import_county_unknown"),
            Some(c) => {
                row.county_name = Some(c.name_fi.clone());
                row.county_name_sv = Some(c.name_sv.clone());
                if !area.contains(&c.id) {
                    row.errors.push("organisations.import_county_outside");
                }
            }
        }
        row.kind_code = parse_kind(&row.kind);
        if row.kind_code.is_none() {
            row.errors.push("organisations.import_kind_unknown");
        }
        let staff = parse_staff_count(&row.staff_count)
            .map_err(|e| row.errors.push(e))
            .ok();
        row.staff_value = staff;
        if let (Some(name), Some(county)) = (&name, county) {
            let key = (county.id, name.to_lowercase());
            if !seen.insert(key.clone()) {
                row.errors.push("organisations.import_duplicate_row");
            }
            if area.contains(&county.id) {
                row.current = existing.get(&key).map(|o| Current {
                    id: o.id,
                    name: o.name.clone(),
                    kind: o.kind.clone(),
                    staff_count: o.staff_count,
                });
            }
        }
        if let (Some(name), Some(county), Some(kind), Some(staff_count), true) =
            (name, county, row.kind_code, staff, row.errors.is_empty())
        {
            let key = (county.id, name.to_lowercase());
            row.action = match existing.get(&key) {
                Some(o) if o.kind == kind && o.staff_count == staff_count => RowAction::Unchanged,
                Some(_) => RowAction::Update,
                None => RowAction::Create,
            };
            row.settings = Some(match existing.get(&key) {
                // An update keeps the name as stored, the county and the active flag; it sets
                // the kind and staff count.
                Some(o) => Settings {
                    name: o.name.clone(),
                    county_id: o.county_id,
                    kind,
                    staff_count,
                    active: o.active,
                },
                None => Settings {
                    name,
                    county_id: county.id,
                    kind,
                    staff_count,
                    active: true,
                },
            });
        }
        rows.push(row);
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push("organisations.import_empty");
    }
    let ok = errors.is_empty() && rows.iter().all(|r| r.errors.is_empty());
    let count = |a: RowAction| rows.iter().filter(|r| r.action == a).count();
    Ok(ImportPreview {
        creates: count(RowAction::Create),
        updates: count(RowAction::Update),
        unchanged: count(RowAction::Unchanged),
        ok,
        errors,
        rows,
    })
}

/// Imports a file that previews without a problem, in one transaction: every new organisation
/// created and every changed one updated, each audit-logged — or nothing at all
/// (`organisations.import_fix_first`).
pub fn import_all(
    conn: &mut AnyConnection,
    who: &Principal,
    text: &str,
    now: NaiveDateTime,
) -> AppResult<ImportPreview> {
    write_tx(conn, |c| {
        let preview = preview(c, who, text)?;
        if !preview.ok {
            return Err(AppError::invalid("organisations.import_fix_first"));
        }
        for row in &preview.rows {
            let Some(settings) = &row.settings else {
                continue;
            };
            match (&row.action, &row.current) {
                (RowAction::Create, _) => {
                    let id = insert(c, settings, now)?;
                    let details =
                        serde_json::json!({ "created": settings, "source": "import" }).to_string();
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
                }
                (RowAction::Update, Some(current)) => {
                    let old = super::organisation(c, current.id)?;
                    apply_update(c, who, &old, settings, "import", now)?;
                }
                _ => {}
            }
        }
        let summary = serde_json::json!({
            "created": preview.creates,
            "updated": preview.updates,
            "unchanged": preview.unchanged,
        })
        .to_string();
        let area = audit::Area::of_coordinator(c, who)?;
        audit::record_in(
            c,
            area,
            Some(who.user_id),
            "organisation.import",
            "organisations",
            &summary,
            now,
        )?;
        Ok(preview)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_counts_are_whole_numbers_within_bounds() {
        assert_eq!(parse_staff_count("120"), Ok(120));
        assert_eq!(parse_staff_count(" 1 200 "), Ok(1200));
        assert_eq!(parse_staff_count("1\u{a0}200"), Ok(1200));
        assert_eq!(parse_staff_count("0"), Ok(0));
        assert_eq!(parse_staff_count("-0"), Ok(0));
        assert_eq!(parse_staff_count("0001000000"), Ok(1_000_000));
        assert_eq!(parse_staff_count(""), Err("organisations.staff_required"));
        assert_eq!(parse_staff_count("-5"), Err("organisation.staff_invalid"));
        assert_eq!(
            parse_staff_count("1000001"),
            Err("organisations.staff_range")
        );
        assert_eq!(
            parse_staff_count("99999999999999999999999"),
            Err("organisations.staff_range")
        );
        assert_eq!(parse_staff_count("12.5"), Err("organisations.staff_range"));
        assert_eq!(parse_staff_count("abc"), Err("organisations.staff_range"));
        assert_eq!(parse_staff_count("-"), Err("organisations.staff_range"));
        assert_eq!(parse_staff_count("1e3"), Err("organisations.staff_range"));
    }

    #[test]
    fn kinds_are_read_in_finnish_or_as_codes() {
        assert_eq!(parse_kind("julkinen"), Some("public"));
        assert_eq!(parse_kind(" Yksityinen "), Some("private"));
        assert_eq!(parse_kind("OPPILAITOS"), Some("education"));
        assert_eq!(parse_kind("muu"), Some("other"));
        assert_eq!(parse_kind("public"), Some("public"));
        assert_eq!(parse_kind("education"), Some("education"));
        assert_eq!(parse_kind("säätiö"), None);
        assert_eq!(parse_kind(""), None);
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(
            clean_name("  Äänekoski Åbo  ").as_deref(),
            Ok("Äänekoski Åbo")
        );
        assert_eq!(clean_name("   "), Err("organisation.name_invalid"));
        assert_eq!(
            clean_name(&"x".repeat(201)),
            Err("organisation.name_invalid")
        );
        assert!(clean_name(&"ä".repeat(200)).is_ok());
        assert_eq!(clean_name("a\0b"), Err("organisations.name_characters"));
        assert_eq!(clean_name("a\nb"), Err("organisations.name_characters"));
        assert_eq!(
            clean_name("abc\u{202e}fdp.exe"),
            Err("organisations.name_characters")
        );
    }

    #[test]
    fn a_header_needs_two_header_words() {
        let cells = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(looks_like_header(&cells(&[
            "nimi",
            "hyvinvointialue",
            "tyyppi",
            "henkilöstö"
        ])));
        assert!(looks_like_header(&cells(&[
            "name",
            "county",
            "kind",
            "staff_count"
        ])));
        assert!(!looks_like_header(&cells(&[
            "Nimi Oy",
            "Pirkanmaan hyvinvointialue",
            "yksityinen",
            "12"
        ])));
    }
}
