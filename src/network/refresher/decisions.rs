//! What coordinators decide: enrolling an expert of their area into a refresher cohort by hand,
//! or excusing them until a day, each with a reason kept in the audit log.

use super::cases::{enrol_case_in, insert_case, set_membership_status};
use super::experts::{expert, Expert};
use super::open_cohorts::{has_seat, open_refresher_cohorts};
use super::rule::{plus_months, rule};
use crate::accounts::{audit, Principal};
use crate::db::schema::{memberships, refresher_cases};
use crate::db::{write_tx, AnyConnection};
use crate::mail::Messaging;
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// The expert `user_id` as a coordinator may act on them: a member of an area `who` manages.
pub(super) fn expert_managed_by(
    conn: &mut AnyConnection,
    who: &Principal,
    user_id: i64,
    today: NaiveDate,
) -> AppResult<Expert> {
    let places: Vec<(i64, Option<i64>)> = memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select((memberships::region_id, memberships::county_id))
        .load(conn)?;
    let mut allowed = false;
    for (region_id, county_id) in places {
        allowed |= who.manages_region(region_id)
            || match county_id {
                Some(c) => who.manages_county(crate::network::county_place(conn, c)?),
                None => false,
            };
    }
    if !allowed {
        return Err(AppError::NotFound);
    }
    expert(conn, user_id, today)?.ok_or(AppError::NotFound)
}

/// Checks a coordinator's reason: required, at most 500 characters.
pub(super) fn reason(note: &str) -> AppResult<String> {
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::Invalid("refresher.reason_required".into()));
    }
    if note.chars().count() > 500 {
        return Err(AppError::Invalid("refresher.reason_too_long".into()));
    }
    // Line breaks are fine in a reason; other control characters (NUL, bidi overrides) are not.
    if note.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\r' && c != '\t') || crate::text::is_bidi_control(c)
    }) {
        return Err(AppError::Invalid("refresher.reason_invalid".into()));
    }
    Ok(note.to_string())
}

/// A coordinator enrols an expert of their area into an open refresher cohort by hand.
#[allow(clippy::too_many_arguments)]
pub fn enrol_by_hand(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    who: &Principal,
    user_id: i64,
    cohort_id: i64,
    note: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<()> {
    let note = reason(note)?;
    let Some(rule) = rule(conn)? else {
        return Err(AppError::Invalid("refresher.no_course".into()));
    };
    let expert = expert_managed_by(conn, who, user_id, today)?;
    let cohort = open_refresher_cohorts(conn, today)?
        .into_iter()
        .find(|c| {
            c.id == cohort_id && (c.region_id.is_none() || c.region_id == Some(expert.region_id))
        })
        .ok_or(AppError::Invalid("refresher.cohort_not_open".into()))?;
    write_tx(conn, |c| {
        let case_id = case_to_enrol(c, who, &expert, user_id, &note, today, now)?;
        if !has_seat(c, &cohort)? {
            return Err(AppError::Invalid("refresher.cohort_not_open".into()));
        }
        enrol_case_in(
            c,
            msg,
            rule,
            case_id,
            &expert,
            &cohort,
            Some(who.user_id),
            today,
            now,
        )?;
        audit::record_in(
            c,
            expert.audit_area(),
            Some(who.user_id),
            "refresher.enrol",
            &format!("user:{user_id}"),
            &format!("cohort:{}; {note}", cohort.id),
            now,
        )?;
        Ok(())
    })
}

/// The case a coordinator enrols by hand (in their transaction): the expert's open case, with
/// the coordinator's reason on it, or a new one; an expert already enrolled is a conflict.
fn case_to_enrol(
    c: &mut AnyConnection,
    who: &Principal,
    expert: &Expert,
    user_id: i64,
    note: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let open: Option<(i64, String)> = refresher_cases::table
        .filter(refresher_cases::user_id.eq(user_id))
        .filter(refresher_cases::closed_at.is_null())
        .select((refresher_cases::id, refresher_cases::status))
        .first(c)
        .optional()?;
    Ok(match open {
        Some((_, status)) if status == "enrolled" => {
            return Err(AppError::Conflict("refresher.already_enrolled".into()))
        }
        Some((id, _)) => {
            diesel::update(refresher_cases::table.find(id))
                .set((
                    refresher_cases::note.eq(note),
                    refresher_cases::decided_by.eq(who.user_id),
                ))
                .execute(c)?;
            id
        }
        None => insert_case(c, expert, "queued", today, Some(who.user_id), note, now)?
            .ok_or(AppError::Conflict("refresher.already_enrolled".into()))?,
    })
}

/// A coordinator excuses an expert of their area from the refresher until a day (parental
/// leave, a new post, …): the check leaves them be until then.
#[allow(clippy::too_many_arguments)]
pub fn excuse(
    conn: &mut AnyConnection,
    who: &Principal,
    user_id: i64,
    until: NaiveDate,
    note: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<()> {
    let note = reason(note)?;
    if until <= today || until > plus_months(today, 36) {
        return Err(AppError::Invalid("refresher.until_invalid".into()));
    }
    let expert = expert_managed_by(conn, who, user_id, today)?;
    write_tx(conn, |c| {
        let open: Option<i64> = refresher_cases::table
            .filter(refresher_cases::user_id.eq(user_id))
            .filter(refresher_cases::closed_at.is_null())
            .select(refresher_cases::id)
            .first(c)
            .optional()?;
        let case_id = match open {
            Some(id) => id,
            None => insert_case(c, &expert, "excused", today, Some(who.user_id), &note, now)?
                .ok_or(AppError::Conflict("refresher.changed".into()))?,
        };
        diesel::update(refresher_cases::table.find(case_id))
            .set((
                refresher_cases::status.eq("excused"),
                refresher_cases::excused_until.eq(until),
                refresher_cases::note.eq(&note),
                refresher_cases::decided_by.eq(who.user_id),
                refresher_cases::updated_at.eq(now),
                refresher_cases::closed_at.eq(now),
            ))
            .execute(c)?;
        set_membership_status(c, user_id, "active")?;
        audit::record_in(
            c,
            expert.audit_area(),
            Some(who.user_id),
            "refresher.excuse",
            &format!("user:{user_id}"),
            &format!("until {until}; {note}"),
            now,
        )?;
        Ok(())
    })
}
