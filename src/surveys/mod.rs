//! Feedback surveys (palautekyselyt): Likert statements (1 = fully disagree … 5 = fully agree,
//! 0 = "cannot say") and open questions, for an audience (a region's or county's network, a
//! cohort's trainees, everyone in a region or county, or everyone), answered once per person in
//! an answering window and editable until it closes. The pieces:
//! - this file: the survey and its questions, the respondent key, a person's answers for their
//!   data download;
//! - [`audience`]: who a survey is for and who manages it;
//! - [`creation`], [`answering`]: creating a survey, answering one;
//! - [`lists`]: the surveys a person may answer and those a coordinator manages;
//! - [`course_feedback`]: the end-of-course survey of a cohort;
//! - [`templates`]: the ready-made question sets;
//! - [`results`]: means, distributions and breakdowns with the small-group rule, CSV, the chart;
//! - [`assessment`]: the counties' current-state assessment, once per county and year;
//! - [`overview`]: the coordinators' overview of their area's figures.
//!
//! # Anonymity
//!
//! An anonymous survey must never let a page, a CSV file or a breakdown tie an answer to a
//! person, yet "answer once, edit until the window closes" needs to find the person's own
//! response. A response therefore carries a one-way *respondent key*,
//! `HMAC(key derived from the installation secret, "survey:<id>:<user id>")`: the signed-in
//! user's key is computed to find their own response, but nothing stored names the user — no
//! user id, no "has answered" list beside the answers (whose rows and ids would line up with the
//! responses by time), and no timestamps that could be matched against the request log. Only
//! the respondent's county and region are kept, for the breakdowns, which hide any group of
//! fewer than [`results::MIN_GROUP`] responses (and one more group when the hidden ones could be
//! worked out by subtraction). Open answers are listed in alphabetical order, never by time.
//! Surveys that are not anonymous also store the user id and the time of the last change, and
//! their results name who said what in the open answers.
//!
//! The end-of-course survey is created lazily, once per cohort
//! ([`course_feedback::ensure_course_feedback`]),
//! the first time the cohort's page, the survey list or the cohort's figures are looked at; a
//! partial unique index keeps it to one per cohort.

pub mod answering;
pub mod assessment;
pub mod audience;
pub mod course_feedback;
pub mod creation;
pub mod demo;
pub mod erasure;
pub mod lists;
pub mod overview;
pub mod results;
pub mod templates;
pub mod training;

use crate::accounts::tokens::{derive_key, hmac};
use crate::db::schema_surveys::{survey_answers, survey_questions, survey_responses, surveys};
use crate::db::AnyConnection;
use crate::network::registry::Scope;
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// The most questions one survey may have.
pub const MAX_QUESTIONS: usize = 40;
/// The longest question and the longest open answer, in characters.
pub const MAX_QUESTION_CHARS: usize = 500;
pub const MAX_ANSWER_CHARS: usize = 5_000;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = surveys)]
pub struct Survey {
    pub id: i64,
    pub kind: String,
    pub template: String,
    pub title: String,
    pub intro: String,
    pub audience: String,
    pub region_id: Option<i64>,
    pub county_id: Option<i64>,
    pub cohort_id: Option<i64>,
    pub anonymous: bool,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub year: Option<i32>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    /// The title and introduction in Swedish and English; empty when not given (the Finnish
    /// ones are shown instead, marked as Finnish).
    pub title_sv: String,
    pub title_en: String,
    pub intro_sv: String,
    pub intro_en: String,
    pub training_id: Option<i64>,
}

impl Survey {
    /// The title in a language: its translation, else the Finnish title.
    pub fn title_in(&self, lang: &str) -> &str {
        let t = match lang {
            "sv" => &self.title_sv,
            "en" => &self.title_en,
            _ => &self.title,
        };
        if t.trim().is_empty() {
            &self.title
        } else {
            t
        }
    }

    /// Answers are taken (and may be edited) from the first to the last day of the window.
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.opens_on <= today && today <= self.closes_on
    }

    /// Who the survey is for.
    pub fn audience(&self) -> Audience {
        let scope = match (self.county_id, self.region_id) {
            (Some(c), _) => Some(Scope::County(c)),
            (None, Some(r)) => Some(Scope::Region(r)),
            _ => None,
        };
        match (self.audience.as_str(), scope, self.cohort_id) {
            ("training", _, _) => match self.training_id {
                Some(t) => Audience::Training(t),
                // A training's survey whose training is gone answers to nobody.
                None => Audience::Counties,
            },
            ("cohort", _, Some(c)) => Audience::Cohort(c),
            ("network", Some(s), _) => Audience::Network(s),
            ("area", Some(s), _) => Audience::Area(s),
            ("counties", _, _) => Audience::Counties,
            _ => Audience::All,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Likert,
    Open,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Likert => "likert",
            QuestionKind::Open => "open",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = survey_questions)]
