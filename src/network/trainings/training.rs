//! The training as stored (its statuses, its limits, the professions participants choose
//! from), finding one, and who may see and change it.

use crate::accounts::Principal;
use crate::db::schema::{organisations, trainings_held};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// Not held yet: no sign-in, no number (not in any figure).
pub const PLANNED: &str = "planned";
/// Held: in the figures.
pub const HELD: &str = "held";
/// Participants counted from sign-ins.
pub const COUNTED: &str = "counted";
/// Participants typed by the expert (a training held without the app).
pub const REPORTED: &str = "reported";

/// The most participants one training may have (typed or counted).
pub const MAX_PARTICIPANTS: i32 = 10_000;

/// The professions participants choose from: the target groups of the trainings, social
/// welfare's documenting professions (message keys `profession.<code>`).
pub const PROFESSIONS: [&str; 9] = [
    "social-worker",
    "social-counsellor",
    "instructor",
    "practical-nurse",
    "nurse",
    "family-worker",
    "office",
    "manager",
    "other",
];

/// A training as stored.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = trainings_held)]
pub struct Training {
    pub id: i64,
    /// The expert; `None` once their account was deleted ("poistettu asiantuntija").
    pub user_id: Option<i64>,
    pub organisation_id: i64,
    /// The Helsinki day.
    pub held_on: NaiveDate,
    pub theme: String,
    pub participants: i32,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub status: String,
    pub counting: String,
    pub themes: String,
    pub unit: String,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub place: String,
    pub remote: bool,
    pub planned_size: Option<i32>,
    pub code: Option<String>,
    pub code_closed_at: Option<NaiveDateTime>,
    pub over_staff: bool,
    pub updated_at: Option<NaiveDateTime>,
}

impl Training {
    pub fn is_held(&self) -> bool {
        self.status == HELD
    }

    pub fn is_counted(&self) -> bool {
        self.counting == COUNTED
    }

    /// Every theme, in course order (older rows have only `theme`).
    pub fn theme_list(&self) -> Vec<String> {
        let list: Vec<String> = self
            .themes
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        if list.is_empty() {
            vec![self.theme.clone()]
        } else {
            list
        }
    }
}

/// Who changes a training: its own expert, or a coordinator of its area (audit-logged).
#[derive(Debug, Clone)]
pub enum Actor<'a> {
    Expert(i64),
    Coordinator(&'a Principal),
}

/// Whether `who` may see and change the training (and its participants' names): the expert
/// who holds it, or a coordinator who manages its county. Returns the actor to use.
pub fn actor_for<'a>(
    conn: &mut AnyConnection,
    who: &'a Principal,
    t: &Training,
) -> AppResult<Option<Actor<'a>>> {
    if t.user_id == Some(who.user_id) {
        return Ok(Some(Actor::Expert(who.user_id)));
    }
    let county = organisation_county(conn, t.organisation_id)?;
    let place = crate::network::county_place(conn, county)?;
    Ok(who.manages_county(place).then_some(Actor::Coordinator(who)))
}

fn organisation_county(conn: &mut AnyConnection, organisation_id: i64) -> AppResult<i64> {
    Ok(organisations::table
        .find(organisation_id)
        .select(organisations::county_id)
        .first(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> AppResult<Training> {
    Ok(trainings_held::table
        .find(id)
        .select(Training::as_select())
        .first(conn)?)
}

/// Whether `n` participants are more than the organisation's staff (when its staff is known).
pub fn above_staff(conn: &mut AnyConnection, organisation_id: i64, n: i32) -> AppResult<bool> {
    let staff: i32 = organisations::table
        .find(organisation_id)
        .select(organisations::staff_count)
        .first(conn)?;
    Ok(staff > 0 && n > staff)
}
