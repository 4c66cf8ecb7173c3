//! The rule as a table of cases, and the choice of cohort.

use super::open_cohorts::{choose, OpenCohort};
use super::rule::{assess, Rule, State};
use chrono::NaiveDate;

const RULE: Rule = Rule {
    competence_valid_months: 36,
    training_activity_months: 12,
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The rule as a table: (last completion, last training, as of) → state.
#[test]
fn the_rule_as_a_table() {
    use State::*;
    let cases: &[(&str, Option<&str>, &str, State, &str)] = &[
        // Competence still valid: current, whatever the trainings.
        (
            "2024-03-01",
            None,
            "2025-03-01",
            Current,
            "fresh completion",
        ),
        // Exactly 36 months old on the day: not yet older than 36 months.
        (
            "2024-03-01",
            None,
            "2027-03-01",
            DueSoon,
            "valid through the exact day",
        ),
        // One day more: lapsed (no training).
        ("2024-03-01", None, "2027-03-02", Lapsed, "the day after"),
        // Old completion but a training exactly 12 months ago: just inside the window.
        (
            "2020-01-01",
            Some("2026-03-02"),
            "2027-03-02",
            DueSoon,
            "training on the window's first day",
        ),
        // A training 12 months and a day ago: just outside.
        (
            "2020-01-01",
            Some("2026-03-01"),
            "2027-03-02",
            Lapsed,
            "training a day outside",
        ),
        // A recent training keeps an old completion active.
        (
            "2020-01-01",
            Some("2027-01-15"),
            "2027-03-02",
            Current,
            "trained lately",
        ),
        // A training after the as-of day does not count.
        (
            "2020-01-01",
            Some("2027-06-01"),
            "2027-03-02",
            Lapsed,
            "training in the future",
        ),
        // Both conditions needed: old completion and no training ever.
        ("2020-01-01", None, "2027-03-02", Lapsed, "never trained"),
        // Within 60 days of going out of date, not trained: due soon.
        ("2024-03-01", None, "2027-01-01", DueSoon, "59 days before"),
        ("2024-03-01", None, "2026-12-30", Current, "61 days before"),
        ("2024-03-01", None, "2026-12-31", DueSoon, "60 days before"),
        // Month ends: 31 Jan + 36 months is the last day of January.
        (
            "2024-01-31",
            None,
            "2027-01-31",
            DueSoon,
            "month end, on the day",
        ),
        (
            "2024-01-31",
            None,
            "2027-02-01",
            Lapsed,
            "month end, the day after",
        ),
        // Leap day: 29 Feb 2024 + 36 months = 28 Feb 2027.
        (
            "2024-02-29",
            None,
            "2027-02-28",
            DueSoon,
            "leap day, on the day",
        ),
        (
            "2024-02-29",
            None,
            "2027-03-01",
            Lapsed,
            "leap day, the day after",
        ),
    ];
    for (completed, trained, as_of, want, why) in cases {
        let got = assess(RULE, d(completed), trained.map(d), d(as_of));
        assert_eq!(
            got.state, *want,
            "{why}: {completed} / {trained:?} as of {as_of}"
        );
    }
}

#[test]
fn current_until_is_the_later_of_completion_and_training() {
    let s = assess(
        RULE,
        d("2023-05-10"),
        Some(d("2026-09-01")),
        d("2026-10-01"),
    );
    assert_eq!(s.competence_valid_until, d("2026-05-10"));
    assert!(s.trained_lately);
    assert_eq!(s.current_until, d("2027-09-01"));
    assert_eq!(s.state, State::Current);
    // Due soon when that day comes within 60 days, even though trained within the year.
    let s = assess(
        RULE,
        d("2023-05-10"),
        Some(d("2026-09-01")),
        d("2027-07-15"),
    );
    assert_eq!(s.state, State::DueSoon);
}

#[test]
fn the_choice_of_cohort_prefers_the_region() {
    let c = |id, region: Option<i64>| OpenCohort {
        id,
        name: format!("c{id}"),
        course: "K".into(),
        region_id: region,
        starts_on: None,
        seats_left: None,
    };
    let open = vec![c(1, None), c(2, Some(7)), c(3, Some(8))];
    assert_eq!(choose(&open, 7).map(|c| c.id), Some(2));
    assert_eq!(choose(&open, 9).map(|c| c.id), Some(1));
    assert_eq!(choose(&open[1..], 9).map(|c| c.id), None);
}
