//! The coordinators' network page (registry, trainings over time, reach, blind spots, the
//! area's trainings) and the registry's CSV export.

use super::figures::{bar_chart, reach_chart};
use super::scope::{manages_scope, scope_for, scope_in, scope_query, scope_switch, ScopeQuery};
use crate::accounts::audit;
use crate::network::figures::{network_figures, FiguresHtml, NetworkFigures};
use crate::network::reach;
use crate::network::registry::{self, Scope};
use crate::network::trainings::calendar::Feed;
use crate::web::ctx::Auth;
use crate::web::trainings::feeds;
use crate::AppResult;
use actix_web::{web, HttpResponse};

pub async fn network(auth: Auth, q: web::Query<ScopeQuery>) -> AppResult<HttpResponse> {
    let today = auth.0.state.clock.today();
    let who = auth.principal().clone();
    let lang = auth.0.lang;
    let figures = auth.0.state.figures.clone();
    let asked = (q.alue, q.maakunta);
    // One trip to the pool: the scope, the figures (from memory while their version holds)
    // and what is the viewer's own.
    let ((scope, scopes), manages, created, f) = auth
        .0
        .state
        .db(move |conn| {
            let (scope, scopes) = scope_in(conn, &who, asked, lang)?;
            let f = figures.network.get(conn, (scope, lang, today), |c| {
                network_figures(c, scope, today, lang)
            })?;
            Ok((
                (scope, scopes),
                manages_scope(conn, &who, scope)?,
                feeds::account_created(conn, who.user_id)?,
                f,
            ))
        })
        .await?;
    let html = match f.html.get() {
        Some(html) => html,
        None => {
            let html = shared_html(&auth, scope, &f)?;
            f.html.get_or_init(|| html)
        }
    };
    let mut c = tera::Context::new();
    scope_menu(&mut c, scope, &scopes);
    c.insert("members", &f.members.0);
    c.insert("active", &f.members.1);
    c.insert("reach", &f.reach);
    c.insert("blind_total", &f.blind_total);
    c.insert(
        "feed_url",
        &feeds::feed_url_for(&auth, created, Feed::Area(scope)),
    );
    // Links lead only where the viewer may go: after a transfer the regional coordinator sees
    // the county but no longer runs it; a county coordinator hands nothing over.
    c.insert("manages", &manages);
    c.insert(
        "can_transfer",
        &(auth.principal().is_admin() || !auth.principal().regions_managed().is_empty()),
    );
    auth.0.render_with_parts(
        "network/view.html",
        c,
        &[
            ("upcoming_html", &html.upcoming),
            ("figures_html", &html.sections),
        ],
    )
}

/// The page's parts that are the same for every viewer of the scope: the area's coming
/// trainings (`network/upcoming.html`) and the figures' sections (`network/figures.html`).
fn shared_html(auth: &Auth, scope: Scope, f: &NetworkFigures) -> AppResult<FiguresHtml> {
    let lang = auth.0.lang;
    let templates = &auth.0.state.templates;
    let catalog = templates.catalog(lang);
    let mut c = tera::Context::new();
    c.insert("upcoming", &f.upcoming);
    c.insert("query", &scope_query(scope));
    c.insert("registry", &f.registry);
    c.insert("members", &f.members.0);
    c.insert("quarters", &f.quarters);
    c.insert("reach", &f.reach);
    insert_charts(&mut c, &f.quarters, &f.reach, catalog, lang);
    c.insert("blind_spots", &f.blind_spots);
    c.insert("blind_total", &f.blind_total);
    c.insert("flagged", &f.flagged);
    Ok(FiguresHtml {
        upcoming: templates.render(lang, "network/upcoming.html", &c)?,
        sections: templates.render(lang, "network/figures.html", &c)?,
    })
}

/// The scope, its name and the other scopes the caller may switch to.
fn scope_menu(c: &mut tera::Context, scope: Scope, scopes: &[(Scope, String)]) {
    c.insert("scope", &scope);
    scope_switch(c, scope, scopes);
}

/// The participants per quarter and the reach per county, drawn.
fn insert_charts(
    c: &mut tera::Context,
    quarters: &[reach::quarterly::Quarter],
    reach: &reach::Reach,
    catalog: &crate::i18n::Catalog,
    lang: crate::i18n::Lang,
) {
    c.insert(
        "participants_chart",
        &bar_chart(
            quarters,
            |q| q.participants,
            catalog.get("network.chart_participants"),
            "participants",
            lang,
        ),
    );
    c.insert("reach_chart", &reach_chart(reach, catalog, lang));
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
