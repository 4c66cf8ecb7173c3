//! The registry API for the counties' own systems: tokens (only their hash is kept) scoped to
//! a region or a county, and the registry as JSON. Every read is audit-logged.

use super::registry::{self, RegistryRow, Scope};
use crate::accounts::{audit, tokens};
use crate::db::schema::api_tokens;
use crate::db::AnyConnection;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

fn scope_columns(scope: Scope) -> (Option<i64>, Option<i64>) {
    match scope {
        Scope::Region(r) => (Some(r), None),
        Scope::County(c) => (None, Some(c)),
    }
}

/// Creates a token and returns it (shown once; only its hash is stored).
pub fn create(
    conn: &mut AnyConnection,
    scope: Scope,
    name: &str,
    by: i64,
    now: NaiveDateTime,
) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::invalid("api.name_invalid"));
    }
    let token = format!("kirjaamo_{}", tokens::random_token());
    let (region_id, county_id) = scope_columns(scope);
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(tokens::token_hash(&token)),
            api_tokens::region_id.eq(region_id),
            api_tokens::county_id.eq(county_id),
            api_tokens::created_by.eq(by),
            api_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    let area = scope.audit_area(conn)?;
    audit::record_in(
        conn,
        area,
        Some(by),
        "api.token.create",
        &scope.audit_subject(),
        name,
        now,
    )?;
    Ok(token)
}

pub fn list(conn: &mut AnyConnection, scope: Scope) -> AppResult<Vec<ApiToken>> {
    let (region_id, county_id) = scope_columns(scope);
    let q = api_tokens::table.order(api_tokens::id.desc()).into_boxed();
    let q = match (region_id, county_id) {
        (Some(r), _) => q.filter(api_tokens::region_id.eq(r)),
        (_, Some(c)) => q.filter(api_tokens::county_id.eq(c)),
        _ => q,
    };
    Ok(q.select((
        api_tokens::id,
        api_tokens::name,
        api_tokens::created_at,
        api_tokens::last_used_at,
        api_tokens::revoked_at,
    ))
    .load(conn)?)
}

/// The scope of a token, if it is valid and not revoked.
pub fn token_scope(conn: &mut AnyConnection, id: i64) -> AppResult<Scope> {
    let (region, county): (Option<i64>, Option<i64>) = api_tokens::table
        .find(id)
        .select((api_tokens::region_id, api_tokens::county_id))
        .first(conn)?;
    match (region, county) {
        (Some(r), _) => Ok(Scope::Region(r)),
        (_, Some(c)) => Ok(Scope::County(c)),
        _ => Err(AppError::NotFound),
    }
}

pub fn revoke(conn: &mut AnyConnection, id: i64, by: i64, now: NaiveDateTime) -> AppResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::revoked_at.eq(now))
        .execute(conn)?;
    let area = token_scope(conn, id)?.audit_area(conn)?;
    audit::record_in(
        conn,
        area,
        Some(by),
        "api.token.revoke",
        &format!("token:{id}"),
        "",
        now,
    )?;
    Ok(())
}

/// The registry behind a bearer token; `None` for a missing, unknown or revoked token.
pub fn registry_for_token(
    conn: &mut AnyConnection,
    bearer: &str,
    now: NaiveDateTime,
) -> AppResult<Option<(Scope, Vec<RegistryRow>)>> {
    let found: Option<(i64, Option<i64>, Option<i64>)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(tokens::token_hash(bearer)))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, api_tokens::region_id, api_tokens::county_id))
        .first(conn)
        .optional()?;
    let Some((id, region, county)) = found else {
        return Ok(None);
    };
    let scope = match (region, county) {
        (Some(r), _) => Scope::Region(r),
        (_, Some(c)) => Scope::County(c),
        _ => return Ok(None),
    };
    // The API is the counties' contact list: members whose accounts were deleted are left out.
    // Other systems read the official (Finnish) names.
    let mut rows = registry::registry(conn, scope, crate::i18n::Lang::Fi)?;
    rows.retain(|r| !r.deleted);
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)?;
    let area = scope.audit_area(conn)?;
    audit::record_in(
        conn,
        area,
        None,
        "registry.export.api",
        &scope.audit_subject(),
        &format!("token:{id}, {} rows", rows.len()),
        now,
    )?;
    Ok(Some((scope, rows)))
}
