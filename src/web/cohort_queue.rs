//! The application queue of a cohort (with the manager's answer and message, capacity and
//! the waitlist) and bulk invitation by CSV. A decision that cannot be made comes back to the
//! queue saying why, with the way forward (a full cohort offers the waitlist).

use super::cohorts::managed_cohort;
use super::ctx::Auth;
use crate::cohorts::{self, applications, invite, Cohort};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// A decision that was refused: the message key and the application it was about.
#[derive(serde::Serialize)]
struct Refused {
    key: String,
    application_id: i64,
    name: String,
    decision: String,
}

pub async fn queue(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    render_queue(&auth, cohort, StatusCode::OK, None).await
}

async fn render_queue(
    auth: &Auth,
    cohort: Cohort,
    status: StatusCode,
    refused: Option<Refused>,
) -> AppResult<HttpResponse> {
    let c2 = cohort.clone();
    let lang = auth.0.lang;
    let (rows, seats) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                applications::queue(conn, &c2, lang)?,
                cohorts::seats_taken(conn, c2.id)?,
            ))
        })
        .await?;
    let full = cohort.capacity.is_some_and(|cap| seats >= i64::from(cap));
    let mut c = tera::Context::new();
    c.insert("phase", &cohort.phase(auth.0.state.clock.today()));
    c.insert("cohort", &cohort);
    c.insert("rows", &rows);
    c.insert("seats", &seats);
    c.insert("full", &full);
    c.insert("refused", &refused);
    auth.0.render_status(status, "cohorts/queue.html", c)
}

/// Accept (`hyvaksy`), decline (`hylkaa`) or waitlist (`jonoon`) an application.
pub async fn decide(auth: Auth, path: web::Path<(i64, String)>) -> AppResult<HttpResponse> {
    let (id, action) = path.into_inner();
    let notice = match action.as_str() {
        "hyvaksy" => "notice.application_accepted",
        "hylkaa" => "notice.application_declined",
        "jonoon" => "notice.application_waitlisted",
        _ => return Err(AppError::NotFound),
    };
    let who = auth.principal().clone();
    let (actor, now) = (who.user_id, auth.0.now());
    let state = auth.0.state.clone();
    let (app, cohort) = auth
        .0
        .state
        .db(move |conn| {
            let app = applications::find_application(conn, id)?;
            let cohort = cohorts::find(conn, app.cohort_id)?;
            if !cohorts::manages(&who, &cohort) {
                return Err(AppError::NotFound);
            }
            Ok((app, cohort))
        })
        .await?;
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            match action.as_str() {
                "hyvaksy" => applications::accept(conn, &msg, id, Some(actor), now).map(|_| ()),
                "hylkaa" => applications::decide(conn, &msg, id, "declined", Some(actor), now),
                _ => applications::decide(conn, &msg, id, "waitlisted", Some(actor), now),
            }
        })
        .await;
    match result {
        Ok(()) => Ok(auth.0.see_other_notice(
            &format!("/hallinta/ryhmat/{}/hakemukset", cohort.id),
            notice,
        )),
        Err(AppError::Conflict(key) | AppError::Invalid(key)) => {
            let refused = Refused {
                key,
                application_id: app.id,
                name: app.name,
                decision: app.decision,
            };
            render_queue(&auth, cohort, StatusCode::CONFLICT, Some(refused)).await
        }
        Err(e) => Err(e),
    }
}

/// What every state of the invitation page shows: the cohort and the file size limit.
fn invite_context(auth: &Auth, cohort: &Cohort) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("cohort", cohort);
    let limit = super::upload::limit_text(auth.0.lang, CSV_LIMIT);
    c.insert("limit_hint", &limit);
    c.insert("limit", &limit);
    c
}

pub async fn invite_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let c = invite_context(&auth, &cohort);
    auth.0.render("cohorts/invite.html", c)
}

/// The largest CSV accepted: the confirm step sends the text back as a form field, which the
/// frame limits to 1 MiB.
pub const CSV_LIMIT: usize = 512 * 1024;

/// Reads the uploaded file and shows the preview; nothing is saved yet.
pub async fn invite_preview(
    auth: Auth,
    path: web::Path<i64>,
    mut payload: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    match super::upload::read_file(&mut payload, "file", CSV_LIMIT).await {
        Ok(bytes) => render_preview(&auth, cohort, bytes).await,
        Err(problem) => {
            let mut c = invite_context(&auth, &cohort);
            c.insert("file_error", problem.key());
            auth.0
                .render_status(problem.status(), "cohorts/invite.html", c)
        }
    }
}

async fn render_preview(auth: &Auth, cohort: Cohort, bytes: Vec<u8>) -> AppResult<HttpResponse> {
    let mut c = invite_context(auth, &cohort);
    let Ok(text) = String::from_utf8(bytes) else {
        c.insert("file_error", "invite.not_utf8");
        return auth
            .0
            .render_status(StatusCode::BAD_REQUEST, "cohorts/invite.html", c);
    };
    let t2 = text.clone();
    let preview = auth
        .0
        .state
        .db(move |conn| invite::preview(conn, &cohort, &t2))
        .await?;
    let status = if preview.ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    c.insert("preview", &preview);
    c.insert("csv", &text);
    auth.0.render_status(status, "cohorts/invite.html", c)
}

#[derive(Deserialize)]
pub struct InviteConfirm {
    pub csv: String,
}

/// Invites everyone of the previewed file, all or nothing.
pub async fn invite_confirm(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<InviteConfirm>,
) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let text = form.into_inner().csv;
    let (actor, now) = (auth.principal().user_id, auth.0.now());
    let state = auth.0.state.clone();
    let c2 = cohort.clone();
    let t2 = text.clone();
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            invite::invite_all(conn, &msg, &c2, &t2, Some(actor), now)
        })
        .await;
    match result {
        Ok(n) => Ok(auth.0.see_other_notice_n(
            &format!("/hallinta/ryhmat/{}#valmennettavat", cohort.id),
            "notice.invited",
            n as i64,
        )),
        Err(AppError::Invalid(_) | AppError::Conflict(_)) => {
            render_preview(&auth, cohort, text.into_bytes()).await
        }
        Err(e) => Err(e),
    }
}
