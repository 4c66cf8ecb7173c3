//! The training form: what was typed, read into a draft, and shown again with its problems;
//! one form for planning, logging and correcting.

use crate::network::trainings::{Draft, Training};
use crate::web::ctx::Ctx;
use crate::AppResult;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

/// The form as typed, kept to show again with the problems.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Form {
    pub organisation_id: String,
    pub unit: String,
    pub held_on: String,
    pub starts: String,
    pub ends: String,
    pub themes: Vec<String>,
    pub place: String,
    pub remote: bool,
    pub planned_size: String,
    pub participants: String,
    pub notes: String,
    pub confirm_over_staff: bool,
}

fn first(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

impl Form {
    pub fn parse(fields: &[(String, String)]) -> Form {
        Form {
            organisation_id: first(fields, "organisation_id"),
            unit: first(fields, "unit"),
            held_on: first(fields, "held_on"),
            starts: first(fields, "starts"),
            ends: first(fields, "ends"),
            // `theme` is the older single-choice form's name.
            themes: fields
                .iter()
                .filter(|(k, _)| k == "themes" || k == "theme")
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect(),
            place: first(fields, "place"),
            remote: first(fields, "remote") == "1",
            planned_size: first(fields, "planned_size"),
            participants: first(fields, "participants"),
            notes: first(fields, "notes"),
            confirm_over_staff: first(fields, "confirm_over_staff") == "1",
        }
    }

    pub(super) fn of(t: &Training) -> Form {
        let time = |at: Option<chrono::NaiveDateTime>| {
            at.map(|a| crate::i18n::format::helsinki(a).format("%H:%M").to_string())
                .unwrap_or_default()
        };
        Form {
            organisation_id: t.organisation_id.to_string(),
            unit: t.unit.clone(),
            held_on: t.held_on.to_string(),
            starts: time(t.starts_at),
            ends: time(t.ends_at),
            themes: t.theme_list(),
            place: t.place.clone(),
            remote: t.remote,
            planned_size: t.planned_size.map(|n| n.to_string()).unwrap_or_default(),
            participants: if t.is_held() {
                t.participants.to_string()
            } else {
                String::new()
            },
            notes: t.notes.clone(),
            confirm_over_staff: t.over_staff,
        }
    }

    /// The draft, and the fields that could not even be read.
    pub(super) fn draft(&self) -> (Draft, Vec<&'static str>) {
        let mut errors = Vec::new();
        let held_on = NaiveDate::parse_from_str(self.held_on.trim(), "%Y-%m-%d").ok();
        let time = |s: &str, key: &'static str, errors: &mut Vec<&'static str>| {
            if s.trim().is_empty() {
                return None;
            }
            let t = NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
            if t.is_none() {
                errors.push(key);
            }
            t
        };
        let starts = time(&self.starts, "training.start_invalid", &mut errors);
        let ends = time(&self.ends, "training.end_invalid", &mut errors);
        let number = |s: &str, key: &'static str, errors: &mut Vec<&'static str>| {
            if s.trim().is_empty() {
                return None;
            }
            let n = s.trim().parse::<i32>().ok();
            if n.is_none() {
                errors.push(key);
            }
            n
        };
        let planned_size = number(&self.planned_size, "training.size_invalid", &mut errors);
        let participants = number(
            &self.participants,
            "training.participants_invalid",
            &mut errors,
        );
        (
            Draft {
                organisation_id: self.organisation_id.trim().parse().unwrap_or(0),
                unit: self.unit.clone(),
                held_on,
                starts,
                ends,
                themes: self.themes.clone(),
                place: self.place.clone(),
                remote: self.remote,
                planned_size,
                notes: self.notes.clone(),
                participants,
                confirm_over_staff: self.confirm_over_staff,
            },
            errors,
        )
    }
}

/// Which form: planning ahead, logging one held without the app, or correcting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Mode {
    Plan,
    Log,
    Edit,
}

pub(super) async fn render_form(
    ctx: &Ctx,
    status: StatusCode,
    mode: Mode,
    form: &Form,
    errors: &[&str],
    training: Option<&Training>,
    organisations: Vec<(i64, String)>,
) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("mode", &mode);
    c.insert("form", form);
    c.insert("errors", errors);
    c.insert("organisations", &organisations);
    c.insert("themes", &crate::knowledge_bank::THEMES[..5]);
    c.insert(
        "today",
        &crate::i18n::format::helsinki_date(ctx.now()).to_string(),
    );
    c.insert("training", &training);
    c.insert(
        "counted",
        &training.is_some_and(|t| t.is_counted() && t.participants > 0),
    );
    ctx.render_status(status, "trainings/form.html", c)
}
