//! Creating a survey: the checks of what its author wrote, and the rows of the survey and its
//! questions.

use super::audience::may_address;
use super::{
    plain_text_ok, Audience, NewQuestion, NewSurvey, QuestionKind, MAX_QUESTIONS,
    MAX_QUESTION_CHARS,
};
use crate::accounts::Principal;
use crate::db::schema_surveys::{survey_questions, surveys};
use crate::db::{write_tx, AnyConnection};
use crate::network::registry::Scope;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Every problem with a new survey, as message keys.
pub fn validate(s: &NewSurvey) -> Vec<&'static str> {
    let mut errors = Vec::new();
    let title = s.title.trim();
    if title.is_empty() || !plain_text_ok(title, 200) || title.contains('\n') {
        errors.push("survey.title_invalid");
    }
    for t in [&s.title_sv, &s.title_en] {
        if !plain_text_ok(t.trim(), 200) || t.trim().contains('\n') {
            errors.push("survey.title_translation_invalid");
        }
    }
    for i in [&s.intro, &s.intro_sv, &s.intro_en] {
        if !plain_text_ok(i, 5_000) {
            errors.push("survey.intro_invalid");
        }
    }
    match (s.opens_on, s.closes_on) {
        (Some(o), Some(c)) if c >= o => {}
        _ => errors.push("survey.window_invalid"),
    }
    if s.questions.is_empty() {
        errors.push("survey.questions_missing");
    }
    if s.questions.len() > MAX_QUESTIONS {
        errors.push("survey.too_many_questions");
    }
    if s.questions.iter().any(|q| {
        q.text_fi.trim().is_empty()
            || [&q.text_fi, &q.text_sv, &q.text_en]
                .iter()
                .any(|t| !plain_text_ok(t, MAX_QUESTION_CHARS) || t.contains('\n'))
    }) {
        errors.push("survey.question_invalid");
    }
    errors
}

fn scope_columns(a: Audience) -> (Option<i64>, Option<i64>, Option<i64>) {
    match a {
        Audience::Network(Scope::Region(r)) | Audience::Area(Scope::Region(r)) => {
            (Some(r), None, None)
        }
        Audience::Network(Scope::County(c)) | Audience::Area(Scope::County(c)) => {
            (None, Some(c), None)
        }
        Audience::Cohort(c) => (None, None, Some(c)),
        Audience::All | Audience::Counties | Audience::Training(_) => (None, None, None),
    }
}

fn audience_name(a: Audience) -> &'static str {
    match a {
        Audience::Network(_) => "network",
        Audience::Cohort(_) => "cohort",
        Audience::Area(_) => "area",
        Audience::All => "all",
        Audience::Counties => "counties",
        Audience::Training(_) => "training",
    }
}

/// Creates a survey with its questions in one transaction, after checking that `who` may
/// address its audience. Returns the new survey's id.
pub fn create(
    conn: &mut AnyConnection,
    who: &Principal,
    s: &NewSurvey,
    now: NaiveDateTime,
) -> AppResult<i64> {
    if let Some(e) = validate(s).first() {
        return Err(AppError::invalid(*e));
    }
    if matches!(s.audience, Audience::Counties) || !may_address(conn, who, s.audience)? {
        return Err(AppError::Forbidden);
    }
    write_tx(conn, |tx| {
        create_in(tx, "feedback", s, Some(who.user_id), None, now).map_err(AppError::from)
    })
}

/// Inserts a survey and its questions (inside the caller's transaction).
pub(super) fn create_in(
    tx: &mut AnyConnection,
    kind: &str,
    s: &NewSurvey,
    created_by: Option<i64>,
    year: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let (region_id, county_id, cohort_id) = scope_columns(s.audience);
    let today = now.date();
    let id: i64 = diesel::insert_into(surveys::table)
        .values((
            surveys::kind.eq(kind),
            surveys::template.eq(&s.template),
            surveys::title.eq(s.title.trim()),
            surveys::intro.eq(s.intro.trim()),
            surveys::title_sv.eq(s.title_sv.trim()),
            surveys::title_en.eq(s.title_en.trim()),
            surveys::intro_sv.eq(s.intro_sv.trim()),
            surveys::intro_en.eq(s.intro_en.trim()),
            surveys::audience.eq(audience_name(s.audience)),
            surveys::region_id.eq(region_id),
            surveys::county_id.eq(county_id),
            surveys::cohort_id.eq(cohort_id),
            surveys::anonymous.eq(s.anonymous),
            surveys::opens_on.eq(s.opens_on.unwrap_or(today)),
            surveys::closes_on.eq(s.closes_on.unwrap_or(today)),
            surveys::year.eq(year),
            surveys::created_by.eq(created_by),
            surveys::created_at.eq(now),
            surveys::training_id.eq(match s.audience {
                Audience::Training(t) => Some(t),
                _ => None,
            }),
        ))
        .returning(surveys::id)
        .get_result(tx)?;
    insert_questions(tx, id, &s.questions)?;
    Ok(id)
}

fn insert_questions(tx: &mut AnyConnection, survey_id: i64, qs: &[NewQuestion]) -> QueryResult<()> {
    for (i, q) in qs.iter().enumerate() {
        diesel::insert_into(survey_questions::table)
            .values((
                survey_questions::survey_id.eq(survey_id),
                survey_questions::position.eq(i as i32 + 1),
                survey_questions::kind.eq(q.kind.as_str()),
                survey_questions::text_fi.eq(q.text_fi.trim()),
                survey_questions::text_sv.eq(q.text_sv.trim()),
                survey_questions::text_en.eq(q.text_en.trim()),
                survey_questions::follow_up.eq(q.follow_up && q.kind == QuestionKind::Likert),
            ))
            .execute(tx)?;
    }
    Ok(())
}
