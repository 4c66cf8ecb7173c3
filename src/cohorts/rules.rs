//! The rules of a cohort's dates and phases: the end after the start, the application window
//! closing before the start, a start in the past only when confirmed; which phase a cohort is
//! in on a given day, whether it takes applications and whether its lessons are open.

use super::cohort::{Cohort, NewCohort};
use chrono::NaiveDate;
use serde::Serialize;

/// Where a cohort is in its life on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Cancelled by a coordinator: never offered, its people were told.
    Cancelled,
    /// Over and put away by a coordinator.
    Archived,
    /// Not started yet (or no start date: continuous intake).
    Upcoming,
    Running,
    /// Its end date has passed; it may be archived.
    Ended,
}

impl Cohort {
    pub fn phase(&self, today: NaiveDate) -> Phase {
        if self.cancelled_at.is_some() {
            Phase::Cancelled
        } else if self.archived_at.is_some() {
            Phase::Archived
        } else if self.ends_on.is_some_and(|e| e < today) {
            Phase::Ended
        } else if self.starts_on.is_some_and(|s| s <= today) {
            Phase::Running
        } else {
            Phase::Upcoming
        }
    }

    /// Applications are taken when a window is set, today is inside it, and the cohort is
    /// neither cancelled, archived, started nor over. A window left open-ended closes when the
    /// cohort starts.
    pub fn open_for_applications(&self, today: NaiveDate) -> bool {
        if self.phase(today) != Phase::Upcoming {
            return false;
        }
        match (self.applications_open_on, self.applications_close_on) {
            (Some(open), Some(close)) => open <= today && today <= close,
            (Some(open), None) => open <= today,
            _ => false,
        }
    }

    /// Whether trainees may study the lessons today; `None` when they may, else the day the
    /// lessons open.
    pub fn lessons_open_on(&self, today: NaiveDate) -> Option<NaiveDate> {
        crate::learning::lessons_open_on(self.starts_on, self.lessons_open_at_start, today)
    }

    /// The day a certificate of this cohort carries when earned `today`: never before the
    /// cohort started.
    pub fn certificate_date(&self, today: NaiveDate) -> NaiveDate {
        match self.starts_on {
            Some(start) if start > today => start,
            _ => today,
        }
    }
}

/// What always holds for a cohort's settings; every problem as a message key.
pub fn validate_settings(c: &NewCohort<'_>) -> Vec<&'static str> {
    let mut errors = Vec::new();
    let name = c.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        errors.push("cohort.name_invalid");
    }
    if matches!((c.starts_on, c.ends_on), (Some(s), Some(e)) if e <= s) {
        errors.push("cohort.ends_before_start");
    }
    if c.ends_on.is_some() && c.starts_on.is_none() {
        errors.push("cohort.end_without_start");
    }
    if matches!((c.applications_open_on, c.applications_close_on), (Some(o), Some(cl)) if cl < o) {
        errors.push("cohort.window_invalid");
    }
    if c.applications_close_on.is_some() && c.applications_open_on.is_none() {
        errors.push("cohort.window_invalid");
    }
    let window_end = c.applications_close_on.or(c.applications_open_on);
    if matches!((window_end, c.starts_on), (Some(w), Some(s)) if w >= s) {
        errors.push("cohort.window_after_start");
    }
    if c.lessons_open_at_start && c.starts_on.is_none() {
        errors.push("cohort.lessons_need_start");
    }
    if c.capacity.is_some_and(|n| !(1..=10_000).contains(&n)) {
        errors.push("cohort.capacity_invalid");
    }
    if !(0..=1_000).contains(&c.work_hours) {
        errors.push("cohort.work_hours_invalid");
    }
    if c.description.chars().count() > 5_000 {
        errors.push("cohort.description_invalid");
    }
    errors
}

