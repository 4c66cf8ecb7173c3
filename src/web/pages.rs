//! The pages every visitor has: home, health checks, assets, the accessibility statement, the
//! feedback channel and the language switch (the error page is `error_page`).

use super::ctx::{safe_next, see_other, Ctx};
use super::frame::LANG_COOKIE;
use crate::accounts::{self, rate_limit, Principal};
use crate::db::schema::{role_assignments, users};
use crate::i18n::Lang;
use crate::mail::{self, Envelope};
use crate::{AppError, AppResult, AppState};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::web::{self, Data};
use actix_web::{HttpRequest, HttpResponse};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::Deserialize;

pub async fn home(ctx: Ctx) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    if let Some(p) = &ctx.principal {
        let uid = p.user_id;
        let secret = ctx.state.config.secret.clone();
        let courses_held = ctx.state.lessons.clone();
        let (now, today) = (ctx.now(), ctx.state.clock.today());
        if p.is_trainer() {
            c.insert(
                "taught",
                &super::teaching::taught_cohorts(&ctx.state, uid).await?,
            );
        }
        let (cohorts, news, surveys) = ctx
            .state
            .db(move |conn| {
                Ok((
                    crate::learning::my_cohorts(conn, &courses_held, uid, today)?,
                    crate::network::announcements::for_member(conn, uid, 5)?,
                    crate::surveys::lists::for_user(conn, &secret, uid, now)?,
                ))
            })
            .await?;
        c.insert("my_cohorts", &cohorts);
        c.insert("news", &news);
        c.insert(
            "surveys_waiting",
            &surveys
                .iter()
                .filter(|m| m.open && !m.answered)
                .collect::<Vec<_>>(),
        );
    }
    ctx.render("home.html", c)
}

/// The process is alive.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

/// The database answers and the server is not stopping; a load balancer sends traffic only
/// while this is 200.
pub async fn readyz(state: Data<AppState>) -> HttpResponse {
    if state.is_draining() {
        return HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("shutting down");
    }
    let ok = state
        .db(|conn| {
            conn.batch_execute("SELECT 1")?;
            Ok(())
        })
        .await;
    match ok {
        Ok(()) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ready"),
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("database unavailable"),
    }
}

pub async fn accessibility(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("pages/accessibility.html", tera::Context::new())
}

pub async fn feedback_form(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("pages/feedback.html", tera::Context::new())
}

#[derive(Deserialize)]
pub struct FeedbackForm {
    pub message: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub page: String,
}

/// The feedback channel the law on digital services requires: the message reaches every
/// admin by e-mail through the outbox.
pub async fn feedback_send(
    ctx: Ctx,
    req: HttpRequest,
    form: web::Form<FeedbackForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let message = form.message.trim().to_string();
    let reply_to = form.email.trim().to_string();
    let mut errors = Vec::new();
    let odd = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    if message.is_empty() || message.chars().count() > 5000 || message.chars().any(odd) {
        errors.push("feedback.message_invalid");
    }
    if !reply_to.is_empty() && accounts::normalize_email(&reply_to).is_err() {
        errors.push("form.email_invalid");
    }
    if !errors.is_empty() {
        let mut c = tera::Context::new();
        c.insert("errors", &errors);
        c.insert("message", &message);
        c.insert("email", &reply_to);
        return ctx.render_status(StatusCode::BAD_REQUEST, "pages/feedback.html", c);
    }
    // Each message mails every admin: limited per sender (the signed-in user, else this
    // browser) and per client address.
    let now = ctx.now();
    let by_sender = match &ctx.principal {
        Some(p) => format!("feedback-user:{}", p.user_id),
        None => format!("feedback-browser:{}", rate_limit::hashed(&ctx.csrf_token)),
    };
    let by_address = format!(
        "feedback-ip:{}",
        super::client::address_key(&req, &ctx.state)
    );
    let (s1, a1) = (by_sender.clone(), by_address.clone());
    let held = ctx
        .state
        .db(move |conn| {
            Ok(rate_limit::held_until(
                conn,
                &[
                    (s1.as_str(), rate_limit::FEEDBACK_PER_SENDER),
                    (a1.as_str(), rate_limit::FEEDBACK_PER_ADDRESS),
                ],
                now,
            )?)
        })
        .await?;
    if let Some(until) = held {
        let mut c = tera::Context::new();
        c.insert("message", &message);
        c.insert("email", &reply_to);
        c.insert(
            "held",
            &super::limits::retry_message(
                &ctx.state.templates,
                ctx.lang,
                ctx.now(),
                "limits.feedback_held",
                until,
            ),
        );
        let res = ctx.render_status(StatusCode::TOO_MANY_REQUESTS, "pages/feedback.html", c)?;
        return Ok(super::limits::retry_after(res, now, until));
    }
    let templates = ctx.state.templates.clone();
    let page = form.page.chars().take(300).collect::<String>();
    let sender = ctx.principal.as_ref().map(|p: &Principal| p.email.clone());
    // Once per form: a retry after a lost answer mails nobody again.
    ctx.create_once("feedback", move |conn| {
        rate_limit::hit_all(
            conn,
            &[
                (by_sender.as_str(), rate_limit::FEEDBACK_PER_SENDER),
                (by_address.as_str(), rate_limit::FEEDBACK_PER_ADDRESS),
            ],
            now,
        )?;
        let admins: Vec<(i64, String, String, String)> = users::table
            .inner_join(role_assignments::table)
            .filter(role_assignments::role.eq("admin"))
            .filter(users::active.eq(true))
            .select((users::id, users::email, users::name, users::language))
            .load(conn)?;
        let key = hex::encode(rand::random::<[u8; 8]>());
        crate::db::write_tx(conn, |c| {
            for (id, email, name, language) in &admins {
                let mut t = tera::Context::new();
                t.insert("message", &message);
                t.insert("reply_to", &reply_to);
                t.insert("page", &page);
                t.insert("sender", &sender);
                mail::queue(
                    c,
                    &templates,
                    now,
                    Envelope {
                        to_email: email,
                        to_name: name,
                        language: Lang::parse(language).unwrap_or_default(),
                        user_id: Some(*id),
                        dedupe_key: format!("feedback:{key}:{id}"),
                        template: "feedback",
                        context: t,
                    },
                )?;
            }
            Ok::<_, AppError>(())
        })?;
        Ok("sent".to_string())
    })
    .await?;
    let mut c = tera::Context::new();
    c.insert("sent", &true);
    ctx.render("pages/feedback.html", c)
}

#[derive(Deserialize)]
pub struct LanguageForm {
    pub lang: String,
    #[serde(default)]
    pub next: String,
}

/// The language switch in the header: a cookie for everyone, the account setting too for a
/// signed-in user.
pub async fn switch_language(ctx: Ctx, form: web::Form<LanguageForm>) -> AppResult<HttpResponse> {
    let lang = Lang::parse(&form.lang).ok_or_else(|| AppError::invalid("form.language_invalid"))?;
    if let Some(p) = &ctx.principal {
        let (uid, now) = (p.user_id, ctx.now());
        ctx.state
            .db(move |conn| accounts::set_language(conn, uid, lang, now))
            .await?;
    }
    let mut res = see_other(&safe_next(Some(&form.next)));
    let _ = res.add_cookie(
        &Cookie::build(LANG_COOKIE, lang.code())
            .path("/")
            .same_site(SameSite::Lax)
            .secure(ctx.state.config.secure_cookies)
            .max_age(CookieDuration::days(365))
            .finish(),
    );
    Ok(res)
}

pub async fn not_found() -> AppResult<HttpResponse> {
    Err(AppError::NotFound)
}
