//! Certificates, the expert's own page (memberships, certificates, trainings held), and the
//! coordinators' network view: registry, trainings over time, reach, blind spots and charts
//! drawn on the server as accessible SVG with the figures beside them, and the CSV export.

use super::charts;
use super::ctx::{Auth, Ctx};
use crate::accounts::audit;
use crate::i18n::{format, Lang};
use crate::learning::completion;
use crate::network::reach::{self, quarterly::Quarter};
use crate::network::registry::{self, Scope};
use crate::network::trainings;
use crate::network::{names, refresher};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/todistus/{code}", certificate);
    t.get("/asiantuntija", expert);
    t.get("/verkosto", network);
    t.get("/verkosto/rekisteri.csv", export_csv);
    t.get("/verkosto/tiedotteet", announcements_page);
    t.post("/verkosto/tiedotteet", announce);
    super::transfer::register(t);
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

pub async fn expert(auth: Auth) -> AppResult<HttpResponse> {
    let uid = auth.principal().user_id;
    let today = crate::i18n::format::helsinki_date(auth.0.now());
    let who = auth.principal().clone();
    let lang = auth.0.lang;
    let (memberships, certificates, held, organisations, standing, case, kits) = auth
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
                    names::region(lang),
                    names::county_or_none(lang),
                    memberships::joined_at,
                    memberships::refreshed_at,
                    memberships::status,
                ))
                .load(conn)?;
            let kits = if crate::knowledge_bank::kits::may_use(conn, &who)? {
                crate::knowledge_bank::kits::list(conn)?
            } else {
                Vec::new()
            };
            Ok((
                ms,
                completion::certificates_of(conn, uid)?,
                trainings::of_user(conn, uid, lang)?,
                trainings::organisation_choices(conn, uid)?,
                refresher::standing_of(conn, uid, today)?,
                refresher::own_case(conn, uid)?,
                kits,
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
    let (upcoming, past): (Vec<_>, Vec<_>) = held
        .into_iter()
        .partition(|l| !l.training.is_held() && l.training.held_on >= today);
    c.insert("case", &case);
    c.insert("memberships", &memberships);
    c.insert("certificates", &certificates);
    c.insert("upcoming", &upcoming);
    c.insert("held", &past);
    c.insert("organisations", &organisations);
    c.insert("kits", &kits);
    c.insert("today", &today.to_string());
    c.insert(
        "feed_url",
        &super::trainings::feed_url(&auth, crate::network::trainings::calendar::Feed::Expert)
            .await?,
    );
    auth.0.render("network/expert.html", c)
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
    let lang = auth.0.lang;
    auth.0
        .state
        .db(move |conn| {
            let scopes = registry::scopes_for(conn, &who, lang)?;
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
    use chrono::Datelike;
    let (scope, scopes) = scope_for(&auth, &q).await?;
    let today = crate::i18n::format::helsinki_date(auth.0.now());
    let who = auth.principal().clone();
    let lang = auth.0.lang;
    let (manages, rows, counts, quarters, reach, blind, upcoming, flagged) = auth
        .0
        .state
        .db(move |conn| {
            let counties = registry::counties_of(conn, scope)?;
            Ok((
                manages_scope(conn, &who, scope)?,
                registry::registry_first(conn, scope, REGISTRY_PAGE, lang)?,
                registry::registry_counts(conn, scope)?,
                reach::quarterly::quarters(conn, scope, today, 8)?,
                reach::reach(conn, scope, today.year(), lang)?,
                registry::blind_spots(conn, scope, lang)?,
                trainings::upcoming(conn, &counties, today, 20)?,
                trainings::flagged(conn, &counties)?,
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
            auth.0.lang,
        ),
    );
    c.insert("reach", &reach);
    c.insert("reach_chart", &reach_chart(&reach, catalog, auth.0.lang));
    c.insert("blind_spots", &blind.iter().take(50).collect::<Vec<_>>());
    c.insert("blind_total", &blind.len());
    c.insert("upcoming", &upcoming);
    c.insert("flagged", &flagged);
    c.insert(
        "feed_url",
        &super::trainings::feed_url(
            &auth,
            crate::network::trainings::calendar::Feed::Area(scope),
        )
        .await?,
    );
    // Links lead only where the viewer may go: after a transfer the regional coordinator sees
    // the county but no longer runs it; a county coordinator hands nothing over.
    c.insert("manages", &manages);
    c.insert(
        "can_transfer",
        &(auth.principal().is_admin() || !auth.principal().regions_managed().is_empty()),
    );
    auth.0.render("network/view.html", c)
}

pub(super) fn scope_query(s: Scope) -> String {
    match s {
        Scope::Region(r) => format!("alue={r}"),
        Scope::County(c) => format!("maakunta={c}"),
    }
}

/// A bar chart of one figure per quarter (`web::charts`), numbers as `lang` writes them; the
/// same figures stand in a table beside it.
pub fn bar_chart(
    quarters: &[Quarter],
    value: impl Fn(&Quarter) -> i64,
    title: &str,
    id: &str,
    lang: Lang,
) -> String {
    let bars: Vec<charts::Bar> = quarters
        .iter()
        .map(|q| charts::Bar {
            label: q.label.clone(),
            value: value(q) as f64,
            shown: crate::i18n::format::integer(lang, value(q)),
        })
        .collect();
    charts::columns(id, title, &bars)
}

/// Reach per county against the goal of a quarter of all staff (`web::charts`); a county whose
/// organisations report no staff shows "no data", not 0 %.
pub fn reach_chart(reach: &reach::Reach, catalog: &crate::i18n::Catalog, lang: Lang) -> String {
    let bars: Vec<charts::Bar> = reach
        .by_county
        .iter()
        .map(|c| charts::Bar {
            label: c.county.clone(),
            value: if c.has_staff {
                c.percent.min(100.0)
            } else {
                0.0
            },
            shown: if c.has_staff {
                // Above 100 % the figure is marked (the page explains why).
                let mark = if c.over_100 { " !" } else { "" };
                format!("{}{mark}", crate::i18n::format::percent(lang, c.percent))
            } else {
                catalog.get("network.no_data").to_string()
            },
        })
        .collect();
    charts::rows(
        "reach",
        catalog.get("network.chart_reach"),
        &bars,
        Some(&charts::Goal {
            value: reach.goal_percent,
            label: format!(
                "{} {}",
                catalog.get("chart.goal"),
                crate::i18n::format::percent(lang, reach.goal_percent)
            ),
        }),
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
            // A file for spreadsheets and other systems: the official (Finnish) names.
            let rows = registry::registry(conn, scope, crate::i18n::Lang::Fi)?;
            let area = scope.audit_area(conn)?;
            audit::record_in(
                conn,
                area,
                Some(actor),
                "registry.export.csv",
                &scope.audit_subject(),
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

/// Whether `who` manages the scope (not only sees it).
fn manages_scope(
    conn: &mut crate::db::AnyConnection,
    who: &crate::accounts::Principal,
    scope: Scope,
) -> AppResult<bool> {
    match scope {
        Scope::Region(r) => Ok(who.manages_region(r)),
        Scope::County(c) => crate::network::transfer::manages_county_network(conn, who, c),
    }
}

/// Only those who manage the scope (not only see it) may announce, place or issue tokens.
async fn managed_scope(auth: &Auth, q: &ScopeQuery) -> AppResult<(Scope, Vec<(Scope, String)>)> {
    let (scope, scopes) = scope_for(auth, q).await?;
    let who = auth.principal().clone();
    let ok = auth
        .0
        .state
        .db(move |conn| manages_scope(conn, &who, scope))
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

/// Graduates without a known county, from cohorts of the caller's regions.
pub async fn placements_page(auth: Auth) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    if !who.manages_anything() {
        return Err(AppError::Forbidden);
    }
    let lang = auth.0.lang;
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
                .order((names::county(lang), organisations::name))
                .select((
                    organisations::id,
                    organisations::name,
                    counties::region_id,
                    names::county(lang),
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
                audit::record_in(
                    c,
                    audit::Area::county(place.region_id, county),
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
    Ok(auth
        .0
        .see_other_notice("/verkosto/sijoitettavat", "notice.placed"))
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
    Ok(auth.0.see_other_notice(
        &format!("/verkosto/api-avaimet?{}", scope_query(scope)),
        "notice.token_revoked",
    ))
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
            // RFC 3339 with the offset, as the OpenAPI document says (`format: date-time`).
            "generated_at": format::rfc3339(now),
            "experts": rows.iter().map(|r| serde_json::json!({
                "name": r.name, "email": r.email, "organisation": r.organisation, "county": r.county,
                "joined_at": format::rfc3339(r.joined_at), "refreshed_at": format::rfc3339(r.refreshed_at),
                "status": r.status,
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
                    "scope": {"type": "object", "required": ["kind", "id"], "properties": {"kind": {"type": "string", "enum": ["region", "county"]}, "id": {"type": "integer"}}},
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
