//! Participants' pages, open to anyone with the code (no account): `/osallistu` to type a
//! code, `/osallistu/{code}` to sign in to a training on its day, and
//! `/osallistu/palaute/{token}` for the feedback afterwards. A flood of sign-ins from one
//! address is refused (429) before anything is read.

use super::ctx::Ctx;
use crate::accounts::rate_limit::{self, Limit};
use crate::network::trainings::attendance::{self, SignInForm};
use crate::network::trainings::code::{self, CodeState};
use crate::network::trainings::{Training, PROFESSIONS};
use crate::surveys::training as feedback;
use crate::{AppError, AppResult};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

/// Sign-ins from one address: enough for a training room of a hundred on one network, few
/// enough that a script cannot fill a training with made-up names.
pub const SIGN_INS_PER_ADDRESS: Limit = Limit {
    max: 120,
    window_minutes: 15,
};

/// The cookie that remembers, on the participant's phone, that they signed in (their
/// feedback link), so coming back to the code's page does not look like a failure.
const COOKIE: &str = "kirjaamo_osallistuminen";

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/osallistu", enter_code);
    t.get("/osallistu/{code}", form);
    t.post("/osallistu/{code}", sign_in);
    t.get("/osallistu/palaute/{token}", feedback_form);
    t.post("/osallistu/palaute/{token}", feedback_save);
}

#[derive(Deserialize)]
pub struct CodeQuery {
    pub koodi: Option<String>,
}

/// A code typed by hand: its page, or the form again with the problem.
pub async fn enter_code(ctx: Ctx, q: web::Query<CodeQuery>) -> AppResult<HttpResponse> {
    let typed = q.koodi.clone().unwrap_or_default();
    let mut c = tera::Context::new();
    c.insert("typed", &typed);
    if typed.trim().is_empty() {
        c.insert("errors", &Vec::<&str>::new());
        return ctx.render("attendance/enter.html", c);
    }
    match code::normalise_code(&typed) {
        Some(code) => Ok(super::ctx::see_other(&format!("/osallistu/{code}"))),
        None => {
            c.insert("errors", &["attendance.code_invalid"]);
            ctx.render_status(StatusCode::BAD_REQUEST, "attendance/enter.html", c)
        }
    }
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Fields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub profession: String,
}

async fn training_by_code(ctx: &Ctx, code: &str) -> AppResult<(Training, String, Vec<String>)> {
    let code = code.to_string();
    ctx.state
        .db(move |conn| {
            let t = code::by_code(conn, &code)?.ok_or(AppError::NotFound)?;
            use crate::db::schema::organisations;
            use diesel::prelude::*;
            let org: String = organisations::table
                .find(t.organisation_id)
                .select(organisations::name)
                .first(conn)?;
            let themes = t.theme_list();
            Ok((t, org, themes))
        })
        .await
}

/// The participant's earlier sign-in to this training on this phone, if any.
async fn signed_in_before(ctx: &Ctx, req: &HttpRequest, t: &Training) -> AppResult<Option<String>> {
    let Some(token) = req.cookie(COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    let Some(attendance_id) = feedback::attendance_of(&ctx.state.config.secret, &token, ctx.now())
    else {
        return Ok(None);
    };
    let training_id = t.id;
    let ours = ctx
        .state
        .db(move |conn| {
            use crate::db::schema_trainings::training_attendances as ta;
            use diesel::prelude::*;
            Ok(ta::table
                .filter(ta::id.eq(attendance_id))
                .filter(ta::training_id.eq(training_id))
                .count()
                .get_result::<i64>(conn)?
                > 0)
        })
        .await?;
    Ok(ours.then_some(token))
}

#[allow(clippy::too_many_arguments)]
fn render_form(
    ctx: &Ctx,
    status: StatusCode,
    code: &str,
    t: &Training,
    organisation: &str,
    themes: &[String],
    fields: &Fields,
    errors: &[&str],
    earlier: Option<String>,
) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("code", code);
    c.insert("t", t);
    c.insert("organisation", organisation);
    c.insert(
        "themes_text",
        &themes
            .iter()
            .map(|th| ctx.t(&format!("theme.{th}")))
            .collect::<Vec<_>>()
            .join(", "),
    );
    c.insert(
        "state",
        &code::code_state(t, crate::i18n::format::helsinki_date(ctx.now())),
    );
    c.insert("form", fields);
    c.insert("errors", errors);
    c.insert("professions", &PROFESSIONS);
    c.insert("earlier", &earlier);
    c.insert(
        "retention_years",
        &ctx.state.config.attendance_retention_years,
    );
    ctx.render_status(status, "attendance/form.html", c)
}

