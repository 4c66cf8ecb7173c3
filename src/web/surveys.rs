//! Surveys on the web: the list (to answer, and the ones the caller manages), creating a
//! survey, the answer form, the results (chart, tables, CSV), the counties' current-state
//! assessment with its comparison, and the coordinators' overview.

use super::ctx::{see_other, Auth};
use crate::accounts::audit;
use crate::network::registry::{self, Scope};
use crate::surveys::{
    self, assessment, overview, results, Answer, Audience, NewQuestion, NewSurvey, QuestionKind,
    Survey,
};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/kyselyt", list);
    t.post("/kyselyt", create);
    t.get("/kyselyt/uusi", new_form);
    t.get("/kyselyt/{survey}", answer_form);
    t.post("/kyselyt/{survey}", answer);
    t.get("/kyselyt/{survey}/tulokset", results_page);
    t.get("/kyselyt/{survey}/tulokset.csv", results_csv);
    t.get("/kartoitus", assessment_compare);
    t.get("/kartoitus/{county}", assessment_form);
    t.post("/kartoitus/{county}", assessment_save);
    t.get("/hallinta/yleiskuva", overview_page);
}

pub async fn list(auth: Auth) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let secret = auth.0.state.config.secret.clone();
    let now = auth.0.now();
    let (mine, managed) = auth
        .0
        .state
        .db(move |conn| {
            let mine = surveys::for_user(conn, &secret, who.user_id, now)?;
            let managed = if who.manages_anything() {
                surveys::managed(conn, &who, None, now.date(), 100)?
            } else {
                Vec::new()
            };
            Ok((mine, managed))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("mine", &mine);
    c.insert("managed", &managed);
    c.insert("manager", &auth.principal().manages_anything());
    auth.0.render("surveys/list.html", c)
}

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct SurveyForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub title_sv: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub intro_sv: String,
    #[serde(default)]
    pub intro_en: String,
    #[serde(default)]
    pub template: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub anonymous: Option<String>,
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub closes_on: String,
    #[serde(default)]
    pub likert_fi: String,
    #[serde(default)]
    pub likert_sv: String,
    #[serde(default)]
    pub open_fi: String,
    #[serde(default)]
    pub open_sv: String,
}

/// `network:region:3`, `network:county:7`, `area:region:3`, `cohort:12`, `all`.
fn parse_audience(s: &str) -> Option<Audience> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    let scope = |kind: &str, id: &str| -> Option<Scope> {
        let id = id.parse().ok()?;
        match kind {
            "region" => Some(Scope::Region(id)),
            "county" => Some(Scope::County(id)),
            _ => None,
        }
    };
    match parts.as_slice() {
        ["network", k, id] => scope(k, id).map(Audience::Network),
        ["area", k, id] => scope(k, id).map(Audience::Area),
        ["cohort", id] => id.parse().ok().map(Audience::Cohort),
        ["all"] => Some(Audience::All),
        _ => None,
    }
}

/// Browsers send CRLF; texts are stored with LF.
fn normalise(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

impl SurveyForm {
    fn parse(&self) -> (Option<NewSurvey>, Vec<&'static str>) {
        let mut errors = Vec::new();
        let date = |s: &str, errors: &mut Vec<&'static str>| {
            let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
            if d.is_none() {
                errors.push("form.date_invalid");
            }
            d
        };
        let opens_on = date(&self.opens_on, &mut errors);
        let closes_on = date(&self.closes_on, &mut errors);
        let audience = parse_audience(&self.audience);
        if audience.is_none() {
            errors.push("survey.audience_invalid");
        }
        let mut questions = match self.template.as_str() {
            "custom" => Vec::new(),
            name => match surveys::templates::questions(name) {
                Some(q) if name != "assessment" => q,
                _ => {
                    errors.push("survey.template_invalid");
                    Vec::new()
                }
            },
        };
        for (kind, fi, sv) in [
            (QuestionKind::Likert, &self.likert_fi, &self.likert_sv),
            (QuestionKind::Open, &self.open_fi, &self.open_sv),
        ] {
            let (fi, sv) = (lines(fi), lines(sv));
            if !sv.is_empty() && sv.len() != fi.len() {
                errors.push("survey.translations_mismatch");
            }
            for (i, text) in fi.into_iter().enumerate() {
                questions.push(NewQuestion {
                    kind,
                    text_fi: text,
                    text_sv: sv.get(i).cloned().unwrap_or_default(),
                    text_en: String::new(),
                    follow_up: false,
                });
            }
        }
        let new = NewSurvey {
            title: self.title.clone(),
            intro: normalise(&self.intro),
            title_sv: self.title_sv.clone(),
            title_en: self.title_en.clone(),
            intro_sv: normalise(&self.intro_sv),
            intro_en: normalise(&self.intro_en),
            template: if self.template == "custom" {
                "custom".into()
            } else {
                self.template.clone()
            },
            audience: audience.unwrap_or(Audience::All),
            anonymous: self.anonymous.is_some(),
            opens_on,
            closes_on,
            questions,
        };
        errors.extend(surveys::validate(&new));
        errors.dedup();
        (audience.map(|_| new), errors)
    }
}

