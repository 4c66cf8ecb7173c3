//! The public side of applying: the open cohorts, the application form, confirming the e-mail
//! address, and the manager's approval page. The signed links only show a page; the change
//! happens when the person presses the button (a mail scanner that opens links changes
//! nothing).

use super::ctx::Ctx;
use crate::accounts::rate_limit;
use crate::accounts::tokens::SignedError;
use crate::cohorts::{self, applications, Cohort};
use crate::i18n::Lang;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

pub async fn open_list(ctx: Ctx) -> AppResult<HttpResponse> {
    let today = ctx.state.clock.today();
    let rows = ctx
        .state
        .db(move |conn| cohorts::open_cohorts(conn, today))
        .await?;
    let mut c = tera::Context::new();
    c.insert(
        "cohorts",
        &rows
            .iter()
            .map(|(co, course)| serde_json::json!({"cohort": co, "course": course}))
            .collect::<Vec<_>>(),
    );
    ctx.render("applications/open.html", c)
}

/// A cohort open for applications, or 404 (closed ones are not shown).
async fn open_cohort(ctx: &Ctx, id: i64) -> AppResult<(Cohort, String)> {
    let today = ctx.state.clock.today();
    ctx.state
        .db(move |conn| {
            let c = cohorts::find(conn, id)?;
            if !c.open_for_applications(today) {
                return Err(AppError::NotFound);
            }
            let course = cohorts::course_of(conn, &c)?.2;
            Ok((c, course))
        })
        .await
}

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct ApplyForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub organisation_other: String,
    #[serde(default)]
    pub county_id: String,
    #[serde(default)]
    pub manager_name: String,
    #[serde(default)]
    pub manager_email: String,
    #[serde(default)]
    pub motivation: String,
}

impl ApplyForm {
    fn typed(&self, lang: Lang) -> applications::ApplicationForm {
        applications::ApplicationForm {
            name: self.name.clone(),
            email: self.email.clone(),
            language: lang,
            organisation_id: self.organisation_id.trim().parse().ok(),
            organisation_other: self.organisation_other.clone(),
            county_id: self.county_id.trim().parse().ok(),
            manager_name: self.manager_name.clone(),
            manager_email: self.manager_email.clone(),
            motivation: self.motivation.clone(),
        }
    }
}

async fn render_form(
    ctx: &Ctx,
    status: StatusCode,
    cohort: Cohort,
    course: String,
    form: &ApplyForm,
    errors: &[&str],
) -> AppResult<HttpResponse> {
    render_form_held(ctx, status, cohort, course, form, errors, None).await
}

/// The form, with the sentence saying when a limit lets this address apply again.
async fn render_form_held(
    ctx: &Ctx,
    status: StatusCode,
    cohort: Cohort,
    course: String,
    form: &ApplyForm,
    errors: &[&str],
    held: Option<String>,
) -> AppResult<HttpResponse> {
    let c2 = cohort.clone();
    let (organisations, counties) = ctx
        .state
        .db(move |conn| {
            Ok((
                applications::organisation_choices(conn, &c2)?,
                applications::county_choices(conn, &c2)?,
            ))
        })
        .await?;
    // Organisations grouped by county for the select's optgroups.
    let mut groups: Vec<(String, Vec<(i64, String)>)> = Vec::new();
    for (id, name, _, county) in organisations {
        match groups.last_mut() {
            Some((c, list)) if *c == county => list.push((id, name)),
            _ => groups.push((county, vec![(id, name)])),
        }
    }
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("course", &course);
    c.insert("groups", &groups);
    c.insert("counties", &counties);
    c.insert("form", form);
    c.insert("errors", errors);
    c.insert("held", &held);
    ctx.render_status(status, "applications/form.html", c)
}

pub async fn form(ctx: Ctx, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let (cohort, course) = open_cohort(&ctx, path.into_inner()).await?;
    render_form(
        &ctx,
        StatusCode::OK,
        cohort,
        course,
        &ApplyForm::default(),
        &[],
    )
    .await
}

