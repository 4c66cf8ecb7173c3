//! The counties' current-state assessment: the comparison of an area's counties, and a
//! county's form.

use super::answering::{form_questions, parse_answers, SavedQuery};
use crate::surveys::{self, assessment, Answer};
use crate::web::ctx::{see_other, Auth};
use crate::web::network::scope::{scope_for, scope_switch, ScopeQuery};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Datelike;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct CompareQuery {
    pub alue: Option<i64>,
    pub maakunta: Option<i64>,
    pub vuosi: Option<i32>,
}

pub async fn assessment_compare(
    auth: Auth,
    q: web::Query<CompareQuery>,
) -> AppResult<HttpResponse> {
    let (scope, scopes) = scope_for(
        &auth,
        &ScopeQuery {
            alue: q.alue,
            maakunta: q.maakunta,
        },
    )
    .await?;
    let now = auth.0.now();
    let this_year = now.date().year();
    let year = q.vuosi.unwrap_or(this_year);
    if !(2000..=this_year).contains(&year) {
        return Err(AppError::NotFound);
    }
    let lang = auth.0.lang.code().to_string();
    let who = auth.principal().clone();
    let (cmp, years, editable) = auth
        .0
        .state
        .db(move |conn| {
            let cmp = assessment::compare(conn, scope, year, &lang, now)?;
            Ok((
                cmp,
                assessment::years(conn)?,
                assessment::editable_counties(conn, &who)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    scope_switch(&mut c, scope, &scopes);
    c.insert("cmp", &cmp);
    c.insert("years", &years);
    c.insert("this_year", &this_year);
    c.insert(
        "editable",
        &editable.iter().map(|e| e.0).collect::<Vec<_>>(),
    );
    auth.0.render("surveys/assessment_compare.html", c)
}

async fn render_assessment(
    auth: &Auth,
    status: StatusCode,
    county_id: i64,
    given: Option<Vec<Answer>>,
    errors: &[&str],
    saved: bool,
) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let now = auth.0.now();
    let lang = auth.0.lang;
    let (survey, qs, stored, county) = auth
        .0
        .state
        .db(move |conn| {
            use crate::db::schema::counties;
            use diesel::prelude::*;
            let county: Option<String> = counties::table
                .find(county_id)
                .select(crate::network::names::county(lang))
                .first(conn)
                .optional()?;
            let Some(county) = county else {
                return Err(AppError::NotFound);
            };
            if !assessment::may_edit(conn, &who, county_id)? {
                return Err(AppError::NotFound);
            }
            let survey = assessment::ensure_year(conn, now.date().year(), now)?;
            let qs = surveys::questions(conn, survey.id)?;
            let stored = assessment::county_answers(conn, &survey, county_id)?;
            Ok((survey, qs, stored, county))
        })
        .await?;
    let shown = given.unwrap_or_else(|| stored.answers.clone());
    let mut c = tera::Context::new();
    c.insert("survey", &survey);
    c.insert("county_id", &county_id);
    c.insert("county", &county);
    c.insert(
        "questions",
        &form_questions(&qs, &shown, auth.0.lang.code()),
    );
    c.insert("editor", &stored.editor);
    // The full stored time: the template shows its Helsinki day.
    c.insert("updated_on", &stored.updated_at);
    c.insert("errors", errors);
    c.insert("saved", &saved);
    auth.0
        .render_status(status, "surveys/assessment_form.html", c)
}

pub async fn assessment_form(
    auth: Auth,
    path: web::Path<i64>,
    q: web::Query<SavedQuery>,
) -> AppResult<HttpResponse> {
    let saved = q.tallennettu.is_some();
    render_assessment(&auth, StatusCode::OK, path.into_inner(), None, &[], saved).await
}

pub async fn assessment_save(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let county_id = path.into_inner();
    let who = auth.principal().clone();
    let allowed = auth
        .0
        .state
        .db(
            move |conn| match crate::network::county_place(conn, county_id) {
                Ok(place) => Ok(who.manages_county(place)),
                Err(AppError::NotFound) => Ok(false),
                Err(e) => Err(e),
            },
        )
        .await?;
    if !allowed {
        return Err(AppError::NotFound);
    }
    let answers = match parse_answers(&form.into_inner()) {
        Ok(a) => a,
        Err(e) => {
            return render_assessment(&auth, StatusCode::BAD_REQUEST, county_id, None, &[e], false)
                .await
        }
    };
    let who = auth.principal().clone();
    let now = auth.0.now();
    let given = answers.clone();
    let result = auth
        .0
        .state
        .db(move |conn| {
            let survey = assessment::ensure_year(conn, now.date().year(), now)?;
            assessment::save(conn, &who, &survey, county_id, &answers, now)
        })
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/kartoitus/{county_id}?tallennettu=1"))),
        Err(AppError::Invalid(e)) => {
            let key: &str = match e.as_str() {
                "survey.answer_too_long" => "survey.answer_too_long",
                "survey.answer_empty" => "survey.answer_empty",
                _ => "survey.answer_invalid",
            };
            render_assessment(
                &auth,
                StatusCode::BAD_REQUEST,
                county_id,
                Some(given),
                &[key],
                false,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
