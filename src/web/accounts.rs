//! Sign-in, sign-out, password reset and the account page.

use super::ctx::{safe_next, see_other, Auth, Ctx};
use super::frame::session_cookie;
use crate::accounts::{self, session, LoginOutcome};
use crate::i18n::Lang;
use crate::{AppError, AppResult};
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
    pub email: String,
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
    // The connection's own address: a forwarded header could be forged.
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let now = ctx.now();
    let (email, password) = (form.email.clone(), form.password.clone());
    let outcome = ctx
        .state
        .db(move |conn| accounts::login(conn, &email, &password, &ip, now))
        .await?;
    let mut c = tera::Context::new();
    c.insert("next", &safe_next(Some(&form.next)));
    c.insert("email", form.email.trim());
    match outcome {
        LoginOutcome::SignedIn(user) => {
            let claims = session::Claims::new(user.id, user.session_version, now);
            let token = session::issue(&claims, &ctx.state.config.secret)?;
            let mut res = see_other(&safe_next(Some(&form.next)));
            let _ = res.add_cookie(&session_cookie(&ctx.state, token));
            Ok(res)
        }
        LoginOutcome::Invalid => {
            c.insert("error", &ctx.t("login.invalid"));
            ctx.render_status(StatusCode::UNAUTHORIZED, "accounts/login.html", c)
        }
        LoginOutcome::RateLimited => {
            c.insert("error", &ctx.t("login.rate_limited"));
            ctx.render_status(StatusCode::TOO_MANY_REQUESTS, "accounts/login.html", c)
        }
    }
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
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let now = ctx.now();
    let templates = ctx.state.templates.clone();
    let base = ctx.state.config.base_url.clone();
    let email = form.into_inner().email;
    let allowed = ctx
        .state
        .db(move |conn| {
            if !accounts::rate_limit::hit(
                conn,
                &format!("reset-ip:{ip}"),
                accounts::rate_limit::RESET_PER_ADDRESS,
                now,
            )? {
                return Ok(false);
            }
            accounts::request_password_reset(conn, &templates, &base, &email, now)?;
            Ok(true)
        })
        .await?;
    if !allowed {
        return Err(AppError::TooManyRequests);
    }
    let mut c = tera::Context::new();
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
        .db(move |conn| accounts::check_account_token(conn, &t, now))
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
        .db(move |conn| accounts::use_account_token(conn, &token, &form.password, now))
        .await
    {
        Ok(user) => {
            // Signed in straight away: the link proved the address.
            let claims = session::Claims::new(user.id, user.session_version, now);
            let cookie = session::issue(&claims, &ctx.state.config.secret)?;
            let mut res = see_other("/");
            let _ = res.add_cookie(&session_cookie(&ctx.state, cookie));
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

pub async fn change_password(auth: Auth, form: web::Form<PasswordForm>) -> AppResult<HttpResponse> {
    let ctx = &auth.0;
    let form = form.into_inner();
    let mut c = tera::Context::new();
    if form.password != form.password_again {
        c.insert("password_error", &ctx.t("password.mismatch"));
        return account_page(ctx, StatusCode::BAD_REQUEST, c);
    }
    let (uid, now) = (auth.principal().user_id, ctx.now());
    match ctx
        .state
        .db(move |conn| accounts::change_password(conn, uid, &form.current, &form.password, now))
        .await
    {
        Ok(user) => {
            // Every other session has ended; this one carries on with a fresh token.
            let claims = session::Claims::new(user.id, user.session_version, now);
            let token = session::issue(&claims, &ctx.state.config.secret)?;
            let mut res = see_other("/tili?salasana=vaihdettu");
            let _ = res.add_cookie(&session_cookie(&ctx.state, token));
            Ok(res)
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
    Ok(see_other("/tili"))
}

/// "Download my data": everything held about the user, as JSON.
pub async fn download_my_data(auth: Auth) -> AppResult<HttpResponse> {
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    let data = auth
        .0
        .state
        .db(move |conn| {
            let mut data = accounts::export_my_data(conn, uid)?;
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

async fn delete_page(
    auth: &Auth,
    status: StatusCode,
    error: Option<&str>,
) -> AppResult<HttpResponse> {
    let uid = auth.principal().user_id;
    let last_admin = auth
        .0
        .state
        .db(move |conn| accounts::deletion::is_last_admin(conn, uid))
        .await?;
    let mut c = tera::Context::new();
    c.insert("last_admin", &last_admin);
    if let Some(key) = error {
        c.insert("error", &auth.0.t(key));
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
    use accounts::rate_limit;
    let form = form.into_inner();
    if form.confirm != "1" {
        return delete_page(
            &auth,
            StatusCode::BAD_REQUEST,
            Some("privacy.confirm_missing"),
        )
        .await;
    }
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    let secret = auth.0.state.config.secret.clone();
    let outcome = auth
        .0
        .state
        .db(move |conn| {
            let account_bucket = format!("delete-account:{uid}");
            if !rate_limit::hit(
                conn,
                &format!("login-ip:{ip}"),
                rate_limit::LOGIN_PER_ADDRESS,
                now,
            )? || rate_limit::exceeded(
                conn,
                &account_bucket,
                rate_limit::DELETE_PER_ACCOUNT,
                now,
            )? {
                return Ok(Err(AppError::TooManyRequests));
            }
            let user = accounts::model::find(conn, uid)?;
            let ok = user
                .password_hash
                .as_deref()
                .is_some_and(|h| accounts::password::verify(&form.password, h));
            if !ok {
                rate_limit::hit(conn, &account_bucket, rate_limit::DELETE_PER_ACCOUNT, now)?;
                return Ok(Err(AppError::invalid("account.current_password_wrong")));
            }
            match accounts::deletion::delete_account(
                conn,
                &secret,
                uid,
                &accounts::deletion::DeletedBy::Themselves,
                now,
            ) {
                Ok(()) => Ok(Ok(())),
                Err(AppError::Invalid(k)) => Ok(Err(AppError::Invalid(k))),
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
        Err(AppError::TooManyRequests) => {
            delete_page(
                &auth,
                StatusCode::TOO_MANY_REQUESTS,
                Some("privacy.rate_limited"),
            )
            .await
        }
        Err(AppError::Invalid(key)) => {
            delete_page(&auth, StatusCode::BAD_REQUEST, Some(&key)).await
        }
        Err(e) => Err(e),
    }
}

/// Where a deleted account's browser lands: the account and its data are gone.
pub async fn deleted_page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("accounts/deleted.html", tera::Context::new())
}
