//! Announcements to the network of a region or county.

use super::scope::{managed_scope, scope_context, ScopeQuery};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize, Default, serde::Serialize)]
pub struct AnnouncementForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

async fn render_announcements(
    auth: &Auth,
    status: StatusCode,
    q: &ScopeQuery,
    form: &AnnouncementForm,
    error: Option<&str>,
    sent: Option<usize>,
) -> AppResult<HttpResponse> {
    let (scope, scopes) = managed_scope(auth, q).await?;
    let list = auth
        .0
        .state
        .db(move |conn| crate::network::announcements::of_scope(conn, scope, 50))
        .await?;
    let mut c = tera::Context::new();
    scope_context(&mut c, scope, &scopes);
    c.insert("announcements", &list);
    c.insert("form", form);
    c.insert("errors", &error.map(|e| vec![e]).unwrap_or_default());
    c.insert("sent", &sent);
    auth.0
        .render_status(status, "network/announcements.html", c)
}

pub async fn announcements_page(auth: Auth, q: web::Query<ScopeQuery>) -> AppResult<HttpResponse> {
    render_announcements(
        &auth,
        StatusCode::OK,
        &q,
        &AnnouncementForm::default(),
        None,
        None,
    )
    .await
}

pub async fn announce(
    auth: Auth,
    q: web::Query<ScopeQuery>,
    form: web::Form<AnnouncementForm>,
) -> AppResult<HttpResponse> {
    let (scope, _) = managed_scope(&auth, &q).await?;
    let form = form.into_inner();
    let (author, now) = (auth.principal().user_id, auth.0.now());
    let state = auth.0.state.clone();
    let (title, body) = (form.title.clone(), form.body.clone());
    // Once per form: a retry after a lost answer sends nothing again and says what the first
    // one sent.
    let result = auth
        .0
        .create_once("announcement", move |conn| {
            let msg = state.messaging();
            crate::network::announcements::publish(conn, &msg, author, scope, &title, &body, now)
                .map(|n| n.to_string())
        })
        .await
        .map(|n| n.parse::<usize>().unwrap_or(0));
    match result {
        Ok(n) => {
            render_announcements(
                &auth,
                StatusCode::OK,
                &q,
                &AnnouncementForm::default(),
                None,
                Some(n),
            )
            .await
        }
        Err(AppError::Invalid(key)) => {
            render_announcements(
                &auth,
                StatusCode::BAD_REQUEST,
                &q,
                &form,
                Some(key.as_str()),
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
