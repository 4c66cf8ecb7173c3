//! Admin pages: the mail outbox (queue figures, failed messages, retry).

use super::ctx::Auth;
use crate::mail;
use crate::AppResult;
use actix_web::{web, HttpResponse};

pub async fn outbox(auth: Auth) -> AppResult<HttpResponse> {
    auth.require_admin()?;
    let (status, failed) = auth
        .0
        .state
        .db(|conn| Ok((mail::status(conn)?, mail::failed(conn, 200)?)))
        .await?;
    let mut c = tera::Context::new();
    c.insert("status", &status);
    c.insert("failed", &failed);
    auth.0.render("admin/outbox.html", c)
}

pub async fn outbox_retry_all(auth: Auth) -> AppResult<HttpResponse> {
    auth.require_admin()?;
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| mail::retry_failed(conn, None, now))
        .await?;
    Ok(auth
        .0
        .see_other_notice("/hallinta/posti", "notice.outbox_retried"))
}

pub async fn outbox_retry_one(auth: Auth, id: web::Path<i64>) -> AppResult<HttpResponse> {
    auth.require_admin()?;
    let (id, now) = (id.into_inner(), auth.0.now());
    auth.0
        .state
        .db(move |conn| mail::retry_failed(conn, Some(id), now))
        .await?;
    Ok(auth
        .0
        .see_other_notice("/hallinta/posti", "notice.outbox_retried"))
}