/// The audiences the caller may address: (value, label), for the form's list.
async fn audience_choices(auth: &Auth) -> AppResult<Vec<(String, String)>> {
    let who = auth.principal().clone();
    let catalog = auth.0.state.templates.catalog(auth.0.lang);
    let (network, area, cohort) = (
        catalog.get("survey.audience_network").to_string(),
        catalog.get("survey.audience_area").to_string(),
        catalog.get("survey.audience_cohort").to_string(),
    );
    let all = catalog.get("survey.audience_all").to_string();
    let lang = auth.0.lang;
    auth.0
        .state
        .db(move |conn| {
            let mut out = Vec::new();
            if who.is_admin() {
                out.push(("all".to_string(), all));
            }
            let scopes = registry::scopes_for(conn, &who, lang)?;
            for (s, name) in &scopes {
                let v = match s {
                    Scope::Region(r) => format!("region:{r}"),
                    Scope::County(c) => format!("county:{c}"),
                };
                out.push((format!("network:{v}"), format!("{network}: {name}")));
            }
            for (s, name) in &scopes {
                let v = match s {
                    Scope::Region(r) => format!("region:{r}"),
                    Scope::County(c) => format!("county:{c}"),
                };
                out.push((format!("area:{v}"), format!("{area}: {name}")));
            }
            for (c, _) in crate::cohorts::managed_by(conn, &who)? {
                out.push((format!("cohort:{}", c.id), format!("{cohort}: {}", c.name)));
            }
            Ok(out)
        })
        .await
}

async fn render_new(
    auth: &Auth,
    status: StatusCode,
    form: &SurveyForm,
    errors: &[&str],
) -> AppResult<HttpResponse> {
    let choices = audience_choices(auth).await?;
    let mut c = tera::Context::new();
    c.insert("form", form);
    c.insert("anonymous", &form.anonymous.is_some());
    c.insert("errors", errors);
    c.insert("audiences", &choices);
    c.insert(
        "network_statements",
        &surveys::templates::NETWORK_FEEDBACK
            .iter()
            .map(|q| match auth.0.lang.code() {
                "sv" => q.2,
                "en" => q.3,
                _ => q.1,
            })
            .collect::<Vec<_>>(),
    );
    auth.0.render_status(status, "surveys/new.html", c)
}

fn require_manager(auth: &Auth) -> AppResult<()> {
    if auth.principal().manages_anything() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn new_form(auth: Auth) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let today = auth.0.state.clock.today();
    // The ready-made network feedback survey comes with its title and introduction in all
    // three languages; the coordinator may change them.
    let [title, title_sv, title_en] = surveys::templates::NETWORK_FEEDBACK_TITLE;
    let [intro, intro_sv, intro_en] = surveys::templates::NETWORK_FEEDBACK_INTRO;
    let form = SurveyForm {
        title: title.into(),
        title_sv: title_sv.into(),
        title_en: title_en.into(),
        intro: intro.into(),
        intro_sv: intro_sv.into(),
        intro_en: intro_en.into(),
        template: "network_feedback".into(),
        anonymous: Some("on".into()),
        opens_on: today.to_string(),
        closes_on: (today + chrono::Duration::days(21)).to_string(),
        ..Default::default()
    };
    render_new(&auth, StatusCode::OK, &form, &[]).await
}

pub async fn create(auth: Auth, form: web::Form<SurveyForm>) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let form = form.into_inner();
    let (new, errors) = form.parse();
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return render_new(&auth, StatusCode::BAD_REQUEST, &form, &errors).await;
    };
    let who = auth.principal().clone();
    let now = auth.0.now();
    // Once per form: a retry after a lost answer opens the survey the first one created.
    let result = auth
        .0
        .create_once("survey", move |conn| {
            let id = surveys::create(conn, &who, &new, now)?;
            Ok(format!("/kyselyt/{id}/tulokset"))
        })
        .await;
    match result {
        Ok(location) => Ok(auth.0.see_other_notice(&location, "notice.survey_created")),
        Err(AppError::Forbidden) => {
            render_new(
                &auth,
                StatusCode::BAD_REQUEST,
                &form,
                &["survey.audience_invalid"],
            )
            .await
        }
        Err(e) => Err(e),
    }
}

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
            let in_audience =
                surveys::audience_includes(s.audience(), &surveys::facts(conn, who.user_id)?);
            let manages = surveys::manages(conn, &who, &s)?;
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
pub(super) struct FormQuestion {
    id: i64,
    number: usize,
    text: String,
    text_lang: &'static str,
    likert: bool,
    follow_up: bool,
    value: Option<i32>,
    answer_text: String,
}

