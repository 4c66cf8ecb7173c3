//! The lapse check as of a day: every expert assessed, and each one's case opened, moved on or
//! closed, or a reminder sent (in a dry run: what would be done).

use super::cases::{open_case, queue_mail, reason_context};
use super::experts::{experts, id_ranges, Expert};
use super::open_cohorts::{choose, open_refresher_cohorts, take_seat, OpenCohort};
use super::queue::{enrol_queued, resolve};
use super::release;
use super::report::{Action, Finding, Report, Tally};
use super::rule::{assess, rule, Rule, Standing, State};
use crate::db::schema::{lapse_warnings, refresher_cases};
use crate::db::{insert_unless_duplicate, write_tx, AnyConnection};
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

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
    check_keeping(conn, msg, as_of, now, dry_run, true)
}

/// [`check`] for the daily job, which records only the summary: the report's tally without
/// each expert's finding. On a national dataset the findings of a first run held 4.5 MB until
/// the end of the check (thousands of names, e-mail addresses and areas).
pub fn check_counting(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Option<Report>> {
    check_keeping(conn, msg, as_of, now, false, false)
}

fn check_keeping(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    as_of: NaiveDate,
    now: NaiveDateTime,
    dry_run: bool,
    keep_findings: bool,
) -> AppResult<Option<Report>> {
    if !dry_run && as_of > latest_today(now) {
        return Err(AppError::Invalid("refresher.future_as_of".into()));
    }
    let Some(rule) = rule(conn)? else {
        return Ok(None);
    };
    let mut run = Run {
        msg,
        rule,
        as_of,
        now,
        dry_run,
        open: open_cases(conn)?,
        excused: excusals(conn, as_of)?,
        warned: warnings_sent(conn, as_of)?,
        cohorts: open_refresher_cohorts(conn, as_of)?,
    };
    let mut experts_checked = 0;
    let mut tally = Tally::default();
    let mut findings = Vec::new();
    // A range of user ids at a time, in the order of the ids as before (seats go in that order).
    for users in id_ranges(conn)? {
        for expert in experts(conn, users, as_of)? {
            experts_checked += 1;
            let standing = assess(rule, expert.last_completion, expert.last_training, as_of);
            if let Some(action) = run.act(conn, &expert, &standing)? {
                tally.add(&standing, &action);
                if keep_findings {
                    findings.push(Finding {
                        expert,
                        standing,
                        action,
                    });
                }
            }
        }
    }
    Ok(Some(Report {
        as_of,
        rule,
        dry_run,
        experts_checked,
        tally,
        findings,
    }))
}

/// The reminders already sent for a lapse on `as_of` or later: (expert, the day they lapse).
fn warnings_sent(
    conn: &mut AnyConnection,
    as_of: NaiveDate,
) -> AppResult<HashSet<(i64, NaiveDate)>> {
    Ok(lapse_warnings::table
        .filter(lapse_warnings::lapses_on.ge(as_of))
        .select((lapse_warnings::user_id, lapse_warnings::lapses_on))
        .load::<(i64, NaiveDate)>(conn)?
        .into_iter()
        .collect())
}

/// One run of the check: how it acts, and what it read before looking at anyone.
struct Run<'a, 'm> {
    msg: &'a Messaging<'m>,
    rule: Rule,
    as_of: NaiveDate,
    now: NaiveDateTime,
    dry_run: bool,
    open: HashMap<i64, OpenCase>,
    excused: HashMap<i64, NaiveDate>,
    warned: HashSet<(i64, NaiveDate)>,
    /// The refresher cohorts that take people, a seat taken off with each enrolment.
    cohorts: Vec<OpenCohort>,
}

impl Run<'_, '_> {
    /// What the check does (or would do) for one expert; `None` when there is nothing to do.
    fn act(
        &mut self,
        conn: &mut AnyConnection,
        expert: &Expert,
        standing: &Standing,
    ) -> AppResult<Option<Action>> {
        let (msg, rule, as_of, now, dry_run) =
            (self.msg, self.rule, self.as_of, self.now, self.dry_run);
        let case = self.open.get(&expert.user_id).copied();
        let action = match (standing.state, case) {
            (State::Lapsed, _) if self.excused.contains_key(&expert.user_id) => Action::Excused {
                until: self.excused[&expert.user_id],
            },
            (State::Lapsed, Some(OpenCase::Enrolled(_))) => Action::AlreadyInRefresher,
            (State::Lapsed, case) => self.enrol_or_queue(conn, expert, standing, case)?,
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
                    release::back_to_current(conn, msg, case_id, expert, now)?
                }
            }
            (State::DueSoon, _)
                if self
                    .warned
                    .contains(&(expert.user_id, standing.current_until)) =>
            {
                Action::AlreadyWarned
            }
            (State::DueSoon, _) => {
                if dry_run {
                    Action::Warned
                } else {
                    warn(conn, msg, rule, expert, standing, as_of, now)?
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(action))
    }

    /// A lapsed expert without a refresher place: enrolled into the cohort they go to (its seat
    /// taken off the list) or queued.
    fn enrol_or_queue(
        &mut self,
        conn: &mut AnyConnection,
        expert: &Expert,
        standing: &Standing,
        case: Option<OpenCase>,
    ) -> AppResult<Action> {
        let (msg, rule, as_of, now) = (self.msg, self.rule, self.as_of, self.now);
        let target = choose(&self.cohorts, expert.region_id).cloned();
        let action = if self.dry_run {
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
                    expert,
                    standing,
                    target.as_ref(),
                    as_of,
                    now,
                )?,
            }
        };
        if let (Action::Enrolled { cohort_id, .. }, Some(c)) = (&action, target) {
            take_seat(&mut self.cohorts, *cohort_id, c.seats_left);
        }
        Ok(action)
    }
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
