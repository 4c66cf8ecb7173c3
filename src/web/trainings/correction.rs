//! Correcting a training (its expert, or a coordinator of its area) and deleting it.

use super::form::{render_form, Form, Mode};
use super::page::visible;
use crate::network::trainings::{self, Training};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

pub async fn edit_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let (t, _) = visible(&auth, path.into_inner()).await?;
    let orgs = editable_organisations(&auth, &t).await?;
    render_form(
        &auth.0,
        StatusCode::OK,
        Mode::Edit,
        &Form::of(&t),
        &[],
        Some(&t),
        orgs,
    )
    .await
}

/// The organisations a training may be moved to: the expert's own; for a coordinator, the
/// organisations of the counties they manage (with the training's own first).
async fn editable_organisations(auth: &Auth, t: &Training) -> AppResult<Vec<(i64, String)>> {
    let who = auth.principal().clone();
    let t = t.clone();
    auth.0
        .state
        .db(move |conn| {
            use crate::db::schema::{counties, organisations};
            use diesel::prelude::*;
            if t.user_id == Some(who.user_id) {
                let mut own = trainings::organisation_choices(conn, who.user_id)?;
                if !own.iter().any(|o| o.0 == t.organisation_id) {
                    let name: String = organisations::table
                        .find(t.organisation_id)
                        .select(organisations::name)
                        .first(conn)?;
                    own.insert(0, (t.organisation_id, name));
                }
                return Ok(own);
            }
            let rows: Vec<(i64, String, i64, i64)> = organisations::table
                .inner_join(counties::table)
                .filter(
                    organisations::active
                        .eq(true)
                        .or(organisations::id.eq(t.organisation_id)),
                )
                .order(organisations::name)
                .select((
                    organisations::id,
                    organisations::name,
                    counties::id,
                    counties::region_id,
                ))
                .load(conn)?;
            Ok(rows
                .into_iter()
                .filter(|r| {
                    who.manages_county(crate::accounts::policy::CountyPlace {
                        county_id: r.2,
                        region_id: r.3,
                    })
                })
                .map(|r| (r.0, r.1))
                .collect())
        })
        .await
}

pub async fn edit(
    auth: Auth,
    path: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, _) = visible(&auth, id).await?;
    let form = Form::parse(&fields);
    let (draft, mut errors) = form.draft();
    if errors.is_empty() {
        let who = auth.principal().clone();
        let (today, now) = (
            crate::i18n::format::helsinki_date(auth.0.now()),
            auth.0.now(),
        );
        let result = auth
            .0
            .state
            .db(move |conn| {
                let t = trainings::find(conn, id)?;
                let actor = trainings::actor_for(conn, &who, &t)?.ok_or(AppError::NotFound)?;
                trainings::correct(conn, &actor, id, &draft, today, now)
            })
            .await;
        match result {
            Ok(()) => {
                return Ok(auth
                    .0
                    .see_other_notice(&format!("/koulutukset/{id}"), "notice.training_saved"))
            }
            Err(AppError::Invalid(k)) => errors.push(message_key(&k)),
            Err(e) => return Err(e),
        }
    }
    let orgs = editable_organisations(&auth, &t).await?;
    render_form(
        &auth.0,
        StatusCode::BAD_REQUEST,
        Mode::Edit,
        &form,
        &errors,
        Some(&t),
        orgs,
    )
    .await
}

/// The catalogue key for a context's error (only keys it may produce).
fn message_key(k: &str) -> &'static str {
    const KEYS: [&str; 15] = [
        "training.date_invalid",
        "training.plan_date_invalid",
        "training.start_invalid",
        "training.end_invalid",
        "training.theme_invalid",
        "training.participants_invalid",
        "training.size_invalid",
        "training.unit_invalid",
        "training.place_invalid",
        "training.notes_invalid",
        "training.organisation_invalid",
        "training.over_staff_confirm",
        "training.counted_fixed",
        "training.number_before_day",
        "invite.invalid",
    ];
    KEYS.iter()
        .find(|x| **x == k)
        .copied()
        .unwrap_or("training.form_invalid")
}

pub async fn delete_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let (t, own) = visible(&auth, path.into_inner()).await?;
    let mut c = tera::Context::new();
    c.insert("t", &t);
    c.insert("own", &own);
    c.insert("errors", &Vec::<&str>::new());
    auth.0.render("trainings/delete.html", c)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub confirm: String,
}

pub async fn delete(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<ConfirmForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, own) = visible(&auth, id).await?;
    if form.confirm != "1" {
        let mut c = tera::Context::new();
        c.insert("t", &t);
        c.insert("own", &own);
        c.insert("errors", &["training.delete_confirm"]);
        return auth
            .0
            .render_status(StatusCode::BAD_REQUEST, "trainings/delete.html", c);
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| {
            let t = trainings::find(conn, id)?;
            let actor = trainings::actor_for(conn, &who, &t)?.ok_or(AppError::NotFound)?;
            trainings::delete(conn, &actor, id, now)
        })
        .await?;
    let back = if own {
        "/asiantuntija#koulutukset"
    } else {
        "/verkosto"
    };
    Ok(auth.0.see_other_notice(back, "notice.training_deleted"))
}
