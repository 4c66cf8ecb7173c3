//! Certificates, the expert's own page (memberships, certificates, trainings held), and the
//! coordinators' network view: registry, trainings over time, reach, blind spots and charts
//! drawn on the server as accessible SVG with the figures beside them, and the CSV export.

use super::ctx::{see_other, Auth, Ctx};
use crate::accounts::audit;
use crate::learning::completion;
use crate::network::registry::{self, Quarter, Scope};
use crate::network::trainings::{self, NewTraining};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;

pub fn register(t: &mut super::routes::RouteTable) {
    t.get("/todistus/{code}", certificate);
    t.get("/asiantuntija", expert);
    t.post("/asiantuntija/koulutukset", log_training);
    t.get("/verkosto", network);
    t.get("/verkosto/rekisteri.csv", export_csv);
}

/// Public verification: only what the certificate itself shows.
pub async fn certificate(ctx: Ctx, code: web::Path<String>) -> AppResult<HttpResponse> {
    let code = code.into_inner();
    let cert = ctx
        .state
        .db(move |conn| completion::certificate(conn, &code))
        .await?;
    let mut c = tera::Context::new();
    c.insert("certificate", &cert);
    c.insert(
        "url",
        &format!("{}/todistus/{}", ctx.state.config.base_url, cert.code),
    );
    ctx.render("network/certificate.html", c)
}

