//! The current-state assessment (nykytilakartoitus): a survey of kind `assessment`, one per
//! year (created the first time that year's assessment is opened), answered once per county,
//! not per person. The county's coordinator fills it in; the coordinator of the county's region
//! (and an admin) may edit it too; the last editor is kept. The answers of the counties can be
//! compared side by side, with the year before beside each figure.

use super::answering::{store_in, Respondent};
use super::{questions, Answer, NewSurvey, Question, Survey};
use crate::accounts::Principal;
use crate::db::schema::counties;
use crate::db::schema_surveys::{survey_answers as sa, survey_responses as sr, surveys};
use crate::db::{insert_unless_duplicate, write_tx, AnyConnection};
use crate::network::registry::Scope;
use crate::{AppError, AppResult};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// The respondent key of a county's assessment.
fn county_key(county_id: i64) -> String {
    format!("county:{county_id}")
}

fn find_year(conn: &mut AnyConnection, year: i32) -> AppResult<Option<Survey>> {
    Ok(surveys::table
        .filter(surveys::kind.eq("assessment"))
        .filter(surveys::year.eq(year))
        .select(Survey::as_select())
        .first(conn)
        .optional()?)
}

/// The assessment of `year`, created with the template's questions if it does not exist yet.
pub fn ensure_year(conn: &mut AnyConnection, year: i32, now: NaiveDateTime) -> AppResult<Survey> {
    if let Some(s) = find_year(conn, year)? {
        return Ok(s);
    }
    let [fi, sv, en] = super::templates::ASSESSMENT_TITLE;
    let new = NewSurvey {
        title: format!("{fi} {year}"),
        intro: String::new(),
        title_sv: format!("{sv} {year}"),
        title_en: format!("{en} {year}"),
        intro_sv: String::new(),
        intro_en: String::new(),
        template: "assessment".into(),
        audience: super::Audience::Counties,
        anonymous: false,
        opens_on: NaiveDate::from_ymd_opt(year, 1, 1),
        closes_on: NaiveDate::from_ymd_opt(year, 12, 31),
        questions: super::templates::questions("assessment").unwrap_or_default(),
    };
    write_tx(conn, |tx| {
        insert_unless_duplicate(tx, |t| {
            super::creation::create_in(t, "assessment", &new, None, Some(year), now)
        })
        .map_err(AppError::from)
    })?;
    find_year(conn, year)?.ok_or(AppError::NotFound)
}

/// The counties whose assessment `who` may fill in: their own county, the counties of their
/// region; an admin: all. (id, name), by name.
pub fn editable_counties(
    conn: &mut AnyConnection,
    who: &Principal,
) -> AppResult<Vec<(i64, String)>> {
    let all: Vec<(i64, i64, String)> = counties::table
        .order(counties::name_fi)
        .select((counties::id, counties::region_id, counties::name_fi))
        .load(conn)?;
    Ok(all
        .into_iter()
        .filter(|(id, region, _)| {
            who.manages_county(crate::accounts::policy::CountyPlace {
                county_id: *id,
                region_id: *region,
            })
        })
        .map(|(id, _, name)| (id, name))
        .collect())
}

/// Whether `who` may edit the county's assessment.
pub fn may_edit(conn: &mut AnyConnection, who: &Principal, county_id: i64) -> AppResult<bool> {
    Ok(who.manages_county(crate::network::county_place(conn, county_id)?))
}

/// A county's answers to an assessment, and who saved them last.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CountyAnswers {
    pub answers: Vec<Answer>,
    pub editor: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn county_answers(
    conn: &mut AnyConnection,
    survey: &Survey,
    county_id: i64,
) -> AppResult<CountyAnswers> {
    use crate::db::schema::users;
    let head: Option<(Option<String>, Option<NaiveDateTime>)> = sr::table
        .left_join(users::table)
        .filter(sr::survey_id.eq(survey.id))
        .filter(sr::respondent_key.eq(county_key(county_id)))
        .select((users::name.nullable(), sr::updated_at))
        .first(conn)
        .optional()?;
    let Some((editor, updated_at)) = head else {
        return Ok(CountyAnswers::default());
    };
    Ok(CountyAnswers {
        answers: super::answering::answers_of(conn, survey.id, &county_key(county_id))?
            .unwrap_or_default(),
        editor,
        updated_at,
    })
}

/// Saves a county's assessment (replacing its earlier answers) in one transaction: only those
/// who may edit the county, only during the assessment's year.
pub fn save(
    conn: &mut AnyConnection,
    who: &Principal,
    survey: &Survey,
    county_id: i64,
    answers: &[Answer],
    now: NaiveDateTime,
) -> AppResult<()> {
    if survey.kind != "assessment" {
        return Err(AppError::NotFound);
    }
    if !may_edit(conn, who, county_id)? {
        return Err(AppError::Forbidden);
    }
    if !survey.is_open(now.date()) {
        return Err(AppError::Conflict("survey.closed".into()));
    }
    let qs = questions(conn, survey.id)?;
    let clean = super::answering::check_answers(&qs, answers).map_err(AppError::invalid)?;
    if clean.is_empty() {
        return Err(AppError::invalid("survey.answer_empty"));
    }
    let place = crate::network::county_place(conn, county_id)?;
    let key = county_key(county_id);
    let respondent = Respondent {
        key: &key,
        user_id: Some(who.user_id),
        region_id: Some(place.region_id),
        county_id: Some(county_id),
    };
    write_tx(conn, |tx| store_in(tx, survey, &respondent, &clean, now))
}

