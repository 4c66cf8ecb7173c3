//! Redacting a post (moderators) and asking for it (the author): each a form that shows the
//! post and what will happen; the POST acts and returns to the thread with a notice.

use super::compose::{normalise, post_url};
use crate::discussions::{self, policy, redaction, Post, Thread, Viewer};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

async fn load(auth: &Auth, post_id: i64) -> AppResult<(Post, Thread, Viewer, bool)> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let (post, thread, _, viewer) = discussions::post_access(conn, &who, post_id)?;
            let redacted = redaction::redaction_of(conn, post.id)?.is_some();
            Ok((post, thread, viewer, redacted))
        })
        .await
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct RedactForm {
    #[serde(default)]
    pub reason: String,
    /// The opening post's thread title, which may hold the same data.
    #[serde(default)]
    pub title: Option<String>,
}

#[allow(clippy::too_many_arguments)]
fn render_form(
    auth: &Auth,
    status: StatusCode,
    kind: &str,
    post: &Post,
    thread: &Thread,
    form: &RedactForm,
    sent: i64,
    errors: &[&str],
) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("kind", kind);
    c.insert("post", post);
    c.insert("thread", thread);
    c.insert("is_opening", &(thread.opening_post_id == Some(post.id)));
    c.insert("form", form);
    c.insert("sent", &sent);
    c.insert("errors", errors);
    auth.0.render_status(status, "discussions/redact.html", c)
}

/// How many e-mails about the post have gone already (they cannot be recalled).
async fn sent_about(auth: &Auth, post_id: i64) -> AppResult<i64> {
    auth.0
        .state
        .db(move |conn| {
            Ok(crate::mail::scrub::sent_count(
                conn,
                &format!("discussion-post:{post_id}:"),
            )?)
        })
        .await
}

/// The moderator's form: the post, the reason, the thread's title for an opening post, and
/// what cannot be undone.
pub async fn redact_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer, redacted) = load(&auth, post_id).await?;
    if !policy::can_redact(viewer.role) {
        return Err(AppError::Forbidden);
    }
    if redacted {
        return Err(AppError::Conflict("redaction.already".into()));
    }
    let form = RedactForm {
        reason: String::new(),
        title: Some(thread.title.clone()),
    };
    let sent = sent_about(&auth, post_id).await?;
    render_form(
        &auth,
        StatusCode::OK,
        "redact",
        &post,
        &thread,
        &form,
        sent,
        &[],
    )
}

pub async fn redact(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<RedactForm>,
) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer, _) = load(&auth, post_id).await?;
    if !policy::can_redact(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let form = form.into_inner();
    let reason = normalise(&form.reason);
    let title = form
        .title
        .clone()
        .filter(|_| thread.opening_post_id == Some(post.id));
    let who = auth.principal().clone();
    let now = auth.0.now();
    let result = auth
        .0
        .state
        .db(move |conn| redaction::redact(conn, &who, post_id, &reason, title.as_deref(), now))
        .await;
    match result {
        Ok(done) => {
            let key = if done.bank_withdrawn {
                "notice.post_redacted_bank"
            } else {
                "notice.post_redacted"
            };
            Ok(auth.0.see_other_notice(
                &post_url(
                    done.thread_id,
                    thread.post_count,
                    post.parent_id.unwrap_or(post.id),
                    post_id,
                ),
                key,
            ))
        }
        Err(AppError::Invalid(k)) => {
            let sent = sent_about(&auth, post_id).await?;
            render_form(
                &auth,
                StatusCode::BAD_REQUEST,
                "redact",
                &post,
                &thread,
                &form,
                sent,
                &[k.as_str()],
            )
        }
        Err(e) => Err(e),
    }
}

/// The author's form for asking a moderator to remove their post's text.
pub async fn request_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer, redacted) = load(&auth, post_id).await?;
    let mine = post.author_id == Some(auth.principal().user_id);
    if !policy::can_ask_redaction(viewer.role, mine) {
        return Err(AppError::Forbidden);
    }
    if redacted {
        return Err(AppError::Conflict("redaction.already".into()));
    }
    render_form(
        &auth,
        StatusCode::OK,
        "request",
        &post,
        &thread,
        &RedactForm::default(),
        0,
        &[],
    )
}

pub async fn request(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<RedactForm>,
) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer, _) = load(&auth, post_id).await?;
    let mine = post.author_id == Some(auth.principal().user_id);
    if !policy::can_ask_redaction(viewer.role, mine) {
        return Err(AppError::Forbidden);
    }
    let form = form.into_inner();
    let reason = normalise(&form.reason);
    let who = auth.principal().clone();
    let now = auth.0.now();
    let result = auth
        .0
        .state
        .db(move |conn| redaction::requests::request(conn, &who, post_id, &reason, now))
        .await;
    match result {
        Ok(thread_id) => Ok(auth.0.see_other_notice(
            &post_url(
                thread_id,
                thread.post_count,
                post.parent_id.unwrap_or(post.id),
                post_id,
            ),
            "notice.redaction_requested",
        )),
        Err(AppError::Invalid(k)) | Err(AppError::Conflict(k)) => render_form(
            &auth,
            StatusCode::BAD_REQUEST,
            "request",
            &post,
            &thread,
            &form,
            0,
            &[k.as_str()],
        ),
        Err(e) => Err(e),
    }
}