pub async fn submit(
    ctx: Ctx,
    req: actix_web::HttpRequest,
    path: web::Path<i64>,
    form: web::Form<ApplyForm>,
) -> AppResult<HttpResponse> {
    let (cohort, course) = open_cohort(&ctx, path.into_inner()).await?;
    let now = ctx.now();
    let form = form.into_inner();
    let typed = form.typed(ctx.lang);
    let c2 = cohort.clone();
    let t2 = typed.clone();
    let errors = ctx
        .state
        .db(move |conn| applications::validate(conn, &c2, &t2))
        .await?;
    if !errors.is_empty() {
        return render_form(
            &ctx,
            StatusCode::BAD_REQUEST,
            cohort,
            course,
            &form,
            &errors,
        )
        .await;
    }
    // The form is public and sends e-mail: limited per applicant address and, far higher, per
    // client address (a whole municipality applying from one network stays below it).
    let target = format!("apply-email:{}", rate_limit::hashed(&form.email));
    let source = format!("apply-ip:{}", super::client::address_key(&req, &ctx.state));
    let (t1, s1) = (target.clone(), source.clone());
    let held = ctx
        .state
        .db(move |conn| {
            Ok(rate_limit::held_until(
                conn,
                &[
                    (t1.as_str(), rate_limit::APPLY_PER_EMAIL),
                    (s1.as_str(), rate_limit::APPLY_PER_ADDRESS),
                ],
                now,
            )?)
        })
        .await?;
    if let Some(until) = held {
        let text = super::limits::retry_message(
            &ctx.state.templates,
            ctx.lang,
            ctx.now(),
            "limits.apply_held",
            until,
        );
        let res = render_form_held(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            cohort,
            course,
            &form,
            &[],
            Some(text),
        )
        .await?;
        return Ok(super::limits::retry_after(res, now, until));
    }
    let state = ctx.state.clone();
    // Once per form: a retry after a lost answer sends no second confirmation.
    ctx.create_once("apply", move |conn| {
        rate_limit::hit_all(
            conn,
            &[
                (target.as_str(), rate_limit::APPLY_PER_EMAIL),
                (source.as_str(), rate_limit::APPLY_PER_ADDRESS),
            ],
            now,
        )?;
        let msg = state.messaging();
        applications::apply(conn, &msg, &cohort, &typed, now)?;
        Ok("sent".into())
    })
    .await?;
    let mut c = tera::Context::new();
    c.insert("email", form.email.trim());
    ctx.render("applications/sent.html", c)
}

fn link_error(ctx: &Ctx, e: SignedError) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert(
        "problem",
        match e {
            SignedError::Expired => "link.expired",
            _ => "link.invalid",
        },
    );
    ctx.render_status(StatusCode::GONE, "applications/link_error.html", c)
}

pub async fn confirm_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    match applications::application_from_token(
        &ctx.state.config.secret,
        applications::CONFIRM_PURPOSE,
        &token,
        ctx.now(),
    ) {
        Err(e) => link_error(&ctx, e),
        Ok(link) => {
            let app = ctx
                .state
                .db(move |conn| applications::find_linked(conn, link))
                .await?;
            let mut c = tera::Context::new();
            c.insert("token", &token);
            c.insert("confirmed", &app.email_confirmed_at.is_some());
            c.insert("name", &app.name);
            ctx.render("applications/confirm.html", c)
        }
    }
}

pub async fn confirm(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let link = match applications::application_from_token(
        &ctx.state.config.secret,
        applications::CONFIRM_PURPOSE,
        &token,
        ctx.now(),
    ) {
        Err(e) => return link_error(&ctx, e),
        Ok(link) => link,
    };
    let now = ctx.now();
    let state = ctx.state.clone();
    let (app, cohort) = ctx
        .state
        .db(move |conn| {
            let msg = state.messaging();
            let id = applications::find_linked(conn, link)?.id;
            let app = applications::confirm(conn, &msg, id, now)?;
            let cohort = cohorts::find(conn, app.cohort_id)?;
            Ok((app, cohort))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("token", &token);
    c.insert("confirmed", &true);
    c.insert("just_confirmed", &true);
    c.insert("manager_asked", &cohort.manager_approval_required);
    c.insert("name", &app.name);
    ctx.render("applications/confirm.html", c)
}

async fn manager_context(ctx: &Ctx, link: (i64, i64)) -> AppResult<tera::Context> {
    let (app, cohort, course) = ctx
        .state
        .db(move |conn| {
            let app = applications::find_linked(conn, link)?;
            let cohort = cohorts::find(conn, app.cohort_id)?;
            let course = cohorts::course_of(conn, &cohort)?.2;
            Ok((app, cohort, course))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("application", &app);
    c.insert("cohort", &cohort);
    c.insert("course", &course);
    Ok(c)
}

pub async fn manager_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    match applications::application_from_token(
        &ctx.state.config.secret,
        applications::MANAGER_PURPOSE,
        &token,
        ctx.now(),
    ) {
        Err(e) => link_error(&ctx, e),
        Ok(link) => {
            let mut c = manager_context(&ctx, link).await?;
            c.insert("token", &token);
            ctx.render("applications/manager.html", c)
        }
    }
}

#[derive(Deserialize)]
pub struct ManagerForm {
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

pub async fn manager_decide(
    ctx: Ctx,
    token: web::Path<String>,
    form: web::Form<ManagerForm>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let link = match applications::application_from_token(
        &ctx.state.config.secret,
        applications::MANAGER_PURPOSE,
        &token,
        ctx.now(),
    ) {
        Err(e) => return link_error(&ctx, e),
        Ok(link) => link,
    };
    let approve = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(AppError::invalid("manager.choose")),
    };
    let (now, note) = (ctx.now(), form.into_inner().note);
    let result = ctx
        .state
        .db(move |conn| {
            let id = applications::find_linked(conn, link)?.id;
            applications::manager_decide(conn, id, approve, &note, now)
        })
        .await;
    let mut c = manager_context(&ctx, link).await?;
    c.insert("token", &token);
    match result {
        Ok(_) => {
            c.insert("just_decided", &true);
            ctx.render("applications/manager.html", c)
        }
        Err(AppError::Conflict(_)) => {
            c.insert("already", &true);
            ctx.render_status(StatusCode::CONFLICT, "applications/manager.html", c)
        }
        Err(e) => Err(e),
    }
}
