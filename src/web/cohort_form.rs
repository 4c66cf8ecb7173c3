//! The cohort form: what a coordinator types, read into a [`NewCohort`] with every problem
//! tied to its field, and the page that shows it (again, with the input kept).

use super::ctx::Auth;
use crate::cohorts::{rules, Cohort, NewCohort};
use crate::db::schema::{courses, regions};
use crate::AppResult;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A problem of the form: the field it belongs to and the message key.
pub type FieldError = (&'static str, &'static str);

#[derive(Deserialize, Default, Clone)]
pub struct CohortForm {
    #[serde(default)]
    pub course_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub region_id: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub applications_open_on: String,
    #[serde(default)]
    pub applications_close_on: String,
    #[serde(default)]
    pub manager_approval_required: Option<String>,
    #[serde(default)]
    pub work_hours: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub lessons_open_at_start: Option<String>,
    /// Ticked when the coordinator means a start date in the past.
    #[serde(default)]
    pub confirm_past_start: Option<String>,
}

fn parse_date(field: &'static str, s: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push((field, "form.date_invalid"));
            None
        }
    }
}

fn parse_number(
    field: &'static str,
    s: &str,
    key: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<i32> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.parse::<i32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push((field, key));
            None
        }
    }
}

/// The field each rule's message belongs next to.
fn field_of(key: &str) -> &'static str {
    match key {
        "cohort.name_invalid" => "name",
        "cohort.ends_before_start" | "cohort.end_without_start" => "ends_on",
        "cohort.window_invalid" | "cohort.window_after_start" => "applications_close_on",
        "cohort.start_in_past" => "starts_on",
        "cohort.lessons_need_start" => "lessons_open_at_start",
        "cohort.capacity_invalid" => "capacity",
        "cohort.work_hours_invalid" => "work_hours",
        "cohort.description_invalid" => "description",
        _ => "name",
    }
}

impl CohortForm {
    /// The typed settings and every problem found, each with its field. `previous_start` is
    /// the saved start of an edited cohort (`None` for a new one).
    pub fn parse(
        &self,
        today: NaiveDate,
        previous_start: Option<Option<NaiveDate>>,
    ) -> (NewCohort<'_>, Vec<FieldError>) {
        let mut errors = Vec::new();
        let c = NewCohort {
            course_id: self.course_id.trim().parse().unwrap_or(0),
            name: &self.name,
            region_id: self.region_id.trim().parse().ok(),
            starts_on: parse_date("starts_on", &self.starts_on, &mut errors),
            ends_on: parse_date("ends_on", &self.ends_on, &mut errors),
            capacity: parse_number(
                "capacity",
                &self.capacity,
                "cohort.capacity_invalid",
                &mut errors,
            ),
            applications_open_on: parse_date(
                "applications_open_on",
                &self.applications_open_on,
                &mut errors,
            ),
            applications_close_on: parse_date(
                "applications_close_on",
                &self.applications_close_on,
                &mut errors,
            ),
            manager_approval_required: self.manager_approval_required.is_some(),
            work_hours: parse_number(
                "work_hours",
                &self.work_hours,
                "cohort.work_hours_invalid",
                &mut errors,
            )
            .unwrap_or(20),
            description: &self.description,
            lessons_open_at_start: self.lessons_open_at_start.is_some(),
        };
        let confirmed = self.confirm_past_start.is_some();
        for key in rules::validate(&c, today, previous_start, confirmed) {
            if !errors.iter().any(|(_, k)| *k == key) {
                errors.push((field_of(key), key));
            }
        }
        (c, errors)
    }

    pub fn from_cohort(c: &Cohort) -> CohortForm {
        let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        CohortForm {
            course_id: c.course_id.to_string(),
            name: c.name.clone(),
            region_id: c.region_id.map(|r| r.to_string()).unwrap_or_default(),
            starts_on: d(c.starts_on),
            ends_on: d(c.ends_on),
            capacity: c.capacity.map(|n| n.to_string()).unwrap_or_default(),
            applications_open_on: d(c.applications_open_on),
            applications_close_on: d(c.applications_close_on),
            manager_approval_required: c.manager_approval_required.then(|| "on".into()),
            work_hours: c.work_hours.to_string(),
            description: c.description.clone(),
            lessons_open_at_start: c.lessons_open_at_start.then(|| "on".into()),
            confirm_past_start: None,
        }
    }
}

/// The choices of the cohort form: published courses (each named with its language, so a
/// coordinator can open a Swedish cohort of the basic course) and the regions the caller
/// manages.
async fn form_choices(auth: &Auth) -> AppResult<(Vec<(i64, String)>, Vec<(i64, String)>)> {
    let who = auth.principal().clone();
    let lang = auth.0.lang;
    let (courses, regions) = auth
        .0
        .state
        .db(move |conn| {
            let courses: Vec<(i64, String, String)> = courses::table
                .filter(courses::active.eq(true))
                .order((courses::title, courses::language))
                .select((courses::id, courses::title, courses::language))
                .load(conn)?;
            let regions: Vec<(i64, String)> = regions::table
                .order(regions::position)
                .select((regions::id, crate::network::names::region(lang)))
                .load(conn)?;
            let regions: Vec<(i64, String)> = regions
                .into_iter()
                .filter(|(id, _)| who.manages_region(*id))
                .collect();
            Ok((courses, regions))
        })
        .await?;
    let courses = courses
        .into_iter()
        .map(|(id, title, language)| {
            let name = match language.as_str() {
                // The languages' own names (Suomi, Svenska), lower-case as in running text.
                "fi" | "sv" => auth.0.t(&format!("lang.{language}")).to_lowercase(),
                "en" => auth.0.t("lang.en"),
                _ => language,
            };
            (id, format!("{title} ({name})"))
        })
        .collect();
    Ok((courses, regions))
}

pub async fn render_form(
    auth: &Auth,
    status: StatusCode,
    form: &CohortForm,
    errors: &[FieldError],
    cohort: Option<&Cohort>,
) -> AppResult<HttpResponse> {
    let (courses, regions) = form_choices(auth).await?;
    let mut by_field: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (field, key) in errors {
        by_field.entry(field).or_default().push(key);
    }
    let mut keys: Vec<&str> = errors.iter().map(|(_, k)| *k).collect();
    keys.dedup();
    let mut c = tera::Context::new();
    c.insert("form", &serde_json::json!({
        "course_id": form.course_id, "name": form.name, "region_id": form.region_id,
        "starts_on": form.starts_on, "ends_on": form.ends_on, "capacity": form.capacity,
        "applications_open_on": form.applications_open_on, "applications_close_on": form.applications_close_on,
        "manager_approval_required": form.manager_approval_required.is_some(), "work_hours": form.work_hours,
        "description": form.description, "lessons_open_at_start": form.lessons_open_at_start.is_some(),
        "confirm_past_start": form.confirm_past_start.is_some(),
    }));
    c.insert("errors", &keys);
    c.insert("field_errors", &by_field);
    c.insert(
        "ask_past_start",
        &(keys.contains(&"cohort.start_in_past") || form.confirm_past_start.is_some()),
    );
    c.insert("courses", &courses);
    c.insert("regions", &regions);
    c.insert("national_allowed", &auth.principal().is_admin());
    c.insert("cohort", &cohort);
    auth.0.render_status(status, "cohorts/form.html", c)
}
