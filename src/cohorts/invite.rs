//! Bulk invitation: a coordinator uploads a CSV (name, e-mail, organisation), sees a preview
//! with the problems of each row, and then invites everyone at once — all or nothing.

use super::applications::admission::admit;
use super::applications::form::organisation_choices;
use super::cohort::Cohort;
use super::enrolments::seats_taken;
use crate::accounts;
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use serde::Serialize;

/// The most rows one upload may have.
pub const MAX_ROWS: usize = 1000;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InviteRow {
    /// The line in the file (1-based).
    pub line: usize,
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub organisation_id: Option<i64>,
    /// Message keys; empty when the row is fine.
    pub errors: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub rows: Vec<InviteRow>,
    /// File-level problems (empty file, too many rows, no seats).
    pub errors: Vec<&'static str>,
    pub ok: bool,
}

fn looks_like_header(cells: &[String]) -> bool {
    cells.iter().any(|c| {
        let c = c.to_lowercase();
        c.contains("mail") || c.contains("sähköposti") || c == "nimi" || c == "name" || c == "namn"
    })
}

/// Reads the file: `;` or `,` separated (Finnish Excel writes `;`), an optional header row, a
/// byte-order mark allowed.
pub fn preview(conn: &mut AnyConnection, cohort: &Cohort, text: &str) -> AppResult<Preview> {
    let mut reader = crate::spreadsheet::reader(text);
    // Matched by organisation name; the county's name is not shown.
    let choices = organisation_choices(conn, cohort, crate::i18n::Lang::Fi)?;
    let mut rows: Vec<InviteRow> = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let cells: Vec<String> = match record {
            Ok(r) => r.iter().map(|c| c.trim().to_string()).collect(),
            Err(_) => {
                rows.push(InviteRow {
                    line,
                    name: String::new(),
                    email: String::new(),
                    organisation: String::new(),
                    organisation_id: None,
                    errors: vec!["invite.row_unreadable"],
                });
                continue;
            }
        };
        if cells.iter().all(|c| c.is_empty()) || (line == 1 && looks_like_header(&cells)) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            errors.push("invite.too_many_rows");
            break;
        }
        let get = |n: usize| cells.get(n).cloned().unwrap_or_default();
        let mut row = InviteRow {
            line,
            name: get(0),
            email: get(1),
            organisation: get(2),
            organisation_id: None,
            errors: Vec::new(),
        };
        if cells.len() != 3 {
            row.errors.push("invite.three_columns");
        }
        if accounts::clean_name(&row.name).is_err() {
            row.errors.push("form.name_invalid");
        }
        match accounts::normalize_email(&row.email) {
            Ok(e) => {
                if rows.iter().any(|r| r.email.eq_ignore_ascii_case(&e)) {
                    row.errors.push("invite.duplicate_email");
                }
                row.email = e;
            }
            Err(_) => row.errors.push("form.email_invalid"),
        }
        let wanted = row.organisation.to_lowercase();
        row.organisation_id = choices
            .iter()
            .find(|o| o.1.to_lowercase() == wanted)
            .map(|o| o.0);
        if row.organisation_id.is_none() {
            row.errors.push("invite.organisation_unknown");
        }
        rows.push(row);
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push("invite.empty");
    }
    if let Some(cap) = cohort.capacity {
        if seats_taken(conn, cohort.id)? + rows.len() as i64 > i64::from(cap) {
            errors.push("invite.over_capacity");
        }
    }
    let ok = errors.is_empty() && rows.iter().all(|r| r.errors.is_empty());
    Ok(Preview { rows, errors, ok })
}

/// Invites every row of a file that previews without a problem, in one transaction: accounts,
/// enrolments and invitation messages, or nothing at all.
pub fn invite_all(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    cohort: &Cohort,
    text: &str,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<usize> {
    if cohort.cancelled_at.is_some() || cohort.archived_at.is_some() {
        return Err(AppError::Conflict("cohort.closed".into()));
    }
    write_tx(conn, |c| {
        let preview = preview(c, cohort, text)?;
        if !preview.ok {
            return Err(AppError::invalid("invite.fix_errors_first"));
        }
        for row in &preview.rows {
            admit(
                c,
                msg,
                cohort,
                &row.email,
                &row.name,
                Lang::Fi,
                row.organisation_id,
                actor,
                now,
            )?;
        }
        // An import of people into a cohort: accountable like the organisation import.
        accounts::audit::record_in(
            c,
            cohort
                .region_id
                .map_or(accounts::audit::Area::NONE, accounts::audit::Area::region),
            actor,
            "cohort.invite.import",
            &format!("cohort:{}", cohort.id),
            &format!("{} invited", preview.rows.len()),
            now,
        )?;
        Ok(preview.rows.len())
    })
}