async fn expert_page(
    auth: &Auth,
    status: StatusCode,
    form: &TrainingForm,
    errors: &[&str],
) -> AppResult<HttpResponse> {
    let uid = auth.principal().user_id;
    let (memberships, certificates, held, organisations) = auth
        .0
        .state
        .db(move |conn| {
            use crate::db::schema::{counties, memberships, regions};
            use diesel::prelude::*;
            let ms: Vec<(
                String,
                Option<String>,
                chrono::NaiveDateTime,
                chrono::NaiveDateTime,
                String,
            )> = memberships::table
                .inner_join(regions::table)
                .left_join(counties::table)
                .filter(memberships::user_id.eq(uid))
                .select((
                    regions::name_fi,
                    counties::name_fi.nullable(),
                    memberships::joined_at,
                    memberships::refreshed_at,
                    memberships::status,
                ))
                .load(conn)?;
            Ok((
                ms,
                completion::certificates_of(conn, uid)?,
                trainings::of_user(conn, uid)?,
                trainings::organisation_choices(conn, uid)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("memberships", &memberships);
    c.insert("certificates", &certificates);
    c.insert("held", &held);
    c.insert("organisations", &organisations);
    c.insert("themes", &crate::knowledge_bank::THEMES[..5]);
    c.insert("form", form);
    c.insert("errors", errors);
    c.insert("today", &auth.0.state.clock.today().to_string());
    auth.0.render_status(status, "network/expert.html", c)
}

pub async fn expert(auth: Auth) -> AppResult<HttpResponse> {
    expert_page(&auth, StatusCode::OK, &TrainingForm::default(), &[]).await
}

#[derive(Deserialize, Default, serde::Serialize, Clone)]
pub struct TrainingForm {
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub notes: String,
}

pub async fn log_training(auth: Auth, form: web::Form<TrainingForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut errors: Vec<&'static str> = Vec::new();
    let held_on = NaiveDate::parse_from_str(form.held_on.trim(), "%Y-%m-%d").ok();
    if held_on.is_none() {
        errors.push("training.date_invalid");
    }
    let participants = form.participants.trim().parse::<i32>().ok();
    if participants.is_none() {
        errors.push("training.participants_invalid");
    }
    let organisation_id = form.organisation_id.trim().parse::<i64>().unwrap_or(0);
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    if let (Some(held_on), Some(participants)) = (held_on, participants) {
        let f = form.clone();
        let result = auth
            .0
            .state
            .db(move |conn| {
                let t = NewTraining {
                    organisation_id,
                    held_on,
                    theme: f.theme.trim(),
                    participants,
                    notes: &f.notes,
                };
                let errors = trainings::validate(conn, uid, &t, now.date())?;
                if !errors.is_empty() {
                    return Ok(Err(errors));
                }
                trainings::log(conn, uid, t, now).map(Ok)
            })
            .await?;
        match result {
            Ok(_) => return Ok(see_other("/asiantuntija#koulutukset")),
            Err(more) => errors.extend(more),
        }
    }
    expert_page(&auth, StatusCode::BAD_REQUEST, &form, &errors).await
}

#[derive(Deserialize)]
pub struct ScopeQuery {
    pub alue: Option<i64>,
    pub maakunta: Option<i64>,
}

/// The scope asked for, or the caller's first; 403 for anyone without one.
async fn scope_for(auth: &Auth, q: &ScopeQuery) -> AppResult<(Scope, Vec<(Scope, String)>)> {
    let who = auth.principal().clone();
    let (alue, maakunta) = (q.alue, q.maakunta);
    auth.0
        .state
        .db(move |conn| {
            let scopes = registry::scopes_for(conn, &who)?;
            let wanted = match (maakunta, alue) {
                (Some(c), _) => Scope::County(c),
                (None, Some(r)) => Scope::Region(r),
                (None, None) => scopes.first().map(|s| s.0).ok_or(AppError::Forbidden)?,
            };
            registry::check_scope(conn, &who, wanted)?;
            Ok((wanted, scopes))
        })
        .await
}

pub async fn network(auth: Auth, q: web::Query<ScopeQuery>) -> AppResult<HttpResponse> {
    let (scope, scopes) = scope_for(&auth, &q).await?;
    let today = auth.0.state.clock.today();
    let (rows, quarters, reach, blind) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                registry::registry(conn, scope)?,
                registry::trainings_by_quarter(conn, scope, today, 8)?,
                registry::reach(conn, scope)?,
                registry::blind_spots(conn, scope)?,
            ))
        })
        .await?;
    let catalog = auth.0.state.templates.catalog(auth.0.lang);
    let mut c = tera::Context::new();
    c.insert("scope", &scope);
    c.insert(
        "scope_name",
        &scopes
            .iter()
            .find(|s| s.0 == scope)
            .map(|s| s.1.clone())
            .unwrap_or_default(),
    );
    c.insert(
        "scopes",
        &scopes
            .iter()
            .map(|(s, n)| serde_json::json!({"scope": s, "name": n, "query": scope_query(*s)}))
            .collect::<Vec<_>>(),
    );
    c.insert("query", &scope_query(scope));
    c.insert("registry", &rows);
    c.insert(
        "active",
        &rows.iter().filter(|r| r.status == "active").count(),
    );
    c.insert("quarters", &quarters);
    c.insert(
        "participants_chart",
        &bar_chart(
            &quarters,
            |q| q.participants,
            catalog.get("network.chart_participants"),
            "participants",
        ),
    );
    c.insert("reach", &reach);
    c.insert(
        "reach_chart",
        &reach_chart(&reach, catalog.get("network.chart_reach")),
    );
    c.insert("blind_spots", &blind.iter().take(50).collect::<Vec<_>>());
    c.insert("blind_total", &blind.len());
    auth.0.render("network/view.html", c)
}

fn scope_query(s: Scope) -> String {
    match s {
        Scope::Region(r) => format!("alue={r}"),
        Scope::County(c) => format!("maakunta={c}"),
    }
}

