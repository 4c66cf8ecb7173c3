//! The lapse check: experts whose competence has gone out of date and who have not trained
//! anyone lately are enrolled into the refresher course.
//!
//! The rule (numbers from the refresher course's `course.toml`): an expert is *lapsed* on a
//! day when their last completion (basic or refresher) is more than `competence_valid_months`
//! old AND no training they logged keeps them active — a training held on day `t` keeps them
//! active through `t + training_activity_months`. They are *due soon* when, if nothing new is
//! logged, they would lapse within [`WARNING_DAYS`]; they get one reminder for that day.
//!
//! Each lapsed expert gets one case: enrolled into the next open refresher cohort of their
//! region (else a national one), or queued until a cohort opens ([`drain_queue`], run by the
//! check and when a coordinator creates or edits a refresher cohort). Completing a course
//! closes the case ([`close_on_completion`]). Coordinators may enrol or excuse by hand, with a
//! reason kept in the audit log. The check runs daily inside `serve` ([`run_daily`]: one
//! server per day, an advisory lock on PostgreSQL) and on demand from the CLI.

use super::registry::Scope;
use crate::accounts::{audit, Principal};
use crate::cohorts;
use crate::db::schema::{
    cohorts as cohort_t, completions, counties, courses, enrolments, job_runs, lapse_warnings,
    memberships, refresher_cases, regions, trainings_held, users,
};
use crate::db::{insert_unless_duplicate, write_tx, AnyConnection, DAILY_JOBS_LOCK_KEY};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::{AppError, AppResult};
use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How many days ahead an expert is reminded that they are about to lapse.
pub const WARNING_DAYS: i64 = 60;
/// The name of the daily job in `job_runs`.
pub const JOB: &str = "lapse-check";

/// The two numbers of the rule, from the refresher course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub competence_valid_months: u32,
    pub training_activity_months: u32,
}

