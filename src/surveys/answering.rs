//! Answering a survey: the answers checked against the questions, and a response stored (or
//! replaced) under its respondent key.

use super::audience::{audience_includes, facts};
use super::{
    find, plain_text_ok, questions, respondent_key, Answer, Question, Survey, MAX_ANSWER_CHARS,
};
use crate::accounts::Principal;
use crate::db::schema_surveys::{survey_answers, survey_responses};
use crate::db::{write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The answers stored under a respondent key, by question.
pub fn answers_of(
    conn: &mut AnyConnection,
    survey_id: i64,
    key: &str,
) -> AppResult<Option<Vec<Answer>>> {
    let response: Option<i64> = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .filter(survey_responses::respondent_key.eq(key))
        .select(survey_responses::id)
        .first(conn)
        .optional()?;
    let Some(response) = response else {
        return Ok(None);
    };
    let rows: Vec<(i64, Option<i32>, String)> = survey_answers::table
        .filter(survey_answers::response_id.eq(response))
        .select((
            survey_answers::question_id,
            survey_answers::value,
            survey_answers::text,
        ))
        .load(conn)?;
    Ok(Some(
        rows.into_iter()
            .map(|(question_id, value, text)| Answer {
                question_id,
                value,
                text,
            })
            .collect(),
    ))
}

/// Checks answers against the questions: values 1..5 or 0 for Likert statements only, text
/// only where the question asks for it, nothing for another survey's questions. Unanswered
/// questions are allowed (and left out).
pub fn check_answers(qs: &[Question], answers: &[Answer]) -> Result<Vec<Answer>, &'static str> {
    let mut out = Vec::new();
    for a in answers {
        let Some(q) = qs.iter().find(|q| q.id == a.question_id) else {
            return Err("survey.answer_invalid");
        };
        if let Some(v) = a.value {
            if !q.is_likert() || !(0..=5).contains(&v) {
                return Err("survey.answer_invalid");
            }
        }
        let text = a.text.trim();
        if !text.is_empty() && q.is_likert() && !q.follow_up {
            return Err("survey.answer_invalid");
        }
        if !plain_text_ok(text, MAX_ANSWER_CHARS) {
            return Err("survey.answer_too_long");
        }
        if a.value.is_none() && text.is_empty() {
            continue;
        }
        if out.iter().any(|o: &Answer| o.question_id == a.question_id) {
            return Err("survey.answer_invalid");
        }
        out.push(Answer {
            question_id: a.question_id,
            value: a.value,
            text: text.to_string(),
        });
    }
    Ok(out)
}

/// Where a response is counted in the breakdowns, and whom it names.
pub struct Respondent<'a> {
    pub key: &'a str,
    /// Stored only when the survey is not anonymous.
    pub user_id: Option<i64>,
    pub region_id: Option<i64>,
    pub county_id: Option<i64>,
}

/// Stores a response (a first answer or an edit) in the caller's transaction: the answers are
/// replaced as a whole.
pub fn store_in(
    tx: &mut AnyConnection,
    survey: &Survey,
    who: &Respondent<'_>,
    answers: &[Answer],
    now: NaiveDateTime,
) -> AppResult<()> {
    let anonymous = survey.anonymous;
    let existing: Option<i64> = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey.id))
        .filter(survey_responses::respondent_key.eq(who.key))
        .select(survey_responses::id)
        .first(tx)
        .optional()?;
    let updated_at = (!anonymous).then_some(now);
    let user_id = if anonymous { None } else { who.user_id };
    let response = match existing {
        Some(id) => {
            diesel::update(survey_responses::table.find(id))
                .set((
                    survey_responses::user_id.eq(user_id),
                    survey_responses::updated_at.eq(updated_at),
                ))
                .execute(tx)?;
            diesel::delete(survey_answers::table.filter(survey_answers::response_id.eq(id)))
                .execute(tx)?;
            id
        }
        None => diesel::insert_into(survey_responses::table)
            .values((
                survey_responses::survey_id.eq(survey.id),
                survey_responses::respondent_key.eq(who.key),
                survey_responses::user_id.eq(user_id),
                survey_responses::region_id.eq(who.region_id),
                survey_responses::county_id.eq(who.county_id),
                survey_responses::updated_at.eq(updated_at),
            ))
            .returning(survey_responses::id)
            .get_result(tx)?,
    };
    for a in answers {
        diesel::insert_into(survey_answers::table)
            .values((
                survey_answers::response_id.eq(response),
                survey_answers::question_id.eq(a.question_id),
                survey_answers::value.eq(a.value),
                survey_answers::text.eq(&a.text),
            ))
            .execute(tx)?;
    }
    Ok(())
}

