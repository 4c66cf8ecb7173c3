//! A training's own page for its expert and the area's coordinators, and its code shown large
//! for a projector; who may see them.

use crate::network::trainings::lists::Listed;
use crate::network::trainings::{self, attendance, code, Actor, Training};
use crate::web::ctx::{Auth, Ctx};
use crate::{AppError, AppResult};
use actix_web::{web, HttpResponse};

/// The training, if `auth` may see it (its expert, a coordinator of its area); 404 otherwise,
/// so guessed ids tell nothing.
pub(super) async fn visible(auth: &Auth, id: i64) -> AppResult<(Training, bool)> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let t = trainings::find(conn, id)?;
            match trainings::actor_for(conn, &who, &t)? {
                Some(Actor::Expert(_)) => Ok((t, true)),
                Some(Actor::Coordinator(_)) => Ok((t, false)),
                None => Err(AppError::NotFound),
            }
        })
        .await
}

/// The attendance page address of a code.
fn sign_in_url(ctx: &Ctx, code: &str) -> String {
    format!("{}/osallistu/{code}", ctx.state.config.base_url)
}

pub async fn show(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, own) = visible(&auth, id).await?;
    let (today, now) = (
        crate::i18n::format::helsinki_date(auth.0.now()),
        auth.0.now(),
    );
    let t2 = t.clone();
    let (listed, attendees, staff, survey) = auth
        .0
        .state
        .db(move |conn| {
            let listed = listed_one(conn, &t2)?;
            let attendees = attendance::attendees(conn, t2.id)?;
            let staff = attendance::staff_of(conn, &t2)?;
            // The feedback survey exists from the training's day on.
            let survey = if today >= t2.held_on && t2.code.is_some() {
                let s = crate::surveys::training::ensure(conn, &t2, now)?;
                let n = crate::surveys::training::responses(conn, s.id)?;
                Some((s, n))
            } else {
                None
            };
            Ok((listed, attendees, staff, survey))
        })
        .await?;
    let mut c = tera::Context::new();
    let state = t.code.as_ref().map(|_| code::code_state(&t, today));
    if let Some(code) = &t.code {
        let url = sign_in_url(&auth.0, code);
        c.insert(
            "qr",
            &crate::web::qr::svg(&url, &auth.0.t("training.qr_label")).unwrap_or_default(),
        );
        c.insert("sign_in_url", &url);
    }
    c.insert("code_state", &state);
    c.insert("item", &listed);
    c.insert("t", &t);
    c.insert("own", &own);
    c.insert("attendees", &attendees);
    c.insert("staff", &staff);
    c.insert("survey", &survey.as_ref().map(|s| &s.0));
    c.insert("responses", &survey.as_ref().map(|s| s.1).unwrap_or(0));
    c.insert("min_group", &crate::surveys::results::MIN_GROUP);
    c.insert("is_today", &(t.held_on == today));
    c.insert("not_past", &(t.held_on >= today));
    c.insert(
        "themes_text",
        &listed
            .themes
            .iter()
            .map(|th| auth.0.t(&format!("theme.{th}")))
            .collect::<Vec<_>>()
            .join(", "),
    );
    auth.0.render("trainings/show.html", c)
}

pub(super) fn listed_one(conn: &mut crate::db::AnyConnection, t: &Training) -> AppResult<Listed> {
    use crate::db::schema::{counties, organisations, users};
    use diesel::prelude::*;
    let (organisation, county): (String, String) = organisations::table
        .inner_join(counties::table)
        .filter(organisations::id.eq(t.organisation_id))
        .select((organisations::name, counties::name_fi))
        .first(conn)?;
    let expert: Option<String> = match t.user_id {
        Some(u) => users::table
            .find(u)
            .select(users::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(Listed {
        themes: t.theme_list(),
        training: t.clone(),
        organisation,
        county,
        expert,
    })
}

/// The code and QR code large, for a projector at the start of the training.
pub async fn display(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let (t, _) = visible(&auth, path.into_inner()).await?;
    let Some(code) = t.code.clone() else {
        return Err(AppError::NotFound);
    };
    let url = sign_in_url(&auth.0, &code);
    let mut c = tera::Context::new();
    c.insert(
        "qr",
        &crate::web::qr::svg(&url, &auth.0.t("training.qr_label")).unwrap_or_default(),
    );
    c.insert("code", &code);
    c.insert("sign_in_url", &url);
    c.insert(
        "short_url",
        &format!(
            "{}/osallistu",
            auth.0
                .state
                .config
                .base_url
                .trim_start_matches("https://")
                .trim_start_matches("http://")
        ),
    );
    c.insert("t", &t);
    c.insert(
        "code_state",
        &code::code_state(&t, crate::i18n::format::helsinki_date(auth.0.now())),
    );
    auth.0.render("trainings/display.html", c)
}
