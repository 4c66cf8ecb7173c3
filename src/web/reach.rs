//! The coordinators' reach page (`/verkosto/tavoittavuus`: by organisation and by profession,
//! year by year, from the running totals) and the iCalendar feeds of trainings at signed URLs
//! (`/kalenteri/{token}`), for an area's coordinators and for each expert.

use super::ctx::{Auth, Ctx};
use super::network::scope::{scope_context, scope_for, ScopeQuery};
use crate::network::reach;
use crate::network::trainings::calendar::{self, Labels};
use crate::AppResult;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/verkosto/tavoittavuus", reach_page);
    t.get("/kalenteri/{token}", feed);
}

#[derive(Deserialize)]
pub struct ReachQuery {
    pub alue: Option<i64>,
    pub maakunta: Option<i64>,
    pub vuosi: Option<i32>,
}

pub async fn reach_page(auth: Auth, q: web::Query<ReachQuery>) -> AppResult<HttpResponse> {
    use chrono::Datelike;
    let sq = ScopeQuery {
        alue: q.alue,
        maakunta: q.maakunta,
    };
    let (scope, scopes) = scope_for(&auth, &sq).await?;
    let this_year = crate::i18n::format::helsinki_date(auth.0.now()).year();
    let year = q
        .vuosi
        .filter(|y| (2015..=this_year + 1).contains(y))
        .unwrap_or(this_year);
    let lang = auth.0.lang;
    let (totals, by_org, by_profession, years) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                reach::reach(conn, scope, year, lang)?,
                reach::breakdowns::by_organisation(conn, scope, year, lang)?,
                reach::breakdowns::by_profession(conn, scope, year)?,
                reach::years(conn, scope, this_year)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    scope_context(&mut c, scope, &scopes);
    c.insert("year", &year);
    c.insert("years", &years);
    c.insert("reach", &totals);
    c.insert("organisations", &by_org);
    c.insert("professions", &by_profession);
    auth.0.render("network/reach.html", c)
}

/// A feed for Outlook and other calendars. The token is the key: no session is needed.
pub async fn feed(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let token = token.strip_suffix(".ics").unwrap_or(&token).to_string();
    let (secret, today, now) = (
        ctx.state.config.secret.clone(),
        crate::i18n::format::helsinki_date(ctx.now()),
        ctx.now(),
    );
    let found = ctx
        .state
        .db(move |conn| calendar::resolve(conn, &secret, &token, today, now))
        .await?;
    let Some((lang, list)) = found else {
        return Err(crate::AppError::NotFound);
    };
    let cat = ctx.state.templates.catalog(lang);
    let theme = |th: &str| cat.get(&format!("theme.{th}")).to_string();
    let labels = Labels {
        calendar_name: cat.get("calendar.name"),
        training: cat.get("calendar.training"),
        remote: cat.get("training.remote"),
        expert: cat.get("calendar.expert"),
        deleted_expert: cat.get("network.deleted_expert"),
        unit: cat.get("training.unit"),
        planned_size: cat.get("training.planned_size"),
        theme: &theme,
    };
    let host = url::Url::parse(&ctx.state.config.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "kirjaamo".into());
    let body = calendar::ics(&list, &labels, &host, now);
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "inline; filename=\"koulutukset.ics\"",
        ))
        .body(body))
}
