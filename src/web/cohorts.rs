//! Coordinators' cohort pages: the list, creating and editing a cohort, the cohort page
//! (trainers and trainees with progress), cancelling and archiving. Adding trainers and
//! withdrawing trainees are in [`super::cohort_roster`]; the application queue and invitations
//! in [`super::cohort_queue`]; the form itself in [`super::cohort_form`].

use super::cohort_form::{render_form, CohortForm};
use super::ctx::Auth;
use crate::cohorts::{self, lifecycle, Cohort};
use crate::db::schema::courses;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;

/// Those who open cohorts: admins and regional coordinators.
pub(super) fn require_manager(auth: &Auth) -> AppResult<()> {
    if auth.principal().is_admin() || !auth.principal().regions_managed().is_empty() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The cohort, if the caller manages it; otherwise 404 (its existence is not revealed).
pub(super) async fn managed_cohort(auth: &Auth, id: i64) -> AppResult<Cohort> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let c = cohorts::find(conn, id)?;
            if cohorts::manages(&who, &c) {
                Ok(c)
            } else {
                Err(AppError::NotFound)
            }
        })
        .await
}

/// The cohorts the caller manages (admins, regional coordinators), follows (a county
/// coordinator sees their region's cohorts read only, with the public application page while
/// applications are open) and teaches (trainers); current ones first and the archived apart.
pub async fn list(auth: Auth) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let follows = who.manages_anything();
    if !follows && !who.is_trainer() {
        return Err(AppError::Forbidden);
    }
    let today = auth.0.state.clock.today();
    let rows = auth
        .0
        .state
        .db(move |conn| {
            // (cohort, course, whether the caller opens its page: they run or teach it)
            let mut rows: Vec<(Cohort, String, bool)> = if follows {
                cohorts::cohort::visible_to(conn, &who)?
            } else {
                Vec::new()
            };
            for (c, course) in cohorts::teaching::taught_list(conn, who.user_id)? {
                match rows.iter_mut().find(|(o, _, _)| o.id == c.id) {
                    Some(row) => row.2 = true,
                    None => rows.push((c, course, true)),
                }
            }
            Ok(rows)
        })
        .await?;
    let who = auth.principal();
    let view = |archived: bool| {
        rows.iter()
            .filter(|(c, _, _)| c.archived_at.is_some() == archived)
            .map(|(c, course, opens)| {
                serde_json::json!({
                    "cohort": c, "course": course, "phase": c.phase(today),
                    "manages": cohorts::manages(who, c), "opens": opens,
                    "open": c.open_for_applications(today),
                })
            })
            .collect::<Vec<_>>()
    };
    let mut c = tera::Context::new();
    c.insert("cohorts", &view(false));
    c.insert("archived", &view(true));
    let may_create = require_manager(&auth).is_ok();
    c.insert("may_create", &may_create);
    c.insert("follows", &(follows && !may_create));
    auth.0.render("cohorts/list.html", c)
}

pub async fn new_form(auth: Auth) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let form = CohortForm {
        manager_approval_required: Some("on".into()),
        work_hours: "20".into(),
        ..Default::default()
    };
    render_form(&auth, StatusCode::OK, &form, &[], None).await
}

pub async fn create(auth: Auth, form: web::Form<CohortForm>) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let form = form.into_inner();
    let today = auth.0.state.clock.today();
    let (new, mut errors) = form.parse(today, None);
    let who = auth.principal();
    // The region must be one the caller manages; a national cohort is an admin's.
    let region_ok = match new.region_id {
        Some(r) => who.manages_region(r),
        None => who.is_admin() && form.region_id.trim().is_empty(),
    };
    if !region_ok {
        errors.push(("region_id", "cohort.region_invalid"));
    }
    let course_id = new.course_id;
    let course_exists = auth
        .0
        .state
        .db(move |conn| {
            Ok(courses::table
                .find(course_id)
                .count()
                .get_result::<i64>(conn)?
                > 0)
        })
        .await?;
    if !course_exists {
        errors.push(("course_id", "cohort.course_invalid"));
    }
    if !errors.is_empty() {
        return render_form(&auth, StatusCode::BAD_REQUEST, &form, &errors, None).await;
    }
    let now = auth.0.now();
    let owned = form.clone();
    // Once per form: a retry after a lost answer opens the cohort the first one created.
    let location = auth
        .0
        .create_once("cohort", move |conn| {
            let (new, _) = owned.parse(today, None);
            let cohort = cohorts::create(conn, new, now)?;
            Ok(format!("/hallinta/ryhmat/{}", cohort.id))
        })
        .await?;
    drain_refresher_queue(&auth).await;
    Ok(auth.0.see_other_notice(&location, "notice.cohort_created"))
}

