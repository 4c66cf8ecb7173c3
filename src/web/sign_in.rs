//! Signing in and out. A successful sign-in (or a password set from a mailed link) leaves a
//! device cookie naming the account (`accounts::device`), so this browser keeps signing in
//! while strangers' guesses hold the account back; a held attempt gets 429 with `Retry-After`
//! and the time to try again.

use super::client;
use super::ctx::{safe_next, see_other, Ctx};
use super::frame::session_cookie;
use super::limits;
use crate::accounts::{self, device, session, sign_in, LoginOutcome, User};
use crate::AppResult;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

pub async fn login_form(ctx: Ctx, q: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    if ctx.principal.is_some() {
        return Ok(see_other(&safe_next(q.next.as_deref())));
    }
    let mut c = tera::Context::new();
    c.insert("next", &safe_next(q.next.as_deref()));
    c.insert("email", "");
    ctx.render("accounts/login.html", c)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

pub async fn login(
    ctx: Ctx,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut c = tera::Context::new();
    c.insert("next", &safe_next(Some(&form.next)));
    c.insert("email", form.email.trim());
    if form.email.trim().is_empty() || form.password.is_empty() {
        c.insert("error", &ctx.t("login.invalid"));
        return ctx.render_status(StatusCode::BAD_REQUEST, "accounts/login.html", c);
    }
    let address = client::address_key(&req, &ctx.state);
    let now = ctx.now();
    let cookie = req.cookie(device::COOKIE).map(|c| c.value().to_string());
    let devices = cookie
        .as_deref()
        .map(|v| device::read(&ctx.state.config.secret, v, now))
        .unwrap_or_default();
    let (email, password) = (form.email.clone(), form.password.clone());
    let outcome = ctx
        .state
        .db(move |conn| {
            accounts::login(
                conn,
                sign_in::Attempt {
                    email: &email,
                    password: &password,
                    address: &address,
                    devices: &devices,
                },
                now,
            )
        })
        .await?;
    match outcome {
        LoginOutcome::SignedIn(user) => {
            let mut res = see_other(&safe_next(Some(&form.next)));
            signed_in(&ctx, &mut res, &user, cookie.as_deref())?;
            Ok(res)
        }
        LoginOutcome::Invalid => {
            c.insert("error", &ctx.t("login.invalid"));
            ctx.render_status(StatusCode::UNAUTHORIZED, "accounts/login.html", c)
        }
        LoginOutcome::Held { until } => {
            c.insert(
                "error",
                &limits::retry_message(
                    &ctx.state.templates,
                    ctx.lang,
                    ctx.now(),
                    "limits.sign_in_held",
                    until,
                ),
            );
            let res = ctx.render_status(StatusCode::TOO_MANY_REQUESTS, "accounts/login.html", c)?;
            Ok(limits::retry_after(res, now, until))
        }
    }
}

/// The session cookie of a user who has just proved who they are, and the device cookie that
/// remembers this browser for their account.
pub fn signed_in(
    ctx: &Ctx,
    res: &mut HttpResponse,
    user: &User,
    device_cookie: Option<&str>,
) -> AppResult<()> {
    let now = ctx.now();
    let secret = &ctx.state.config.secret;
    let claims = session::Claims::new(user.id, user.session_version, now);
    let token = ctx.state.session_key.issue(&claims)?;
    let _ = res.add_cookie(&session_cookie(&ctx.state, token));
    let value = device::remember(secret, device_cookie, user.id, sign_in::stamp(user), now);
    let _ = res.add_cookie(
        &Cookie::build(device::COOKIE, value)
            // Only the sign-in form needs it.
            .path("/login")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(ctx.state.config.secure_cookies)
            .max_age(CookieDuration::days(device::LIFETIME_DAYS))
            .finish(),
    );
    Ok(())
}

pub async fn logout(ctx: Ctx) -> AppResult<HttpResponse> {
    if let Some(p) = &ctx.principal {
        let (uid, now) = (p.user_id, ctx.now());
        ctx.state
            .db(move |conn| accounts::logout(conn, uid, now))
            .await?;
    }
    let mut res = see_other("/");
    let _ = res.add_removal_cookie(&session_cookie(&ctx.state, String::new()));
    Ok(res)
}
