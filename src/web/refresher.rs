//! The coordinators' refresher page: the lapsed experts of their area (waiting for a cohort
//! or enrolled), those reminded that they are about to lapse, and those excused; enrolling and
//! excusing by hand, and releasing from the refresher, each with a reason.

use super::ctx::{see_other, Auth};
use super::network::scope::{scope_for, scope_switch, ScopeQuery};
use crate::network::refresher;
use crate::network::registry::Scope;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/verkosto/kertaus", page);
    t.post("/verkosto/kertaus/{id}/ilmoita", enrol);
    t.post("/verkosto/kertaus/{id}/vapauta", excuse);
    t.post("/verkosto/kertaus/{id}/vapauta-ryhmasta", release);
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub alue: Option<i64>,
    pub maakunta: Option<i64>,
    /// What was just done (after a redirect): `ilmoitettu` or `vapautettu`.
    pub tehty: Option<String>,
}

impl PageQuery {
    fn scope(&self) -> ScopeQuery {
        ScopeQuery {
            alue: self.alue,
            maakunta: self.maakunta,
        }
    }
}

/// The form of either action; which fields count depends on the action.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct ActionForm {
    #[serde(default)]
    pub cohort_id: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub reason: String,
}

async fn render(
    auth: &Auth,
    status: StatusCode,
    q: &ScopeQuery,
    done: Option<&str>,
    failed: Option<(i64, &ActionForm, &str)>,
) -> AppResult<HttpResponse> {
    let (scope, scopes) = scope_for(auth, q).await?;
    let today = auth.0.state.clock.today();
    let lang = auth.0.lang;
    let (view, rule, last_run, cohorts) = auth
        .0
        .state
        .db(move |conn| {
            let region = match scope {
                Scope::Region(r) => r,
                Scope::County(c) => crate::network::county_place(conn, c)?.region_id,
            };
            let cohorts: Vec<_> = refresher::open_refresher_cohorts(conn, today)?
                .into_iter()
                .filter(|c| c.region_id.is_none() || c.region_id == Some(region))
                .collect();
            Ok((
                refresher::area(conn, scope, today, lang)?,
                refresher::rule(conn)?,
                refresher::last_run(conn)?,
                cohorts,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    scope_switch(&mut c, scope, &scopes);
    c.insert("counts", &view.counts());
    c.insert("view", &view);
    c.insert("rule", &rule);
    c.insert("last_run", &last_run);
    c.insert("cohorts", &cohorts);
    c.insert("done", &done);
    c.insert("today", &today.to_string());
    c.insert(
        "default_until",
        &today
            .checked_add_months(chrono::Months::new(12))
            .unwrap_or(today)
            .to_string(),
    );
    match failed {
        Some((user, form, error)) => {
            c.insert("failed_user", &user);
            c.insert("form", form);
            c.insert("errors", &vec![error]);
        }
        None => {
            c.insert("failed_user", &0);
            c.insert("form", &ActionForm::default());
            c.insert("errors", &Vec::<&str>::new());
        }
    }
    auth.0.render_status(status, "network/refresher.html", c)
}

pub async fn page(auth: Auth, q: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let done = match q.tehty.as_deref() {
        Some("ilmoitettu") => Some("refresher.done_enrolled"),
        Some("vapautettu") => Some("refresher.done_excused"),
        _ => None,
    };
    render(&auth, StatusCode::OK, &q.scope(), done, None).await
}

/// After an action: back to the page (same scope) with a status message, or the page again
/// with the error beside the expert's row and what was typed kept.
async fn finish(
    auth: &Auth,
    q: &ScopeQuery,
    user: i64,
    form: &ActionForm,
    result: AppResult<()>,
    done: &str,
) -> AppResult<HttpResponse> {
    let scope = match (q.maakunta, q.alue) {
        (Some(c), _) => format!("maakunta={c}&"),
        (None, Some(r)) => format!("alue={r}&"),
        _ => String::new(),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/verkosto/kertaus?{scope}tehty={done}"))),
        Err(AppError::Invalid(key)) | Err(AppError::Conflict(key)) => {
            render(
                auth,
                StatusCode::BAD_REQUEST,
                q,
                None,
                Some((user, form, key.as_str())),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn enrol(
    auth: Auth,
    path: web::Path<i64>,
    q: web::Query<ScopeQuery>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    let user = path.into_inner();
    let form = form.into_inner();
    let who = auth.principal().clone();
    let (today, now) = (auth.0.state.clock.today(), auth.0.now());
    let state = auth.0.state.clone();
    let (cohort, reason) = (form.cohort_id.trim().parse::<i64>(), form.reason.clone());
    let result = match cohort {
        Err(_) => Err(AppError::Invalid("refresher.cohort_not_open".into())),
        Ok(cohort) => {
            auth.0
                .state
                .db(move |conn| {
                    let msg = state.messaging();
                    refresher::enrol_by_hand(conn, &msg, &who, user, cohort, &reason, today, now)
                })
                .await
        }
    };
    finish(&auth, &q, user, &form, result, "ilmoitettu").await
}

pub async fn excuse(
    auth: Auth,
    path: web::Path<i64>,
    q: web::Query<ScopeQuery>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    let user = path.into_inner();
    let form = form.into_inner();
    let who = auth.principal().clone();
    let (today, now) = (auth.0.state.clock.today(), auth.0.now());
    let reason = form.reason.clone();
    let result = match NaiveDate::parse_from_str(form.until.trim(), "%Y-%m-%d") {
        Err(_) => Err(AppError::Invalid("refresher.until_invalid".into())),
        Ok(until) => {
            auth.0
                .state
                .db(move |conn| refresher::excuse(conn, &who, user, until, &reason, today, now))
                .await
        }
    };
    finish(&auth, &q, user, &form, result, "vapautettu").await
}

/// Releases an enrolled expert from the refresher (their place freed, the expert told).
pub async fn release(
    auth: Auth,
    path: web::Path<i64>,
    q: web::Query<ScopeQuery>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    let user = path.into_inner();
    let form = form.into_inner();
    let who = auth.principal().clone();
    let (today, now) = (auth.0.state.clock.today(), auth.0.now());
    let state = auth.0.state.clone();
    let reason = form.reason.clone();
    let until = match form.until.trim() {
        "" => Ok(None),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::Invalid("refresher.until_invalid".into())),
    };
    let result = match until {
        Err(e) => Err(e),
        Ok(until) => {
            auth.0
                .state
                .db(move |conn| {
                    let msg = state.messaging();
                    refresher::release(conn, &msg, &who, user, until, &reason, today, now)
                })
                .await
        }
    };
    match result {
        Ok(released) => {
            let scope = match (q.maakunta, q.alue) {
                (Some(c), _) => format!("?maakunta={c}"),
                (None, Some(r)) => format!("?alue={r}"),
                _ => String::new(),
            };
            let key = match released {
                refresher::Released::PlaceFreed => "notice.refresher_released",
                refresher::Released::FromQueue => "notice.refresher_released_queue",
            };
            Ok(auth
                .0
                .see_other_notice(&format!("/verkosto/kertaus{scope}"), key))
        }
        Err(e) => finish(&auth, &q, user, &form, Err(e), "").await,
    }
}
