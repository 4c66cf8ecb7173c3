//! Feedback surveys (palautekyselyt): Likert statements (1 = fully disagree … 5 = fully agree,
//! 0 = "cannot say") and open questions, for an audience (a region's or county's network, a
//! cohort's trainees, everyone in a region or county, or everyone), answered once per person in
//! an answering window and editable until it closes. The pieces:
//! - this file: surveys, their audience and who manages them, answering;
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
//! The end-of-course survey is created lazily, once per cohort ([`ensure_course_feedback`]),
//! the first time the cohort's page, the survey list or the cohort's figures are looked at; a
//! partial unique index keeps it to one per cohort.

pub mod assessment;
pub mod demo;
pub mod erasure;
pub mod overview;
pub mod results;
pub mod templates;
pub mod training;

use crate::accounts::tokens::{derive_key, hmac};
use crate::accounts::Principal;
use crate::cohorts::{self, Cohort};
use crate::db::schema::{
    cohorts as cohorts_t, counties, enrolments, memberships, organisations, users,
};
use crate::db::schema_surveys::{survey_answers, survey_questions, survey_responses, surveys};
use crate::db::{insert_unless_duplicate, write_tx, AnyConnection};
use crate::network::registry::Scope;
use crate::{AppError, AppResult};
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
        && !s
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\r' && c != '\t') || is_bidi_override(c))
}

fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

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

/// Whether `who` may create a survey for `audience`, and later see its results.
pub fn may_address(
    conn: &mut AnyConnection,
    who: &Principal,
    audience: Audience,
) -> AppResult<bool> {
    Ok(match audience {
        Audience::Network(scope) | Audience::Area(scope) => match scope {
            Scope::Region(r) => who.manages_region(r),
            Scope::County(c) => who.manages_county(crate::network::county_place(conn, c)?),
        },
        Audience::Cohort(id) => match cohorts_t::table
            .find(id)
            .select(Cohort::as_select())
            .first(conn)
            .optional()?
        {
            Some(c) => cohorts::manages(who, &c),
            None => false,
        },
        Audience::All | Audience::Counties => who.is_admin(),
        // The training's expert and its area's coordinators (as `trainings::actor_for`
        // decides; read here directly so surveys need not import the trainings).
        Audience::Training(id) => {
            use crate::db::schema::trainings_held as th;
            let found: Option<(Option<i64>, i64)> = th::table
                .inner_join(organisations::table)
                .filter(th::id.eq(id))
                .select((th::user_id, organisations::county_id))
                .first(conn)
                .optional()?;
            match found {
                Some((expert, _)) if expert == Some(who.user_id) => true,
                Some((_, county)) => {
                    who.manages_county(crate::network::county_place(conn, county)?)
                }
                None => false,
            }
        }
    })
}

/// Whether `who` manages the survey: may see its results and export them.
pub fn manages(conn: &mut AnyConnection, who: &Principal, survey: &Survey) -> AppResult<bool> {
    may_address(conn, who, survey.audience())
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
fn create_in(
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

/// The end-of-course feedback survey of a cohort, created the first time it is needed: its
/// trainees answer it from the cohort's start (or creation) until 60 days after its end (or a
/// year after it opened, when the cohort has no end date). Anonymous.
pub fn ensure_course_feedback(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    now: NaiveDateTime,
) -> AppResult<Survey> {
    let existing = surveys::table
        .filter(surveys::kind.eq("course_feedback"))
        .filter(surveys::cohort_id.eq(cohort.id))
        .select(Survey::as_select())
        .first(conn)
        .optional()?;
    if let Some(s) = existing {
        return Ok(s);
    }
    let opens = cohort.starts_on.unwrap_or(cohort.created_at.date());
    let closes = match cohort.ends_on {
        Some(e) => e + chrono::Duration::days(60),
        None => opens + chrono::Duration::days(365),
    };
    // Its title is the cohort's name; pages show it inside a translated text.
    let new = NewSurvey {
        title: cohort.name.clone(),
        intro: String::new(),
        title_sv: String::new(),
        title_en: String::new(),
        intro_sv: String::new(),
        intro_en: String::new(),
        template: "course_feedback".into(),
        audience: Audience::Cohort(cohort.id),
        anonymous: true,
        opens_on: Some(opens),
        closes_on: Some(closes.max(opens)),
        questions: templates::questions("course_feedback").unwrap_or_default(),
    };
    write_tx(conn, |tx| {
        // Two first looks at once: the partial unique index lets one insert win.
        insert_unless_duplicate(tx, |t| {
            create_in(t, "course_feedback", &new, None, None, now)
        })
        .map_err(AppError::from)
    })?;
    Ok(surveys::table
        .filter(surveys::kind.eq("course_feedback"))
        .filter(surveys::cohort_id.eq(cohort.id))
        .select(Survey::as_select())
        .first(conn)?)
}

/// A cohort's end-of-course survey for one of its trainees: whether it is open and whether
/// they have answered.
pub fn course_feedback_for(
    conn: &mut AnyConnection,
    secret: &[u8],
    cohort: &Cohort,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<ForMe> {
    let survey = ensure_course_feedback(conn, cohort, now)?;
    let key = respondent_key(secret, survey.id, user_id);
    let answered: i64 = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey.id))
        .filter(survey_responses::respondent_key.eq(&key))
        .count()
        .get_result(conn)?;
    Ok(ForMe {
        answered: answered > 0,
        open: survey.is_open(now.date()),
        survey,
    })
}

/// What decides whether a person belongs to a survey's audience, read in a few queries.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub member_regions: Vec<i64>,
    pub member_counties: Vec<i64>,
    /// Cohorts the person is enrolled in (not withdrawn), and their regions.
    pub cohorts: Vec<i64>,
    pub cohort_regions: Vec<i64>,
    /// Where the person works.
    pub org_county: Option<i64>,
    pub org_region: Option<i64>,
}

