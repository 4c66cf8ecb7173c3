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

mod cases;
mod check;
mod coordination;
mod daily;
mod decisions;
mod experts;
mod open_cohorts;
mod queue;
mod release;
mod report;
mod rule;

// The refresher is called as `network::refresher::…` from the CLI, `serve`'s jobs, the web pages,
// completion, the surveys' overview and the tests: its public items stay there.
pub use self::cases::{close_on_completion, own_case, OwnCase};
pub use self::check::{check, check_counting, latest_today};
pub use self::coordination::{area, area_counts, AreaCounts, AreaView, CaseRow, WarningRow};
pub use self::daily::{last_run, run_daily, LapseJob, JOB};
pub use self::decisions::{enrol_by_hand, excuse};
pub use self::experts::{standing_of, Expert, EXPERTS_PER_READ};
pub use self::open_cohorts::{open_refresher_cohorts, OpenCohort};
pub use self::queue::drain_queue;
pub use self::release::{release, Released};
pub use self::report::{Action, Finding, Report, Tally};
pub use self::rule::{assess, rule, Rule, Standing, State, WARNING_DAYS};

#[cfg(test)]
mod tests;
