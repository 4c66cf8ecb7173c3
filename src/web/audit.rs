//! The audit log at `/hallinta/loki`: admins read every entry, coordinators those of their own
//! area (`Principal::audit_reach`); filters by action, actor, area and date; newest first, a
//! page at a time by keyset; the same selection as CSV (the export is itself audit-logged).

use super::ctx::Auth;
use crate::accounts::audit::{self, Area};
use crate::accounts::audit_log::{self, Filter};
use crate::accounts::policy::AuditReach;
use crate::db::schema::{counties, regions};
use crate::i18n::format;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/hallinta/loki", page);
    t.get("/hallinta/loki.csv", export_csv);
}

/// Entries on one page.
const PAGE_SIZE: i64 = 50;

/// The filter as the form sends it (and the page's links repeat it).
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct LogQuery {
    #[serde(default)]
    pub toiminto: String,
    #[serde(default)]
    pub tekija: String,
    /// `alue-<region id>` or `maakunta-<county id>`.
    #[serde(default)]
    pub paikka: String,
    #[serde(default)]
    pub alkaen: String,
    #[serde(default)]
    pub asti: String,
    /// Continue with entries older than this id.
    #[serde(default)]
    pub ennen: Option<i64>,
}

impl LogQuery {
    /// The filter, or the fields whose input is not understood (field, message key).
    fn filter(&self) -> Result<Filter, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let date = |s: &str, field: &'static str, errors: &mut Vec<_>| {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            if d.is_none() {
                errors.push((field, "audit.date_invalid"));
            }
            d
        };
        let from = date(&self.alkaen, "alkaen", &mut errors);
        let to = date(&self.asti, "asti", &mut errors);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                errors.push(("asti", "audit.range_invalid"));
            }
        }
        let (region_id, county_id) = match self.paikka.trim() {
            "" => (None, None),
            p => match p.split_once('-').map(|(k, id)| (k, id.parse::<i64>())) {
                Some(("alue", Ok(id))) => (Some(id), None),
                Some(("maakunta", Ok(id))) => (None, Some(id)),
                _ => {
                    errors.push(("paikka", "audit.area_invalid"));
                    (None, None)
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        // Control characters (a NUL above all, which PostgreSQL refuses) match nothing anyway.
        let text = |s: &str| {
            Some(
                s.chars()
                    .filter(|c| !c.is_control())
                    .take(100)
                    .collect::<String>()
                    .trim()
                    .to_string(),
            )
            .filter(|s| !s.is_empty())
        };
        Ok(Filter {
            action: text(&self.toiminto),
            actor: text(&self.tekija),
            region_id,
            county_id,
            from,
            to,
        })
    }

    /// The filter as a query string, for the next page and the CSV link.
    fn query_string(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("toiminto", self.toiminto.as_str()),
                ("tekija", self.tekija.as_str()),
                ("paikka", self.paikka.as_str()),
                ("alkaen", self.alkaen.as_str()),
                ("asti", self.asti.as_str()),
            ])
            .finish()
    }
}

fn reach(auth: &Auth) -> AppResult<AuditReach> {
    auth.principal().audit_reach().ok_or(AppError::Forbidden)
}

/// The areas the reader may filter by: `(value, name, is_county)`.
fn area_choices(
    conn: &mut crate::db::AnyConnection,
    reach: &AuditReach,
    lang: crate::i18n::Lang,
) -> AppResult<Vec<(String, String, bool)>> {
    let mut out = Vec::new();
    let rs: Vec<(i64, String)> = regions::table
        .order(regions::position)
        .select((regions::id, crate::network::names::region(lang)))
        .load(conn)?;
    let cs: Vec<(i64, i64, String)> = counties::table
        .order(crate::network::names::county(lang))
        .select((
            counties::id,
            counties::region_id,
            crate::network::names::county(lang),
        ))
        .load(conn)?;
    for (id, name) in rs {
        if reach.covers(Some(id), None) {
            out.push((format!("alue-{id}"), name, false));
        }
    }
    for (id, region, name) in cs {
        if reach.covers(Some(region), Some(id)) {
            out.push((format!("maakunta-{id}"), name, true));
        }
    }
    Ok(out)
}

