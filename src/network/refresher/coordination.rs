//! What coordinators see: the lapsed, in-refresher, reminded and excused experts of their
//! area, and their numbers for the overview. What they decide is in `decisions.rs`.

use super::experts::expert;
use super::rule::{assess, rule, State};
use crate::db::schema::{
    cohorts as cohort_t, counties, enrolments, lapse_warnings, refresher_cases, users,
};
use crate::db::AnyConnection;
use crate::network::registry::Scope;
use crate::AppResult;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashSet;

/// One row of the coordinator's refresher page.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub county: Option<String>,
    pub status: String,
    pub found_on: NaiveDate,
    pub last_completion_on: NaiveDate,
    pub last_training_on: Option<NaiveDate>,
    pub cohort: Option<String>,
    pub enrolment_status: Option<String>,
    pub excused_until: Option<NaiveDate>,
    pub note: String,
    /// Whether the rule finds the expert lapsed today (an enrolled expert may be current again).
    pub lapsed_now: bool,
    /// The last day the expert stays current as things are today.
    pub current_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WarningRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub county: Option<String>,
    pub lapses_on: NaiveDate,
    pub warned_on: NaiveDate,
}

/// The lapsed, in-refresher, reminded and excused experts of a coordinator's area.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AreaView {
    pub queued: Vec<CaseRow>,
    pub enrolled: Vec<CaseRow>,
    pub warned: Vec<WarningRow>,
    pub excused: Vec<CaseRow>,
}

/// The figures of [`AreaView`], for overviews.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
pub struct AreaCounts {
    pub queued: usize,
    pub enrolled: usize,
    pub warned: usize,
    pub excused: usize,
}

impl AreaView {
    pub fn counts(&self) -> AreaCounts {
        AreaCounts {
            queued: self.queued.len(),
            enrolled: self.enrolled.len(),
            warned: self.warned.len(),
            excused: self.excused.len(),
        }
    }
}

/// The figures of [`area`] in three aggregate queries, for the coordinators' overview.
pub fn area_counts(
    conn: &mut AnyConnection,
    scope: Scope,
    today: NaiveDate,
) -> AppResult<AreaCounts> {
    let mut cases = refresher_cases::table
        .filter(
            refresher_cases::closed_at
                .is_null()
                .or(refresher_cases::status
                    .eq("excused")
                    .and(refresher_cases::excused_until.ge(today))),
        )
        .group_by(refresher_cases::status)
        .select((refresher_cases::status, diesel::dsl::count_star()))
        .into_boxed();
    let mut warned = lapse_warnings::table
        .filter(lapse_warnings::lapses_on.ge(today))
        .into_boxed();
    match scope {
        Scope::Region(r) => {
            cases = cases.filter(refresher_cases::region_id.eq(r));
            warned = warned.filter(lapse_warnings::region_id.eq(r));
        }
        Scope::County(c) => {
            cases = cases.filter(refresher_cases::county_id.eq(c));
            warned = warned.filter(lapse_warnings::county_id.eq(c));
        }
    }
    let mut counts = AreaCounts::default();
    for (status, n) in cases.load::<(String, i64)>(conn)? {
        let n = n as usize;
        match status.as_str() {
            "queued" => counts.queued = n,
            "enrolled" => counts.enrolled = n,
            _ => counts.excused += n,
        }
    }
    counts.warned = warned
        // Those already lapsed are counted as queued or enrolled, not as reminded.
        .filter(diesel::dsl::not(diesel::dsl::exists(
            refresher_cases::table
                .filter(refresher_cases::user_id.eq(lapse_warnings::user_id))
                .filter(refresher_cases::closed_at.is_null()),
        )))
        .count()
        .get_result::<i64>(conn)? as usize;
    Ok(counts)
}

/// Counties are named in `lang`.
pub fn area(
    conn: &mut AnyConnection,
    scope: Scope,
    today: NaiveDate,
    lang: crate::i18n::Lang,
) -> AppResult<AreaView> {
    let mut view = AreaView::default();
    let mut open_users = HashSet::new();
    for row in case_rows(conn, scope, today, lang)? {
        match row.status.as_str() {
            "queued" => {
                open_users.insert(row.user_id);
                view.queued.push(row)
            }
            "enrolled" => {
                open_users.insert(row.user_id);
                view.enrolled.push(row)
            }
            _ => view.excused.push(row),
        }
    }
    mark_where_they_stand(conn, &mut view.enrolled, today)?;
    view.warned = warning_rows(conn, scope, today, lang, &open_users)?;
    Ok(view)
}

