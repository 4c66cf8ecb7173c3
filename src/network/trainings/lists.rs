//! The lists of trainings the pages show: the expert's own, the area's coming ones, and those
//! flagged above their organisation's staff.

use super::training::Training;
use crate::db::schema::{counties, organisations, trainings_held, users};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

/// A training on a list, with its organisation and expert.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub training: Training,
    pub organisation: String,
    pub county: String,
    /// `None`: the expert's account was deleted.
    pub expert: Option<String>,
    pub themes: Vec<String>,
}

type ListRow = (Training, String, String, Option<String>);

fn listed(rows: Vec<ListRow>) -> Vec<Listed> {
    rows.into_iter()
        .map(|(training, organisation, county, expert)| Listed {
            themes: training.theme_list(),
            training,
            organisation,
            county,
            expert,
        })
        .collect()
}

/// The expert's own trainings, newest first.
pub fn of_user(
    conn: &mut AnyConnection,
    user_id: i64,
    lang: crate::i18n::Lang,
) -> AppResult<Vec<Listed>> {
    let rows: Vec<ListRow> = trainings_held::table
        .inner_join(organisations::table.inner_join(counties::table))
        .left_join(users::table)
        .filter(trainings_held::user_id.eq(user_id))
        .order((trainings_held::held_on.desc(), trainings_held::id.desc()))
        .limit(500)
        .select((
            Training::as_select(),
            organisations::name,
            crate::network::names::county(lang),
            users::name.nullable(),
        ))
        .load(conn)?;
    Ok(listed(rows))
}

/// Trainings of the counties from `from` on (planned or held), soonest first: the network
/// page's calendar and the feeds.
pub fn upcoming(
    conn: &mut AnyConnection,
    counties_of: &[i64],
    from: NaiveDate,
    limit: i64,
) -> AppResult<Vec<Listed>> {
    let rows: Vec<ListRow> = trainings_held::table
        .inner_join(organisations::table.inner_join(counties::table))
        .left_join(users::table)
        .filter(organisations::county_id.eq_any(counties_of))
        .filter(trainings_held::held_on.ge(from))
        .order((
            trainings_held::held_on,
            trainings_held::starts_at,
            trainings_held::id,
        ))
        .limit(limit)
        .select((
            Training::as_select(),
            organisations::name,
            counties::name_fi,
            users::name.nullable(),
        ))
        .load(conn)?;
    Ok(listed(rows))
}

/// Trainings of the counties with more participants than their organisation's staff: the
/// coordinators check these (the figures count them, flagged).
pub fn flagged(conn: &mut AnyConnection, counties_of: &[i64]) -> AppResult<Vec<Listed>> {
    let rows: Vec<ListRow> = trainings_held::table
        .inner_join(organisations::table.inner_join(counties::table))
        .left_join(users::table)
        // The column itself rather than `= true` with a bound value: only then can SQLite use
        // the partial index of the flagged trainings (a scan of every training otherwise).
        .filter(trainings_held::over_staff)
        .filter(organisations::county_id.eq_any(counties_of))
        .order(trainings_held::held_on.desc())
        .limit(100)
        .select((
            Training::as_select(),
            organisations::name,
            counties::name_fi,
            users::name.nullable(),
        ))
        .load(conn)?;
    Ok(listed(rows))
}
