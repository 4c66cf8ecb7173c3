//! The coordinators' overview of one region or county.

use crate::surveys::overview;
use crate::web::ctx::Auth;
use crate::web::network::scope::{scope_in, scope_switch, ScopeQuery};
use crate::AppResult;
use actix_web::{web, HttpResponse};

/// The coordinators' overview of one region or county.
pub async fn overview_page(auth: Auth, q: web::Query<ScopeQuery>) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let (now, today) = (auth.0.now(), auth.0.state.clock.today());
    let lang = auth.0.lang;
    let figures = auth.0.state.figures.clone();
    let asked = (q.alue, q.maakunta);
    // One trip to the pool: the scope, then the figures (from memory while their version holds).
    let ((scope, scopes), held) = auth
        .0
        .state
        .db(move |conn| {
            let (scope, scopes) = scope_in(conn, &who, asked, lang)?;
            let key = (scope, lang, today, overview::viewer(&who));
            let held = figures.overview.get(conn, key, |c| {
                Ok::<_, crate::AppError>((
                    overview::overview(c, &who, scope, now, lang)?,
                    crate::network::reach::quarterly::quarters(c, scope, today, 8)?,
                ))
            })?;
            Ok(((scope, scopes), held))
        })
        .await?;
    let (o, quarters) = &*held;
    let mut c = tera::Context::new();
    scope_switch(&mut c, scope, &scopes);
    // The same accessible charts as the network page, each with its figures in a table.
    let catalog = auth.0.state.templates.catalog(auth.0.lang);
    c.insert(
        "participants_chart",
        &crate::web::network::figures::bar_chart(
            quarters,
            |q| q.participants,
            catalog.get("network.chart_participants"),
            "participants",
            auth.0.lang,
        ),
    );
    c.insert(
        "reach_chart",
        &crate::web::network::figures::reach_chart(&o.reach, catalog, auth.0.lang),
    );
    c.insert("quarters", quarters);
    c.insert("o", o);
    auth.0.render("surveys/overview.html", c)
}
