//! The CSV import of organisations: a preview of what every row would do, with its problems,
//! then the whole file applied in one transaction, or nothing.

use super::fields::{clean_name, find_county, parse_kind, parse_staff_count, Problems};
use super::{apply_update, insert, place, subject, Settings};
use crate::accounts::audit;
use crate::accounts::policy::Principal;
use crate::db::schema::organisations;
use crate::db::{write_tx, AnyConnection};
use crate::network::{County, Organisation};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The most rows one import may have.
pub const MAX_ROWS: usize = 2000;

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

    let all_counties = crate::network::counties(conn)?;
    let area: HashSet<i64> = all_counties
        .iter()
        .filter(|c| who.manages_county(place(c)))
        .map(|c| c.id)
        .collect();
    let existing = existing_in(conn, &area)?;

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
        rows.push(read_row(
            line,
            &cells,
            &all_counties,
            &area,
            &existing,
            &mut seen,
        ));
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

/// The organisations of the area by (county, lower-cased name).
fn existing_in(
    conn: &mut AnyConnection,
    area: &HashSet<i64>,
) -> AppResult<HashMap<(i64, String), Organisation>> {
    Ok(if area.is_empty() {
        HashMap::new()
    } else {
        organisations::table
            .filter(organisations::county_id.eq_any(area.iter().copied().collect::<Vec<_>>()))
            .select(Organisation::as_select())
            .load(conn)?
            .into_iter()
            .map(|o| ((o.county_id, o.name.to_lowercase()), o))
            .collect()
    })
}

impl ImportRow {
    /// A record as written, nothing understood yet.
    fn as_written(line: usize, cells: &[String]) -> ImportRow {
        let get = |n: usize| cells.get(n).cloned().unwrap_or_default();
        ImportRow {
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
        }
    }
}

/// One record understood: its problems, the organisation it names (if it is in the area) and,
/// when it has no problem, what it would do. `seen` holds the rows before it, for duplicates.
fn read_row(
    line: usize,
    cells: &[String],
    all_counties: &[County],
    area: &HashSet<i64>,
    existing: &HashMap<(i64, String), Organisation>,
    seen: &mut HashSet<(i64, String)>,
) -> ImportRow {
    let mut row = ImportRow::as_written(line, cells);
    if cells.is_empty() {
        row.errors.push("organisations.import_row_unreadable");
        return row;
    }
    if cells.len() != 4 {
        row.errors.push("organisations.import_four_columns");
    }
    let name = clean_name(&row.name).map_err(|e| row.errors.push(e)).ok();
    let county = find_county(all_counties, &row.county);
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
        let (action, settings) = plan(existing.get(&key), name, county.id, kind, staff_count);
        row.action = action;
        row.settings = Some(settings);
    }
    row
}

/// What a row without problems does to `existing`, the organisation of the same name in its
/// county (if any).
fn plan(
    existing: Option<&Organisation>,
    name: String,
    county_id: i64,
    kind: &'static str,
    staff_count: i32,
) -> (RowAction, Settings) {
    let action = match existing {
        Some(o) if o.kind == kind && o.staff_count == staff_count => RowAction::Unchanged,
        Some(_) => RowAction::Update,
        None => RowAction::Create,
    };
    let settings = match existing {
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
            county_id,
            kind,
            staff_count,
            active: true,
        },
    };
    (action, settings)
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
                    let old = crate::network::organisation(c, current.id)?;
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
