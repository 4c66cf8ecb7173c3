//! What the check found and did: an action per expert, and the report the CLI prints and the
//! daily job records.

use super::experts::Expert;
use super::rule::{Rule, Standing, State};
use chrono::NaiveDate;
use serde::Serialize;

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
    /// What the summary counts, for every finding.
    pub tally: Tally,
    /// Each expert's finding, when the check was asked to keep them (`check`, for the CLI's
    /// listing); the daily job keeps only the tally (`check_counting`).
    pub findings: Vec<Finding>,
}

/// How many experts had each kind of finding: what the summary line says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub lapsed: usize,
    pub enrolled: usize,
    pub queued: usize,
    pub still_queued: usize,
    pub already_in_refresher: usize,
    pub excused: usize,
    pub reminded: usize,
    pub current_again: usize,
}

impl Tally {
    pub fn add(&mut self, standing: &Standing, action: &Action) {
        if standing.state == State::Lapsed {
            self.lapsed += 1;
        }
        let count = match action {
            Action::Enrolled { .. } => &mut self.enrolled,
            Action::Queued => &mut self.queued,
            Action::StillQueued => &mut self.still_queued,
            Action::AlreadyInRefresher => &mut self.already_in_refresher,
            Action::Excused { .. } => &mut self.excused,
            Action::Warned => &mut self.reminded,
            Action::Resolved | Action::BackToCurrent { .. } => &mut self.current_again,
            Action::AlreadyWarned | Action::HandledElsewhere => return,
        };
        *count += 1;
    }
}

impl Report {
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
            out.push(self.finding_line(f));
        }
        out.push(if self.dry_run {
            format!("Would do: {}", self.summary())
        } else {
            self.summary()
        });
        out
    }

    /// One expert's line: who, where, why, and what was (or would be) done.
    fn finding_line(&self, f: &Finding) -> String {
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
                    e.last_completion, f.standing.competence_valid_until, f.standing.current_until
                ),
            ),
        };
        let action = self.action_text(&f.action);
        format!(
            "{label} {} <{}> ({place}): {why} -> {action}",
            e.name, e.email
        )
    }

    /// What was done, or in a dry run what would be.
    fn action_text(&self, action: &Action) -> String {
        let would = |done: &str, would: &str| {
            if self.dry_run {
                would.to_string()
            } else {
                done.to_string()
            }
        };
        match action {
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
        }
    }

    /// One line for logs and the job record.
    pub fn summary(&self) -> String {
        let t = &self.tally;
        format!(
            "{} experts checked; {} lapsed: {} enrolled, {} queued ({} waiting from before), \
             {} already in refresher, {} excused; {} reminded; {} back to current",
            self.experts_checked,
            t.lapsed,
            t.enrolled,
            t.queued,
            t.still_queued,
            t.already_in_refresher,
            t.excused,
            t.reminded,
            t.current_again,
        )
    }
}