pub async fn form(ctx: Ctx, req: HttpRequest, path: web::Path<String>) -> AppResult<HttpResponse> {
    let code = path.into_inner();
    let (t, org, themes) = training_by_code(&ctx, &code).await?;
    let earlier = signed_in_before(&ctx, &req, &t).await?;
    let status = match code::code_state(&t, crate::i18n::format::helsinki_date(ctx.now())) {
        CodeState::Open | CodeState::NotYet => StatusCode::OK,
        CodeState::Closed | CodeState::Expired => StatusCode::GONE,
    };
    let code = t.code.clone().unwrap_or(code);
    render_form(
        &ctx,
        status,
        &code,
        &t,
        &org,
        &themes,
        &Fields::default(),
        &[],
        earlier,
    )
}

pub async fn sign_in(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    fields: web::Form<Fields>,
) -> AppResult<HttpResponse> {
    let code = path.into_inner();
    let fields = fields.into_inner();
    // Counted per address before anything else: the form is public. The address is the
    // client's as the other limits see it (behind a trusted proxy, the one it recorded).
    let ip = super::client::address_key(&req, &ctx.state);
    let now = ctx.now();
    let allowed = ctx
        .state
        .db(move |conn| {
            Ok(rate_limit::hit(
                conn,
                &format!("attend-ip:{ip}"),
                SIGN_INS_PER_ADDRESS,
                now,
            )?)
        })
        .await?;
    let (t, org, themes) = training_by_code(&ctx, &code).await?;
    let code = t.code.clone().unwrap_or(code);
    if !allowed {
        return render_form(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            &code,
            &t,
            &org,
            &themes,
            &fields,
            &["attendance.too_many"],
            None,
        );
    }
    let form = SignInForm {
        name: fields.name.clone(),
        unit: fields.unit.clone(),
        profession: fields.profession.clone(),
    };
    let (secret, today) = (
        ctx.state.config.secret.clone(),
        crate::i18n::format::helsinki_date(ctx.now()),
    );
    let c2 = code.clone();
    let result = ctx
        .state
        .db(move |conn| attendance::sign_in(conn, &secret, &c2, &form, today, now))
        .await;
    let (status, key): (StatusCode, &str) = match result {
        Ok(attendance_id) => {
            let token = feedback::token(&ctx.state.config.secret, attendance_id, &t);
            let mut res =
                ctx.see_other_notice(&format!("/osallistu/palaute/{token}"), "notice.signed_in");
            let cookie = Cookie::build(COOKIE, token)
                .path("/osallistu")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(ctx.state.config.secure_cookies)
                .max_age(CookieDuration::days(feedback::ANSWER_DAYS + 1))
                .finish();
            let _ = res.add_cookie(&cookie);
            return Ok(res);
        }
        Err(AppError::Invalid(k)) => (StatusCode::BAD_REQUEST, error_key(&k)),
        Err(AppError::Conflict(k)) if k == "attendance.duplicate" => {
            (StatusCode::CONFLICT, "attendance.duplicate")
        }
        Err(AppError::Conflict(k)) if k == "attendance.not_yet" || k == "attendance.full" => {
            (StatusCode::CONFLICT, error_key(&k))
        }
        Err(AppError::Conflict(k)) => (StatusCode::GONE, error_key(&k)),
        Err(e) => return Err(e),
    };
    let earlier = signed_in_before(&ctx, &req, &t).await?;
    // Reload: the state may have changed (closed meanwhile).
    let (t, org, themes) = training_by_code(&ctx, &code).await?;
    render_form(
        &ctx,
        status,
        &code,
        &t,
        &org,
        &themes,
        &fields,
        &[key],
        earlier,
    )
}

