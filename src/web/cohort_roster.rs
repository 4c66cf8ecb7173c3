//! A cohort's people on the coordinators' cohort page: adding a trainer, and withdrawing or
//! re-enrolling a trainee (withdrawing first shows whom it concerns).

use super::cohorts::{managed_cohort, render_show, Problem};
use super::ctx::Auth;
use crate::cohorts::{self, lifecycle};
use crate::db::schema::users;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct TrainerForm {
    #[serde(default)]
    pub email: String,
}

/// Adds a trainer by e-mail: the person must have the trainer role.
pub async fn add_trainer(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<TrainerForm>,
) -> AppResult<HttpResponse> {
    let cohort = managed_cohort(&auth, path.into_inner()).await?;
    let typed = form.into_inner().email;
    let email = typed.trim().to_lowercase();
    let id = cohort.id;
    let added = auth
        .0
        .state
        .db(move |conn| {
            let user: Option<i64> = users::table
                .filter(users::email.eq(&email))
                .select(users::id)
                .first(conn)
                .optional()?;
            let Some(uid) = user else {
                return Ok(false);
            };
            let is_trainer = crate::accounts::model::roles_of(conn, uid)?
                .iter()
                .any(|r| r.role == "trainer");
            if !is_trainer {
                return Ok(false);
            }
            cohorts::add_trainer(conn, id, uid)?;
            Ok(true)
        })
        .await?;
    if !added {
        let problem = Problem {
            form: "trainer",
            value: typed,
            error: "cohort.trainer_unknown".into(),
        };
        return render_show(&auth, id, StatusCode::BAD_REQUEST, Some(problem)).await;
    }
    Ok(auth.0.see_other_notice(
        &format!("/hallinta/ryhmat/{id}#valmentajat"),
        "notice.trainer_added",
    ))
}

/// Withdraws (`peru`) or re-enrols (`palauta`) a trainee.
#[derive(Deserialize, Default)]
pub struct NoteForm {
    #[serde(default)]
    pub note: String,
}

/// Before a trainee is removed: who, from which cohort, what happens (GET shows only).
pub async fn enrolment_confirm(
    auth: Auth,
    path: web::Path<(i64, i64, String)>,
) -> AppResult<HttpResponse> {
    let (cohort_id, enrolment_id, action) = path.into_inner();
    if action != "peru" {
        return Err(AppError::NotFound);
    }
    let cohort = managed_cohort(&auth, cohort_id).await?;
    let c2 = cohort.clone();
    let (entry, waiting) = auth
        .0
        .state
        .db(move |conn| {
            let entry = cohorts::roster::roster(conn, &c2)?
                .into_iter()
                .find(|r| r.enrolment_id == enrolment_id)
                .ok_or(AppError::NotFound)?;
            let waiting: i64 = crate::db::schema::applications::table
                .filter(crate::db::schema::applications::cohort_id.eq(c2.id))
                .filter(crate::db::schema::applications::decision.eq("waitlisted"))
                .count()
                .get_result(conn)?;
            Ok((entry, waiting))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("entry", &entry);
    c.insert("waiting", &waiting);
    auth.0.render("cohorts/withdraw_confirm.html", c)
}

pub async fn enrolment_action(
    auth: Auth,
    path: web::Path<(i64, i64, String)>,
    form: Option<web::Form<NoteForm>>,
) -> AppResult<HttpResponse> {
    let (cohort_id, enrolment_id, action) = path.into_inner();
    let note: String = form
        .map(|f| f.into_inner().note)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(500)
        .collect::<String>()
        .trim()
        .to_string();
    let cohort = managed_cohort(&auth, cohort_id).await?;
    let (actor, now) = (auth.principal().user_id, auth.0.now());
    let state = auth.0.state.clone();
    let notice = match action.as_str() {
        "peru" => "notice.trainee_withdrawn",
        "palauta" => "notice.trainee_reenrolled",
        _ => return Err(AppError::NotFound),
    };
    auth.0
        .state
        .db(move |conn| {
            use crate::db::schema::enrolments;
            let belongs: i64 = enrolments::table
                .filter(enrolments::id.eq(enrolment_id))
                .filter(enrolments::cohort_id.eq(cohort.id))
                .count()
                .get_result(conn)?;
            if belongs == 0 {
                return Err(AppError::NotFound);
            }
            let msg = state.messaging();
            match action.as_str() {
                "peru" => lifecycle::withdraw(conn, enrolment_id, Some(actor), &note, &msg, now),
                "palauta" => cohorts::enrolments::reenrol(conn, enrolment_id, Some(actor), now),
                _ => Err(AppError::NotFound),
            }
        })
        .await?;
    Ok(auth.0.see_other_notice(
        &format!("/hallinta/ryhmat/{cohort_id}#valmennettavat"),
        notice,
    ))
}