pub struct Question {
    pub id: i64,
    pub survey_id: i64,
    pub position: i32,
    pub kind: String,
    pub text_fi: String,
    pub text_sv: String,
    pub text_en: String,
    pub follow_up: bool,
}

impl Question {
    pub fn is_likert(&self) -> bool {
        self.kind == "likert"
    }

    /// The language [`Question::text`] is in: `lang`, or "fi" when it falls back to Finnish
    /// (so a page can mark the Finnish text as such).
    pub fn text_lang(&self, lang: &str) -> &'static str {
        match lang {
            "sv" if !self.text_sv.trim().is_empty() => "sv",
            "en" if !self.text_en.trim().is_empty() => "en",
            _ => "fi",
        }
    }

    /// The question in a language, falling back to Finnish.
    pub fn text(&self, lang: &str) -> &str {
        let t = match lang {
            "sv" => &self.text_sv,
            "en" => &self.text_en,
            _ => &self.text_fi,
        };
        if t.trim().is_empty() {
            &self.text_fi
        } else {
            t
        }
    }
}

/// A question as written by a coordinator or copied from a template.
#[derive(Debug, Clone, PartialEq)]
pub struct NewQuestion {
    pub kind: QuestionKind,
    pub text_fi: String,
    pub text_sv: String,
    pub text_en: String,
    pub follow_up: bool,
}

/// Who a survey is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Audience {
    /// The members of a region's or a county's expert network.
    Network(Scope),
    /// The trainees of a cohort.
    Cohort(i64),
    /// Everyone a coordinator of the region or county reaches: its network, and the trainees
    /// working there (or, for a region, studying in its cohorts).
    Area(Scope),
    /// Everyone (admins only).
    All,
    /// The counties themselves (the current-state assessment).
    Counties,
    /// The participants of a training held by an expert (who have no account; they answer
    /// by the link they got when they signed in, see [`training`]).
    Training(i64),
}

/// A survey to be created.
#[derive(Debug, Clone)]
pub struct NewSurvey {
    pub title: String,
    pub intro: String,
    /// Optional translations of the title and the introduction.
    pub title_sv: String,
    pub title_en: String,
    pub intro_sv: String,
    pub intro_en: String,
    pub template: String,
    pub audience: Audience,
    pub anonymous: bool,
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
    pub questions: Vec<NewQuestion>,
}

fn plain_text_ok(s: &str, max: usize) -> bool {
    s.chars().count() <= max
        && !s.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\r' && c != '\t')
                || crate::text::is_bidi_control(c)
        })
}

pub fn find(conn: &mut AnyConnection, id: i64) -> AppResult<Survey> {
    Ok(surveys::table
        .find(id)
        .select(Survey::as_select())
        .first(conn)?)
}

pub fn questions(conn: &mut AnyConnection, survey_id: i64) -> AppResult<Vec<Question>> {
    Ok(survey_questions::table
        .filter(survey_questions::survey_id.eq(survey_id))
        .order(survey_questions::position)
        .select(Question::as_select())
        .load(conn)?)
}

/// The one-way key of a person's response to a survey (see the module documentation).
pub fn respondent_key(secret: &[u8], survey_id: i64, user_id: i64) -> String {
    hex::encode(hmac(
        &derive_key(secret, "survey-respondent"),
        format!("survey:{survey_id}:{user_id}").as_bytes(),
    ))
}

/// One answer: a Likert value (1..5, 0 = cannot say) and/or text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Answer {
    pub question_id: i64,
    pub value: Option<i32>,
    pub text: String,
}

/// (survey title, question, value, text)
pub type DownloadedAnswer = (String, String, Option<i32>, String);

/// A user's own survey answers, for the personal-data download: only non-anonymous responses
/// (anonymous ones are not linked to anyone).
pub fn answers_for_download(
    conn: &mut AnyConnection,
    user_id: i64,
) -> AppResult<Vec<DownloadedAnswer>> {
    Ok(survey_answers::table
        .inner_join(survey_responses::table.inner_join(surveys::table))
        .inner_join(survey_questions::table)
        .filter(survey_responses::user_id.eq(user_id))
        .filter(surveys::anonymous.eq(false))
        .order((surveys::id, survey_questions::position))
        .select((
            surveys::title,
            survey_questions::text_fi,
            survey_answers::value,
            survey_answers::text,
        ))
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respondent_keys_differ_by_survey_user_and_secret() {
        let k = respondent_key(b"s", 1, 2);
        assert_eq!(k, respondent_key(b"s", 1, 2));
        assert_ne!(k, respondent_key(b"s", 2, 2));
        assert_ne!(k, respondent_key(b"s", 1, 3));
        assert_ne!(k, respondent_key(b"t", 1, 2));
        assert_eq!(k.len(), 64);
    }
}
