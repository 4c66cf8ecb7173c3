//! Password reset, the account page (password, language), downloading and deleting one's data.
//! Signing in and out is in [`super::sign_in`].

use super::ctx::{see_other, Auth, Ctx};
use super::frame::session_cookie;
use super::{client, limits};
use crate::accounts::{self, device, links, password_change, rate_limit, session, sign_in};
use crate::i18n::Lang;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;

pub async fn forgot_form(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("accounts/forgot.html", tera::Context::new())
}

#[derive(Deserialize)]
pub struct ForgotForm {
    pub email: String,
}

pub async fn forgot(
    ctx: Ctx,
    req: HttpRequest,
    form: web::Form<ForgotForm>,
) -> AppResult<HttpResponse> {
    let email = form.into_inner().email;
    let mut c = tera::Context::new();
    c.insert("email", email.trim());
    if accounts::normalize_email(&email).is_err() {
        c.insert("error", &ctx.t("form.email_invalid"));
        return ctx.render_status(StatusCode::BAD_REQUEST, "accounts/forgot.html", c);
    }
    let address = client::address_key(&req, &ctx.state);
    let now = ctx.now();
    let templates = ctx.state.templates.clone();
    let base = ctx.state.config.base_url.clone();
    let e2 = email.clone();
    let held = ctx
        .state
        .db(move |conn| {
            // Per inbox (its owner is not flooded) and, much higher, per client address. Both
            // hold every address alike, so the answer reveals nobody's account.
            let target = format!("reset-email:{}", rate_limit::hashed(&e2));
            let source = format!("reset-ip:{address}");
            let held = rate_limit::hit_all(
                conn,
                &[
                    (target.as_str(), rate_limit::RESET_PER_EMAIL),
                    (source.as_str(), rate_limit::RESET_PER_ADDRESS),
                ],
                now,
            )?;
            if held.is_none() {
                password_change::request_password_reset(conn, &templates, &base, &e2, now)?;
            }
            Ok(held)
        })
        .await?;
    if let Some(until) = held {
        c.insert(
            "error",
            &limits::retry_message(
                &ctx.state.templates,
                ctx.lang,
                ctx.now(),
                "limits.reset_held",
                until,
            ),
        );
        let res = ctx.render_status(StatusCode::TOO_MANY_REQUESTS, "accounts/forgot.html", c)?;
        return Ok(limits::retry_after(res, now, until));
    }
    // The same answer whether or not the address has an account.
    c.insert("sent", &true);
    ctx.render("accounts/forgot.html", c)
}

