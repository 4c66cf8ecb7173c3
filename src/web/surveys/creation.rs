//! Creating a survey: the form (its audience, the questions of a template and the author's own
//! lines) and the handlers that show it and take it.

use crate::network::registry::{self, Scope};
use crate::surveys::{self, Audience, NewQuestion, NewSurvey, QuestionKind};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;

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
        let questions = self.questions(&mut errors);
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
        errors.extend(surveys::creation::validate(&new));
        errors.dedup();
        (audience.map(|_| new), errors)
    }

    /// The template's questions, then the author's own statements and open questions, a line
    /// each (the Swedish lines, when given, matching the Finnish ones).
    fn questions(&self, errors: &mut Vec<&'static str>) -> Vec<NewQuestion> {
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
        questions
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
            let id = surveys::creation::create(conn, &who, &new, now)?;
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
}
