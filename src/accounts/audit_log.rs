//! Reading the audit log (`/hallinta/loki`): the entries someone may read ([`AuditReach`]),
//! filtered by action, actor, area and date, newest first, a page at a time by keyset (`id <
//! the last one shown`, never OFFSET), and the same selection as CSV for a spreadsheet.

use super::policy::AuditReach;
use crate::db::schema::{audit_log, cohorts, counties, regions, users};
use crate::db::AnyConnection;
use crate::i18n::format::from_helsinki;
use crate::spreadsheet::neutralise;
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// What the reader asked for; every part optional. Dates are Helsinki days, both inclusive.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub action: Option<String>,
    /// Part of the actor's name or e-mail address.
    pub actor: Option<String>,
    pub region_id: Option<i64>,
    pub county_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One entry as the log page and the CSV show it.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    pub subject: String,
    /// The subject in words where it names a person, cohort, region or county that exists.
    pub subject_label: Option<String>,
    pub details: String,
    pub region: Option<String>,
    pub county: Option<String>,
}

/// One page of entries; `next_before` continues after the last one shown.
#[derive(Clone, Debug, Serialize)]
pub struct Page {
    pub entries: Vec<Entry>,
    pub next_before: Option<i64>,
}

/// The most entries one CSV export carries.
pub const CSV_MAX: i64 = 50_000;

