//! The end-of-course survey every cohort has, created the first time it is needed.

use super::creation::create_in;
use super::{templates, Audience, NewSurvey, Survey};
use crate::cohorts::Cohort;
use crate::db::schema_surveys::surveys;
use crate::db::{insert_unless_duplicate, write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

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
