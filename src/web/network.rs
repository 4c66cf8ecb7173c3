//! Certificates, the expert's own page (memberships, certificates, trainings held), and the
//! coordinators' network view: registry, trainings over time, reach, blind spots and charts
//! drawn on the server as accessible SVG with the figures beside them, and the CSV export.

use super::ctx::{see_other, Auth, Ctx};
use crate::accounts::audit;
use crate::learning::completion;
use crate::network::refresher;
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
    t.get("/verkosto/tiedotteet", announcements_page);
    t.post("/verkosto/tiedotteet", announce);
    t.get("/verkosto/siirto", transfer_page);
    t.post("/verkosto/siirto", transfer);
    t.get("/verkosto/sijoitettavat", placements_page);
    t.post("/verkosto/sijoitettavat/{id}", place);
    t.get("/verkosto/api-avaimet", tokens_page);
    t.post("/verkosto/api-avaimet", create_token);
    t.post("/verkosto/api-avaimet/{id}/poista", revoke_token);
    t.get("/api/v1/registry", api_registry);
    t.get("/api/v1/openapi.json", openapi);
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
    let today = auth.0.state.clock.today();
    let (memberships, certificates, held, organisations, standing, case) = auth
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
                refresher::standing_of(conn, uid, today)?,
                refresher::own_case(conn, uid)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    if let Some((rule, expert, standing)) = standing {
        c.insert(
            "standing",
            &serde_json::json!({
                "rule": rule,
                "state": standing.state,
                "valid_until": standing.competence_valid_until.to_string(),
                "current_until": standing.current_until.to_string(),
                "trained_lately": standing.trained_lately,
                "last_completion": expert.last_completion.to_string(),
                "last_training": expert.last_training.map(|d| d.to_string()),
            }),
        );
    }
    c.insert("case", &case);
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
        let more = auth
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
                trainings::validate(conn, uid, &t, now.date())
            })
            .await?;
        if more.is_empty() {
            // Once per form: a retry after a lost answer logs the training once.
            let f = form.clone();
            let location = auth
                .0
                .create_once("training", move |conn| {
                    let t = NewTraining {
                        organisation_id,
                        held_on,
                        theme: f.theme.trim(),
                        participants,
                        notes: &f.notes,
                    };
                    trainings::log(conn, uid, t, now)?;
                    Ok("/asiantuntija#koulutukset".to_string())
                })
                .await?;
            return Ok(see_other(&location));
        }
        errors.extend(more);
    }
    expert_page(&auth, StatusCode::BAD_REQUEST, &form, &errors).await
}

#[derive(Deserialize)]
pub struct ScopeQuery {
    pub alue: Option<i64>,
    pub maakunta: Option<i64>,
}

