//! The trainer's desk (unanswered questions and reports), the answer bank (publishing,
//! withdrawing, the public page), the coordinators' figures, and unsubscribing from a
//! signed e-mail link.

use super::compose::normalise;
use crate::cohorts::{self, CohortRole};
use crate::discussions::{self, answers, stats, unsubscribe};
use crate::web::ctx::{Auth, Ctx};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// Unanswered questions across all the caller's cohorts, oldest first, the exercise entries
/// waiting for the trainer's assessment (`exercises::desk`), and open reports. For people
/// with the trainer role.
pub async fn trainer_desk(auth: Auth) -> AppResult<HttpResponse> {
    if !auth.principal().is_trainer() {
        return Err(AppError::Forbidden);
    }
    let uid = auth.principal().user_id;
    let now = auth.0.now();
    let (queue, reports, requests, entries) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                stats::unanswered_for(conn, uid, now)?,
                stats::open_reports_for(conn, uid)?,
                discussions::redaction::requests::open_requests_for_trainer(conn, uid)?,
                crate::exercises::desk::waiting_for(conn, uid, now)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("queue", &queue);
    c.insert("reports", &reports);
    c.insert("requests", &requests);
    c.insert("entries_waiting", &entries);
    auth.0.render("discussions/trainer.html", c)
}

#[derive(Deserialize, Default)]
pub struct PublishForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub action: String,
}

fn render_publish(
    auth: &Auth,
    status: StatusCode,
    thread: &discussions::Thread,
    draft: &answers::Draft,
    entry: Option<(i64, bool)>,
    errors: &[&str],
    preview: bool,
) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("thread", thread);
    c.insert("draft", draft);
    c.insert("entry", &entry);
    c.insert("errors", errors);
    let render = crate::courses::markdown::render_user;
    c.insert(
        "preview",
        &preview.then(|| {
            serde_json::json!({
                "question_html": render(&draft.question),
                "answer_html": render(&draft.answer),
            })
        }),
    );
    auth.0.render_status(status, "discussions/publish.html", c)
}

pub async fn publish_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let thread_id = path.into_inner();
    let who = auth.principal().clone();
    let (thread, draft, entry) = auth
        .0
        .state
        .db(move |conn| {
            let thread = answers::publishable(conn, &who, thread_id)?;
            let draft = answers::draft(conn, &thread)?;
            let entry = answers::for_thread(conn, thread.id)?;
            Ok((thread, draft, entry))
        })
        .await?;
    render_publish(&auth, StatusCode::OK, &thread, &draft, entry, &[], false)
}

pub async fn publish(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<PublishForm>,
) -> AppResult<HttpResponse> {
    let thread_id = path.into_inner();
    let form = form.into_inner();
    let draft = answers::Draft {
        title: form.title.trim().to_string(),
        question: normalise(&form.question),
        answer: normalise(&form.answer),
    };
    let who = auth.principal().clone();
    let w2 = who.clone();
    let (thread, entry) = auth
        .0
        .state
        .db(move |conn| {
            let thread = answers::publishable(conn, &w2, thread_id)?;
            let entry = answers::for_thread(conn, thread.id)?;
            Ok((thread, entry))
        })
        .await?;
    let errors = draft.validate();
    if form.action == "preview" || !errors.is_empty() {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        return render_publish(&auth, status, &thread, &draft, entry, &errors, true);
    }
    let now = auth.0.now();
    let id = auth
        .0
        .state
        .db(move |conn| answers::publish(conn, &who, thread_id, &draft, now))
        .await?;
    Ok(auth.0.see_other_notice(
        &format!("/tietopankki/vastaukset/{id}"),
        "notice.answer_published",
    ))
}

pub async fn withdraw(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let thread_id = path.into_inner();
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| answers::withdraw(conn, &who, thread_id, now))
        .await?;
    Ok(auth.0.see_other_notice(
        &format!("/keskustelut/ketju/{thread_id}"),
        "notice.answer_withdrawn",
    ))
}

/// A published answer in the open knowledge bank (no sign-in needed).
pub async fn answer_page(ctx: Ctx, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let entry = ctx.state.db(move |conn| answers::public(conn, id)).await?;
    let mut c = tera::Context::new();
    c.insert(
        "url",
        &format!(
            "{}/tietopankki/vastaukset/{}",
            ctx.state.config.base_url, entry.id
        ),
    );
    c.insert("entry", &entry);
    ctx.render("knowledge_bank/answer.html", c)
}

/// A cohort's discussions in figures: for its coordinators and admins, and its trainers.
pub async fn stats(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let who = auth.principal().clone();
    let (cohort, figures, requests) = auth
        .0
        .state
        .db(move |conn| {
            let cohort = cohorts::find(conn, cohort_id)?;
            let allowed = cohorts::manages(&who, &cohort)
                || matches!(
                    cohorts::role_in(conn, &who, &cohort)?,
                    Some(CohortRole::Trainer | CohortRole::Overseer)
                );
            if !allowed {
                return Err(AppError::NotFound);
            }
            Ok((
                cohort,
                stats::cohort_stats(conn, cohort_id)?,
                discussions::redaction::requests::open_requests_in_cohort(conn, cohort_id)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("figures", &figures);
    c.insert("requests", &requests);
    c.insert("manages", &cohorts::manages(auth.principal(), &cohort));
    auth.0.render("discussions/stats.html", c)
}

/// The confirmation page of an unsubscribe link: shows what the button will do; changes
/// nothing.
pub async fn unsubscribe_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let now = ctx.now();
    let Some((target, stamp)) =
        unsubscribe::check_unsubscribe(&ctx.state.config.secret, &token, now)
    else {
        return unsubscribe_gone(&ctx);
    };
    let title = ctx
        .state
        .db(move |conn| {
            if !unsubscribe::still_theirs(conn, target, stamp)? {
                return Err(AppError::NotFound);
            }
            unsubscribe::describe(conn, target)
        })
        .await;
    let title = match title {
        Ok(t) => t,
        Err(AppError::NotFound) => return unsubscribe_gone(&ctx),
        Err(e) => return Err(e),
    };
    let mut c = tera::Context::new();
    c.insert("token", &token);
    c.insert("thread_title", &title);
    c.insert("done", &false);
    c.insert("invalid", &false);
    ctx.render("discussions/unsubscribe.html", c)
}

fn unsubscribe_gone(ctx: &Ctx) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("invalid", &true);
    c.insert("done", &false);
    c.insert("thread_title", &None::<String>);
    c.insert("token", "");
    ctx.render_status(StatusCode::GONE, "discussions/unsubscribe.html", c)
}

pub async fn unsubscribe(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let now = ctx.now();
    let Some((target, stamp)) =
        unsubscribe::check_unsubscribe(&ctx.state.config.secret, &token, now)
    else {
        return unsubscribe_gone(&ctx);
    };
    let result = ctx
        .state
        .db(move |conn| {
            if !unsubscribe::still_theirs(conn, target, stamp)? {
                return Err(AppError::NotFound);
            }
            let title = unsubscribe::describe(conn, target)?;
            unsubscribe::unsubscribe(conn, target, now)?;
            Ok(title)
        })
        .await;
    let title = match result {
        Ok(t) => t,
        Err(AppError::NotFound) => return unsubscribe_gone(&ctx),
        Err(e) => return Err(e),
    };
    let mut c = tera::Context::new();
    c.insert("thread_title", &title);
    c.insert("done", &true);
    c.insert("invalid", &false);
    c.insert("token", "");
    ctx.render("discussions/unsubscribe.html", c)
}
