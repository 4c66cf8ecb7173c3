//! Planning a training ahead and logging one held without the app, by its expert.

use super::form::{render_form, Form, Mode};
use crate::network::trainings::{self, Actor};
use crate::web::ctx::Auth;
use crate::AppResult;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

async fn own_organisations(auth: &Auth) -> AppResult<Vec<(i64, String)>> {
    let uid = auth.principal().user_id;
    auth.0
        .state
        .db(move |conn| trainings::organisation_choices(conn, uid))
        .await
}

#[derive(Deserialize)]
pub struct ModeQuery {
    pub tapa: Option<String>,
}

pub async fn new_form(auth: Auth, q: web::Query<ModeQuery>) -> AppResult<HttpResponse> {
    let mode = if q.tapa.as_deref() == Some("kirjaa") {
        Mode::Log
    } else {
        Mode::Plan
    };
    let orgs = own_organisations(&auth).await?;
    let form = Form {
        themes: Vec::new(),
        organisation_id: auth
            .principal()
            .organisation_id
            .map(|o| o.to_string())
            .unwrap_or_default(),
        starts: if mode == Mode::Plan {
            "09:00".into()
        } else {
            String::new()
        },
        ..Form::default()
    };
    render_form(&auth.0, StatusCode::OK, mode, &form, &[], None, orgs).await
}

/// Plans a training and opens its page.
pub async fn plan(auth: Auth, fields: web::Form<Vec<(String, String)>>) -> AppResult<HttpResponse> {
    save_new(auth, Form::parse(&fields), Mode::Plan).await
}

/// Logs a training held without the app (the number is marked reported).
pub async fn log(auth: Auth, fields: web::Form<Vec<(String, String)>>) -> AppResult<HttpResponse> {
    save_new(auth, Form::parse(&fields), Mode::Log).await
}

async fn save_new(auth: Auth, form: Form, mode: Mode) -> AppResult<HttpResponse> {
    let (draft, mut errors) = form.draft();
    let (uid, today, now) = (
        auth.principal().user_id,
        crate::i18n::format::helsinki_date(auth.0.now()),
        auth.0.now(),
    );
    if errors.is_empty() {
        let purpose = if mode == Mode::Plan {
            trainings::Purpose::Plan
        } else {
            trainings::Purpose::Log
        };
        let d = draft.clone();
        let problems = auth
            .0
            .state
            .db(move |conn| trainings::validate(conn, &Actor::Expert(uid), &d, purpose, today))
            .await?;
        if problems.is_empty() {
            // Once per form: a retry after a lost answer plans or logs the training once.
            let location = auth
                .0
                .create_once("training", move |conn| {
                    Ok(if mode == Mode::Plan {
                        let id = trainings::plan(conn, uid, &draft, today, now)?;
                        format!("/koulutukset/{id}")
                    } else {
                        trainings::log(conn, uid, &draft, today, now)?;
                        "/asiantuntija#koulutukset".to_string()
                    })
                })
                .await?;
            let key = if mode == Mode::Plan {
                "notice.training_planned"
            } else {
                "notice.training_logged"
            };
            return Ok(auth.0.see_other_notice(&location, key));
        }
        errors.extend(problems);
    }
    let orgs = own_organisations(&auth).await?;
    render_form(
        &auth.0,
        StatusCode::BAD_REQUEST,
        mode,
        &form,
        &errors,
        None,
        orgs,
    )
    .await
}
