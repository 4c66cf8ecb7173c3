//! Trainings held: an expert logs the trainings they give in their own organisation (date,
//! organisation, theme, participants, notes). This is how the platform's reach is measured.

use crate::db::schema::{counties, memberships, organisations, trainings_held};
use crate::db::AnyConnection;
use crate::knowledge_bank::THEMES;
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

pub struct NewTraining<'a> {
    pub organisation_id: i64,
    pub held_on: NaiveDate,
    pub theme: &'a str,
    pub participants: i32,
    pub notes: &'a str,
}

/// Problems with a training, as message keys.
pub fn validate(
    conn: &mut AnyConnection,
    user_id: i64,
    t: &NewTraining<'_>,
    today: NaiveDate,
) -> AppResult<Vec<&'static str>> {
    let mut errors = Vec::new();
    if t.held_on > today || t.held_on < NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or(today) {
        errors.push("training.date_invalid");
    }
    if !THEMES.contains(&t.theme) {
        errors.push("training.theme_invalid");
    }
    if !(1..=10_000).contains(&t.participants) {
        errors.push("training.participants_invalid");
    }
    if t.notes.chars().count() > 2000 || t.notes.contains('\0') {
        errors.push("training.notes_invalid");
    }
    if !organisation_choices(conn, user_id)?
        .iter()
        .any(|(id, _)| *id == t.organisation_id)
    {
        errors.push("training.organisation_invalid");
    }
    Ok(errors)
}

/// The organisations an expert may log trainings for: those of the counties of their
/// memberships.
pub fn organisation_choices(
    conn: &mut AnyConnection,
    user_id: i64,
) -> AppResult<Vec<(i64, String)>> {
    let counties: Vec<Option<i64>> = memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::county_id)
        .load(conn)?;
    let counties: Vec<i64> = counties.into_iter().flatten().collect();
    Ok(organisations::table
        .filter(organisations::county_id.eq_any(&counties))
        .filter(organisations::active.eq(true))
        .order(organisations::name)
        .select((organisations::id, organisations::name))
        .load(conn)?)
}

pub fn log(
    conn: &mut AnyConnection,
    user_id: i64,
    t: NewTraining<'_>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    if let Some(e) = validate(conn, user_id, &t, now.date())?.first() {
        return Err(AppError::invalid(*e));
    }
    Ok(diesel::insert_into(trainings_held::table)
        .values((
            trainings_held::user_id.eq(user_id),
            trainings_held::organisation_id.eq(t.organisation_id),
            trainings_held::held_on.eq(t.held_on),
            trainings_held::theme.eq(t.theme),
            trainings_held::participants.eq(t.participants),
            trainings_held::notes.eq(t.notes.trim()),
            trainings_held::created_at.eq(now),
        ))
        .returning(trainings_held::id)
        .get_result(conn)?)
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Held {
    pub held_on: NaiveDate,
    pub organisation: String,
    pub county: String,
    pub theme: String,
    pub participants: i32,
    pub notes: String,
}

/// The expert's own trainings, newest first (counties named in `lang`).
pub fn of_user(
    conn: &mut AnyConnection,
    user_id: i64,
    lang: crate::i18n::Lang,
) -> AppResult<Vec<Held>> {
    Ok(trainings_held::table
        .inner_join(organisations::table.inner_join(counties::table))
        .filter(trainings_held::user_id.eq(user_id))
        .order((trainings_held::held_on.desc(), trainings_held::id.desc()))
        .select((
            trainings_held::held_on,
            organisations::name,
            super::names::county(lang),
            trainings_held::theme,
            trainings_held::participants,
            trainings_held::notes,
        ))
        .load(conn)?)
}
