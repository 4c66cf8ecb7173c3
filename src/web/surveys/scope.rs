//! The region or county a coordinator's page is about (the one asked for, else the caller's
//! first) and the list of the caller's others to switch to.

use crate::network::registry::{self, Scope};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};

/// The scope asked for, or the caller's first; 403 for anyone without one.
pub(super) async fn scope_for(
    auth: &Auth,
    alue: Option<i64>,
    maakunta: Option<i64>,
) -> AppResult<(Scope, Vec<(Scope, String)>)> {
    let who = auth.principal().clone();
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

fn scope_query(s: Scope) -> String {
    match s {
        Scope::Region(r) => format!("alue={r}"),
        Scope::County(c) => format!("maakunta={c}"),
    }
}

pub(super) fn scope_context(c: &mut tera::Context, scope: Scope, scopes: &[(Scope, String)]) {
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
            .map(|(s, n)| serde_json::json!({"name": n, "query": scope_query(*s)}))
            .collect::<Vec<_>>(),
    );
    c.insert("query", &scope_query(scope));
}
