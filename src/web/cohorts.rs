//! Coordinators' cohort pages: the list, creating and editing a cohort, its trainers and
//! trainees (with progress), the application queue, and bulk invitation by CSV.

use super::ctx::{see_other, Auth};
use crate::cohorts::{self, applications, invite, Cohort, NewCohort};
use crate::db::schema::{courses, regions, users};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use futures_util::StreamExt;
use serde::Deserialize;

/// Coordinators and admins only.
fn require_manager(auth: &Auth) -> AppResult<()> {
    if auth.principal().is_admin() || !auth.principal().regions_managed().is_empty() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The cohort, if the caller manages it; otherwise 404 (its existence is not revealed).
async fn managed_cohort(auth: &Auth, id: i64) -> AppResult<Cohort> {
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

pub async fn list(auth: Auth) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let who = auth.principal().clone();
    let rows = auth
        .0
        .state
        .db(move |conn| cohorts::managed_by(conn, &who))
        .await?;
    let mut c = tera::Context::new();
    c.insert(
        "cohorts",
        &rows
            .iter()
            .map(|(co, course)| serde_json::json!({"cohort": co, "course": course}))
            .collect::<Vec<_>>(),
    );
    auth.0.render("cohorts/list.html", c)
}

#[derive(Deserialize, Default, Clone)]
pub struct CohortForm {
    #[serde(default)]
    pub course_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub region_id: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub applications_open_on: String,
    #[serde(default)]
    pub applications_close_on: String,
    #[serde(default)]
    pub manager_approval_required: Option<String>,
    #[serde(default)]
    pub work_hours: String,
    #[serde(default)]
    pub description: String,
}

fn parse_date(s: &str, errors: &mut Vec<&'static str>) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push("form.date_invalid");
            None
        }
    }
}

fn parse_number(s: &str, key: &'static str, errors: &mut Vec<&'static str>) -> Option<i32> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.parse::<i32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(key);
            None
        }
    }
}

impl CohortForm {
    /// The typed settings and every problem found.
    fn parse(&self) -> (NewCohort<'_>, Vec<&'static str>) {
        let mut errors = Vec::new();
        let c = NewCohort {
            course_id: self.course_id.trim().parse().unwrap_or(0),
            name: &self.name,
            region_id: self.region_id.trim().parse().ok(),
            starts_on: parse_date(&self.starts_on, &mut errors),
            ends_on: parse_date(&self.ends_on, &mut errors),
            capacity: parse_number(&self.capacity, "cohort.capacity_invalid", &mut errors),
            applications_open_on: parse_date(&self.applications_open_on, &mut errors),
            applications_close_on: parse_date(&self.applications_close_on, &mut errors),
            manager_approval_required: self.manager_approval_required.is_some(),
            work_hours: parse_number(&self.work_hours, "cohort.work_hours_invalid", &mut errors)
                .unwrap_or(20),
            description: &self.description,
        };
        errors.extend(cohorts::validate(&c));
        errors.dedup();
        (c, errors)
    }

    fn from_cohort(c: &Cohort) -> CohortForm {
        let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        CohortForm {
            course_id: c.course_id.to_string(),
            name: c.name.clone(),
            region_id: c.region_id.map(|r| r.to_string()).unwrap_or_default(),
            starts_on: d(c.starts_on),
            ends_on: d(c.ends_on),
            capacity: c.capacity.map(|n| n.to_string()).unwrap_or_default(),
            applications_open_on: d(c.applications_open_on),
            applications_close_on: d(c.applications_close_on),
            manager_approval_required: c.manager_approval_required.then(|| "on".into()),
            work_hours: c.work_hours.to_string(),
            description: c.description.clone(),
        }
    }
}

/// The choices of the cohort form: published courses (each named with its language, so a
/// coordinator can open a Swedish cohort of the basic course) and the regions the caller
/// manages.
async fn form_choices(auth: &Auth) -> AppResult<(Vec<(i64, String)>, Vec<(i64, String)>)> {
    let who = auth.principal().clone();
    let (courses, regions) = auth
        .0
        .state
        .db(move |conn| {
            let courses: Vec<(i64, String, String)> = courses::table
                .filter(courses::active.eq(true))
                .order((courses::title, courses::language))
                .select((courses::id, courses::title, courses::language))
                .load(conn)?;
            let regions: Vec<(i64, String)> = regions::table
                .order(regions::position)
                .select((regions::id, regions::name_fi))
                .load(conn)?;
            let regions: Vec<(i64, String)> = regions
                .into_iter()
                .filter(|(id, _)| who.manages_region(*id))
                .collect();
            Ok((courses, regions))
        })
        .await?;
    let courses = courses
        .into_iter()
        .map(|(id, title, language)| {
            let name = match language.as_str() {
                // The languages' own names (Suomi, Svenska), lower-case as in running text.
                "fi" | "sv" => auth.0.t(&format!("lang.{language}")).to_lowercase(),
                "en" => auth.0.t("lang.en"),
                _ => language,
            };
            (id, format!("{title} ({name})"))
        })
        .collect();
    Ok((courses, regions))
}

