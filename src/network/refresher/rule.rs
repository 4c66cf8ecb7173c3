//! The rule: its two numbers from the refresher course, and where an expert stands on a day
//! (current, due soon or lapsed).

use crate::db::schema::courses;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;

/// How many days ahead an expert is reminded that they are about to lapse.
pub const WARNING_DAYS: i64 = 60;

/// The two numbers of the rule, from the refresher course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub competence_valid_months: u32,
    pub training_activity_months: u32,
}

/// The rule of the active refresher course; `None` when no refresher course is published.
/// A refresher's translation (`translation_of`) has the same numbers (the compiler checks),
/// so the original is read first and a translation only when it stands alone.
///
/// Which completions count: every completion of a basic or refresher course. The basic
/// course's translations are basic courses of the same structure (`courses::pairing`), so a
/// completion in either language keeps an expert current alike.
pub fn rule(conn: &mut AnyConnection) -> AppResult<Option<Rule>> {
    let row: Option<(Option<i32>, Option<i32>)> = courses::table
        .filter(courses::kind.eq("refresher"))
        .filter(courses::active.eq(true))
        .order((
            courses::translation_of.is_not_null(),
            courses::published_at.desc(),
        ))
        .select((
            courses::competence_valid_months,
            courses::training_activity_months,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((Some(valid), Some(activity))) if valid > 0 && activity > 0 => Some(Rule {
            competence_valid_months: valid as u32,
            training_activity_months: activity as u32,
        }),
        _ => None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Current,
    DueSoon,
    Lapsed,
}

/// Where an expert stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub state: State,
    /// The last day the last completion alone keeps the expert current.
    pub competence_valid_until: NaiveDate,
    /// Whether a logged training keeps the expert active on the day.
    pub trained_lately: bool,
    /// The last day the expert stays current if nothing new is logged or completed.
    pub current_until: NaiveDate,
}

pub(super) fn plus_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The rule itself. `last_training` is the latest training held on or before `as_of`.
pub fn assess(
    rule: Rule,
    last_completion: NaiveDate,
    last_training: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Standing {
    let competence_valid_until = plus_months(last_completion, rule.competence_valid_months);
    let training_until = last_training
        .filter(|t| *t <= as_of)
        .map(|t| plus_months(t, rule.training_activity_months));
    let trained_lately = training_until.is_some_and(|until| as_of <= until);
    let current_until =
        training_until.map_or(competence_valid_until, |t| t.max(competence_valid_until));
    let state = if as_of > competence_valid_until && !trained_lately {
        State::Lapsed
    } else if (current_until - as_of).num_days() <= WARNING_DAYS {
        State::DueSoon
    } else {
        State::Current
    };
    Standing {
        state,
        competence_valid_until,
        trained_lately,
        current_until,
    }
}