pub(super) fn form_questions(
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
pub(super) fn parse_answers(fields: &[(String, String)]) -> Result<Vec<Answer>, &'static str> {
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
                surveys::answers_of(conn, sid, &key)?,
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
        .db(move |conn| surveys::answer(conn, &secret, &who, id, &answers, now))
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

/// The survey, if the caller manages it; otherwise 404 (also for its trainees).
async fn managed_survey(auth: &Auth, id: i64) -> AppResult<Survey> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let s = surveys::find(conn, id)?;
            if s.kind != "assessment" && surveys::manages(conn, &who, &s)? {
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
        results::chart(
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
            Ok(results::csv(&res)?)
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

#[derive(Deserialize)]
pub struct CompareQuery {
    pub alue: Option<i64>,
    pub maakunta: Option<i64>,
    pub vuosi: Option<i32>,
}

/// The scope asked for, or the caller's first; 403 for anyone without one.
async fn scope_for(
    auth: &Auth,
    alue: Option<i64>,
    maakunta: Option<i64>,
) -> AppResult<(Scope, Vec<(Scope, String)>)> {
    let who = auth.principal().clone();
    let lang = auth.0.lang;
    auth.0
        .state
        .db(move |conn| {
            let scopes = registry::scopes_for(conn, &who, lang)?;
            let wanted = match (maakunta, alue) {
                (Some(c), _) => Scope::County(c),
                (None, Some(r)) => Scope::Region(r),
                (None, None) => scopes.first().map(|s| s.0).ok_or(AppError::Forbidden)?,
            };
            registry::check_scope(conn, &who, wanted)?;
            Ok((wanted, scopes))
        })
        .await
}

fn scope_query(s: Scope) -> String {
    match s {
        Scope::Region(r) => format!("alue={r}"),
        Scope::County(c) => format!("maakunta={c}"),
    }
}

fn scope_context(c: &mut tera::Context, scope: Scope, scopes: &[(Scope, String)]) {
    c.insert(
        "scope_name",
        &scopes
            .iter()
            .find(|s| s.0 == scope)
            .map(|s| s.1.clone())
            .unwrap_or_default(),
    );
    c.insert(
        "scopes",
        &scopes
            .iter()
            .map(|(s, n)| serde_json::json!({"name": n, "query": scope_query(*s)}))
            .collect::<Vec<_>>(),
    );
    c.insert("query", &scope_query(scope));
}

pub async fn assessment_compare(
    auth: Auth,
    q: web::Query<CompareQuery>,
) -> AppResult<HttpResponse> {
    let (scope, scopes) = scope_for(&auth, q.alue, q.maakunta).await?;
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
    scope_context(&mut c, scope, &scopes);
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

#[derive(Deserialize)]
pub struct ScopeQuery {
    pub alue: Option<i64>,
    pub maakunta: Option<i64>,
}

/// The coordinators' overview of one region or county.
pub async fn overview_page(auth: Auth, q: web::Query<ScopeQuery>) -> AppResult<HttpResponse> {
    let (scope, scopes) = scope_for(&auth, q.alue, q.maakunta).await?;
    let who = auth.principal().clone();
    let (now, today) = (auth.0.now(), auth.0.state.clock.today());
    let lang = auth.0.lang;
    let (o, quarters) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                overview::overview(conn, &who, scope, now, lang)?,
                crate::network::reach::quarters(conn, scope, today, 8)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    scope_context(&mut c, scope, &scopes);
    // The same accessible charts as the network page, each with its figures in a table.
    let catalog = auth.0.state.templates.catalog(auth.0.lang);
    c.insert(
        "participants_chart",
        &super::network::figures::bar_chart(
            &quarters,
            |q| q.participants,
            catalog.get("network.chart_participants"),
            "participants",
            auth.0.lang,
        ),
    );
    c.insert(
        "reach_chart",
        &super::network::figures::reach_chart(&o.reach, catalog, auth.0.lang),
    );
    c.insert("quarters", &quarters);
    c.insert("o", &o);
    auth.0.render("surveys/overview.html", c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_parse_strictly() {
        assert_eq!(
            parse_audience("network:region:3"),
            Some(Audience::Network(Scope::Region(3)))
        );
        assert_eq!(
            parse_audience("area:county:7"),
            Some(Audience::Area(Scope::County(7)))
        );
        assert_eq!(parse_audience("cohort:12"), Some(Audience::Cohort(12)));
        assert_eq!(parse_audience("all"), Some(Audience::All));
        assert_eq!(parse_audience("network:planet:3"), None);
        assert_eq!(parse_audience("cohort:x"), None);
        assert_eq!(parse_audience(""), None);
    }

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
