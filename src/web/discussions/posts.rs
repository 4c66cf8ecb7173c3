//! Actions on one post: editing (with preview), its revision history, the best answer,
//! hiding with a reason and restoring, reporting, and handling a report.

use super::compose::{normalise, post_url, render_compose, ThreadForm};
use crate::discussions::{self, moderation, policy, posting, view, Post, Thread, Viewer};
use crate::web::ctx::{see_other, Auth};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// The post and its thread, if the caller may see them (else 404).
async fn load(auth: &Auth, post_id: i64) -> AppResult<(Post, Thread, Viewer)> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let (post, thread, _, viewer) = discussions::post_access(conn, &who, post_id)?;
            Ok((post, thread, viewer))
        })
        .await
}

fn may_edit(auth: &Auth, post: &Post, thread: &Thread, viewer: &Viewer) -> bool {
    policy::can_edit(
        viewer.role,
        post.author_id == Some(auth.principal().user_id),
        post.created_at,
        auth.0.now(),
        thread.locked,
    )
}

fn answer_of(post: &Post) -> i64 {
    post.parent_id.unwrap_or(post.id)
}

pub async fn edit_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer) = load(&auth, post_id).await?;
    if !may_edit(&auth, &post, &thread, &viewer) {
        return Err(AppError::Forbidden);
    }
    let is_opening = thread.opening_post_id == Some(post.id);
    let form = ThreadForm {
        title: if is_opening {
            thread.title.clone()
        } else {
            String::new()
        },
        body: post.body_markdown.clone(),
        ..Default::default()
    };
    let url = format!("/keskustelut/viesti/{post_id}/muokkaa");
    let back = format!("/keskustelut/ketju/{}#v{post_id}", thread.id);
    let heading = format!("{}: {}", auth.0.t("disc.edit_heading"), thread.title);
    let mode = if is_opening { "edit_opening" } else { "edit" };
    render_compose(
        &auth,
        StatusCode::OK,
        mode,
        &url,
        &back,
        &heading,
        &form,
        None,
        &[],
        false,
    )
}

#[derive(Deserialize, Default)]
pub struct EditForm {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub action: String,
}

pub async fn edit(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<EditForm>,
) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer) = load(&auth, post_id).await?;
    if !may_edit(&auth, &post, &thread, &viewer) {
        return Err(AppError::Forbidden);
    }
    let form = form.into_inner();
    let body = normalise(&form.body);
    let is_opening = thread.opening_post_id == Some(post.id);
    let mut errors = Vec::new();
    if is_opening {
        posting::check_title(form.title.as_deref().unwrap_or(""), &mut errors);
    }
    posting::check_body(&body, &mut errors);
    if form.action == "preview" || !errors.is_empty() {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        let f = ThreadForm {
            title: form.title.clone().unwrap_or_default(),
            body,
            ..Default::default()
        };
        let url = format!("/keskustelut/viesti/{post_id}/muokkaa");
        let back = format!("/keskustelut/ketju/{}#v{post_id}", thread.id);
        let heading = format!("{}: {}", auth.0.t("disc.edit_heading"), thread.title);
        let mode = if is_opening { "edit_opening" } else { "edit" };
        return render_compose(
            &auth, status, mode, &url, &back, &heading, &f, None, &errors, true,
        );
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    let title = form.title.filter(|_| is_opening);
    auth.0
        .state
        .db(move |conn| posting::editing::edit(conn, &who, post_id, title.as_deref(), &body, now))
        .await?;
    Ok(see_other(&post_url(
        thread.id,
        thread.post_count,
        answer_of(&post),
        post_id,
    )))
}

pub async fn history(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer) = load(&auth, post_id).await?;
    if !viewer.moderates() {
        return Err(AppError::Forbidden);
    }
    let (revisions, redacted) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                view::revisions(conn, post_id)?,
                discussions::redaction::redaction_of(conn, post_id)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("redacted", &redacted);
    c.insert("post", &post);
    c.insert("thread", &thread);
    c.insert("revisions", &revisions);
    auth.0.render("discussions/history.html", c)
}