/// An action in words in the page's language; an action without words shows as recorded.
fn action_label(auth: &Auth, action: &str) -> String {
    let key = format!("audit_action.{action}");
    let text = auth.0.t(&key);
    if text == key {
        action.to_string()
    } else {
        text
    }
}

pub async fn page(auth: Auth, q: web::Query<LogQuery>) -> AppResult<HttpResponse> {
    let reach = reach(&auth)?;
    let q = q.into_inner();
    let parsed = q.filter();
    let (filter, errors) = match &parsed {
        Ok(f) => (f.clone(), Vec::new()),
        Err(e) => (Filter::default(), e.clone()),
    };
    let before = q.ennen;
    let r2 = reach.clone();
    let lang = auth.0.lang;
    let (page, actions, areas) = auth
        .0
        .state
        .db(move |conn| {
            let page = audit_log::page(conn, &r2, &filter, before, PAGE_SIZE)?;
            Ok((
                page,
                audit_log::actions(conn, &r2)?,
                area_choices(conn, &r2, lang)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert(
        "actions",
        &actions
            .iter()
            .map(|a| (a.clone(), action_label(&auth, a)))
            .collect::<Vec<_>>(),
    );
    c.insert(
        "entries",
        &page
            .entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "entry": e,
                    "action_label": action_label(&auth, &e.action),
                })
            })
            .collect::<Vec<_>>(),
    );
    c.insert("next_before", &page.next_before);
    c.insert("areas", &areas);
    c.insert("form", &q);
    c.insert("query", &q.query_string());
    c.insert("paged", &before.is_some());
    c.insert("all_areas", &matches!(reach, AuditReach::All));
    c.insert(
        "errors",
        &errors.iter().map(|(_, k)| *k).collect::<Vec<_>>(),
    );
    c.insert(
        "field_errors",
        &errors
            .iter()
            .map(|(f, k)| (f.to_string(), k.to_string()))
            .collect::<std::collections::HashMap<_, _>>(),
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    auth.0.render_status(status, "admin/audit.html", c)
}

/// The filtered entries as CSV (at most [`audit_log::CSV_MAX`]); the export is audit-logged
/// in the reader's area.
pub async fn export_csv(auth: Auth, q: web::Query<LogQuery>) -> AppResult<HttpResponse> {
    let reach = reach(&auth)?;
    let q = q.into_inner();
    let filter = q
        .filter()
        .map_err(|e| AppError::invalid(e.first().map_or("audit.date_invalid", |x| x.1)))?;
    let who = auth.principal().clone();
    let now = auth.0.now();
    let entries = auth
        .0
        .state
        .db(move |conn| {
            let entries = audit_log::entries(conn, &reach, &filter, None, audit_log::CSV_MAX)?;
            let area = match (filter.county_id, filter.region_id) {
                (Some(c), _) => Area::of_county(conn, c)?,
                (None, Some(r)) => Area::region(r),
                _ => Area::of_coordinator(conn, &who)?,
            };
            audit::record_in(
                conn,
                area,
                Some(who.user_id),
                "audit.export.csv",
                "audit_log",
                &format!("{} rows", entries.len()),
                now,
            )?;
            Ok(entries)
        })
        .await?;
    let headers = [
        auth.0.t("audit.time"),
        auth.0.t("audit.actor"),
        auth.0.t("audit.action"),
        auth.0.t("audit.action_code"),
        auth.0.t("audit.subject"),
        auth.0.t("audit.details"),
        auth.0.t("audit.region"),
        auth.0.t("audit.county"),
    ];
    let bytes = audit_log::csv(
        &entries,
        headers.each_ref().map(String::as_str),
        |a| action_label(&auth, a),
        format::rfc3339,
    )?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"kirjaamo-loki.csv\"",
        ))
        .body(bytes))
}