/// A case as read: user id, name, e-mail, county, status, found on, last completion, last
/// training, cohort, enrolment status, excused until, note.
type CaseFields = (
    i64,
    String,
    String,
    Option<String>,
    String,
    NaiveDate,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    String,
);

/// The area's open cases and the excuses still in force, by name.
fn case_rows(
    conn: &mut AnyConnection,
    scope: Scope,
    today: NaiveDate,
    lang: crate::i18n::Lang,
) -> AppResult<Vec<CaseRow>> {
    let mut q = refresher_cases::table
        .inner_join(users::table)
        .left_join(counties::table.on(counties::id.nullable().eq(refresher_cases::county_id)))
        .left_join(cohort_t::table.on(cohort_t::id.nullable().eq(refresher_cases::cohort_id)))
        .left_join(
            enrolments::table.on(enrolments::id.nullable().eq(refresher_cases::enrolment_id)),
        )
        .filter(
            refresher_cases::closed_at
                .is_null()
                .or(refresher_cases::status
                    .eq("excused")
                    .and(refresher_cases::excused_until.ge(today))),
        )
        .order((users::name, refresher_cases::id))
        .select((
            users::id,
            users::name,
            users::email,
            crate::network::names::county_or_none(lang),
            refresher_cases::status,
            refresher_cases::found_on,
            refresher_cases::last_completion_on,
            refresher_cases::last_training_on,
            cohort_t::name.nullable(),
            enrolments::status.nullable(),
            refresher_cases::excused_until,
            refresher_cases::note,
        ))
        .into_boxed();
    q = match scope {
        Scope::Region(r) => q.filter(refresher_cases::region_id.eq(r)),
        Scope::County(c) => q.filter(refresher_cases::county_id.eq(c)),
    };
    Ok(q.load::<CaseFields>(conn)?
        .into_iter()
        .map(case_row)
        .collect())
}

fn case_row(r: CaseFields) -> CaseRow {
    CaseRow {
        user_id: r.0,
        name: r.1,
        email: r.2,
        county: r.3,
        status: r.4,
        found_on: r.5,
        last_completion_on: r.6,
        last_training_on: r.7,
        cohort: r.8,
        enrolment_status: r.9,
        excused_until: r.10,
        note: r.11,
        lapsed_now: true,
        current_until: None,
    }
}

/// Where the enrolled stand today: one may have logged a training since, or have been
/// enrolled by mistake; the page offers to release them.
fn mark_where_they_stand(
    conn: &mut AnyConnection,
    enrolled: &mut [CaseRow],
    today: NaiveDate,
) -> AppResult<()> {
    if !enrolled.is_empty() {
        if let Some(rule) = rule(conn)? {
            for row in enrolled {
                if let Some(e) = expert(conn, row.user_id, today)? {
                    let s = assess(rule, e.last_completion, e.last_training, today);
                    row.lapsed_now = s.state == State::Lapsed;
                    row.current_until = Some(s.current_until);
                }
            }
        }
    }
    Ok(())
}

/// The area's experts reminded of a coming lapse, but for those with an open case.
fn warning_rows(
    conn: &mut AnyConnection,
    scope: Scope,
    today: NaiveDate,
    lang: crate::i18n::Lang,
    open_users: &HashSet<i64>,
) -> AppResult<Vec<WarningRow>> {
    let mut wq = lapse_warnings::table
        .inner_join(users::table)
        .left_join(counties::table.on(counties::id.nullable().eq(lapse_warnings::county_id)))
        .filter(lapse_warnings::lapses_on.ge(today))
        .order((lapse_warnings::lapses_on, users::name))
        .select((
            users::id,
            users::name,
            users::email,
            crate::network::names::county_or_none(lang),
            lapse_warnings::lapses_on,
            lapse_warnings::warned_on,
        ))
        .into_boxed();
    wq = match scope {
        Scope::Region(r) => wq.filter(lapse_warnings::region_id.eq(r)),
        Scope::County(c) => wq.filter(lapse_warnings::county_id.eq(c)),
    };
    let mut warned = Vec::new();
    for (user_id, name, email, county, lapses_on, warned_on) in
        wq.load::<(i64, String, String, Option<String>, NaiveDate, NaiveDate)>(conn)?
    {
        if !open_users.contains(&user_id) {
            warned.push(WarningRow {
                user_id,
                name,
                email,
                county,
                lapses_on,
                warned_on,
            });
        }
    }
    Ok(warned)
}