fn error_key(k: &str) -> &'static str {
    const KEYS: [&str; 11] = [
        "attendance.name_missing",
        "attendance.name_invalid",
        "attendance.unit_missing",
        "attendance.unit_invalid",
        "attendance.profession_invalid",
        "attendance.closed",
        "attendance.not_yet",
        "attendance.expired",
        "attendance.duplicate",
        "attendance.full",
        "attendance.too_many",
    ];
    KEYS.iter()
        .find(|x| **x == k)
        .copied()
        .unwrap_or("training.form_invalid")
}

async fn render_feedback(
    ctx: &Ctx,
    status: StatusCode,
    token: &str,
    given: Option<Vec<crate::surveys::Answer>>,
    errors: &[&str],
) -> AppResult<HttpResponse> {
    let Some(attendance_id) = feedback::attendance_of(&ctx.state.config.secret, token, ctx.now())
    else {
        return link_expired(ctx);
    };
    let (secret, now) = (ctx.state.config.secret.clone(), ctx.now());
    let found = ctx
        .state
        .db(move |conn| {
            let p = match feedback::for_participant(conn, &secret, attendance_id, now) {
                Ok(p) => p,
                // The sign-in or its training was deleted since.
                Err(AppError::NotFound) => return Ok(None),
                Err(e) => return Err(e),
            };
            let qs = crate::surveys::questions(conn, p.survey.id)?;
            use crate::db::schema::organisations;
            use diesel::prelude::*;
            let org: String = organisations::table
                .find(p.training.organisation_id)
                .select(organisations::name)
                .first(conn)?;
            Ok(Some((p, qs, org)))
        })
        .await?;
    let Some((p, qs, org)) = found else {
        return link_expired(ctx);
    };
    let shown = given.unwrap_or_else(|| p.previous.clone());
    let mut c = tera::Context::new();
    c.insert("token", token);
    c.insert("t", &p.training);
    c.insert("organisation", &org);
    c.insert("survey", &p.survey);
    c.insert(
        "open",
        &p.survey
            .is_open(crate::i18n::format::helsinki_date(ctx.now())),
    );
    c.insert("answered", &p.answered);
    c.insert(
        "questions",
        &super::surveys::answering::form_questions(&qs, &shown, ctx.lang.code()),
    );
    c.insert("errors", errors);
    ctx.render_status(status, "attendance/feedback.html", c)
}

pub async fn feedback_form(ctx: Ctx, path: web::Path<String>) -> AppResult<HttpResponse> {
    render_feedback(&ctx, StatusCode::OK, &path.into_inner(), None, &[]).await
}

pub async fn feedback_save(
    ctx: Ctx,
    path: web::Path<String>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let Some(attendance_id) = feedback::attendance_of(&ctx.state.config.secret, &token, ctx.now())
    else {
        return link_expired(&ctx);
    };
    let answers = match super::surveys::answering::parse_answers(&fields.into_inner()) {
        Ok(a) => a,
        Err(e) => return render_feedback(&ctx, StatusCode::BAD_REQUEST, &token, None, &[e]).await,
    };
    let (secret, now, today) = (
        ctx.state.config.secret.clone(),
        ctx.now(),
        crate::i18n::format::helsinki_date(ctx.now()),
    );
    let given = answers.clone();
    let result = ctx
        .state
        .db(move |conn| feedback::answer(conn, &secret, attendance_id, &answers, now, today))
        .await;
    match result {
        Ok(()) => Ok(ctx.see_other_notice(
            &format!("/osallistu/palaute/{token}"),
            "notice.feedback_saved",
        )),
        Err(AppError::Invalid(e)) | Err(AppError::Conflict(e)) => {
            let key: &str = match e.as_str() {
                "survey.closed" => "survey.closed",
                "survey.answer_empty" => "survey.answer_empty",
                "survey.answer_too_long" => "survey.answer_too_long",
                _ => "survey.answer_invalid",
            };
            render_feedback(&ctx, StatusCode::BAD_REQUEST, &token, Some(given), &[key]).await
        }
        Err(e) => Err(e),
    }
}

/// A feedback link that is damaged, expired, or whose sign-in is gone.
fn link_expired(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::GONE,
        "attendance/link_expired.html",
        tera::Context::new(),
    )
}
