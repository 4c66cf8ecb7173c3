//! The registry API: its tokens (issued and revoked on the network page), the endpoint and
//! its OpenAPI description.

use super::scope::{managed_scope, scope_context, scope_query, ScopeQuery};
use crate::i18n::format;
use crate::network::registry::Scope;
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

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