pub async fn reset_form(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let now = ctx.now();
    let t = token.clone();
    let valid = ctx
        .state
        .db(move |conn| links::check_account_token(conn, &t, now))
        .await?;
    let mut c = tera::Context::new();
    c.insert("token", &token);
    c.insert("valid", &valid.is_some());
    c.insert(
        "invite",
        &valid.as_ref().is_some_and(|(_, p)| p == "invite"),
    );
    let status = if valid.is_some() {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    ctx.render_status(status, "accounts/reset.html", c)
}

#[derive(Deserialize)]
pub struct ResetForm {
    pub password: String,
    pub password_again: String,
}

pub async fn reset(
    ctx: Ctx,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let form = form.into_inner();
    let mut c = tera::Context::new();
    c.insert("token", &token);
    c.insert("valid", &true);
    if form.password != form.password_again {
        c.insert("error", &ctx.t("password.mismatch"));
        return ctx.render_status(StatusCode::BAD_REQUEST, "accounts/reset.html", c);
    }
    let now = ctx.now();
    match ctx
        .state
        .db(move |conn| password_change::use_account_token(conn, &token, &form.password, now))
        .await
    {
        Ok(user) => {
            // Signed in straight away: the link proved the address (and this browser is now
            // one the account signs in from).
            let mut res = see_other("/");
            let devices = req.cookie(device::COOKIE).map(|c| c.value().to_string());
            super::sign_in::signed_in(&ctx, &mut res, &user, devices.as_deref())?;
            Ok(res)
        }
        Err(AppError::Invalid(key)) => {
            if key == "reset.link_invalid" {
                c.insert("valid", &false);
            }
            c.insert("error", &ctx.t(&key));
            ctx.render_status(StatusCode::BAD_REQUEST, "accounts/reset.html", c)
        }
        Err(e) => Err(e),
    }
}

pub async fn account(auth: Auth) -> AppResult<HttpResponse> {
    account_page(&auth.0, StatusCode::OK, tera::Context::new())
}

fn account_page(ctx: &Ctx, status: StatusCode, mut c: tera::Context) -> AppResult<HttpResponse> {
    c.insert(
        "languages",
        &Lang::ALL.iter().map(|l| l.code()).collect::<Vec<_>>(),
    );
    ctx.render_status(status, "accounts/account.html", c)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    pub current: String,
    pub password: String,
    pub password_again: String,
}

pub async fn change_password(
    auth: Auth,
    req: HttpRequest,
    form: web::Form<PasswordForm>,
) -> AppResult<HttpResponse> {
    let ctx = &auth.0;
    let form = form.into_inner();
    let mut c = tera::Context::new();
    if form.password != form.password_again {
        c.insert("password_error", &ctx.t("password.mismatch"));
        return account_page(ctx, StatusCode::BAD_REQUEST, c);
    }
    let (uid, now) = (auth.principal().user_id, ctx.now());
    let address = client::address_key(&req, &ctx.state);
    match ctx
        .state
        .db(move |conn| {
            password_change::change_password(
                conn,
                uid,
                &form.current,
                &form.password,
                &address,
                now,
            )
        })
        .await
    {
        Ok(password_change::PasswordChange::Changed(user)) => {
            // Every other session has ended; this one carries on with a fresh token.
            let claims = session::Claims::new(user.id, user.session_version, now);
            let token = ctx.state.session_key.issue(&claims)?;
            let mut res = ctx.see_other_notice("/tili", "notice.password_changed");
            let _ = res.add_cookie(&session_cookie(&ctx.state, token));
            Ok(res)
        }
        Ok(password_change::PasswordChange::Held { until }) => {
            c.insert(
                "password_error",
                &limits::retry_message(
                    &ctx.state.templates,
                    ctx.lang,
                    ctx.now(),
                    "limits.confirm_held",
                    until,
                ),
            );
            let res = account_page(ctx, StatusCode::TOO_MANY_REQUESTS, c)?;
            Ok(limits::retry_after(res, now, until))
        }
        Err(AppError::Invalid(key)) => {
            c.insert("password_error", &ctx.t(&key));
            account_page(ctx, StatusCode::BAD_REQUEST, c)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct LanguageSetting {
    pub language: String,
}

pub async fn change_language(
    auth: Auth,
    form: web::Form<LanguageSetting>,
) -> AppResult<HttpResponse> {
    let lang =
        Lang::parse(&form.language).ok_or_else(|| AppError::invalid("form.language_invalid"))?;
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    auth.0
        .state
        .db(move |conn| accounts::set_language(conn, uid, lang, now))
        .await?;
    Ok(auth.0.see_other_notice("/tili", "notice.language_saved"))
}

/// "Download my data": everything held about the user, as JSON.
pub async fn download_my_data(auth: Auth) -> AppResult<HttpResponse> {
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    let data = auth
        .0
        .state
        .db(move |conn| {
            let mut data = crate::privacy::export_my_data(conn, uid)?;
            // Sign-ins to colleagues' trainings that match this account (name and
            // organisation; see `network::trainings::privacy`). Participants' names leaving
            // the system are audit-logged, these included.
            let sign_ins = crate::network::trainings::privacy::for_account(conn, uid)?;
            let n = sign_ins.len();
            data["training_sign_ins"] =
                serde_json::to_value(sign_ins).map_err(anyhow::Error::from)?;
            if n > 0 {
                accounts::audit::record(
                    conn,
                    Some(uid),
                    "training.attendance.export",
                    &format!("user:{uid}"),
                    &format!("{n} own sign-ins in the data download"),
                    now,
                )?;
            }
            Ok(data)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"kirjaamo-omat-tiedot.json\"",
        ))
        .body(serde_json::to_string_pretty(&data).map_err(anyhow::Error::from)?))
}

/// "Delete my account": what will happen, and the form (password and a confirmation).
pub async fn delete_form(auth: Auth) -> AppResult<HttpResponse> {
    delete_page(&auth, StatusCode::OK, None).await
}

/// The deletion page, with `error` (already in the page's language) if any.
async fn delete_page(
    auth: &Auth,
    status: StatusCode,
    error: Option<String>,
) -> AppResult<HttpResponse> {
    let uid = auth.principal().user_id;
    let last_admin = auth
        .0
        .state
        .db(move |conn| crate::privacy::erasure::is_last_admin(conn, uid))
        .await?;
    let mut c = tera::Context::new();
    c.insert("last_admin", &last_admin);
    if let Some(text) = error {
        c.insert("error", &text);
    }
    auth.0.render_status(status, "accounts/delete.html", c)
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub confirm: String,
}

pub async fn delete_account(
    auth: Auth,
    req: HttpRequest,
    form: web::Form<DeleteForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    if form.confirm != "1" {
        let text = auth.0.t("privacy.confirm_missing");
        return delete_page(&auth, StatusCode::BAD_REQUEST, Some(text)).await;
    }
    let address = client::address_key(&req, &auth.0.state);
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    let secret = auth.0.state.config.secret.clone();
    let outcome = auth
        .0
        .state
        .db(move |conn| {
            match sign_in::confirm_password(conn, uid, &form.password, &address, now)? {
                sign_in::Confirmed::Yes => {}
                sign_in::Confirmed::WrongPassword => {
                    return Ok(Err(Refused::Key("account.current_password_wrong")))
                }
                sign_in::Confirmed::Held { until } => return Ok(Err(Refused::Held(until))),
            }
            match crate::privacy::erasure::delete_account(
                conn,
                &secret,
                uid,
                &crate::privacy::erasure::DeletedBy::Themselves,
                now,
            ) {
                Ok(()) => Ok(Ok(())),
                Err(AppError::Invalid(k)) => Ok(Err(Refused::Invalid(k))),
                Err(e) => Err(e),
            }
        })
        .await?;
    match outcome {
        Ok(()) => {
            let mut res = see_other("/tili/poistettu");
            let _ = res.add_removal_cookie(&session_cookie(&auth.0.state, String::new()));
            Ok(res)
        }
        Err(Refused::Held(until)) => {
            let text = limits::retry_message(
                &auth.0.state.templates,
                auth.0.lang,
                auth.0.now(),
                "limits.confirm_held",
                until,
            );
            let res = delete_page(&auth, StatusCode::TOO_MANY_REQUESTS, Some(text)).await?;
            Ok(limits::retry_after(res, now, until))
        }
        Err(Refused::Key(key)) => {
            delete_page(&auth, StatusCode::BAD_REQUEST, Some(auth.0.t(key))).await
        }
        Err(Refused::Invalid(key)) => {
            delete_page(&auth, StatusCode::BAD_REQUEST, Some(auth.0.t(&key))).await
        }
    }
}

/// Why the deletion form is shown again.
enum Refused {
    Key(&'static str),
    Invalid(String),
    Held(chrono::NaiveDateTime),
}

/// Where a deleted account's browser lands: the account and its data are gone.
pub async fn deleted_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("accounts/deleted.html", tera::Context::new())
}
