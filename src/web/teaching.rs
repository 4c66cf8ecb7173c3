//! The trainer's part of the home page: the cohorts they teach, each with its trainees'
//! progress and the questions waiting for a trainer's answer.

use crate::cohorts::teaching::{self, Taught};
use crate::discussions::stats;
use crate::{AppResult, AppState};
use serde::Serialize;

/// One taught cohort with its waiting questions.
#[derive(Serialize)]
pub struct TaughtView {
    #[serde(flatten)]
    pub taught: Taught,
    pub waiting_questions: usize,
    /// The oldest waiting question's thread, to open straight away.
    pub oldest_question: Option<i64>,
}

pub async fn taught_cohorts(state: &AppState, trainer_id: i64) -> AppResult<Vec<TaughtView>> {
    let (today, now) = (state.clock.today(), state.clock.now());
    state
        .db(move |conn| {
            let cohorts = teaching::taught_by(conn, trainer_id, today)?;
            let waiting = stats::unanswered_for(conn, trainer_id, now)?;
            Ok(cohorts
                .into_iter()
                .map(|taught| {
                    let mine: Vec<_> = waiting
                        .iter()
                        .filter(|q| q.cohort_id == taught.cohort.id)
                        .collect();
                    TaughtView {
                        waiting_questions: mine.len(),
                        oldest_question: mine.first().map(|q| q.thread_id),
                        taught,
                    }
                })
                .collect())
        })
        .await
}