/// A bar chart of one figure per quarter. Only numbers and quarter labels go in, never user
/// text, so the SVG is safe to embed; the same figures stand in a table beside it.
pub fn bar_chart(
    quarters: &[Quarter],
    value: impl Fn(&Quarter) -> i64,
    title: &str,
    id: &str,
) -> String {
    let (w, h, pad) = (640.0, 240.0, 36.0);
    let max = quarters.iter().map(&value).max().unwrap_or(0).max(1) as f64;
    let bw = (w - 2.0 * pad) / quarters.len().max(1) as f64;
    let mut bars = String::new();
    for (i, q) in quarters.iter().enumerate() {
        let v = value(q);
        let bh = (v as f64 / max) * (h - 2.0 * pad);
        let x = pad + i as f64 * bw + bw * 0.15;
        let y = h - pad - bh;
        bars.push_str(&format!(
            r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{bh:.1}" fill="#0b4f6c"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#1a1a1a">{v}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#4d4d4d">{}</text>"##,
            bw * 0.7,
            x + bw * 0.35,
            (y - 4.0).max(12.0),
            x + bw * 0.35,
            h - pad + 16.0,
            q.label
        ));
    }
    let escaped = crate::templates::escape_html(title);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart"><title id="{id}-title">{escaped}</title><desc id="{id}-desc">{escaped}: {}</desc><line x1="{pad}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#4d4d4d"/>{bars}</svg>"##,
        quarters
            .iter()
            .map(|q| format!("{} {}", q.label, value(q)))
            .collect::<Vec<_>>()
            .join(", "),
        h - pad,
        w - pad,
        h - pad
    )
}

/// Reach per county against the goal of a quarter of all staff.
pub fn reach_chart(reach: &registry::Reach, title: &str) -> String {
    let rows = reach.by_county.len().max(1) as f64;
    let (w, row_h, label_w) = (640.0, 28.0, 220.0);
    let h = rows * row_h + 30.0;
    let scale = (w - label_w - 60.0) / 100.0;
    let mut bars = String::new();
    for (i, c) in reach.by_county.iter().enumerate() {
        let y = 10.0 + i as f64 * row_h;
        let bw = c.percent.min(100.0) * scale;
        bars.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12" fill="#1a1a1a">{}</text><rect x="{label_w}" y="{y:.1}" width="{bw:.1}" height="{:.1}" fill="#0b4f6c"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#1a1a1a">{} %</text>"##,
            label_w - 6.0,
            y + row_h * 0.6,
            crate::templates::escape_html(&c.county),
            row_h * 0.7,
            label_w + bw + 4.0,
            y + row_h * 0.6,
            c.percent
        ));
    }
    let goal_x = label_w + reach.goal_percent * scale;
    let escaped = crate::templates::escape_html(title);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h:.0}" role="img" aria-labelledby="reach-title reach-desc" class="chart"><title id="reach-title">{escaped}</title><desc id="reach-desc">{}</desc>{bars}<line x1="{goal_x:.1}" y1="4" x2="{goal_x:.1}" y2="{:.1}" stroke="#8a1c13" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#8a1c13">{} %</text></svg>"##,
        reach
            .by_county
            .iter()
            .map(|c| format!(
                "{} {} %",
                crate::templates::escape_html(&c.county),
                c.percent
            ))
            .collect::<Vec<_>>()
            .join(", "),
        h - 12.0,
        goal_x + 3.0,
        h - 2.0,
        reach.goal_percent
    )
}

/// The registry of the scope as CSV (formulas neutralised); every export is audit-logged.
pub async fn export_csv(auth: Auth, q: web::Query<ScopeQuery>) -> AppResult<HttpResponse> {
    let (scope, _) = scope_for(&auth, &q).await?;
    let (actor, now) = (auth.principal().user_id, auth.0.now());
    let bytes = auth
        .0
        .state
        .db(move |conn| {
            let rows = registry::registry(conn, scope)?;
            audit::record(
                conn,
                Some(actor),
                "registry.export.csv",
                &format!("{scope:?}"),
                &format!("{} rows", rows.len()),
                now,
            )?;
            Ok(registry::registry_csv(&rows)?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"asiantuntijarekisteri.csv\"",
        ))
        .body(bytes))
}
