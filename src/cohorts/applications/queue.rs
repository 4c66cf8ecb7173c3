//! The coordinator's queue of a cohort's applications, with whether each applicant's
//! organisation already has an expert.

use super::application::Application;
use crate::cohorts::cohort::Cohort;
use crate::db::schema::{applications, counties, memberships, organisations};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::network::names;
use crate::AppResult;
use diesel::prelude::*;
use serde::Serialize;

/// One row of the coordinator's queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    pub application: Application,
    pub organisation: String,
    pub county: Option<String>,
    pub ready: bool,
    /// The organisation has no active documentation expert yet: reaching such organisations
    /// is the point of the training.
    pub organisation_without_expert: bool,
}

/// Whether the organisation has an active expert: an active network membership that names it.
/// This is the registry's definition (see `network::registry::blind_spots`). A graduate's
/// membership is made at completion; experts of earlier cohorts, placed by a coordinator or
/// seeded as demo data, have a membership but no completed enrolment on this platform, and
/// the membership (not the user's current organisation) says whom they are an expert for.
pub fn organisation_has_expert(conn: &mut AnyConnection, organisation_id: i64) -> AppResult<bool> {
    let n: i64 = memberships::table
        .filter(memberships::organisation_id.eq(organisation_id))
        .filter(memberships::status.eq("active"))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The cohort's applications, those waiting for a decision first, oldest first (counties
/// named in `lang`).
pub fn queue(conn: &mut AnyConnection, cohort: &Cohort, lang: Lang) -> AppResult<Vec<QueueRow>> {
    let apps: Vec<Application> = applications::table
        .filter(applications::cohort_id.eq(cohort.id))
        .order(applications::created_at)
        .select(Application::as_select())
        .load(conn)?;
    let mut rows = Vec::with_capacity(apps.len());
    for a in apps {
        let (organisation, county, without) = match a.organisation_id {
            Some(oid) => {
                let (name, county): (String, String) = organisations::table
                    .inner_join(counties::table)
                    .filter(organisations::id.eq(oid))
                    .select((organisations::name, names::county(lang)))
                    .first(conn)?;
                (name, Some(county), !organisation_has_expert(conn, oid)?)
            }
            None => {
                let county = match a.county_id {
                    Some(cid) => Some(
                        counties::table
                            .find(cid)
                            .select(names::county(lang))
                            .first(conn)?,
                    ),
                    None => None,
                };
                (
                    a.organisation_other.clone().unwrap_or_default(),
                    county,
                    true,
                )
            }
        };
        rows.push(QueueRow {
            ready: a.ready(cohort),
            application: a,
            organisation,
            county,
            organisation_without_expert: without,
        });
    }
    let rank = |d: &str| match d {
        "pending" => 0,
        "waitlisted" => 1,
        "accepted" => 2,
        _ => 3,
    };
    rows.sort_by_key(|r| rank(&r.application.decision));
    Ok(rows)
}