/// The scope asked for, or the caller's first; 403 for anyone without one.
pub(super) async fn scope_for(
    auth: &Auth,
    q: &ScopeQuery,
) -> AppResult<(Scope, Vec<(Scope, String)>)> {
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

/// Registry rows shown on the network page; the CSV export has every row.
const REGISTRY_PAGE: i64 = 200;

pub async fn network(auth: Auth, q: web::Query<ScopeQuery>) -> AppResult<HttpResponse> {
    let (scope, scopes) = scope_for(&auth, &q).await?;
    let today = auth.0.state.clock.today();
    let (rows, counts, quarters, reach, blind) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                registry::registry_first(conn, scope, REGISTRY_PAGE)?,
                registry::registry_counts(conn, scope)?,
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
    c.insert("members", &counts.0);
    c.insert("active", &counts.1);
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

pub(super) fn scope_query(s: Scope) -> String {
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

/// Only those who manage the scope (not only see it) may announce, place or issue tokens.
async fn managed_scope(auth: &Auth, q: &ScopeQuery) -> AppResult<(Scope, Vec<(Scope, String)>)> {
    let (scope, scopes) = scope_for(auth, q).await?;
    let who = auth.principal().clone();
    let ok = auth
        .0
        .state
        .db(move |conn| match scope {
            Scope::Region(r) => Ok(who.manages_region(r)),
            Scope::County(c) => crate::network::transfer::manages_county_network(conn, &who, c),
        })
        .await?;
    if ok {
        Ok((scope, scopes))
    } else {
        Err(AppError::Forbidden)
    }
}

fn scope_context(c: &mut tera::Context, scope: Scope, scopes: &[(Scope, String)]) {
    c.insert(
        "scope_name",
        &scopes
            .iter()
            .find(|s| s.0 == scope)
            .map(|s| s.1.clone())
            .unwrap_or_default(),
    );
    c.insert("query", &scope_query(scope));
}

#[derive(Deserialize, Default, serde::Serialize)]
pub struct AnnouncementForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

async fn render_announcements(
    auth: &Auth,
    status: StatusCode,
    q: &ScopeQuery,
    form: &AnnouncementForm,
    error: Option<&str>,
    sent: Option<usize>,
) -> AppResult<HttpResponse> {
    let (scope, scopes) = managed_scope(auth, q).await?;
    let list = auth
        .0
        .state
        .db(move |conn| crate::network::announcements::of_scope(conn, scope, 50))
        .await?;
    let mut c = tera::Context::new();
    scope_context(&mut c, scope, &scopes);
    c.insert("announcements", &list);
    c.insert("form", form);
    c.insert("errors", &error.map(|e| vec![e]).unwrap_or_default());
    c.insert("sent", &sent);
    auth.0
        .render_status(status, "network/announcements.html", c)
}

pub async fn announcements_page(auth: Auth, q: web::Query<ScopeQuery>) -> AppResult<HttpResponse> {
    render_announcements(
        &auth,
        StatusCode::OK,
        &q,
        &AnnouncementForm::default(),
        None,
        None,
    )
    .await
}

pub async fn announce(
    auth: Auth,
    q: web::Query<ScopeQuery>,
    form: web::Form<AnnouncementForm>,
) -> AppResult<HttpResponse> {
    let (scope, _) = managed_scope(&auth, &q).await?;
    let form = form.into_inner();
    let (author, now) = (auth.principal().user_id, auth.0.now());
    let state = auth.0.state.clone();
    let (title, body) = (form.title.clone(), form.body.clone());
    // Once per form: a retry after a lost answer sends nothing again and says what the first
    // one sent.
    let result = auth
        .0
        .create_once("announcement", move |conn| {
            let msg = state.messaging();
            crate::network::announcements::publish(conn, &msg, author, scope, &title, &body, now)
                .map(|n| n.to_string())
        })
        .await
        .map(|n| n.parse::<usize>().unwrap_or(0));
    match result {
        Ok(n) => {
            render_announcements(
                &auth,
                StatusCode::OK,
                &q,
                &AnnouncementForm::default(),
                None,
                Some(n),
            )
            .await
        }
        Err(AppError::Invalid(key)) => {
            render_announcements(
                &auth,
                StatusCode::BAD_REQUEST,
                &q,
                &form,
                Some(key.as_str()),
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default, serde::Serialize)]
pub struct TransferForm {
    #[serde(default)]
    pub county_id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
}

async fn render_transfer(
    auth: &Auth,
    status: StatusCode,
    form: &TransferForm,
    errors: &[&str],
    done: bool,
) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let counties = auth
        .0
        .state
        .db(move |conn| {
            use crate::db::schema::counties;
            use diesel::prelude::*;
            let rows: Vec<(i64, i64, String, Option<chrono::NaiveDateTime>)> = counties::table
                .order(counties::name_fi)
                .select((
                    counties::id,
                    counties::region_id,
                    counties::name_fi,
                    counties::transferred_at,
                ))
                .load(conn)?;
            Ok(rows
                .into_iter()
                .filter(|r| who.manages_region(r.1))
                .collect::<Vec<_>>())
        })
        .await?;
    if counties.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut c = tera::Context::new();
    c.insert("counties", &counties);
    c.insert("form", form);
    c.insert("errors", errors);
    c.insert("done", &done);
    auth.0.render_status(status, "network/transfer.html", c)
}

pub async fn transfer_page(auth: Auth) -> AppResult<HttpResponse> {
    render_transfer(&auth, StatusCode::OK, &TransferForm::default(), &[], false).await
}

pub async fn transfer(auth: Auth, form: web::Form<TransferForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let Ok(county_id) = form.county_id.trim().parse::<i64>() else {
        return render_transfer(
            &auth,
            StatusCode::BAD_REQUEST,
            &form,
            &["transfer.county_invalid"],
            false,
        )
        .await;
    };
    let who = auth.principal().clone();
    let now = auth.0.now();
    let state = auth.0.state.clone();
    let (email, name) = (form.email.clone(), form.name.clone());
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            crate::network::transfer::transfer(conn, &msg, &who, county_id, &email, &name, now)
        })
        .await;
    match result {
        Ok(_) => render_transfer(&auth, StatusCode::OK, &TransferForm::default(), &[], true).await,
        Err(AppError::Invalid(k)) | Err(AppError::Conflict(k)) => {
            render_transfer(&auth, StatusCode::BAD_REQUEST, &form, &[k.as_str()], false).await
        }
        Err(e) => Err(e),
    }
}

/// Graduates without a known county, from cohorts of the caller's regions.
pub async fn placements_page(auth: Auth) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    if !who.manages_anything() {
        return Err(AppError::Forbidden);
    }
    let (waiting, organisations) = auth
        .0
        .state
        .db(move |conn| {
            use crate::db::schema::{
                cohorts, completions, counties, enrolments, organisations, placements, users,
            };
            use diesel::prelude::*;
            let rows: Vec<(i64, String, String, Option<i64>)> = placements::table
                .inner_join(users::table)
                .inner_join(
                    completions::table.inner_join(enrolments::table.inner_join(cohorts::table)),
                )
                .filter(placements::placed_at.is_null())
                .select((
                    placements::id,
                    users::name,
                    users::email,
                    cohorts::region_id,
                ))
                .load(conn)?;
            let rows: Vec<_> = rows
                .into_iter()
                .filter(|r| r.3.is_some_and(|reg| who.manages_region(reg)) || who.is_admin())
                .collect();
            let orgs: Vec<(i64, String, i64, String)> = organisations::table
                .inner_join(counties::table)
                .filter(organisations::active.eq(true))
                .order((counties::name_fi, organisations::name))
                .select((
                    organisations::id,
                    organisations::name,
                    counties::region_id,
                    counties::name_fi,
                ))
                .load(conn)?;
            let orgs: Vec<_> = orgs
                .into_iter()
                .filter(|o| who.manages_region(o.2))
                .collect();
            Ok((rows, orgs))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("waiting", &waiting);
    c.insert("organisations", &organisations);
    auth.0.render("network/placements.html", c)
}

#[derive(Deserialize)]
pub struct PlaceForm {
    pub organisation_id: i64,
}

pub async fn place(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<PlaceForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let who = auth.principal().clone();
    let (org, now) = (form.organisation_id, auth.0.now());
    auth.0
        .state
        .db(move |conn| {
            use crate::db::schema::{organisations, placements, users};
            use diesel::prelude::*;
            crate::db::write_tx(conn, |c| {
                let (user_id, placed): (i64, Option<chrono::NaiveDateTime>) = placements::table
                    .find(id)
                    .select((placements::user_id, placements::placed_at))
                    .first(c)?;
                if placed.is_some() {
                    return Err(AppError::Conflict("placement.done".into()));
                }
                let county: i64 = organisations::table
                    .find(org)
                    .select(organisations::county_id)
                    .first(c)?;
                let place = crate::network::county_place(c, county)?;
                if !who.manages_region(place.region_id) {
                    return Err(AppError::Forbidden);
                }
                diesel::update(users::table.find(user_id))
                    .set(users::organisation_id.eq(org))
                    .execute(c)?;
                crate::network::membership::join_region(
                    c,
                    user_id,
                    place.region_id,
                    county,
                    org,
                    now,
                )?;
                diesel::update(placements::table.find(id))
                    .set((
                        placements::placed_at.eq(now),
                        placements::placed_by.eq(who.user_id),
                    ))
                    .execute(c)?;
                audit::record(
                    c,
                    Some(who.user_id),
                    "network.place",
                    &format!("user:{user_id}"),
                    &format!("organisation:{org}"),
                    now,
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(see_other("/verkosto/sijoitettavat"))
}

#[derive(Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
}

async fn render_tokens(
    auth: &Auth,
    q: &ScopeQuery,
    new_token: Option<String>,
    error: Option<&str>,
) -> AppResult<HttpResponse> {
    let (scope, scopes) = managed_scope(auth, q).await?;
    let list = auth
        .0
        .state
        .db(move |conn| crate::network::api::list(conn, scope))
        .await?;
    let mut c = tera::Context::new();
    scope_context(&mut c, scope, &scopes);
    c.insert("tokens", &list);
    c.insert("new_token", &new_token);
    c.insert("errors", &error.map(|e| vec![e]).unwrap_or_default());
    c.insert(
        "api_url",
        &format!("{}/api/v1/registry", auth.0.state.config.base_url),
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    auth.0.render_status(status, "network/tokens.html", c)
}

pub async fn tokens_page(auth: Auth, q: web::Query<ScopeQuery>) -> AppResult<HttpResponse> {
    render_tokens(&auth, &q, None, None).await
}

pub async fn create_token(
    auth: Auth,
    q: web::Query<ScopeQuery>,
    form: web::Form<TokenForm>,
) -> AppResult<HttpResponse> {
    let (scope, _) = managed_scope(&auth, &q).await?;
    let (by, now, name) = (
        auth.principal().user_id,
        auth.0.now(),
        form.into_inner().name,
    );
    match auth
        .0
        .state
        .db(move |conn| crate::network::api::create(conn, scope, &name, by, now))
        .await
    {
        Ok(token) => render_tokens(&auth, &q, Some(token), None).await,
        Err(AppError::Invalid(k)) => render_tokens(&auth, &q, None, Some(k.as_str())).await,
        Err(e) => Err(e),
    }
}

pub async fn revoke_token(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let who = auth.principal().clone();
    let now = auth.0.now();
    let scope = auth
        .0
        .state
        .db(move |conn| {
            let scope = crate::network::api::token_scope(conn, id)?;
            let ok = match scope {
                Scope::Region(r) => who.manages_region(r),
                Scope::County(c) => {
                    crate::network::transfer::manages_county_network(conn, &who, c)?
                }
            };
            if !ok {
                return Err(AppError::NotFound);
            }
            crate::network::api::revoke(conn, id, who.user_id, now)?;
            Ok(scope)
        })
        .await?;
    Ok(see_other(&format!(
        "/verkosto/api-avaimet?{}",
        scope_query(scope)
    )))
}

/// `GET /api/v1/registry` with `Authorization: Bearer <token>`.
pub async fn api_registry(
    req: actix_web::HttpRequest,
    state: web::Data<crate::AppState>,
) -> AppResult<HttpResponse> {
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_string());
    let unauthorized = || {
        HttpResponse::Unauthorized()
            .insert_header((
                actix_web::http::header::WWW_AUTHENTICATE,
                "Bearer realm=\"kirjaamo\"",
            ))
            .json(serde_json::json!({"error": "a valid bearer token is required"}))
    };
    let Some(bearer) = bearer else {
        return Ok(unauthorized());
    };
    let now = state.clock.now();
    match state.db(move |conn| crate::network::api::registry_for_token(conn, &bearer, now)).await? {
        None => Ok(unauthorized()),
        Some((scope, rows)) => Ok(HttpResponse::Ok().json(serde_json::json!({
            "scope": scope,
            "generated_at": now,
            "experts": rows.iter().map(|r| serde_json::json!({
                "name": r.name, "email": r.email, "organisation": r.organisation, "county": r.county,
                "joined_at": r.joined_at, "refreshed_at": r.refreshed_at, "status": r.status,
            })).collect::<Vec<_>>(),
        }))),
    }
}

/// The OpenAPI 3.1 description of the registry API.
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "Kirjaamo registry API", "version": "1",
                 "description": "The documentation-expert registry of one region or county, for the counties' own systems. Every read is audit-logged."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A token issued on the network page (Verkosto → API-avaimet)."}},
            "schemas": {
                "Expert": {"type": "object", "required": ["name", "email", "joined_at", "refreshed_at", "status"], "properties": {
                    "name": {"type": "string"}, "email": {"type": "string", "format": "email"},
                    "organisation": {"type": ["string", "null"]}, "county": {"type": ["string", "null"]},
                    "joined_at": {"type": "string", "format": "date-time"}, "refreshed_at": {"type": "string", "format": "date-time"},
                    "status": {"type": "string", "enum": ["active", "lapsed", "in_refresher"]}}},
                "Registry": {"type": "object", "required": ["scope", "generated_at", "experts"], "properties": {
                    "scope": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["region", "county"]}, "id": {"type": "integer"}}},
                    "generated_at": {"type": "string", "format": "date-time"},
                    "experts": {"type": "array", "items": {"$ref": "#/components/schemas/Expert"}}}}
            }
        },
        "paths": {"/registry": {"get": {
            "summary": "The registry of the token's region or county",
            "security": [{"bearer": []}],
            "responses": {
                "200": {"description": "The registry", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registry"}}}},
                "401": {"description": "No valid token"}
            }}}}
    }))
}
