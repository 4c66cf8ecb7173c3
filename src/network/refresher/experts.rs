//! The experts the check knows: each one's region, last completion and last training held, and
//! where one of them stands today.

use super::rule::{assess, rule, Rule, Standing};
use crate::accounts::audit;
use crate::db::schema::{completions, counties, memberships, regions, trainings_held, users};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::ops::RangeInclusive;

/// How many user ids the daily check reads at a time: all 60,000 experts of a national network
/// at once took 33 MB for the moment of the read (2026-12-07), a range of 2,000 ids about 1 MB.
pub const EXPERTS_PER_READ: i64 = 2_000;

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

/// The experts (active users with a membership) among the users whose ids are in `users`, one
/// row each in the order of their ids: the region of their latest membership, their last
/// completion and their last training held on or before `as_of`. Three queries whatever the
/// size of the range; one person is [`expert`], and the daily check reads the network a range
/// at a time ([`EXPERTS_PER_READ`]).
pub(super) fn experts(
    conn: &mut AnyConnection,
    users: RangeInclusive<i64>,
    as_of: NaiveDate,
) -> AppResult<Vec<Expert>> {
    let rows = membership_rows(conn, &users)?;
    let last_completion = last_completions(conn, &users)?;
    let last_training = last_trainings(conn, &users, as_of)?;

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

/// The ranges of [`EXPERTS_PER_READ`] user ids that cover every user, lowest first.
pub(super) fn id_ranges(conn: &mut AnyConnection) -> AppResult<Vec<RangeInclusive<i64>>> {
    let ids: (Option<i64>, Option<i64>) = users::table
        .select((diesel::dsl::min(users::id), diesel::dsl::max(users::id)))
        .first(conn)?;
    let (Some(lowest), Some(highest)) = ids else {
        return Ok(Vec::new());
    };
    Ok((lowest..=highest)
        .step_by(EXPERTS_PER_READ as usize)
        .map(|first| first..=first.saturating_add(EXPERTS_PER_READ - 1))
        .collect())
}

/// One expert as [`experts`] reads them; None when `user_id` is no active expert.
pub(super) fn expert(
    conn: &mut AnyConnection,
    user_id: i64,
    as_of: NaiveDate,
) -> AppResult<Option<Expert>> {
    Ok(experts(conn, user_id..=user_id, as_of)?.into_iter().next())
}

/// A membership with its person and places: user id, name, e-mail, language, region id and
/// name, county id and name, and when the membership was last refreshed.
type MembershipRow = (
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

/// The memberships of active users, each person's latest first.
fn membership_rows(
    conn: &mut AnyConnection,
    users: &RangeInclusive<i64>,
) -> AppResult<Vec<MembershipRow>> {
    Ok(memberships::table
        .inner_join(users::table)
        .inner_join(regions::table)
        .left_join(counties::table)
        .filter(users::active.eq(true))
        .filter(memberships::user_id.between(*users.start(), *users.end()))
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
        .load(conn)?)
}

/// Each person's last completion of any course.
fn last_completions(
    conn: &mut AnyConnection,
    users: &RangeInclusive<i64>,
) -> AppResult<HashMap<i64, NaiveDateTime>> {
    Ok(completions::table
        .filter(completions::user_id.between(*users.start(), *users.end()))
        .group_by(completions::user_id)
        .select((
            completions::user_id,
            diesel::dsl::max(completions::completed_at),
        ))
        .load::<(Option<i64>, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .filter_map(|(u, t)| Some((u?, t?)))
        .collect())
}

/// Each person's last training held on or before `as_of`.
fn last_trainings(
    conn: &mut AnyConnection,
    users: &RangeInclusive<i64>,
    as_of: NaiveDate,
) -> AppResult<HashMap<i64, NaiveDate>> {
    // Held trainings only (counted or reported): a planned one has trained nobody yet.
    Ok(trainings_held::table
        .filter(trainings_held::user_id.between(*users.start(), *users.end()))
        .filter(trainings_held::held_on.le(as_of))
        .filter(trainings_held::status.eq(crate::network::trainings::HELD))
        .group_by(trainings_held::user_id)
        .select((
            trainings_held::user_id,
            diesel::dsl::max(trainings_held::held_on),
        ))
        .load::<(Option<i64>, Option<NaiveDate>)>(conn)?
        .into_iter()
        .filter_map(|(u, d)| Some((u?, d?)))
        .collect())
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
    let Some(expert) = expert(conn, user_id, today)? else {
        return Ok(None);
    };
    let standing = assess(rule, expert.last_completion, expert.last_training, today);
    Ok(Some((rule, expert, standing)))
}