/// One county's column in the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub county_id: i64,
    pub name: String,
    pub answered: bool,
}

/// One statement's row: per county, this year's value and last year's.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub number: usize,
    pub text: String,
    /// Per column: (value this year, value the year before); 0 is "cannot say".
    pub cells: Vec<(Option<i32>, Option<i32>)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub year: i32,
    pub previous: i32,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Open answers: (question text, county name, text), by question and county.
    pub open: Vec<(String, String, String)>,
}

/// (survey, county, question, value, text)
type AnswerRow = (i64, Option<i64>, i64, Option<i32>, String);

/// The counties of `scope` side by side for `year`, with the year before, in two queries.
/// Statements are matched across years by their position (the template's order).
pub fn compare(
    conn: &mut AnyConnection,
    scope: Scope,
    year: i32,
    lang: &str,
    now: NaiveDateTime,
) -> AppResult<Comparison> {
    let survey = if year == now.date().year() {
        Some(ensure_year(conn, year, now)?)
    } else {
        find_year(conn, year)?
    };
    let previous_survey = find_year(conn, year - 1)?;
    let names_in = crate::i18n::Lang::parse(lang).unwrap_or_default();
    let cols: Vec<(i64, String)> = match scope {
        Scope::Region(r) => counties::table
            .filter(counties::region_id.eq(r))
            .order(crate::network::names::county(names_in))
            .select((counties::id, crate::network::names::county(names_in)))
            .load(conn)?,
        Scope::County(c) => counties::table
            .filter(counties::id.eq(c))
            .select((counties::id, crate::network::names::county(names_in)))
            .load(conn)?,
    };
    let qs: Vec<Question> = match &survey {
        Some(s) => questions(conn, s.id)?,
        None => Vec::new(),
    };
    let prev_qs: Vec<Question> = match &previous_survey {
        Some(s) => questions(conn, s.id)?,
        None => Vec::new(),
    };
    let ids: Vec<i64> = [&survey, &previous_survey]
        .iter()
        .filter_map(|s| s.as_ref().map(|s| s.id))
        .collect();
    let col_ids: Vec<i64> = cols.iter().map(|c| c.0).collect();
    // (survey, county, question, value, text)
    let answers: Vec<AnswerRow> = sa::table
        .inner_join(sr::table)
        .filter(sr::survey_id.eq_any(&ids))
        .filter(sr::county_id.eq_any(&col_ids))
        .select((
            sr::survey_id,
            sr::county_id,
            sa::question_id,
            sa::value,
            sa::text,
        ))
        .load(conn)?;
    let this_id = survey.as_ref().map(|s| s.id);
    let prev_id = previous_survey.as_ref().map(|s| s.id);
    let value_of = |sid: Option<i64>, county: i64, qid: Option<i64>| {
        answers
            .iter()
            .find(|a| Some(a.0) == sid && a.1 == Some(county) && Some(a.2) == qid)
            .and_then(|a| a.3)
    };
    let answered: Vec<i64> = answers
        .iter()
        .filter(|a| Some(a.0) == this_id)
        .filter_map(|a| a.1)
        .collect();
    let mut rows = Vec::new();
    let mut open = Vec::new();
    for (i, q) in qs.iter().enumerate() {
        let prev_q = prev_qs
            .iter()
            .find(|p| p.position == q.position)
            .map(|p| p.id);
        if q.is_likert() {
            rows.push(Row {
                number: i + 1,
                text: q.text(lang).to_string(),
                cells: cols
                    .iter()
                    .map(|(cid, _)| {
                        (
                            value_of(this_id, *cid, Some(q.id)),
                            value_of(prev_id, *cid, prev_q),
                        )
                    })
                    .collect(),
            });
        } else {
            for (cid, name) in &cols {
                if let Some(a) = answers.iter().find(|a| {
                    Some(a.0) == this_id && a.1 == Some(*cid) && a.2 == q.id && !a.4.is_empty()
                }) {
                    open.push((q.text(lang).to_string(), name.clone(), a.4.clone()));
                }
            }
        }
    }
    Ok(Comparison {
        year,
        previous: year - 1,
        columns: cols
            .into_iter()
            .map(|(county_id, name)| Column {
                answered: answered.contains(&county_id),
                county_id,
                name,
            })
            .collect(),
        rows,
        open,
    })
}

/// The years that have an assessment, newest first.
pub fn years(conn: &mut AnyConnection) -> AppResult<Vec<i32>> {
    let ys: Vec<Option<i32>> = surveys::table
        .filter(surveys::kind.eq("assessment"))
        .order(surveys::year.desc())
        .select(surveys::year)
        .load(conn)?;
    Ok(ys.into_iter().flatten().collect())
}
