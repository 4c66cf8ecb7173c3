//! A scope's reach broken down: by organisation, and by profession.

use super::super::registry::{counties_of, Scope};
use super::pct;
use crate::db::schema::{counties, organisations};
use crate::db::schema_trainings::{people_totals, training_totals};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::AppResult;
use diesel::dsl::sum;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// Reach by organisation in `year`: every active organisation of the scope, those reached
/// first.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrganisationReach {
    pub organisation: String,
    pub county: String,
    pub staff: i64,
    pub people: i64,
    pub reported: i64,
    pub trainings: i64,
    pub percent: f64,
    pub over_100: bool,
}

pub fn by_organisation(
    conn: &mut AnyConnection,
    scope: Scope,
    year: i32,
    lang: Lang,
) -> AppResult<Vec<OrganisationReach>> {
    let ids = counties_of(conn, scope)?;
    let orgs: Vec<(i64, String, String, i32)> = organisations::table
        .inner_join(counties::table)
        .filter(organisations::county_id.eq_any(&ids))
        .filter(organisations::active.eq(true))
        .select((
            organisations::id,
            organisations::name,
            super::super::names::county(lang),
            organisations::staff_count,
        ))
        .load(conn)?;
    let people: HashMap<i64, i64> = people_totals::table
        .inner_join(organisations::table)
        .filter(organisations::county_id.eq_any(&ids))
        .filter(people_totals::year.eq(year))
        .group_by(people_totals::organisation_id)
        .select((people_totals::organisation_id, sum(people_totals::people)))
        .load::<(i64, Option<i64>)>(conn)?
        .into_iter()
        .map(|(o, n)| (o, n.unwrap_or(0)))
        .collect();
    let sums: HashMap<i64, (i64, i64)> = training_totals::table
        .inner_join(organisations::table)
        .filter(organisations::county_id.eq_any(&ids))
        .filter(training_totals::year.eq(year))
        .group_by(training_totals::organisation_id)
        .select((
            training_totals::organisation_id,
            sum(training_totals::trainings),
            sum(training_totals::reported),
        ))
        .load::<(i64, Option<i64>, Option<i64>)>(conn)?
        .into_iter()
        .map(|(o, t, r)| (o, (t.unwrap_or(0), r.unwrap_or(0))))
        .collect();
    let mut out: Vec<OrganisationReach> = orgs
        .into_iter()
        .map(|(id, name, county, staff)| {
            let p = people.get(&id).copied().unwrap_or(0);
            let (t, r) = sums.get(&id).copied().unwrap_or((0, 0));
            let staff = i64::from(staff);
            OrganisationReach {
                organisation: name,
                county,
                staff,
                people: p,
                reported: r,
                trainings: t,
                percent: pct(p + r, staff),
                over_100: p + r > staff,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (b.people + b.reported, b.staff, &a.organisation).cmp(&(
            a.people + a.reported,
            a.staff,
            &b.organisation,
        ))
    });
    Ok(out)
}

/// People reached by profession in `year` (counted sign-ins only: reported numbers have no
/// professions).
pub fn by_profession(
    conn: &mut AnyConnection,
    scope: Scope,
    year: i32,
) -> AppResult<Vec<(String, i64)>> {
    let ids = counties_of(conn, scope)?;
    let rows: Vec<(String, Option<i64>)> = people_totals::table
        .inner_join(organisations::table)
        .filter(organisations::county_id.eq_any(&ids))
        .filter(people_totals::year.eq(year))
        .group_by(people_totals::profession)
        .select((people_totals::profession, sum(people_totals::people)))
        .load(conn)?;
    let mut out: Vec<(String, i64)> = crate::network::trainings::PROFESSIONS
        .iter()
        .map(|p| {
            let n = rows
                .iter()
                .find(|r| r.0 == *p)
                .and_then(|r| r.1)
                .unwrap_or(0);
            (p.to_string(), n)
        })
        .collect();
    out.retain(|(_, n)| *n > 0);
    Ok(out)
}
