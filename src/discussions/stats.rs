//! Figures about discussions: the trainer's desk (unanswered questions across all their
//! cohorts, oldest first with the waiting time; open reports) and, per cohort for its
//! coordinators, the number of questions, the share answered and the median time to the first
//! trainer answer.

use super::time_label;
use crate::db::schema::{cohort_trainers, cohorts, lessons, users};
use crate::db::schema_discussions::{
    discussion_posts as dp, discussion_reports as dr, discussion_threads as dt,
};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// A question waiting for its first trainer answer.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    pub thread_id: i64,
    pub title: String,
    pub cohort_id: i64,
    pub cohort_name: String,
    pub lesson_title: String,
    pub author_name: Option<String>,
    pub asked_label: String,
    /// The waiting time in whole hours, and split as days + hours.
    pub waiting_hours: i64,
    pub waiting_days: i64,
    pub waiting_rest_hours: i64,
}

type QueueRow = (
    i64,
    String,
    i64,
    String,
    String,
    Option<String>,
    NaiveDateTime,
);

/// Unanswered questions in the cohorts the user trains, oldest first.
pub fn unanswered_for(
    conn: &mut AnyConnection,
    trainer_id: i64,
    now: NaiveDateTime,
) -> AppResult<Vec<QueueItem>> {
    let rows: Vec<QueueRow> = dt::table
        .inner_join(cohorts::table)
        .inner_join(lessons::table)
        .inner_join(cohort_trainers::table.on(cohort_trainers::cohort_id.eq(dt::cohort_id)))
        .left_join(users::table.on(users::id.nullable().eq(dt::author_id)))
        .filter(cohort_trainers::user_id.eq(trainer_id))
        .filter(dt::kind.eq(super::QUESTION))
        .filter(dt::answered_at.is_null())
        .filter(dt::hidden.eq(false))
        .order((dt::created_at, dt::id))
        .limit(500)
        .select((
            dt::id,
            dt::title,
            cohorts::id,
            cohorts::name,
            lessons::title,
            users::name.nullable(),
            dt::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(thread_id, title, cohort_id, cohort_name, lesson_title, author_name, asked)| {
                let hours = (now - asked).num_hours().max(0);
                QueueItem {
                    thread_id,
                    title,
                    cohort_id,
                    cohort_name,
                    lesson_title,
                    author_name,
                    asked_label: time_label(asked),
                    waiting_hours: hours,
                    waiting_days: hours / 24,
                    waiting_rest_hours: hours % 24,
                }
            },
        )
        .collect())
}

/// A report waiting for a trainer.
#[derive(Debug, Clone, Serialize)]
pub struct ReportItem {
    pub id: i64,
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub cohort_name: String,
    pub reporter_name: Option<String>,
    pub reason: String,
    pub reported_label: String,
    pub post_excerpt: String,
    pub post_hidden: bool,
}

type ReportRow = (
    i64,
    i64,
    i64,
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
    String,
    Option<NaiveDateTime>,
);

/// Open reports about posts in the cohorts the user trains, oldest first.
pub fn open_reports_for(conn: &mut AnyConnection, trainer_id: i64) -> AppResult<Vec<ReportItem>> {
    let rows: Vec<ReportRow> = dr::table
        .inner_join(dp::table.inner_join(dt::table.inner_join(cohorts::table)))
        .inner_join(cohort_trainers::table.on(cohort_trainers::cohort_id.eq(dt::cohort_id)))
        .left_join(users::table.on(users::id.nullable().eq(dr::reporter_id)))
        .filter(cohort_trainers::user_id.eq(trainer_id))
        .filter(dr::resolved_at.is_null())
        .order(dr::id)
        .limit(500)
        .select((
            dr::id,
            dp::id,
            dt::id,
            dt::title,
            cohorts::name,
            users::name.nullable(),
            dr::reason,
            dr::created_at,
            dp::body_markdown,
            dp::hidden_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ReportItem {
            id: r.0,
            post_id: r.1,
            thread_id: r.2,
            thread_title: r.3,
            cohort_name: r.4,
            reporter_name: r.5,
            reason: r.6,
            reported_label: time_label(r.7),
            post_excerpt: super::notify::excerpt(&r.8, 200),
            post_hidden: r.9.is_some(),
        })
        .collect())
}

/// A cohort's discussions in figures.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CohortStats {
    pub questions: i64,
    pub answered: i64,
    pub unanswered: i64,
    /// Answered questions as a share of all, in whole percent.
    pub answered_percent: u32,
    /// The median time from a question to its first trainer answer, in minutes.
    pub median_minutes: Option<i64>,
    pub median_hours: i64,
    pub median_rest_minutes: i64,
    pub discussions: i64,
    pub posts: i64,
    pub open_reports: i64,
}

/// The median of some durations in minutes (the mean of the middle two for an even count).
pub fn median(mut minutes: Vec<i64>) -> Option<i64> {
    if minutes.is_empty() {
        return None;
    }
    minutes.sort_unstable();
    let n = minutes.len();
    Some(if n % 2 == 1 {
        minutes[n / 2]
    } else {
        (minutes[n / 2 - 1] + minutes[n / 2]) / 2
    })
}

pub fn cohort_stats(conn: &mut AnyConnection, cohort_id: i64) -> AppResult<CohortStats> {
    let questions: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = dt::table
        .filter(dt::cohort_id.eq(cohort_id))
        .filter(dt::kind.eq(super::QUESTION))
        .filter(dt::hidden.eq(false))
        .select((dt::created_at, dt::answered_at))
        .load(conn)?;
    let waits: Vec<i64> = questions
        .iter()
        .filter_map(|(asked, answered)| answered.map(|a| (a - *asked).num_minutes().max(0)))
        .collect();
    let total = questions.len() as i64;
    let answered = waits.len() as i64;
    let median_minutes = median(waits);
    let discussions: i64 = dt::table
        .filter(dt::cohort_id.eq(cohort_id))
        .filter(dt::kind.ne(super::QUESTION))
        .count()
        .get_result(conn)?;
    let posts: i64 = dp::table
        .inner_join(dt::table)
        .filter(dt::cohort_id.eq(cohort_id))
        .count()
        .get_result(conn)?;
    let open_reports: i64 = dr::table
        .inner_join(dp::table.inner_join(dt::table))
        .filter(dt::cohort_id.eq(cohort_id))
        .filter(dr::resolved_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(CohortStats {
        questions: total,
        answered,
        unanswered: total - answered,
        answered_percent: (answered * 100).checked_div(total).unwrap_or(0) as u32,
        median_minutes,
        median_hours: median_minutes.unwrap_or(0) / 60,
        median_rest_minutes: median_minutes.unwrap_or(0) % 60,
        discussions,
        posts,
        open_reports,
    })
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![30]), Some(30));
        assert_eq!(median(vec![90, 10, 30]), Some(30));
        assert_eq!(median(vec![10, 20, 40, 1000]), Some(30));
    }
}
