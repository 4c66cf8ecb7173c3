//! The scope of the coordinators' network pages: the region or county asked for, whether the
//! caller only sees it or manages it, and its part of a page's context.

use crate::accounts::Principal;
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::network::registry::{self, Scope};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ScopeQuery {
    pub alue: Option<i64>,
    pub maakunta: Option<i64>,
}

/// The scope asked for, or the caller's first; 403 for anyone without one.
pub(in crate::web) async fn scope_for(
    auth: &Auth,
    q: &ScopeQuery,
) -> AppResult<(Scope, Vec<(Scope, String)>)> {
    let who = auth.principal().clone();
    let (alue, maakunta) = (q.alue, q.maakunta);
    let lang = auth.0.lang;
    auth.0
        .state
        .db(move |conn| scope_in(conn, &who, (alue, maakunta), lang))
        .await
}

/// [`scope_for`] for a page that reads it with its other reads, in one trip to the pool.
pub(in crate::web) fn scope_in(
    conn: &mut AnyConnection,
    who: &Principal,
    (alue, maakunta): (Option<i64>, Option<i64>),
    lang: Lang,
) -> AppResult<(Scope, Vec<(Scope, String)>)> {
    let scopes = registry::scopes_for(conn, who, lang)?;
    let wanted = match (maakunta, alue) {
        (Some(c), _) => Scope::County(c),
        (None, Some(r)) => Scope::Region(r),
        (None, None) => scopes.first().map(|s| s.0).ok_or(AppError::Forbidden)?,
    };
    registry::check_scope(conn, who, wanted)?;
    Ok((wanted, scopes))
}

pub(in crate::web) fn scope_query(s: Scope) -> String {
    match s {
        Scope::Region(r) => format!("alue={r}"),
        Scope::County(c) => format!("maakunta={c}"),
    }
}

/// Whether `who` manages the scope (not only sees it).
pub(super) fn manages_scope(
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
pub(super) async fn managed_scope(
    auth: &Auth,
    q: &ScopeQuery,
) -> AppResult<(Scope, Vec<(Scope, String)>)> {
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

/// The scope's name and query string, for the pages that link within it.
pub(in crate::web) fn scope_context(
    c: &mut tera::Context,
    scope: Scope,
    scopes: &[(Scope, String)],
) {
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

/// [`scope_context`] and the caller's other scopes to switch to.
pub(in crate::web) fn scope_switch(
    c: &mut tera::Context,
    scope: Scope,
    scopes: &[(Scope, String)],
) {
    scope_context(c, scope, scopes);
    c.insert(
        "scopes",
        &scopes
            .iter()
            .map(|(s, n)| serde_json::json!({"scope": s, "name": n, "query": scope_query(*s)}))
            .collect::<Vec<_>>(),
    );
}
