//! The feedback of a training's participants: a short anonymous survey (template
//! `training_feedback`) created the first time it is needed, open from the training's day for
//! [`ANSWER_DAYS`] days. Participants have no account: the page they see after signing in
//! gives them a signed link naming their sign-in, and their respondent key is an HMAC of the
//! survey and the sign-in (never stored beside anything that names them). The expert and the
//! area's coordinators read the results on the ordinary results page, with the small-group
//! rule: nothing is shown below [`super::results::MIN_GROUP`] responses.

use super::answering::{check_answers, store_in, Respondent};
use super::creation::create_in;
use super::{Answer, Audience, NewSurvey, Survey};
use crate::accounts::tokens::{derive_key, hmac, sign, verify_signed};
use crate::db::schema::{counties, organisations};
use crate::db::schema_surveys::{survey_responses, surveys};
use crate::db::schema_trainings::training_attendances;
use crate::db::{insert_unless_duplicate, write_tx, AnyConnection};
use crate::network::trainings::{self, Training};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub const KIND: &str = "training_feedback";
/// Days after the training's day that answers are taken.
pub const ANSWER_DAYS: i64 = 14;
const PURPOSE: &str = "training-feedback";

/// The training's survey, if it has been made.
pub fn of_training(conn: &mut AnyConnection, training_id: i64) -> AppResult<Option<Survey>> {
    Ok(surveys::table
        .filter(surveys::kind.eq(KIND))
        .filter(surveys::training_id.eq(training_id))
        .select(Survey::as_select())
        .first(conn)
        .optional()?)
}

/// The training's survey, made the first time it is needed (a partial unique index keeps it
/// to one per training when two first looks race).
pub fn ensure(conn: &mut AnyConnection, t: &Training, now: NaiveDateTime) -> AppResult<Survey> {
    if let Some(s) = of_training(conn, t.id)? {
        return Ok(s);
    }
    let organisation: String = organisations::table
        .find(t.organisation_id)
        .select(organisations::name)
        .first(conn)?;
    let new = NewSurvey {
        title: format!("{organisation}, {}", t.held_on.format("%-d.%-m.%Y")),
        intro: String::new(),
        // An organisation's name and a date read the same in every language.
        title_sv: String::new(),
        title_en: String::new(),
        intro_sv: String::new(),
        intro_en: String::new(),
        template: KIND.into(),
        audience: Audience::Training(t.id),
        anonymous: true,
        opens_on: Some(t.held_on),
        closes_on: Some(t.held_on + chrono::Duration::days(ANSWER_DAYS)),
        questions: super::templates::questions(KIND).unwrap_or_default(),
    };
    write_tx(conn, |tx| {
        insert_unless_duplicate(tx, |c| create_in(c, KIND, &new, None, None, now))
            .map_err(AppError::from)
    })?;
    of_training(conn, t.id)?.ok_or(AppError::NotFound)
}

/// The one-way key of a participant's response (see the module documentation).
pub fn respondent_key(secret: &[u8], survey_id: i64, attendance_id: i64) -> String {
    hex::encode(hmac(
        &derive_key(secret, "survey-respondent"),
        format!("survey:{survey_id}:attendance:{attendance_id}").as_bytes(),
    ))
}

/// The signed link part that lets a participant answer: it names their sign-in and lasts
/// until the answering window closes.
pub fn token(secret: &[u8], attendance_id: i64, t: &Training) -> String {
    let until = (t.held_on + chrono::Duration::days(ANSWER_DAYS + 1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp();
    sign(secret, PURPOSE, &attendance_id.to_string(), until)
}

/// The sign-in a link names, or `None` when it is forged, damaged or expired.
pub fn attendance_of(secret: &[u8], token: &str, now: NaiveDateTime) -> Option<i64> {
    verify_signed(secret, PURPOSE, token, now.and_utc().timestamp())
        .ok()?
        .parse()
        .ok()
}

/// What the answering page needs: the training, its survey, and whether this participant has
/// answered.
pub struct ForParticipant {
    pub training: Training,
    pub survey: Survey,
    pub answered: bool,
    pub previous: Vec<Answer>,
}

pub fn for_participant(
    conn: &mut AnyConnection,
    secret: &[u8],
    attendance_id: i64,
    now: NaiveDateTime,
) -> AppResult<ForParticipant> {
    let training_id: i64 = training_attendances::table
        .find(attendance_id)
        .select(training_attendances::training_id)
        .first(conn)?;
    let training = trainings::find(conn, training_id)?;
    let survey = ensure(conn, &training, now)?;
    let key = respondent_key(secret, survey.id, attendance_id);
    let previous = super::answering::answers_of(conn, survey.id, &key)?;
    Ok(ForParticipant {
        training,
        answered: previous.is_some(),
        previous: previous.unwrap_or_default(),
        survey,
    })
}

/// A participant answers (or changes their answer) inside the window. One transaction.
pub fn answer(
    conn: &mut AnyConnection,
    secret: &[u8],
    attendance_id: i64,
    answers: &[Answer],
    now: NaiveDateTime,
    today: chrono::NaiveDate,
) -> AppResult<()> {
    let p = for_participant(conn, secret, attendance_id, now)?;
    if !p.survey.is_open(today) {
        return Err(AppError::Conflict("survey.closed".into()));
    }
    let qs = super::questions(conn, p.survey.id)?;
    let clean = check_answers(&qs, answers).map_err(AppError::invalid)?;
    if clean.is_empty() {
        return Err(AppError::invalid("survey.answer_empty"));
    }
    let (county, region): (i64, i64) = organisations::table
        .inner_join(counties::table)
        .filter(organisations::id.eq(p.training.organisation_id))
        .select((counties::id, counties::region_id))
        .first(conn)?;
    let key = respondent_key(secret, p.survey.id, attendance_id);
    let who = Respondent {
        key: &key,
        user_id: None,
        region_id: Some(region),
        county_id: Some(county),
    };
    write_tx(conn, |tx| store_in(tx, &p.survey, &who, &clean, now))
}

/// How many participants have answered.
pub fn responses(conn: &mut AnyConnection, survey_id: i64) -> AppResult<i64> {
    Ok(survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .count()
        .get_result(conn)?)
}
