//! A training's participants: closing or opening the attendance code, inviting colleagues by
//! e-mail, the sign-ins as CSV, and removing one.

use super::page::{listed_one, visible};
use crate::accounts::audit;
use crate::network::trainings::{self, attendance, code};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub action: String,
}

/// Closes the attendance code, or opens it again (its day only).
pub async fn toggle_code(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, _) = visible(&auth, id).await?;
    if t.code.is_none() {
        return Err(AppError::NotFound);
    }
    let close = match form.action.as_str() {
        "close" => true,
        "open" => false,
        _ => return Err(AppError::invalid("training.form_invalid")),
    };
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| code::set_closed(conn, id, close, now))
        .await?;
    let key = if close {
        "notice.code_closed"
    } else {
        "notice.code_opened"
    };
    Ok(auth
        .0
        .see_other_notice(&format!("/koulutukset/{id}#osallistuminen"), key))
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    pub emails: String,
    #[serde(default)]
    pub language: String,
}

/// Invites colleagues by e-mail (through the outbox; no account is made). Each address once.
pub async fn invite(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<InviteForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, _) = visible(&auth, id).await?;
    let lang = crate::i18n::Lang::parse(&form.language).unwrap_or(auth.0.lang);
    let emails = form.emails.clone();
    let state = auth.0.state.clone();
    let expert = auth.principal().name.clone();
    let now = auth.0.now();
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            let listed = listed_one(conn, &t)?;
            trainings::invite::invite(conn, &msg, &listed, &expert, &emails, lang, now)
        })
        .await;
    match result {
        Ok(n) => Ok(auth.0.see_other_notice_n(
            &format!("/koulutukset/{id}#kutsu"),
            "notice.invitations_sent",
            n as i64,
        )),
        Err(AppError::Invalid(_)) => Ok(auth.0.see_other_notice(
            &format!("/koulutukset/{id}#kutsu"),
            "notice.invitations_invalid",
        )),
        Err(e) => Err(e),
    }
}

/// A training's sign-ins as CSV (names are personal data: every export is audit-logged).
pub async fn attendees_csv(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    visible(&auth, id).await?;
    let (actor, now) = (auth.principal().user_id, auth.0.now());
    let catalog = auth.0.state.templates.catalog(auth.0.lang).clone();
    let bytes = auth
        .0
        .state
        .db(move |conn| {
            let rows = attendance::attendees(conn, id)?;
            audit::record(
                conn,
                Some(actor),
                "training.attendance.export",
                &format!("training:{id}"),
                &format!("{} rows", rows.len()),
                now,
            )?;
            let mut out = Vec::from("\u{feff}".as_bytes());
            {
                let mut w = csv::WriterBuilder::new()
                    .delimiter(b';')
                    .from_writer(&mut out);
                w.write_record([
                    catalog.get("attendance.name"),
                    catalog.get("attendance.unit"),
                    catalog.get("attendance.profession"),
                    catalog.get("attendance.signed_in_at"),
                ])
                .map_err(anyhow::Error::from)?;
                for r in rows {
                    use crate::network::registry::neutralise;
                    w.write_record([
                        neutralise(&r.name),
                        neutralise(&r.unit),
                        catalog
                            .get(&format!("profession.{}", r.profession))
                            .to_string(),
                        crate::i18n::format::rfc3339(r.created_at),
                    ])
                    .map_err(anyhow::Error::from)?;
                }
                w.flush().map_err(anyhow::Error::from)?;
            }
            Ok(out)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"osallistujat.csv\"",
        ))
        .body(bytes))
}

pub async fn remove_attendee(auth: Auth, path: web::Path<(i64, i64)>) -> AppResult<HttpResponse> {
    let (id, attendance_id) = path.into_inner();
    visible(&auth, id).await?;
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| {
            let t = trainings::find(conn, id)?;
            let actor = trainings::actor_for(conn, &who, &t)?.ok_or(AppError::NotFound)?;
            attendance::remove(conn, &actor, id, attendance_id, now)
        })
        .await?;
    Ok(auth.0.see_other_notice(
        &format!("/koulutukset/{id}#osallistujat"),
        "notice.attendee_removed",
    ))
}