pub fn facts(conn: &mut AnyConnection, user_id: i64) -> AppResult<Facts> {
    let ms: Vec<(i64, Option<i64>)> = memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select((memberships::region_id, memberships::county_id))
        .load(conn)?;
    let cs: Vec<(i64, Option<i64>)> = enrolments::table
        .inner_join(cohorts_t::table)
        .filter(enrolments::user_id.eq(user_id))
        .filter(enrolments::status.ne("withdrawn"))
        .select((cohorts_t::id, cohorts_t::region_id))
        .load(conn)?;
    let org: Option<(i64, i64)> = users::table
        .inner_join(organisations::table.inner_join(counties::table))
        .filter(users::id.eq(user_id))
        .select((counties::id, counties::region_id))
        .first(conn)
        .optional()?;
    Ok(Facts {
        member_regions: ms.iter().map(|m| m.0).collect(),
        member_counties: ms.iter().filter_map(|m| m.1).collect(),
        cohorts: cs.iter().map(|c| c.0).collect(),
        cohort_regions: cs.iter().filter_map(|c| c.1).collect(),
        org_county: org.map(|o| o.0),
        org_region: org.map(|o| o.1),
    })
}

/// Whether a person with these facts is in the audience.
pub fn audience_includes(a: Audience, f: &Facts) -> bool {
    let studying = !f.cohorts.is_empty();
    match a {
        Audience::Network(Scope::Region(r)) => f.member_regions.contains(&r),
        Audience::Network(Scope::County(c)) => f.member_counties.contains(&c),
        Audience::Cohort(c) => f.cohorts.contains(&c),
        Audience::Area(Scope::Region(r)) => {
            f.member_regions.contains(&r)
                || f.cohort_regions.contains(&r)
                || (studying && f.org_region == Some(r))
        }
        Audience::Area(Scope::County(c)) => {
            f.member_counties.contains(&c) || (studying && f.org_county == Some(c))
        }
        Audience::All => true,
        // Participants of a training answer by their sign-in's link, not as users.
        Audience::Counties | Audience::Training(_) => false,
    }
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

/// A survey on someone's list, with whether they have answered.
#[derive(Debug, Clone, Serialize)]
pub struct ForMe {
    pub survey: Survey,
    pub answered: bool,
    pub open: bool,
}

/// The surveys a person may answer (open now, or closed within the last 30 days so they can
/// see they answered), newest first.
pub fn for_user(
    conn: &mut AnyConnection,
    secret: &[u8],
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<Vec<ForMe>> {
    let today = now.date();
    let f = facts(conn, user_id)?;
    for cohort in f.cohorts.clone() {
        // Every cohort a person studies in has its end-of-course survey.
        let c = cohorts::find(conn, cohort)?;
        ensure_course_feedback(conn, &c, now)?;
    }
    let candidates: Vec<Survey> = surveys::table
        .filter(surveys::kind.ne("assessment"))
        .filter(surveys::opens_on.le(today))
        .filter(surveys::closes_on.ge(today - chrono::Duration::days(30)))
        .order(surveys::id.desc())
        .limit(200)
        .select(Survey::as_select())
        .load(conn)?;
    let mine: Vec<Survey> = candidates
        .into_iter()
        .filter(|s| audience_includes(s.audience(), &f))
        .collect();
    let keys: Vec<String> = mine
        .iter()
        .map(|s| respondent_key(secret, s.id, user_id))
        .collect();
    let answered: Vec<(i64, String)> = survey_responses::table
        .filter(survey_responses::respondent_key.eq_any(&keys))
        .select((
            survey_responses::survey_id,
            survey_responses::respondent_key,
        ))
        .load(conn)?;
    Ok(mine
        .into_iter()
        .map(|s| {
            let key = respondent_key(secret, s.id, user_id);
            ForMe {
                answered: answered.iter().any(|(sid, k)| *sid == s.id && *k == key),
                open: s.is_open(today),
                survey: s,
            }
        })
        .collect())
}

/// A survey in a coordinator's list: how many have answered.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub survey: Survey,
    pub responses: i64,
    pub open: bool,
}

/// The surveys `who` manages (an admin: all), newest first, with their response counts in one
/// grouped query. `scope` narrows to surveys addressed to that region or county (a region's
/// includes its counties' and its cohorts').
pub fn managed(
    conn: &mut AnyConnection,
    who: &Principal,
    scope: Option<Scope>,
    today: NaiveDate,
    limit: i64,
) -> AppResult<Vec<Summary>> {
    let mut q = surveys::table
        .filter(surveys::kind.ne("assessment"))
        // A training's feedback is on its training's page, not in the survey lists.
        .filter(surveys::kind.ne("training_feedback"))
        .order(surveys::id.desc())
        .select(Survey::as_select())
        .into_boxed();
    let regions = who.regions_managed();
    let counties_managed = who.counties_managed();
    let region_counties: Vec<i64> = counties::table
        .filter(counties::region_id.eq_any(&regions))
        .select(counties::id)
        .load(conn)?;
    let region_cohorts: Vec<i64> = cohorts_t::table
        .filter(cohorts_t::region_id.eq_any(&regions))
        .select(cohorts_t::id)
        .load(conn)?;
    if !who.is_admin() {
        q = q.filter(
            surveys::region_id
                .eq_any(regions.clone())
                .or(surveys::county_id.eq_any(region_counties.clone()))
                .or(surveys::county_id.eq_any(counties_managed))
                .or(surveys::cohort_id.eq_any(region_cohorts)),
        );
    }
    if let Some(scope) = scope {
        let (r, cs) = match scope {
            Scope::Region(r) => (
                Some(r),
                counties::table
                    .filter(counties::region_id.eq(r))
                    .select(counties::id)
                    .load::<i64>(conn)?,
            ),
            Scope::County(c) => (None, vec![c]),
        };
        let cohort_ids: Vec<i64> = match r {
            Some(r) => cohorts_t::table
                .filter(cohorts_t::region_id.eq(r))
                .select(cohorts_t::id)
                .load(conn)?,
            None => Vec::new(),
        };
        q = q.filter(
            surveys::region_id
                .eq_any(r.into_iter().collect::<Vec<_>>())
                .or(surveys::county_id.eq_any(cs))
                .or(surveys::cohort_id.eq_any(cohort_ids)),
        );
    }
    let list: Vec<Survey> = q.limit(limit).load(conn)?;
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let counts: Vec<(i64, i64)> = survey_responses::table
        .filter(survey_responses::survey_id.eq_any(&ids))
        .group_by(survey_responses::survey_id)
        .select((survey_responses::survey_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(|s| Summary {
            responses: counts
                .iter()
                .find(|c| c.0 == s.id)
                .map(|c| c.1)
                .unwrap_or(0),
            open: s.is_open(today),
            survey: s,
        })
        .collect())
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

    #[test]
    fn the_audience_follows_membership_enrolment_and_workplace() {
        let member = Facts {
            member_regions: vec![1],
            member_counties: vec![10],
            ..Default::default()
        };
        let trainee = Facts {
            cohorts: vec![7],
            cohort_regions: vec![2],
            org_county: Some(20),
            org_region: Some(2),
            ..Default::default()
        };
        assert!(audience_includes(
            Audience::Network(Scope::Region(1)),
            &member
        ));
        assert!(audience_includes(
            Audience::Network(Scope::County(10)),
            &member
        ));
        assert!(!audience_includes(
            Audience::Network(Scope::County(11)),
            &member
        ));
        assert!(!audience_includes(Audience::Cohort(7), &member));
        assert!(audience_includes(Audience::Cohort(7), &trainee));
        assert!(!audience_includes(
            Audience::Network(Scope::Region(2)),
            &trainee
        ));
        assert!(audience_includes(
            Audience::Area(Scope::Region(2)),
            &trainee
        ));
        assert!(audience_includes(
            Audience::Area(Scope::County(20)),
            &trainee
        ));
        assert!(!audience_includes(
            Audience::Area(Scope::County(20)),
            &Facts::default()
        ));
        assert!(audience_includes(Audience::All, &Facts::default()));
        assert!(!audience_includes(Audience::Counties, &member));
    }

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
