//! The coordinators' overview (`/hallinta/yleiskuva`): the figures of one region or county
//! brought together from every context — cohorts running, applications waiting, unanswered
//! questions, network members, reach, blind spots and the latest surveys' response counts.
//! Every figure is one aggregate query (reach: a few grouped reads of the running totals),
//! never a query per row, so the page stays fast with 100,000 users and a million posts.
//!
//! To add a figure: a field on [`Overview`], one aggregate query in [`overview`], and one
//! `<div>` in the `<dl class="figures">` of `templates/surveys/overview.html`.

use super::lists::Summary;
use crate::accounts::Principal;
use crate::db::schema::{applications, cohorts, enrolments, memberships, organisations, users};
use crate::db::schema_discussions::discussion_threads as dt;
use crate::db::AnyConnection;
use crate::network::reach::Reach;
use crate::network::registry::{self, Scope};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::dsl::{count_star, exists, not};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// Cohorts running today: of the region; for a county, those its people study in.
    pub cohorts_running: i64,
    /// Applications waiting for the coordinator's decision.
    pub applications_waiting: i64,
    /// Questions in the discussions still waiting for a trainer's first answer.
    pub unanswered_questions: i64,
    /// Network members, and those of them active.
    pub members: i64,
    pub active_members: i64,
    pub reach: Reach,
    /// Active organisations without an active expert.
    pub blind_spots: i64,
    /// Lapsed experts waiting for a refresher cohort, in one, reminded, excused.
    pub refresher: crate::network::refresher::AreaCounts,
    /// The latest surveys addressed to the scope, with their response counts.
    pub surveys: Vec<Summary>,
}

/// Who is looking, as far as the figures depend on it: the surveys listed are those addressed
/// to the scope that the viewer's own areas reach (an admin's, all of them).
pub type Viewer = (bool, Vec<i64>, Vec<i64>);

pub fn viewer(who: &Principal) -> Viewer {
    let (mut regions, mut counties) = (who.regions_managed(), who.counties_managed());
    regions.sort_unstable();
    counties.sort_unstable();
    (who.is_admin(), regions, counties)
}

/// The key the overview's figures are kept under (`db::figures`): everything they depend on
/// besides the data.
pub type OverviewKey = (Scope, crate::i18n::Lang, chrono::NaiveDate, Viewer);

pub fn overview(
    conn: &mut AnyConnection,
    who: &Principal,
    scope: Scope,
    now: NaiveDateTime,
    lang: crate::i18n::Lang,
) -> AppResult<Overview> {
    let today = crate::i18n::format::helsinki_date(now);
    let counties = registry::counties_of(conn, scope)?;
    let running = || {
        cohorts::starts_on
            .le(today)
            .and(cohorts::ends_on.ge(today).or(cohorts::ends_on.is_null()))
            .and(cohorts::cancelled_at.is_null())
            .and(cohorts::archived_at.is_null())
    };
    let (cohorts_running, applications_waiting, unanswered_questions) = match scope {
        Scope::Region(r) => (
            cohorts::table
                .filter(cohorts::region_id.eq(r))
                .filter(running())
                .select(count_star())
                .first::<i64>(conn)?,
            applications::table
                .inner_join(cohorts::table)
                .filter(cohorts::region_id.eq(r))
                .filter(cohorts::cancelled_at.is_null())
                .filter(applications::decision.eq("pending"))
                .select(count_star())
                .first::<i64>(conn)?,
            dt::table
                .inner_join(cohorts::table)
                .filter(cohorts::region_id.eq(r))
                .filter(dt::kind.eq(crate::discussions::QUESTION))
                .filter(dt::answered_at.is_null())
                .filter(dt::hidden.eq(false))
                .select(count_star())
                .first::<i64>(conn)?,
        ),
        Scope::County(c) => (
            enrolments::table
                .inner_join(cohorts::table)
                .inner_join(users::table.inner_join(organisations::table))
                .filter(organisations::county_id.eq(c))
                .filter(enrolments::status.ne("withdrawn"))
                .filter(running())
                .select(cohorts::id)
                .distinct()
                .load::<i64>(conn)?
                .len() as i64,
            applications::table
                .inner_join(cohorts::table)
                .filter(applications::county_id.eq(c))
                .filter(cohorts::cancelled_at.is_null())
                .filter(applications::decision.eq("pending"))
                .select(count_star())
                .first::<i64>(conn)?,
            dt::table
                .filter(
                    dt::author_id.eq_any(
                        users::table
                            .filter(
                                users::organisation_id.eq_any(
                                    organisations::table
                                        .filter(organisations::county_id.eq(c))
                                        .select(organisations::id.nullable()),
                                ),
                            )
                            .select(users::id.nullable()),
                    ),
                )
                .filter(dt::kind.eq(crate::discussions::QUESTION))
                .filter(dt::answered_at.is_null())
                .filter(dt::hidden.eq(false))
                .select(count_star())
                .first::<i64>(conn)?,
        ),
    };
    let members_q = memberships::table
        .group_by(memberships::status)
        .select((memberships::status, count_star()))
        .into_boxed();
    let members_q = match scope {
        Scope::Region(r) => members_q.filter(memberships::region_id.eq(r)),
        Scope::County(c) => members_q.filter(memberships::county_id.eq(c)),
    };
    let by_status: Vec<(String, i64)> = members_q.load(conn)?;
    let members = by_status.iter().map(|s| s.1).sum();
    let active_members = by_status
        .iter()
        .filter(|s| s.0 == "active")
        .map(|s| s.1)
        .sum();
    let blind_spots = organisations::table
        .filter(organisations::county_id.eq_any(&counties))
        .filter(organisations::active.eq(true))
        .filter(not(exists(
            memberships::table
                .filter(memberships::organisation_id.eq(organisations::id.nullable()))
                .filter(memberships::status.eq("active")),
        )))
        .select(count_star())
        .first::<i64>(conn)?;
    let refresher = crate::network::refresher::area_counts(conn, scope, today)?;
    Ok(Overview {
        refresher,
        cohorts_running,
        applications_waiting,
        unanswered_questions,
        members,
        active_members,
        // From the running totals: the cost does not grow with the trainings held.
        reach: crate::network::reach::reach(conn, scope, chrono::Datelike::year(&today), lang)?,
        blind_spots,
        surveys: super::lists::managed(conn, who, Some(scope), today, 5)?,
    })
}