/// The settings as a coordinator saves them: [`validate_settings`], and a start before today
/// only with `past_start_confirmed` (asked when the cohort is new or its start was moved).
pub fn validate(
    c: &NewCohort<'_>,
    today: NaiveDate,
    previous_start: Option<Option<NaiveDate>>,
    past_start_confirmed: bool,
) -> Vec<&'static str> {
    let mut errors = validate_settings(c);
    let start_changed = previous_start.is_none_or(|before| before != c.starts_on);
    if start_changed && c.starts_on.is_some_and(|s| s < today) && !past_start_confirmed {
        errors.push("cohort.start_in_past");
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn settings<'a>(starts: &str, ends: &str, open: &str, close: &str) -> NewCohort<'a> {
        let opt = |s: &str| (!s.is_empty()).then(|| d(s));
        NewCohort {
            course_id: 1,
            name: "Kevät 2027",
            starts_on: opt(starts),
            ends_on: opt(ends),
            applications_open_on: opt(open),
            applications_close_on: opt(close),
            work_hours: 20,
            ..Default::default()
        }
    }

    #[test]
    fn dates_must_follow_each_other() {
        let ok = settings("2027-02-01", "2027-03-01", "2026-12-01", "2027-01-15");
        assert!(validate_settings(&ok).is_empty());
        let same_day = settings("2027-02-01", "2027-02-01", "", "");
        assert_eq!(validate_settings(&same_day), ["cohort.ends_before_start"]);
        let late_window = settings("2027-02-01", "2027-03-01", "2026-12-01", "2027-02-01");
        assert_eq!(
            validate_settings(&late_window),
            ["cohort.window_after_start"]
        );
        let open_after_start = settings("2027-02-01", "2027-03-01", "2027-02-02", "");
        assert_eq!(
            validate_settings(&open_after_start),
            ["cohort.window_after_start"]
        );
        // Continuous intake: no dates at all is fine.
        assert!(validate_settings(&settings("", "", "2026-12-01", "")).is_empty());
    }

    #[test]
    fn a_start_in_the_past_needs_confirming_when_set() {
        let today = d("2026-12-06");
        let past = settings("2026-12-01", "2027-01-01", "", "");
        assert_eq!(
            validate(&past, today, None, false),
            ["cohort.start_in_past"]
        );
        assert!(validate(&past, today, None, true).is_empty());
        // Editing a running cohort without moving its start asks nothing.
        assert!(validate(&past, today, Some(Some(d("2026-12-01"))), false).is_empty());
        assert_eq!(
            validate(&past, today, Some(Some(d("2026-12-02"))), false),
            ["cohort.start_in_past"]
        );
    }

    fn cohort(starts: Option<&str>, ends: Option<&str>) -> Cohort {
        Cohort {
            id: 1,
            course_id: 1,
            name: "K".into(),
            region_id: None,
            starts_on: starts.map(d),
            ends_on: ends.map(d),
            created_at: d("2026-11-01").and_hms_opt(0, 0, 0).unwrap(),
            capacity: None,
            applications_open_on: Some(d("2026-11-01")),
            applications_close_on: None,
            manager_approval_required: false,
            work_hours: 20,
            description: String::new(),
            cancelled_at: None,
            cancel_reason: String::new(),
            archived_at: None,
            lessons_open_at_start: true,
        }
    }

    #[test]
    fn phases_applications_and_lessons_follow_the_dates() {
        let c = cohort(Some("2026-12-10"), Some("2027-01-10"));
        assert_eq!(c.phase(d("2026-12-06")), Phase::Upcoming);
        assert!(c.open_for_applications(d("2026-12-06")));
        assert_eq!(c.lessons_open_on(d("2026-12-06")), Some(d("2026-12-10")));
        assert_eq!(c.certificate_date(d("2026-12-06")), d("2026-12-10"));
        assert_eq!(c.phase(d("2026-12-10")), Phase::Running);
        assert!(!c.open_for_applications(d("2026-12-10")));
        assert_eq!(c.lessons_open_on(d("2026-12-10")), None);
        assert_eq!(c.phase(d("2027-01-11")), Phase::Ended);
        assert!(!c.open_for_applications(d("2027-01-11")));
        let mut cancelled = c.clone();
        cancelled.cancelled_at = Some(d("2026-12-01").and_hms_opt(0, 0, 0).unwrap());
        assert_eq!(cancelled.phase(d("2026-12-06")), Phase::Cancelled);
        assert!(!cancelled.open_for_applications(d("2026-12-06")));
        // No start date: continuous intake, lessons always open.
        let open = cohort(None, None);
        assert!(open.open_for_applications(d("2030-01-01")));
        assert_eq!(open.lessons_open_on(d("2026-12-06")), None);
    }
}