async fn render_form(
    auth: &Auth,
    status: StatusCode,
    form: &CohortForm,
    errors: &[&str],
    cohort: Option<&Cohort>,
) -> AppResult<HttpResponse> {
    let (courses, regions) = form_choices(auth).await?;
    let mut c = tera::Context::new();
    c.insert("form", &serde_json::json!({
        "course_id": form.course_id, "name": form.name, "region_id": form.region_id,
        "starts_on": form.starts_on, "ends_on": form.ends_on, "capacity": form.capacity,
        "applications_open_on": form.applications_open_on, "applications_close_on": form.applications_close_on,
        "manager_approval_required": form.manager_approval_required.is_some(), "work_hours": form.work_hours,
        "description": form.description,
    }));
    c.insert("errors", errors);
    c.insert("courses", &courses);
    c.insert("regions", &regions);
    c.insert("national_allowed", &auth.principal().is_admin());
    c.insert("cohort", &cohort);
    auth.0.render_status(status, "cohorts/form.html", c)
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
    let (new, mut errors) = form.parse();
    let who = auth.principal();
    // The region must be one the caller manages; a national cohort is an admin's.
    let region_ok = match new.region_id {
        Some(r) => who.manages_region(r),
        None => who.is_admin() && form.region_id.trim().is_empty(),
    };
    if !region_ok {
        errors.push("cohort.region_invalid");
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
        errors.push("cohort.course_invalid");
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
            let (new, _) = owned.parse();
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
    let id = path.into_inner();
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
            let roster = cohorts::roster(conn, &c)?;
            let trainers = cohorts::trainers(conn, c.id)?;
            let course = cohorts::course_of(conn, &c)?.2;
            let seats = cohorts::seats_taken(conn, c.id)?;
            Ok((c, manages, roster, trainers, course, seats))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("manages", &manages);
    c.insert("roster", &roster);
    c.insert("trainers", &trainers);
    c.insert("course", &course);
    c.insert("seats", &seats);
    auth.0.render("cohorts/show.html", c)
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
    let mut form = form.into_inner();
    // The course and region stay as created.
    form.course_id = cohort.course_id.to_string();
    form.region_id = cohort.region_id.map(|r| r.to_string()).unwrap_or_default();
    let (_, errors) = form.parse();
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
            let (new, _) = form.parse();
            let msg = state.messaging();
            cohorts::update(conn, id, new, &msg, now)
        })
        .await?;
    drain_refresher_queue(&auth).await;
    Ok(see_other(&format!("/hallinta/ryhmat/{id}")))
}

#[derive(Deserialize)]
pub struct TrainerForm {
    pub email: String,
}

/// Adds a trainer by e-mail: the person must have the trainer role.
pub async fn add_trainer(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<TrainerForm>,
) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let email = form.into_inner().email.trim().to_lowercase();
    let id = cohort.id;
    auth.0
        .state
        .db(move |conn| {
            let user: Option<i64> = users::table
                .filter(users::email.eq(&email))
                .select(users::id)
                .first(conn)
                .optional()?;
            let Some(uid) = user else {
                return Err(AppError::invalid("cohort.trainer_unknown"));
            };
            let is_trainer = crate::accounts::model::roles_of(conn, uid)?
                .iter()
                .any(|r| r.role == "trainer");
            if !is_trainer {
                return Err(AppError::invalid("cohort.trainer_unknown"));
            }
            cohorts::add_trainer(conn, id, uid)
        })
        .await?;
    Ok(see_other(&format!("/hallinta/ryhmat/{id}")))
}

