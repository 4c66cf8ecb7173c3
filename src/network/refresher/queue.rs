//! The queue: lapsed experts waiting for a refresher cohort, enrolled when one has a place or
//! taken out when they are current again.

use super::cases::{enrol_case_in, set_membership_status};
use super::experts::expert;
use super::open_cohorts::{choose, has_seat, open_refresher_cohorts, take_seat, OpenCohort};
use super::report::Action;
use super::rule::{rule, Rule};
use crate::db::schema::refresher_cases;
use crate::db::{write_tx, AnyConnection};
use crate::mail::Messaging;
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// Enrols a queued expert; `HandledElsewhere` if the case is no longer queued.
pub(super) fn enrol_queued(
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
        let Some(expert) = expert(c, uid, as_of)? else {
            return Ok(Action::HandledElsewhere);
        };
        enrol_case_in(c, msg, rule, case_id, &expert, cohort, None, as_of, now)?;
        Ok(Action::Enrolled {
            cohort_id: cohort.id,
            cohort: cohort.name.clone(),
        })
    })
}

pub(super) fn resolve(conn: &mut AnyConnection, case_id: i64, now: NaiveDateTime) -> AppResult<()> {
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