pub async fn mark_best(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let who = auth.principal().clone();
    let (thread, count, answer) = auth
        .0
        .state
        .db(move |conn| {
            let thread_id = moderation::mark_best(conn, &who, post_id)?;
            let (post, thread, ..) = discussions::post_access(conn, &who, post_id)?;
            Ok((thread_id, thread.post_count, answer_of(&post)))
        })
        .await?;
    Ok(see_other(&post_url(thread, count, answer, post_id)))
}

pub async fn hide_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer) = load(&auth, post_id).await?;
    if !viewer.moderates() {
        return Err(AppError::Forbidden);
    }
    render_reason_form(&auth, StatusCode::OK, "hide", &post, &thread, "", &[])
}

fn render_reason_form(
    auth: &Auth,
    status: StatusCode,
    kind: &str,
    post: &Post,
    thread: &Thread,
    reason: &str,
    errors: &[&str],
) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("kind", kind);
    c.insert("post_id", &post.id);
    c.insert(
        "excerpt",
        &discussions::notify::excerpt(&post.body_markdown, 300),
    );
    c.insert("thread", thread);
    c.insert("reason", reason);
    c.insert("errors", errors);
    auth.0.render_status(status, "discussions/reason.html", c)
}

#[derive(Deserialize, Default)]
pub struct ReasonForm {
    #[serde(default)]
    pub reason: String,
}

pub async fn hide(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer) = load(&auth, post_id).await?;
    if !viewer.moderates() {
        return Err(AppError::Forbidden);
    }
    let reason = normalise(&form.reason);
    if posting::check_reason(&reason, true).is_err() {
        return render_reason_form(
            &auth,
            StatusCode::BAD_REQUEST,
            "hide",
            &post,
            &thread,
            &reason,
            &["disc.reason_invalid"],
        );
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| moderation::hide(conn, &who, post_id, &reason, now))
        .await?;
    Ok(see_other(&post_url(
        thread.id,
        thread.post_count,
        answer_of(&post),
        post_id,
    )))
}

pub async fn restore(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer) = load(&auth, post_id).await?;
    if !viewer.moderates() {
        return Err(AppError::Forbidden);
    }
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| moderation::restore(conn, &who, post_id))
        .await?;
    Ok(see_other(&post_url(
        thread.id,
        thread.post_count,
        answer_of(&post),
        post_id,
    )))
}

pub async fn report_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer) = load(&auth, post_id).await?;
    let mine = post.author_id == Some(auth.principal().user_id);
    if !policy::can_report(viewer.role, mine) {
        return Err(AppError::Forbidden);
    }
    render_reason_form(&auth, StatusCode::OK, "report", &post, &thread, "", &[])
}

pub async fn report(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    let post_id = path.into_inner();
    let (post, thread, viewer) = load(&auth, post_id).await?;
    let mine = post.author_id == Some(auth.principal().user_id);
    if !policy::can_report(viewer.role, mine) {
        return Err(AppError::Forbidden);
    }
    let reason = normalise(&form.reason);
    if posting::check_reason(&reason, false).is_err() {
        return render_reason_form(
            &auth,
            StatusCode::BAD_REQUEST,
            "report",
            &post,
            &thread,
            &reason,
            &["disc.reason_invalid"],
        );
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| moderation::report(conn, &who, post_id, &reason, now))
        .await?;
    Ok(see_other(&format!(
        "/keskustelut/ketju/{}?ilmoitettu=1#v{post_id}",
        thread.id
    )))
}

pub async fn resolve_report(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let report_id = path.into_inner();
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| moderation::resolve_report(conn, &who, report_id, now))
        .await?;
    Ok(auth.0.see_other_notice(
        "/keskustelut/valmentaja#ilmoitukset",
        "notice.report_resolved",
    ))
}