/// Withdraws (`peru`) or re-enrols (`palauta`) a trainee.
pub async fn enrolment_action(
    auth: Auth,
    path: web::Path<(i64, i64, String)>,
) -> AppResult<HttpResponse> {
    let (cohort_id, enrolment_id, action) = path.into_inner();
    let cohort = managed_cohort(&auth, cohort_id).await?;
    let (actor, now) = (auth.principal().user_id, auth.0.now());
    let state = auth.0.state.clone();
    auth.0
        .state
        .db(move |conn| {
            use crate::db::schema::enrolments;
            let belongs: i64 = enrolments::table
                .filter(enrolments::id.eq(enrolment_id))
                .filter(enrolments::cohort_id.eq(cohort.id))
                .count()
                .get_result(conn)?;
            if belongs == 0 {
                return Err(AppError::NotFound);
            }
            let msg = state.messaging();
            match action.as_str() {
                "peru" => cohorts::withdraw(conn, enrolment_id, Some(actor), "", &msg, now),
                "palauta" => cohorts::reenrol(conn, enrolment_id, Some(actor), now),
                _ => Err(AppError::NotFound),
            }
        })
        .await?;
    Ok(see_other(&format!("/hallinta/ryhmat/{cohort_id}")))
}

pub async fn queue(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let c2 = cohort.clone();
    let (rows, seats) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                applications::queue(conn, &c2)?,
                cohorts::seats_taken(conn, c2.id)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("rows", &rows);
    c.insert("seats", &seats);
    auth.0.render("cohorts/queue.html", c)
}

/// Accept (`hyvaksy`), decline (`hylkaa`) or waitlist (`jonoon`) an application.
pub async fn decide(auth: Auth, path: web::Path<(i64, String)>) -> AppResult<HttpResponse> {
    let (id, action) = path.into_inner();
    let who = auth.principal().clone();
    let (actor, now) = (who.user_id, auth.0.now());
    let state = auth.0.state.clone();
    let cohort_id = auth
        .0
        .state
        .db(move |conn| {
            let app = applications::find_application(conn, id)?;
            let cohort = cohorts::find(conn, app.cohort_id)?;
            if !cohorts::manages(&who, &cohort) {
                return Err(AppError::NotFound);
            }
            let msg = state.messaging();
            match action.as_str() {
                "hyvaksy" => applications::accept(conn, &msg, id, Some(actor), now).map(|_| ()),
                "hylkaa" => applications::decide(conn, &msg, id, "declined", Some(actor), now),
                "jonoon" => applications::decide(conn, &msg, id, "waitlisted", Some(actor), now),
                _ => Err(AppError::NotFound),
            }?;
            Ok(cohort.id)
        })
        .await?;
    Ok(see_other(&format!(
        "/hallinta/ryhmat/{cohort_id}/hakemukset"
    )))
}

pub async fn invite_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    auth.0.render("cohorts/invite.html", c)
}

/// The largest CSV accepted: the confirm step sends the text back as a form field, which the
/// frame limits to 1 MiB.
const CSV_LIMIT: usize = 512 * 1024;

/// Reads the uploaded file and shows the preview; nothing is saved yet.
pub async fn invite_preview(
    auth: Auth,
    path: web::Path<i64>,
    mut payload: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let mut bytes = Vec::new();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| AppError::invalid("invite.upload_failed"))?;
        let is_file = field.content_disposition().and_then(|d| d.get_name()) == Some("file");
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::invalid("invite.upload_failed"))?;
            if is_file {
                if bytes.len() + chunk.len() > CSV_LIMIT {
                    return Err(AppError::invalid("invite.too_large"));
                }
                bytes.extend_from_slice(&chunk);
            }
        }
    }
    render_preview(&auth, cohort, bytes).await
}

async fn render_preview(auth: &Auth, cohort: Cohort, bytes: Vec<u8>) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    let Ok(text) = String::from_utf8(bytes) else {
        c.insert("file_error", "invite.not_utf8");
        return auth
            .0
            .render_status(StatusCode::BAD_REQUEST, "cohorts/invite.html", c);
    };
    let t2 = text.clone();
    let preview = auth
        .0
        .state
        .db(move |conn| invite::preview(conn, &cohort, &t2))
        .await?;
    let status = if preview.ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    c.insert("preview", &preview);
    c.insert("csv", &text);
    auth.0.render_status(status, "cohorts/invite.html", c)
}

#[derive(Deserialize)]
pub struct InviteConfirm {
    pub csv: String,
}

/// Invites everyone of the previewed file, all or nothing.
pub async fn invite_confirm(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<InviteConfirm>,
) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let text = form.into_inner().csv;
    let (actor, now) = (auth.principal().user_id, auth.0.now());
    let state = auth.0.state.clone();
    let c2 = cohort.clone();
    let t2 = text.clone();
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            invite::invite_all(conn, &msg, &c2, &t2, Some(actor), now)
        })
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/hallinta/ryhmat/{}", cohort.id))),
        Err(AppError::Invalid(_)) => render_preview(&auth, cohort, text.into_bytes()).await,
        Err(e) => Err(e),
    }
}
