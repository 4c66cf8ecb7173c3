//! The public example page of the knowledge bank, and the one-click unsubscribe link of the
//! exercise e-mails (the page asks; only its POST changes anything).

use crate::exercises::{examples, notify};
use crate::web::ctx::Ctx;
use crate::AppResult;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

/// A published example (no sign-in needed).
pub async fn example_page(ctx: Ctx, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let example = ctx.state.db(move |conn| examples::public(conn, id)).await?;
    let mut c = tera::Context::new();
    c.insert(
        "url",
        &format!(
            "{}/tietopankki/esimerkit/{}",
            ctx.state.config.base_url, example.id
        ),
    );
    c.insert("example", &example);
    ctx.render("exercises/example.html", c)
}

fn page(ctx: &Ctx, status: StatusCode, token: &str, state: &str) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("token", token);
    c.insert("state", state);
    ctx.render_status(status, "exercises/unsubscribe.html", c)
}

pub async fn unsubscribe_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    match notify::check_unsubscribe(&ctx.state.config.secret, &token, ctx.now()) {
        Some(_) => page(&ctx, StatusCode::OK, &token, "ask"),
        None => page(&ctx, StatusCode::GONE, "", "invalid"),
    }
}

pub async fn unsubscribe(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let now = ctx.now();
    let Some(user_id) = notify::check_unsubscribe(&ctx.state.config.secret, &token, now) else {
        return page(&ctx, StatusCode::GONE, "", "invalid");
    };
    let done = ctx
        .state
        .db(move |conn| notify::set_mail(conn, user_id, false, now))
        .await;
    match done {
        Ok(()) => page(&ctx, StatusCode::OK, "", "done"),
        // The account was deleted meanwhile: there is nobody to e-mail.
        Err(crate::AppError::Internal(_)) | Err(crate::AppError::NotFound) => {
            page(&ctx, StatusCode::GONE, "", "invalid")
        }
        Err(e) => Err(e),
    }
}
