//! Answering a survey: the answer form (a survey's audience and its managers see it) and the
//! answers read from its fields, which the current-state assessment and a training's feedback
//! read the same way.

use crate::surveys::{self, Answer, Survey};
use crate::web::ctx::{see_other, Auth};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// The survey, if the caller is in its audience or manages it; otherwise 404.
async fn visible_survey(auth: &Auth, id: i64) -> AppResult<(Survey, bool, bool)> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let s = surveys::find(conn, id)?;
            if s.kind == "assessment" {
                return Err(AppError::NotFound);
            }
            let in_audience = surveys::audience::audience_includes(
                s.audience(),
                &surveys::audience::facts(conn, who.user_id)?,
            );
            let manages = surveys::audience::manages(conn, &who, &s)?;
            if in_audience || manages {
                Ok((s, in_audience, manages))
            } else {
                Err(AppError::NotFound)
            }
        })
        .await
}

/// A question with the caller's answer, for the form.
#[derive(serde::Serialize)]
pub(in crate::web) struct FormQuestion {
    id: i64,
    number: usize,
    text: String,
    text_lang: &'static str,
    likert: bool,
    follow_up: bool,
    value: Option<i32>,
    answer_text: String,
}

pub(in crate::web) fn form_questions(
    qs: &[surveys::Question],
    answers: &[Answer],
    lang: &str,
) -> Vec<FormQuestion> {
    qs.iter()
        .enumerate()
        .map(|(i, q)| {
            let a = answers.iter().find(|a| a.question_id == q.id);
            FormQuestion {
                id: q.id,
                number: i + 1,
                text: q.text(lang).to_string(),
                text_lang: q.text_lang(lang),
                likert: q.is_likert(),
                follow_up: q.follow_up,
                value: a.and_then(|a| a.value),
                answer_text: a.map(|a| a.text.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// Form fields `q<id>` (a value 0..5) and `t<id>` (text) as answers; a value that is not a
/// number is an error.
pub(in crate::web) fn parse_answers(
    fields: &[(String, String)],
) -> Result<Vec<Answer>, &'static str> {
    let mut out: Vec<Answer> = Vec::new();
    for (k, v) in fields {
        let (is_value, id) = match (k.strip_prefix('q'), k.strip_prefix('t')) {
            (Some(id), _) => (true, id),
            (_, Some(id)) => (false, id),
            _ => continue,
        };
        let Ok(id) = id.parse::<i64>() else { continue };
        let idx = match out.iter().position(|a| a.question_id == id) {
            Some(i) => i,
            None => {
                out.push(Answer {
                    question_id: id,
                    ..Default::default()
                });
                out.len() - 1
            }
        };
        if is_value {
            if v.trim().is_empty() {
                continue;
            }
            if out[idx].value.is_some() {
                return Err("survey.answer_invalid");
            }
            out[idx].value = Some(v.trim().parse().map_err(|_| "survey.answer_invalid")?);
        } else {
            if !out[idx].text.is_empty() {
                return Err("survey.answer_invalid");
            }
            out[idx].text = v.clone();
        }
    }
    Ok(out)
}

async fn render_answer_form(
    auth: &Auth,
    status: StatusCode,
    id: i64,
    given: Option<Vec<Answer>>,
    errors: &[&str],
    saved: bool,
) -> AppResult<HttpResponse> {
    let (survey, in_audience, manages) = visible_survey(auth, id).await?;
    let secret = auth.0.state.config.secret.clone();
    let uid = auth.principal().user_id;
    let sid = survey.id;
    let (qs, stored) = auth
        .0
        .state
        .db(move |conn| {
            let key = surveys::respondent_key(&secret, sid, uid);
            Ok((
                surveys::questions(conn, sid)?,
                surveys::answering::answers_of(conn, sid, &key)?,
            ))
        })
        .await?;
    let answered = stored.is_some();
    let shown = given.or(stored).unwrap_or_default();
    let mut c = tera::Context::new();
    c.insert("open", &survey.is_open(auth.0.state.clock.today()));
    c.insert("survey", &survey);
    c.insert(
        "questions",
        &form_questions(&qs, &shown, auth.0.lang.code()),
    );
    c.insert("in_audience", &in_audience);
    c.insert("manages", &manages);
    c.insert("answered", &answered);
    c.insert("saved", &saved);
    c.insert("errors", errors);
    auth.0.render_status(status, "surveys/answer.html", c)
}

#[derive(Deserialize)]
pub struct SavedQuery {
    pub tallennettu: Option<String>,
}

pub async fn answer_form(
    auth: Auth,
    path: web::Path<i64>,
    q: web::Query<SavedQuery>,
) -> AppResult<HttpResponse> {
    let saved = q.tallennettu.is_some();
    render_answer_form(&auth, StatusCode::OK, path.into_inner(), None, &[], saved).await
}

pub async fn answer(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    // 404 for anyone who may not even see it, before anything else.
    visible_survey(&auth, id).await?;
    let answers = match parse_answers(&form.into_inner()) {
        Ok(a) => a,
        Err(e) => {
            return render_answer_form(&auth, StatusCode::BAD_REQUEST, id, None, &[e], false).await
        }
    };
    let who = auth.principal().clone();
    let secret = auth.0.state.config.secret.clone();
    let now = auth.0.now();
    let given = answers.clone();
    let result = auth
        .0
        .state
        .db(move |conn| surveys::answering::answer(conn, &secret, &who, id, &answers, now))
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/kyselyt/{id}?tallennettu=1"))),
        Err(AppError::Invalid(e)) | Err(AppError::Conflict(e)) => {
            let key: &str = match e.as_str() {
                "survey.closed" => "survey.closed",
                "survey.answer_empty" => "survey.answer_empty",
                "survey.answer_too_long" => "survey.answer_too_long",
                _ => "survey.answer_invalid",
            };
            let status = if key == "survey.closed" {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            render_answer_form(&auth, status, id, Some(given), &[key], false).await
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_fields_are_read_and_duplicates_refused() {
        let f = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let a = parse_answers(&f(&[
            ("csrf_token", "x"),
            ("q5", "4"),
            ("t5", "Muuta"),
            ("t6", ""),
        ]))
        .unwrap();
        assert_eq!(a[0].question_id, 5);
        assert_eq!(a[0].value, Some(4));
        assert_eq!(a[0].text, "Muuta");
        assert!(parse_answers(&f(&[("q5", "4"), ("q5", "3")])).is_err());
        assert!(parse_answers(&f(&[("q5", "neljä")])).is_err());
    }
}