/// A person answers a survey, or edits their answer: only inside the window, only someone in
/// the audience, the answers checked against the questions. One transaction.
pub fn answer(
    conn: &mut AnyConnection,
    secret: &[u8],
    who: &Principal,
    survey_id: i64,
    answers: &[Answer],
    now: NaiveDateTime,
) -> AppResult<()> {
    let survey = find(conn, survey_id)?;
    if survey.kind == "assessment" {
        return Err(AppError::NotFound);
    }
    let f = facts(conn, who.user_id)?;
    if !audience_includes(survey.audience(), &f) {
        return Err(AppError::NotFound);
    }
    if !survey.is_open(now.date()) {
        return Err(AppError::Conflict("survey.closed".into()));
    }
    let qs = questions(conn, survey.id)?;
    let clean = check_answers(&qs, answers).map_err(AppError::invalid)?;
    if clean.is_empty() {
        return Err(AppError::invalid("survey.answer_empty"));
    }
    let key = respondent_key(secret, survey.id, who.user_id);
    let respondent = Respondent {
        key: &key,
        user_id: Some(who.user_id),
        region_id: f.org_region.or(f.member_regions.first().copied()),
        county_id: f.org_county.or(f.member_counties.first().copied()),
    };
    write_tx(conn, |tx| store_in(tx, &survey, &respondent, &clean, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: i64, kind: &str, follow_up: bool) -> Question {
        Question {
            id,
            survey_id: 1,
            position: id as i32,
            kind: kind.into(),
            text_fi: "Väite".into(),
            text_sv: String::new(),
            text_en: String::new(),
            follow_up,
        }
    }

    fn a(question_id: i64, value: Option<i32>, text: &str) -> Answer {
        Answer {
            question_id,
            value,
            text: text.into(),
        }
    }

    #[test]
    fn answers_are_checked_against_the_questions() {
        let qs = [
            q(1, "likert", false),
            q(2, "likert", true),
            q(3, "open", false),
        ];
        assert!(check_answers(
            &qs,
            &[a(1, Some(5), ""), a(2, Some(0), "Muuta"), a(3, None, "x")]
        )
        .is_ok());
        assert_eq!(
            check_answers(&qs, &[a(1, Some(6), "")]),
            Err("survey.answer_invalid")
        );
        assert_eq!(
            check_answers(&qs, &[a(1, Some(-1), "")]),
            Err("survey.answer_invalid")
        );
        assert_eq!(
            check_answers(&qs, &[a(3, Some(3), "")]),
            Err("survey.answer_invalid")
        );
        assert_eq!(
            check_answers(&qs, &[a(1, Some(3), "teksti")]),
            Err("survey.answer_invalid")
        );
        assert_eq!(
            check_answers(&qs, &[a(9, Some(3), "")]),
            Err("survey.answer_invalid")
        );
        assert_eq!(
            check_answers(&qs, &[a(1, Some(3), ""), a(1, Some(4), "")]),
            Err("survey.answer_invalid")
        );
        // Unanswered questions are left out.
        assert_eq!(check_answers(&qs, &[a(1, None, "  ")]).unwrap(), vec![]);
    }
}