/// The rule of the active refresher course; `None` when no refresher course is published.
/// A refresher's translation (`translation_of`) has the same numbers (the compiler checks),
/// so the original is read first and a translation only when it stands alone.
///
/// Which completions count: every completion of a basic or refresher course. The basic
/// course's translations are basic courses of the same structure (`courses::pairing`), so a
/// completion in either language keeps an expert current alike.
pub fn rule(conn: &mut AnyConnection) -> AppResult<Option<Rule>> {
    let row: Option<(Option<i32>, Option<i32>)> = courses::table
        .filter(courses::kind.eq("refresher"))
        .filter(courses::active.eq(true))
        .order((
            courses::translation_of.is_not_null(),
            courses::published_at.desc(),
        ))
        .select((
            courses::competence_valid_months,
            courses::training_activity_months,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((Some(valid), Some(activity))) if valid > 0 && activity > 0 => Some(Rule {
            competence_valid_months: valid as u32,
            training_activity_months: activity as u32,
        }),
        _ => None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Current,
    DueSoon,
    Lapsed,
}

/// Where an expert stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub state: State,
    /// The last day the last completion alone keeps the expert current.
    pub competence_valid_until: NaiveDate,
    /// Whether a logged training keeps the expert active on the day.
    pub trained_lately: bool,
    /// The last day the expert stays current if nothing new is logged or completed.
    pub current_until: NaiveDate,
}

pub(super) fn plus_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The rule itself. `last_training` is the latest training held on or before `as_of`.
pub fn assess(
    rule: Rule,
    last_completion: NaiveDate,
    last_training: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Standing {
    let competence_valid_until = plus_months(last_completion, rule.competence_valid_months);
    let training_until = last_training
        .filter(|t| *t <= as_of)
        .map(|t| plus_months(t, rule.training_activity_months));
    let trained_lately = training_until.is_some_and(|until| as_of <= until);
    let current_until =
        training_until.map_or(competence_valid_until, |t| t.max(competence_valid_until));
    let state = if as_of > competence_valid_until && !trained_lately {
        State::Lapsed
    } else if (current_until - as_of).num_days() <= WARNING_DAYS {
        State::DueSoon
    } else {
        State::Current
    };
    Standing {
        state,
        competence_valid_until,
        trained_lately,
        current_until,
    }
}

/// What the check knows of one expert.
#[derive(Debug, Clone, Serialize)]
pub struct Expert {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub language: String,
    pub region_id: i64,
    pub region: String,
    pub county_id: Option<i64>,
    pub county: Option<String>,
    pub last_completion: NaiveDate,
    pub last_training: Option<NaiveDate>,
}

impl Expert {
    /// The audit log's area of the expert: their membership's region and county.
    pub fn audit_area(&self) -> audit::Area {
        audit::Area {
            region_id: Some(self.region_id),
            county_id: self.county_id,
        }
    }
}

/// The experts (active users with a membership), one row each: the region of their latest
/// membership, their last completion and their last training held on or before `as_of`.
/// Four queries whatever the size of the network.
pub(super) fn experts(
    conn: &mut AnyConnection,
    only: Option<i64>,
    as_of: NaiveDate,
) -> AppResult<Vec<Expert>> {
    type Row = (
        i64,
        String,
        String,
        String,
        i64,
        String,
        Option<i64>,
        Option<String>,
        NaiveDateTime,
    );
    let mut q = memberships::table
        .inner_join(users::table)
        .inner_join(regions::table)
        .left_join(counties::table)
        .filter(users::active.eq(true))
        .order((memberships::user_id, memberships::joined_at.desc()))
        .select((
            users::id,
            users::name,
            users::email,
            users::language,
            regions::id,
            regions::name_fi,
            memberships::county_id,
            counties::name_fi.nullable(),
            memberships::refreshed_at,
        ))
        .into_boxed();
    if let Some(uid) = only {
        q = q.filter(memberships::user_id.eq(uid));
    }
    let rows: Vec<Row> = q.load(conn)?;

    let mut cq = completions::table
        .group_by(completions::user_id)
        .select((
            completions::user_id,
            diesel::dsl::max(completions::completed_at),
        ))
        .into_boxed();
    // Held trainings only (counted or reported): a planned one has trained nobody yet.
    let mut tq = trainings_held::table
        .filter(trainings_held::held_on.le(as_of))
        .filter(trainings_held::status.eq(crate::network::trainings::HELD))
        .group_by(trainings_held::user_id)
        .select((
            trainings_held::user_id,
            diesel::dsl::max(trainings_held::held_on),
        ))
        .into_boxed();
    if let Some(uid) = only {
        cq = cq.filter(completions::user_id.eq(uid));
        tq = tq.filter(trainings_held::user_id.eq(uid));
    }
    let last_completion: HashMap<i64, NaiveDateTime> = cq
        .load::<(Option<i64>, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .filter_map(|(u, t)| Some((u?, t?)))
        .collect();
    let last_training: HashMap<i64, NaiveDate> = tq
        .load::<(Option<i64>, Option<NaiveDate>)>(conn)?
        .into_iter()
        .filter_map(|(u, d)| Some((u?, d?)))
        .collect();

    let mut out: Vec<Expert> = Vec::new();
    for (uid, name, email, language, region_id, region, county_id, county, refreshed) in rows {
        let refreshed = refreshed.date();
        if let Some(prev) = out.last_mut().filter(|e| e.user_id == uid) {
            // A later membership row of the same expert: only its refresh date counts.
            prev.last_completion = prev.last_completion.max(refreshed);
            continue;
        }
        // The membership's refresh date is the last completion that kept it; a completion
        // recorded later (another region's course) counts too.
        let completed = last_completion
            .get(&uid)
            .map_or(refreshed, |t| t.date().max(refreshed));
        out.push(Expert {
            user_id: uid,
            name,
            email,
            language,
            region_id,
            region,
            county_id,
            county,
            last_completion: completed,
            last_training: last_training.get(&uid).copied(),
        });
    }
    Ok(out)
}

/// A refresher cohort that takes people on `as_of`: of the active refresher course, not ended,
/// its application window (if any) not closed, and seats left.
#[derive(Debug, Clone, Serialize)]
pub struct OpenCohort {
    pub id: i64,
    pub name: String,
    pub course: String,
    pub region_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub seats_left: Option<i64>,
}

pub fn open_refresher_cohorts(
    conn: &mut AnyConnection,
    as_of: NaiveDate,
) -> AppResult<Vec<OpenCohort>> {
    type Row = (
        i64,
        String,
        String,
        Option<i64>,
        Option<NaiveDate>,
        Option<i32>,
    );
    let rows: Vec<Row> = cohort_t::table
        .inner_join(courses::table)
        .filter(courses::kind.eq("refresher"))
        .filter(courses::active.eq(true))
        .filter(cohort_t::cancelled_at.is_null())
        .filter(cohort_t::archived_at.is_null())
        .filter(cohort_t::ends_on.is_null().or(cohort_t::ends_on.ge(as_of)))
        .filter(
            cohort_t::applications_close_on
                .is_null()
                .or(cohort_t::applications_close_on.ge(as_of)),
        )
        .select((
            cohort_t::id,
            cohort_t::name,
            courses::title,
            cohort_t::region_id,
            cohort_t::starts_on,
            cohort_t::capacity,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let taken: HashMap<i64, i64> = enrolments::table
        .filter(enrolments::cohort_id.eq_any(&ids))
        .filter(enrolments::status.ne("withdrawn"))
        .group_by(enrolments::cohort_id)
        .select((enrolments::cohort_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let mut out: Vec<OpenCohort> = rows
        .into_iter()
        .map(
            |(id, name, course, region_id, starts_on, capacity)| OpenCohort {
                id,
                name,
                course,
                region_id,
                starts_on,
                seats_left: capacity.map(|c| i64::from(c) - taken.get(&id).copied().unwrap_or(0)),
            },
        )
        .filter(|c| c.seats_left.is_none_or(|s| s > 0))
        .collect();
    // Soonest start first; a cohort without a start date (continuous intake) after dated ones.
    out.sort_by_key(|c| (c.starts_on.is_none(), c.starts_on, c.id));
    Ok(out)
}

/// The cohort an expert of `region_id` goes to: their region's next, else a national one.
fn choose(open: &[OpenCohort], region_id: i64) -> Option<&OpenCohort> {
    open.iter()
        .find(|c| c.region_id == Some(region_id))
        .or_else(|| open.iter().find(|c| c.region_id.is_none()))
}

/// What the check did (or, in a dry run, would do) for one expert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Lapsed: enrolled into a refresher cohort (now or from the queue).
    Enrolled { cohort_id: i64, cohort: String },
    /// Lapsed, and no refresher cohort open: waits in the queue.
    Queued,
    /// Lapsed and already waiting in the queue.
    StillQueued,
    /// Lapsed and already enrolled in a refresher cohort.
    AlreadyInRefresher,
    /// Lapsed, but a coordinator excused them until the day.
    Excused { until: NaiveDate },
    /// About to lapse: reminded.
    Warned,
    /// About to lapse, already reminded for that day.
    AlreadyWarned,
    /// Was waiting in the queue but is current again (a training was logged): case closed.
    Resolved,
    /// Was enrolled in a refresher but is current again: case closed, membership active; the
    /// place was freed (and the expert told) unless they had already started studying.
    BackToCurrent { withdrawn: bool },
    /// Another check running at the same time handled the expert first.
    HandledElsewhere,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub expert: Expert,
    pub standing: Standing,
    pub action: Action,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub as_of: NaiveDate,
    pub rule: Rule,
    pub dry_run: bool,
    pub experts_checked: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn count(&self, f: impl Fn(&Action) -> bool) -> usize {
        self.findings.iter().filter(|x| f(&x.action)).count()
    }

    /// What `kirjaamo network check-lapsed` prints: who, why, and what was (or would be) done.
    pub fn lines(&self) -> Vec<String> {
        let mut out =
            vec![format!(
            "Lapse check as of {}{}: competence valid {} months, trainings keep an expert active \
             {} months; {} experts checked.",
            self.as_of,
            if self.dry_run { " (dry run: nothing changed)" } else { "" },
            self.rule.competence_valid_months,
            self.rule.training_activity_months,
            self.experts_checked,
        )];
        for f in &self.findings {
            let e = &f.expert;
            let place = match &e.county {
                Some(c) => format!("{}, {c}", e.region),
                None => e.region.clone(),
            };
            let training = match e.last_training {
                Some(t) if f.standing.trained_lately => format!("last training {t}"),
                Some(t) => format!(
                    "last training {t}, more than {} months before",
                    self.rule.training_activity_months
                ),
                None => "no training logged".to_string(),
            };
            let (label, why) = match f.standing.state {
                State::Lapsed => (
                    "LAPSED  ",
                    format!(
                        "last completion {}, valid until {}; {training}",
                        e.last_completion, f.standing.competence_valid_until
                    ),
                ),
                _ => (
                    "DUE SOON",
                    format!(
                        "last completion {}, valid until {}; {training}; current until {}",
                        e.last_completion,
                        f.standing.competence_valid_until,
                        f.standing.current_until
                    ),
                ),
            };
            let would = |done: &str, would: &str| {
                if self.dry_run {
                    would.to_string()
                } else {
                    done.to_string()
                }
            };
            let action = match &f.action {
                Action::Enrolled { cohort_id, cohort } => format!(
                    "{} \"{cohort}\" (cohort {cohort_id})",
                    would("enrolled in", "would enrol in")
                ),
                Action::Queued => would(
                    "queued: no refresher cohort open in the region or nationally",
                    "would queue: no refresher cohort open in the region or nationally",
                ),
                Action::StillQueued => "still waiting in the queue".into(),
                Action::AlreadyInRefresher => "already enrolled in a refresher cohort".into(),
                Action::Excused { until } => format!("excused by a coordinator until {until}"),
                Action::Warned => would("reminder e-mail queued", "would send a reminder"),
                Action::AlreadyWarned => "already reminded".into(),
                Action::Resolved => would(
                    "current again: taken out of the queue",
                    "current again: would take out of the queue",
                ),
                Action::BackToCurrent { withdrawn: true } => would(
                    "current again: back to active, refresher place freed, e-mail queued",
                    "current again: would return to active and free the refresher place",
                ),
                Action::BackToCurrent { withdrawn: false } => would(
                    "current again: back to active (already studying: stays in the cohort)",
                    "current again: would return to active (already studying: stays in the cohort)",
                ),
                Action::HandledElsewhere => "handled by another check running now".into(),
            };
            out.push(format!(
                "{label} {} <{}> ({place}): {why} -> {action}",
                e.name, e.email
            ));
        }
        out.push(if self.dry_run {
            format!("Would do: {}", self.summary())
        } else {
            self.summary()
        });
        out
    }

    /// One line for logs and the job record.
    pub fn summary(&self) -> String {
        let lapsed = self
            .findings
            .iter()
            .filter(|f| f.standing.state == State::Lapsed)
            .count();
        format!(
            "{} experts checked; {lapsed} lapsed: {} enrolled, {} queued ({} waiting from before), \
             {} already in refresher, {} excused; {} reminded; {} back to current",
            self.experts_checked,
            self.count(|a| matches!(a, Action::Enrolled { .. })),
            self.count(|a| matches!(a, Action::Queued)),
            self.count(|a| matches!(a, Action::StillQueued)),
            self.count(|a| matches!(a, Action::AlreadyInRefresher)),
            self.count(|a| matches!(a, Action::Excused { .. })),
            self.count(|a| matches!(a, Action::Warned)),
            self.count(|a| matches!(a, Action::Resolved | Action::BackToCurrent { .. })),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenCase {
    Queued(i64),
    Enrolled(i64),
}

fn open_cases(conn: &mut AnyConnection) -> AppResult<HashMap<i64, OpenCase>> {
    let rows: Vec<(i64, i64, String)> = refresher_cases::table
        .filter(refresher_cases::closed_at.is_null())
        .select((
            refresher_cases::id,
            refresher_cases::user_id,
            refresher_cases::status,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, uid, status)| {
            let case = if status == "queued" {
                OpenCase::Queued(id)
            } else {
                OpenCase::Enrolled(id)
            };
            (uid, case)
        })
        .collect())
}

fn excusals(conn: &mut AnyConnection, as_of: NaiveDate) -> AppResult<HashMap<i64, NaiveDate>> {
    let rows: Vec<(i64, Option<NaiveDate>)> = refresher_cases::table
        .filter(refresher_cases::status.eq("excused"))
        .filter(refresher_cases::excused_until.ge(as_of))
        .select((refresher_cases::user_id, refresher_cases::excused_until))
        .load(conn)?;
    let mut out = HashMap::new();
    for (uid, until) in rows {
        if let Some(until) = until {
            let e = out.entry(uid).or_insert(until);
            *e = (*e).max(until);
        }
    }
    Ok(out)
}

/// The latest day it is anywhere the service is used: Helsinki runs ahead of UTC.
pub fn latest_today(now: NaiveDateTime) -> NaiveDate {
    crate::i18n::format::helsinki_date(now).max(now.date())
}

/// Runs the lapse check as of a day. Returns `None` when no refresher course is published
/// (there is no rule then). In a dry run nothing is written and no mail is queued. A day that
/// has not come yet is only for a dry run (`refresher.future_as_of`): acting on it would
/// enrol and e-mail experts whose competence is still valid today.
pub fn check(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    as_of: NaiveDate,
    now: NaiveDateTime,
    dry_run: bool,
) -> AppResult<Option<Report>> {
    if !dry_run && as_of > latest_today(now) {
        return Err(AppError::Invalid("refresher.future_as_of".into()));
    }
    let Some(rule) = rule(conn)? else {
        return Ok(None);
    };
    let experts = experts(conn, None, as_of)?;
    let open = open_cases(conn)?;
    let excused = excusals(conn, as_of)?;
    let warned: HashSet<(i64, NaiveDate)> = lapse_warnings::table
        .filter(lapse_warnings::lapses_on.ge(as_of))
        .select((lapse_warnings::user_id, lapse_warnings::lapses_on))
        .load::<(i64, NaiveDate)>(conn)?
        .into_iter()
        .collect();
    let mut cohorts = open_refresher_cohorts(conn, as_of)?;
    let experts_checked = experts.len();
    let mut findings = Vec::new();
    for expert in experts {
        let standing = assess(rule, expert.last_completion, expert.last_training, as_of);
        let case = open.get(&expert.user_id).copied();
        let action = match (standing.state, case) {
            (State::Lapsed, _) if excused.contains_key(&expert.user_id) => Action::Excused {
                until: excused[&expert.user_id],
            },
            (State::Lapsed, Some(OpenCase::Enrolled(_))) => Action::AlreadyInRefresher,
            (State::Lapsed, case) => {
                let target = choose(&cohorts, expert.region_id).cloned();
                let action = if dry_run {
                    match (&target, case) {
                        (Some(c), _) => Action::Enrolled {
                            cohort_id: c.id,
                            cohort: c.name.clone(),
                        },
                        (None, Some(_)) => Action::StillQueued,
                        (None, None) => Action::Queued,
                    }
                } else {
                    match case {
                        Some(OpenCase::Queued(case_id)) => match &target {
                            Some(c) => enrol_queued(conn, msg, rule, case_id, c, as_of, now)?,
                            None => Action::StillQueued,
                        },
                        _ => open_case(
                            conn,
                            msg,
                            rule,
                            &expert,
                            &standing,
                            target.as_ref(),
                            as_of,
                            now,
                        )?,
                    }
                };
                if let (Action::Enrolled { cohort_id, .. }, Some(c)) = (&action, target) {
                    take_seat(&mut cohorts, *cohort_id, c.seats_left);
                }
                action
            }
            (_, Some(OpenCase::Queued(case_id))) => {
                if !dry_run {
                    resolve(conn, case_id, now)?;
                }
                Action::Resolved
            }
            (_, Some(OpenCase::Enrolled(case_id))) => {
                if dry_run {
                    Action::BackToCurrent {
                        withdrawn: release::frees_place(conn, case_id)?,
                    }
                } else {
                    release::back_to_current(conn, msg, case_id, &expert, now)?
                }
            }
            (State::DueSoon, _) if warned.contains(&(expert.user_id, standing.current_until)) => {
                Action::AlreadyWarned
            }
            (State::DueSoon, _) => {
                if dry_run {
                    Action::Warned
                } else {
                    warn(conn, msg, rule, &expert, &standing, as_of, now)?
                }
            }
            _ => continue,
        };
        findings.push(Finding {
            expert,
            standing,
            action,
        });
    }
    Ok(Some(Report {
        as_of,
        rule,
        dry_run,
        experts_checked,
        findings,
    }))
}

fn take_seat(cohorts: &mut Vec<OpenCohort>, cohort_id: i64, seats_left: Option<i64>) {
    if seats_left.is_some() {
        if let Some(c) = cohorts.iter_mut().find(|c| c.id == cohort_id) {
            c.seats_left = c.seats_left.map(|s| s - 1);
        }
        cohorts.retain(|c| c.seats_left.is_none_or(|s| s > 0));
    }
}

pub(super) fn set_membership_status(
    conn: &mut AnyConnection,
    user_id: i64,
    status: &str,
) -> diesel::QueryResult<usize> {
    diesel::update(memberships::table.filter(memberships::user_id.eq(user_id)))
        .set(memberships::status.eq(status))
        .execute(conn)
}

/// Opens the expert's case: enrolled into `target`, or queued. `Ok(HandledElsewhere)` when
/// another check opened it first (the unique index on open cases decides).
#[allow(clippy::too_many_arguments)]
fn open_case(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    rule: Rule,
    expert: &Expert,
    standing: &Standing,
    target: Option<&OpenCohort>,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Action> {
    write_tx(conn, |c| {
        let Some(case_id) = insert_case(c, expert, "queued", as_of, None, "", now)? else {
            return Ok(Action::HandledElsewhere);
        };
        if let Some(cohort) = target.filter(|t| has_seat(c, t).unwrap_or(false)) {
            enrol_case_in(c, msg, rule, case_id, expert, cohort, None, as_of, now)?;
            return Ok(Action::Enrolled {
                cohort_id: cohort.id,
                cohort: cohort.name.clone(),
            });
        }
        set_membership_status(c, expert.user_id, "lapsed")?;
        let mut ctx = reason_context(msg, rule, expert, standing);
        ctx.insert("name", &expert.name);
        queue_mail(
            c,
            msg,
            expert,
            "refresher_queued",
            format!("refresher:{case_id}:queued"),
            ctx,
            now,
        )?;
        Ok(Action::Queued)
    })
}

pub(super) fn insert_case(
    c: &mut AnyConnection,
    expert: &Expert,
    status: &str,
    as_of: NaiveDate,
    decided_by: Option<i64>,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<Option<i64>> {
    Ok(insert_unless_duplicate(c, |c| {
        diesel::insert_into(refresher_cases::table)
            .values((
                refresher_cases::user_id.eq(expert.user_id),
                refresher_cases::region_id.eq(expert.region_id),
                refresher_cases::county_id.eq(expert.county_id),
                refresher_cases::status.eq(status),
                refresher_cases::found_on.eq(as_of),
                refresher_cases::last_completion_on.eq(expert.last_completion),
                refresher_cases::last_training_on.eq(expert.last_training),
                refresher_cases::note.eq(note),
                refresher_cases::decided_by.eq(decided_by),
                refresher_cases::created_at.eq(now),
                refresher_cases::updated_at.eq(now),
            ))
            .returning(refresher_cases::id)
            .get_result::<i64>(c)
    })?)
}

/// Seats are counted again inside the transaction: the list may be stale.
pub(super) fn has_seat(c: &mut AnyConnection, cohort: &OpenCohort) -> AppResult<bool> {
    let capacity: Option<i32> = cohort_t::table
        .find(cohort.id)
        .select(cohort_t::capacity)
        .first(c)?;
    Ok(match capacity {
        None => true,
        Some(cap) => cohorts::seats_taken(c, cohort.id)? < i64::from(cap),
    })
}

/// Enrols the expert of an open case into the cohort and tells them (in the caller's tx).
#[allow(clippy::too_many_arguments)]
pub(super) fn enrol_case_in(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    rule: Rule,
    case_id: i64,
    expert: &Expert,
    cohort: &OpenCohort,
    actor: Option<i64>,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<()> {
    let enrolment_id = cohorts::enrol_by(c, cohort.id, expert.user_id, actor, now)?;
    diesel::update(refresher_cases::table.find(case_id))
        .set((
            refresher_cases::status.eq("enrolled"),
            refresher_cases::cohort_id.eq(cohort.id),
            refresher_cases::enrolment_id.eq(enrolment_id),
            refresher_cases::updated_at.eq(now),
        ))
        .execute(c)?;
    set_membership_status(c, expert.user_id, "in_refresher")?;
    let standing = assess(rule, expert.last_completion, expert.last_training, as_of);
    let mut ctx = reason_context(msg, rule, expert, &standing);
    ctx.insert("name", &expert.name);
    ctx.insert("cohort", &cohort.name);
    ctx.insert("course", &cohort.course);
    ctx.insert("starts_on", &cohort.starts_on.map(|d| d.to_string()));
    ctx.insert("link", &format!("{}/ryhmat/{}/", msg.base_url, cohort.id));
    queue_mail(
        c,
        msg,
        expert,
        "refresher_enrolled",
        format!("refresher:{case_id}:enrolled"),
        ctx,
        now,
    )
}

/// The facts behind a lapse, for the e-mails.
fn reason_context(
    msg: &Messaging<'_>,
    rule: Rule,
    expert: &Expert,
    standing: &Standing,
) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("last_completion", &expert.last_completion.to_string());
    ctx.insert("valid_until", &standing.competence_valid_until.to_string());
    ctx.insert("current_until", &standing.current_until.to_string());
    ctx.insert(
        "last_training",
        &expert.last_training.map(|d| d.to_string()),
    );
    ctx.insert("valid_months", &rule.competence_valid_months);
    ctx.insert("activity_months", &rule.training_activity_months);
    ctx.insert("expert_link", &format!("{}/asiantuntija", msg.base_url));
    ctx
}

fn queue_mail(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    expert: &Expert,
    template: &str,
    dedupe_key: String,
    context: tera::Context,
    now: NaiveDateTime,
) -> AppResult<()> {
    mail::queue(
        c,
        msg.templates,
        now,
        Envelope {
            to_email: &expert.email,
            to_name: &expert.name,
            language: Lang::parse(&expert.language).unwrap_or_default(),
            user_id: Some(expert.user_id),
            dedupe_key,
            template,
            context,
        },
    )?;
    Ok(())
}

/// Enrols a queued expert; `HandledElsewhere` if the case is no longer queued.
fn enrol_queued(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    rule: Rule,
    case_id: i64,
    cohort: &OpenCohort,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Action> {
    write_tx(conn, |c| {
        let row: Option<(i64, Option<NaiveDateTime>, String)> = refresher_cases::table
            .find(case_id)
            .select((
                refresher_cases::user_id,
                refresher_cases::closed_at,
                refresher_cases::status,
            ))
            .first(c)
            .optional()?;
        let Some((uid, None, status)) = row else {
            return Ok(Action::HandledElsewhere);
        };
        if status != "queued" || !has_seat(c, cohort)? {
            return Ok(Action::HandledElsewhere);
        }
        let Some(expert) = experts(c, Some(uid), as_of)?.into_iter().next() else {
            return Ok(Action::HandledElsewhere);
        };
        enrol_case_in(c, msg, rule, case_id, &expert, cohort, None, as_of, now)?;
        Ok(Action::Enrolled {
            cohort_id: cohort.id,
            cohort: cohort.name.clone(),
        })
    })
}

fn resolve(conn: &mut AnyConnection, case_id: i64, now: NaiveDateTime) -> AppResult<()> {
    write_tx(conn, |c| {
        let uid: i64 = refresher_cases::table
            .find(case_id)
            .select(refresher_cases::user_id)
            .first(c)?;
        let changed = diesel::update(
            refresher_cases::table
                .find(case_id)
                .filter(refresher_cases::status.eq("queued"))
                .filter(refresher_cases::closed_at.is_null()),
        )
        .set((
            refresher_cases::status.eq("resolved"),
            refresher_cases::updated_at.eq(now),
            refresher_cases::closed_at.eq(now),
        ))
        .execute(c)?;
        if changed > 0 {
            set_membership_status(c, uid, "active")?;
        }
        Ok(())
    })
}

fn warn(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    rule: Rule,
    expert: &Expert,
    standing: &Standing,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Action> {
    write_tx(conn, |c| {
        let inserted = insert_unless_duplicate(c, |c| {
            diesel::insert_into(lapse_warnings::table)
                .values((
                    lapse_warnings::user_id.eq(expert.user_id),
                    lapse_warnings::region_id.eq(expert.region_id),
                    lapse_warnings::county_id.eq(expert.county_id),
                    lapse_warnings::lapses_on.eq(standing.current_until),
                    lapse_warnings::warned_on.eq(as_of),
                    lapse_warnings::created_at.eq(now),
                ))
                .execute(c)
        })?;
        if inserted.is_none() {
            return Ok(Action::AlreadyWarned);
        }
        let mut ctx = reason_context(msg, rule, expert, standing);
        ctx.insert("name", &expert.name);
        ctx.insert("trained_lately", &standing.trained_lately);
        queue_mail(
            c,
            msg,
            expert,
            "lapse_warning",
            format!(
                "lapse-warning:{}:{}",
                expert.user_id, standing.current_until
            ),
            ctx,
            now,
        )?;
        Ok(Action::Warned)
    })
}

/// Enrols everyone waiting in the queue for whom a refresher cohort is now open (after a
/// coordinator creates or edits one). Returns how many were enrolled.
pub fn drain_queue(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let Some(rule) = rule(conn)? else {
        return Ok(0);
    };
    let queued: Vec<(i64, i64)> = refresher_cases::table
        .filter(refresher_cases::status.eq("queued"))
        .filter(refresher_cases::closed_at.is_null())
        .order(refresher_cases::id)
        .select((refresher_cases::id, refresher_cases::region_id))
        .load(conn)?;
    if queued.is_empty() {
        return Ok(0);
    }
    let mut cohorts = open_refresher_cohorts(conn, as_of)?;
    let mut enrolled = 0;
    for (case_id, region_id) in queued {
        let Some(target) = choose(&cohorts, region_id).cloned() else {
            continue;
        };
        if let Action::Enrolled { .. } =
            enrol_queued(conn, msg, rule, case_id, &target, as_of, now)?
        {
            enrolled += 1;
            take_seat(&mut cohorts, target.id, target.seats_left);
        }
    }
    Ok(enrolled)
}

/// Completing any course closes the expert's open case: the membership is refreshed by the
/// completion itself (in the caller's transaction).
pub fn close_on_completion(
    c: &mut AnyConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> diesel::QueryResult<usize> {
    diesel::update(
        refresher_cases::table
            .filter(refresher_cases::user_id.eq(user_id))
            .filter(refresher_cases::closed_at.is_null()),
    )
    .set((
        refresher_cases::status.eq("refreshed"),
        refresher_cases::updated_at.eq(now),
        refresher_cases::closed_at.eq(now),
    ))
    .execute(c)
}

/// Where one expert stands today, for their own page; `None` without a rule or membership.
pub fn standing_of(
    conn: &mut AnyConnection,
    user_id: i64,
    today: NaiveDate,
) -> AppResult<Option<(Rule, Expert, Standing)>> {
    let Some(rule) = rule(conn)? else {
        return Ok(None);
    };
    let Some(expert) = experts(conn, Some(user_id), today)?.into_iter().next() else {
        return Ok(None);
    };
    let standing = assess(rule, expert.last_completion, expert.last_training, today);
    Ok(Some((rule, expert, standing)))
}

/// The expert's open case, for their own page: its status and the refresher cohort.
#[derive(Debug, Clone, Serialize)]
pub struct OwnCase {
    pub status: String,
    pub cohort_id: Option<i64>,
    pub cohort: Option<String>,
}

pub fn own_case(conn: &mut AnyConnection, user_id: i64) -> AppResult<Option<OwnCase>> {
    let row: Option<(String, Option<i64>, Option<String>)> = refresher_cases::table
        .left_join(cohort_t::table.on(cohort_t::id.nullable().eq(refresher_cases::cohort_id)))
        .filter(refresher_cases::user_id.eq(user_id))
        .filter(refresher_cases::closed_at.is_null())
        .select((
            refresher_cases::status,
            refresher_cases::cohort_id,
            cohort_t::name.nullable(),
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(status, cohort_id, cohort)| OwnCase {
        status,
        cohort_id,
        cohort,
    }))
}

mod coordination;
mod daily;
mod release;
pub use coordination::*;
pub use daily::*;
pub use release::{release, Released};

#[cfg(test)]
mod tests;
