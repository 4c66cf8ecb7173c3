//! A survey's results for those who manage it: the page with its chart and tables, and the
//! CSV file (audit-logged).

use crate::accounts::audit;
use crate::surveys::{self, results, Survey};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::{web, HttpResponse};

/// The survey, if the caller manages it; otherwise 404 (also for its trainees).
async fn managed_survey(auth: &Auth, id: i64) -> AppResult<Survey> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let s = surveys::find(conn, id)?;
            if s.kind != "assessment" && surveys::audience::manages(conn, &who, &s)? {
                Ok(s)
            } else {
                Err(AppError::NotFound)
            }
        })
        .await
}

fn likert_labels(auth: &Auth) -> [String; 5] {
    [1, 2, 3, 4, 5].map(|v| auth.0.t(&format!("survey.likert_{v}")))
}

pub async fn results_page(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let survey = managed_survey(&auth, path.into_inner()).await?;
    let lang = auth.0.lang.code().to_string();
    let s = survey.clone();
    let res = auth
        .0
        .state
        .db(move |conn| results::results(conn, &s, &lang))
        .await?;
    let rows: Vec<(usize, &results::Dist)> = res
        .questions
        .iter()
        .filter(|q| q.likert)
        .map(|q| (q.number, &q.dist))
        .collect();
    let chart = if res.shown && !rows.is_empty() {
        results::chart::chart(
            &rows,
            &format!(
                "{}: {}",
                auth.0.t("survey.chart_title"),
                survey.title_in(auth.0.lang.code())
            ),
            &likert_labels(&auth),
            "survey-chart",
        )
    } else {
        String::new()
    };
    let mut c = tera::Context::new();
    c.insert("open", &survey.is_open(auth.0.state.clock.today()));
    c.insert("survey", &survey);
    c.insert("results", &res);
    c.insert("chart", &chart);
    c.insert("min_group", &results::MIN_GROUP);
    c.insert("has_likert", &!rows.is_empty());
    auth.0.render("surveys/results.html", c)
}

/// The results as CSV; every export is audit-logged.
pub async fn results_csv(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let survey = managed_survey(&auth, path.into_inner()).await?;
    let (actor, now) = (auth.principal().user_id, auth.0.now());
    let lang = auth.0.lang.code().to_string();
    let bytes = auth
        .0
        .state
        .db(move |conn| {
            let res = results::results(conn, &survey, &lang)?;
            let area = match (survey.county_id, survey.region_id, survey.cohort_id) {
                (Some(c), _, _) => audit::Area::of_county(conn, c)?,
                (None, Some(r), _) => audit::Area::region(r),
                (None, None, Some(cohort)) => crate::cohorts::find(conn, cohort)?
                    .region_id
                    .map_or(audit::Area::NONE, audit::Area::region),
                _ => audit::Area::NONE,
            };
            audit::record_in(
                conn,
                area,
                Some(actor),
                "survey.export.csv",
                &format!("survey:{}", survey.id),
                &format!("{} responses", res.responses),
                now,
            )?;
            Ok(results::export::csv(&res)?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"kyselyn-tulokset.csv\"",
        ))
        .body(bytes))
}
