//! Participants' names are personal data. They are shown only to the training's expert and
//! its area's coordinators (the pages check [`super::actor_for`]); exporting them is
//! audit-logged; they are erased after the retention period (`KIRJAAMO_ATTENDANCE_RETENTION_YEARS`,
//! default 5) counted from the training's day; and a person with an account finds their own
//! sign-ins in their data download.
//!
//! Which sign-ins are "theirs": participants sign in without an account, so the only link is
//! what they typed. A sign-in is included in an account's download when its name, normalised
//! (case and spaces), equals the account's name and the training was in the account's own
//! organisation. Without an organisation nothing is matched: a name alone would hand one
//! Maija Virtanen's sign-ins to another.

use crate::db::schema::{organisations, trainings_held, users};
use crate::db::schema_trainings::training_attendances;
use crate::db::{portable_sql, AnyConnection};
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Date, Timestamp};
use serde::Serialize;

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One of a person's own sign-ins, for their data download.
#[derive(Debug, Clone, Serialize)]
pub struct OwnSignIn {
    pub training_day: NaiveDate,
    pub organisation: String,
    pub name: String,
    pub unit: String,
    pub profession: String,
    pub signed_in_at: NaiveDateTime,
}

/// The sign-ins that match the account (see the module documentation).
pub fn for_account(conn: &mut AnyConnection, user_id: i64) -> AppResult<Vec<OwnSignIn>> {
    let (name, organisation): (String, Option<i64>) = users::table
        .find(user_id)
        .select((users::name, users::organisation_id))
        .first(conn)?;
    let Some(organisation) = organisation else {
        return Ok(Vec::new());
    };
    let wanted = normalise(&name);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(NaiveDate, String, String, String, String, NaiveDateTime)> =
        training_attendances::table
            .inner_join(trainings_held::table.inner_join(organisations::table))
            .filter(trainings_held::organisation_id.eq(organisation))
            .filter(training_attendances::erased_at.is_null())
            .order(training_attendances::id)
            .select((
                trainings_held::held_on,
                organisations::name,
                training_attendances::name,
                training_attendances::unit,
                training_attendances::profession,
                training_attendances::created_at,
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| normalise(&r.2) == wanted)
        .map(
            |(training_day, organisation, name, unit, profession, signed_in_at)| OwnSignIn {
                training_day,
                organisation,
                name,
                unit,
                profession,
                signed_in_at,
            },
        )
        .collect())
}

/// The first day whose trainings' names are kept on `today`.
pub fn keep_from(today: NaiveDate, retention_years: u32) -> NaiveDate {
    use chrono::Datelike;
    let years = i32::try_from(retention_years).unwrap_or(i32::MAX);
    today
        .with_year(today.year().saturating_sub(years))
        // 29 February of a leap year: the day after, a year that has none.
        .or_else(|| (today + chrono::Duration::days(1)).with_year(today.year() - years))
        .unwrap_or(today)
}

/// Erases the names and units of sign-ins to trainings held before the retention period:
/// the rows stay (profession and the one-way person key), so the figures and their rebuild
/// do not change. Idempotent; returns how many sign-ins were erased.
pub fn erase_expired(
    conn: &mut AnyConnection,
    retention_years: u32,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let sql = "UPDATE training_attendances SET name = '', unit = '', erased_at = ? \
               WHERE erased_at IS NULL AND training_id IN \
               (SELECT id FROM trainings_held WHERE held_on < ?)";
    Ok(diesel::sql_query(portable_sql(conn, sql))
        .bind::<Timestamp, _>(now)
        .bind::<Date, _>(keep_from(today, retention_years))
        .execute(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retention_period_counts_whole_years_back() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(keep_from(d("2026-12-06"), 5), d("2021-12-06"));
        assert_eq!(keep_from(d("2028-02-29"), 1), d("2027-03-01"));
        assert_eq!(normalise("  Maija   MEIKÄLÄINEN "), "maija meikäläinen");
    }
}

/// The erasure as a background job of `serve`: tried hourly (cheap and idempotent, so any
/// server may run it; each sign-in is erased once, on the first run after its day passes the
/// retention period).
#[derive(Clone)]
pub struct RetentionJob {
    pub pool: crate::db::DbPool,
    pub clock: crate::clock::Clock,
    pub years: u32,
}

impl RetentionJob {
    pub fn run_once(&self) -> anyhow::Result<usize> {
        let mut conn = self.pool.get()?;
        let now = self.clock.now();
        erase_expired(
            &mut conn,
            self.years,
            crate::i18n::format::helsinki_date(now),
            now,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))
    }

    pub fn spawn(self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let job = self.clone();
                match tokio::task::spawn_blocking(move || job.run_once()).await {
                    Ok(Ok(0)) => {}
                    Ok(Ok(n)) => tracing::info!(erased = n, "participants' names erased"),
                    Ok(Err(e)) => tracing::warn!(error = %e, "erasing participants' names failed"),
                    Err(e) => tracing::error!(error = %e, "erasing participants' names panicked"),
                }
            }
        })
    }
}