/// A new or changed refresher cohort takes the experts waiting for one. The cohort is saved
/// whatever happens here; a failure is logged and the daily check tries again.
async fn drain_refresher_queue(auth: &Auth) {
    let state = auth.0.state.clone();
    let (today, now) = (state.clock.today(), auth.0.now());
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            crate::network::refresher::drain_queue(conn, &msg, today, now)
        })
        .await;
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(enrolled = n, "experts enrolled from the refresher queue"),
        Err(e) => tracing::warn!(error = %e, "enrolling from the refresher queue failed"),
    }
}

/// The cohort page: settings, trainers, trainees with progress. Trainers of the cohort see it
/// too, without the controls.
pub async fn show(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    render_show(&auth, path.into_inner(), StatusCode::OK, None).await
}

/// A refused form of the cohort page (`trainer` or `cancel`): what was typed and what was
/// wrong with it, shown next to the field.
#[derive(serde::Serialize)]
pub(super) struct Problem {
    pub(super) form: &'static str,
    pub(super) value: String,
    pub(super) error: String,
}

pub(super) async fn render_show(
    auth: &Auth,
    id: i64,
    status: StatusCode,
    problem: Option<Problem>,
) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let (cohort, manages, roster, trainers, course, seats) = auth
        .0
        .state
        .db(move |conn| {
            let c = cohorts::find(conn, id)?;
            let manages = cohorts::manages(&who, &c);
            if !manages && cohorts::role_in(conn, &who, &c)? != Some(cohorts::CohortRole::Trainer) {
                return Err(AppError::NotFound);
            }
            let roster = cohorts::roster::roster(conn, &c)?;
            let trainers = cohorts::trainers(conn, c.id)?;
            let course = cohorts::course_of(conn, &c)?.2;
            let seats = cohorts::seats_taken(conn, c.id)?;
            Ok((c, manages, roster, trainers, course, seats))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("phase", &cohort.phase(auth.0.state.clock.today()));
    c.insert("cohort", &cohort);
    c.insert("manages", &manages);
    c.insert("roster", &roster);
    c.insert("trainers", &trainers);
    c.insert("course", &course);
    c.insert("seats", &seats);
    c.insert("problem_form", &problem.as_ref().map_or("", |p| p.form));
    c.insert("problem", &problem);
    auth.0.render_status(status, "cohorts/show.html", c)
}

pub async fn edit_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    render_form(
        &auth,
        StatusCode::OK,
        &CohortForm::from_cohort(&cohort),
        &[],
        Some(&cohort),
    )
    .await
}

pub async fn update(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<CohortForm>,
) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    if cohort.cancelled_at.is_some() || cohort.archived_at.is_some() {
        return Err(AppError::Conflict("cohort.closed".into()));
    }
    let mut form = form.into_inner();
    // The course and region stay as created.
    form.course_id = cohort.course_id.to_string();
    form.region_id = cohort.region_id.map(|r| r.to_string()).unwrap_or_default();
    let today = auth.0.state.clock.today();
    let previous = Some(cohort.starts_on);
    let (_, errors) = form.parse(today, previous);
    if !errors.is_empty() {
        return render_form(
            &auth,
            StatusCode::BAD_REQUEST,
            &form,
            &errors,
            Some(&cohort),
        )
        .await;
    }
    let now = auth.0.now();
    let state = auth.0.state.clone();
    let id = cohort.id;
    auth.0
        .state
        .db(move |conn| {
            let (new, _) = form.parse(today, previous);
            let msg = state.messaging();
            cohorts::settings::update(conn, id, new, &msg, now)
        })
        .await?;
    drain_refresher_queue(&auth).await;
    Ok(auth
        .0
        .see_other_notice(&format!("/hallinta/ryhmat/{id}"), "notice.cohort_saved"))
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    pub reason: String,
}

/// Cancels the cohort; its applicants and trainees are told why.
pub async fn cancel(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<CancelForm>,
) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let reason = form.into_inner().reason;
    let (actor, now) = (auth.principal().user_id, auth.0.now());
    let state = auth.0.state.clone();
    let (id, r2) = (cohort.id, reason.clone());
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            lifecycle::cancel(conn, &msg, id, &r2, Some(actor), now)
        })
        .await;
    match result {
        Ok(done) => Ok(auth.0.see_other_notice_n(
            &format!("/hallinta/ryhmat/{id}"),
            "notice.cohort_cancelled",
            (done.applicants + done.trainees) as i64,
        )),
        Err(AppError::Invalid(key)) => {
            let problem = Problem {
                form: "cancel",
                value: reason,
                error: key,
            };
            render_show(&auth, id, StatusCode::BAD_REQUEST, Some(problem)).await
        }
        Err(e) => Err(e),
    }
}

/// Archives a cohort that is over.
pub async fn archive(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let (actor, now, id) = (auth.principal().user_id, auth.0.now(), cohort.id);
    auth.0
        .state
        .db(move |conn| lifecycle::archive(conn, id, Some(actor), now))
        .await?;
    Ok(auth
        .0
        .see_other_notice("/hallinta/ryhmat", "notice.cohort_archived"))
}