type Row = (
    i64,
    NaiveDateTime,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// Refuses an area filter outside the reader's reach (a coordinator asking for another
/// region's entries gets 403, as on the network pages). `county_region` is the region of the
/// filter's county.
pub fn check_filter(
    reach: &AuditReach,
    filter: &Filter,
    county_region: Option<i64>,
) -> AppResult<()> {
    let ok = match (filter.region_id, filter.county_id, reach) {
        (_, _, AuditReach::All) => true,
        (None, None, _) => true,
        (Some(r), None, AuditReach::Areas { regions, .. }) => regions.contains(&r),
        (_, Some(c), AuditReach::Areas { regions, counties }) => {
            counties.contains(&c) || county_region.is_some_and(|r| regions.contains(&r))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Up to `limit` entries older than `before` (all when `None`), newest first.
pub fn entries(
    conn: &mut AnyConnection,
    reach: &AuditReach,
    filter: &Filter,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<Entry>> {
    let county_region: Option<i64> = match filter.county_id {
        Some(c) => counties::table
            .find(c)
            .select(counties::region_id)
            .first(conn)
            .optional()?,
        None => None,
    };
    check_filter(reach, filter, county_region)?;
    let mut q = audit_log::table
        .left_join(users::table.on(users::id.nullable().eq(audit_log::actor_user_id)))
        .left_join(regions::table.on(regions::id.nullable().eq(audit_log::region_id)))
        .left_join(counties::table.on(counties::id.nullable().eq(audit_log::county_id)))
        .order(audit_log::id.desc())
        .limit(limit)
        .select((
            audit_log::id,
            audit_log::created_at,
            audit_log::actor_user_id,
            users::name.nullable(),
            users::email.nullable(),
            audit_log::action,
            audit_log::subject,
            audit_log::details,
            regions::name_fi.nullable(),
            counties::name_fi.nullable(),
        ))
        .into_boxed();
    if let AuditReach::Areas { regions, counties } = reach {
        q = q.filter(
            audit_log::region_id
                .eq_any(regions.clone())
                .or(audit_log::county_id.eq_any(counties.clone())),
        );
    }
    if let Some(before) = before {
        q = q.filter(audit_log::id.lt(before));
    }
    if let Some(action) = &filter.action {
        q = q.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(actor) = filter
        .actor
        .as_deref()
        .map(like_pattern)
        .filter(|p| p != "%%")
    {
        q = q.filter(
            lower(users::email.assume_not_null())
                .like(actor.clone())
                .or(lower(users::name.assume_not_null()).like(actor)),
        );
    }
    if let Some(c) = filter.county_id {
        q = q.filter(audit_log::county_id.eq(c));
    } else if let Some(r) = filter.region_id {
        q = q.filter(audit_log::region_id.eq(r));
    }
    if let Some(from) = filter.from {
        q = q.filter(audit_log::created_at.ge(day_start(from)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        q = q.filter(audit_log::created_at.lt(day_start(to)));
    }
    let rows: Vec<Row> = q.load(conn)?;
    let labels = subject_labels(conn, &rows)?;
    Ok(rows
        .into_iter()
        .map(|r| Entry {
            subject_label: labels.get(&r.6).cloned(),
            id: r.0,
            created_at: r.1,
            actor_id: r.2,
            actor_name: r.3,
            actor_email: r.4,
            action: r.5,
            subject: r.6,
            details: r.7,
            region: r.8,
            county: r.9,
        })
        .collect())
}

/// One page of `size` entries, and where the next one starts.
pub fn page(
    conn: &mut AnyConnection,
    reach: &AuditReach,
    filter: &Filter,
    before: Option<i64>,
    size: i64,
) -> AppResult<Page> {
    let mut entries = entries(conn, reach, filter, before, size + 1)?;
    let more = entries.len() as i64 > size;
    entries.truncate(size as usize);
    let next_before = if more {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(Page {
        entries,
        next_before,
    })
}

/// The actions recorded within the reader's reach, for the filter's choices.
pub fn actions(conn: &mut AnyConnection, reach: &AuditReach) -> AppResult<Vec<String>> {
    let mut q = audit_log::table
        .select(audit_log::action)
        .distinct()
        .order(audit_log::action)
        .into_boxed();
    if let AuditReach::Areas { regions, counties } = reach {
        q = q.filter(
            audit_log::region_id
                .eq_any(regions.clone())
                .or(audit_log::county_id.eq_any(counties.clone())),
        );
    }
    Ok(q.load(conn)?)
}

/// The start of a Helsinki day in UTC.
fn day_start(d: NaiveDate) -> NaiveDateTime {
    from_helsinki(d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// `%words%` in lower case; `%` and `\` are dropped (ESCAPE differs between the engines).
fn like_pattern(text: &str) -> String {
    let words: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| *c != '%' && *c != '\\')
        .take(100)
        .collect();
    format!("%{words}%")
}

/// `user:7`, `county:3`, `Region(2)` … → what they name, for the subjects on the page.
fn subject_labels(conn: &mut AnyConnection, rows: &[Row]) -> AppResult<HashMap<String, String>> {
    let mut ids: HashMap<&str, Vec<i64>> = HashMap::new();
    for r in rows {
        if let Some((kind, id)) = parse_subject(&r.6) {
            ids.entry(kind).or_default().push(id);
        }
    }
    let mut out = HashMap::new();
    if let Some(v) = ids.get("user") {
        let found: Vec<(i64, String, String)> = users::table
            .filter(users::id.eq_any(v))
            .select((users::id, users::name, users::email))
            .load(conn)?;
        for (id, name, email) in found {
            out.insert(format!("user:{id}"), format!("{name} <{email}>"));
        }
    }
    if let Some(v) = ids.get("county") {
        let found: Vec<(i64, String)> = counties::table
            .filter(counties::id.eq_any(v))
            .select((counties::id, counties::name_fi))
            .load(conn)?;
        for (id, name) in found {
            out.insert(format!("county:{id}"), name.clone());
            out.insert(format!("County({id})"), name);
        }
    }
    if let Some(v) = ids.get("region") {
        let found: Vec<(i64, String)> = regions::table
            .filter(regions::id.eq_any(v))
            .select((regions::id, regions::name_fi))
            .load(conn)?;
        for (id, name) in found {
            out.insert(format!("region:{id}"), name.clone());
            out.insert(format!("Region({id})"), name);
        }
    }
    if let Some(v) = ids.get("cohort") {
        let found: Vec<(i64, String)> = cohorts::table
            .filter(cohorts::id.eq_any(v))
            .select((cohorts::id, cohorts::name))
            .load(conn)?;
        for (id, name) in found {
            out.insert(format!("cohort:{id}"), name);
        }
    }
    Ok(out)
}

fn parse_subject(s: &str) -> Option<(&'static str, i64)> {
    let (kind, id) = if let Some(rest) = s.strip_prefix("Region(") {
        ("region", rest.strip_suffix(')')?)
    } else if let Some(rest) = s.strip_prefix("County(") {
        ("county", rest.strip_suffix(')')?)
    } else {
        let (k, id) = s.split_once(':')?;
        let kind = match k {
            "user" => "user",
            "county" => "county",
            "region" => "region",
            "cohort" => "cohort",
            _ => return None,
        };
        (kind, id)
    };
    Some((kind, id.parse().ok()?))
}

/// The entries as CSV for Finnish Excel (UTF-8 with a byte-order mark, `;`), every text cell
/// neutralised against formulas. `action_label` gives an action in words, `time` a time.
pub fn csv(
    entries: &[Entry],
    headers: [&str; 8],
    action_label: impl Fn(&str) -> String,
    time: impl Fn(NaiveDateTime) -> String,
) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        w.write_record(headers)?;
        for e in entries {
            let actor = match (&e.actor_name, &e.actor_email, e.actor_id) {
                (Some(n), Some(m), _) => format!("{n} <{m}>"),
                (_, _, Some(id)) => format!("user:{id}"),
                _ => String::new(),
            };
            w.write_record([
                time(e.created_at),
                neutralise(&actor),
                neutralise(&action_label(&e.action)),
                e.action.clone(),
                neutralise(e.subject_label.as_deref().unwrap_or(&e.subject)),
                neutralise(&e.details),
                neutralise(e.region.as_deref().unwrap_or("")),
                neutralise(e.county.as_deref().unwrap_or("")),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_parsed_only_when_they_name_something_known() {
        assert_eq!(parse_subject("user:7"), Some(("user", 7)));
        assert_eq!(parse_subject("Region(2)"), Some(("region", 2)));
        assert_eq!(parse_subject("County(13)"), Some(("county", 13)));
        assert_eq!(parse_subject("organisations"), None);
        assert_eq!(parse_subject("user:x"), None);
        assert_eq!(parse_subject("post:4"), None);
    }

    #[test]
    fn an_area_outside_the_reach_is_refused() {
        let reach = AuditReach::Areas {
            regions: vec![1],
            counties: vec![9],
        };
        let f = |region_id, county_id| Filter {
            region_id,
            county_id,
            ..Default::default()
        };
        assert!(check_filter(&reach, &f(None, None), None).is_ok());
        assert!(check_filter(&reach, &f(Some(1), None), None).is_ok());
        assert!(check_filter(&reach, &f(None, Some(9)), Some(5)).is_ok());
        // A county of the coordinator's region.
        assert!(check_filter(&reach, &f(None, Some(4)), Some(1)).is_ok());
        assert!(check_filter(&reach, &f(Some(2), None), None).is_err());
        assert!(check_filter(&reach, &f(None, Some(3)), Some(2)).is_err());
        assert!(check_filter(&AuditReach::All, &f(Some(2), Some(3)), Some(2)).is_ok());
    }
}
