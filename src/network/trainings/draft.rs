//! A training as the expert (or a coordinator correcting it) writes it, and its checks: those
//! that need no database, and the organisation and staff checks that do.

use super::training::{above_staff, Actor, MAX_PARTICIPANTS};
use crate::courses::Theme;
use crate::db::schema::{memberships, organisations};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

/// A training as the expert (or a coordinator correcting it) writes it.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub organisation_id: i64,
    pub unit: String,
    pub held_on: Option<NaiveDate>,
    /// Helsinki wall-clock times.
    pub starts: Option<NaiveTime>,
    pub ends: Option<NaiveTime>,
    pub themes: Vec<String>,
    pub place: String,
    pub remote: bool,
    pub planned_size: Option<i32>,
    pub notes: String,
    /// A typed number (for a training held without the app); `None` for a plan.
    pub participants: Option<i32>,
    /// The expert confirmed a number above the organisation's staff.
    pub confirm_over_staff: bool,
}

/// What a draft is for: planning ahead, logging one already held, or correcting a stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Plan,
    Log,
    Correct,
}

fn text_ok(s: &str, max: usize) -> bool {
    s.chars().count() <= max
        && !s.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\r' && c != '\t')
                || crate::text::is_bidi_control(c)
        })
}

fn line_ok(s: &str, max: usize) -> bool {
    text_ok(s, max) && !s.contains(['\n', '\r', '\t'])
}

/// Problems with a draft that need no database, as message keys.
pub fn check_draft(d: &Draft, purpose: Purpose, today: NaiveDate) -> Vec<&'static str> {
    let mut errors = Vec::new();
    let earliest = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or(today);
    let latest = today + chrono::Duration::days(731);
    match (d.held_on, purpose) {
        (None, _) => errors.push("training.date_invalid"),
        (Some(day), Purpose::Plan) if day < today || day > latest => {
            errors.push("training.plan_date_invalid")
        }
        (Some(day), Purpose::Log) if day > today || day < earliest => {
            errors.push("training.date_invalid")
        }
        (Some(day), Purpose::Correct) if day < earliest || day > latest => {
            errors.push("training.date_invalid")
        }
        _ => {}
    }
    if purpose == Purpose::Plan && d.starts.is_none() {
        errors.push("training.start_invalid");
    }
    if let (Some(s), Some(e)) = (d.starts, d.ends) {
        if e <= s {
            errors.push("training.end_invalid");
        }
    }
    if d.themes.is_empty()
        || d.themes.len() > 5
        || d.themes.iter().any(|t| Theme::parse(t).is_none())
    {
        errors.push("training.theme_invalid");
    }
    if let Some(p) = d.participants {
        if !(1..=MAX_PARTICIPANTS).contains(&p) {
            errors.push("training.participants_invalid");
        }
    } else if purpose == Purpose::Log {
        errors.push("training.participants_invalid");
    }
    if d.planned_size
        .is_some_and(|n| !(1..=MAX_PARTICIPANTS).contains(&n))
    {
        errors.push("training.size_invalid");
    }
    if !line_ok(d.unit.trim(), 200) {
        errors.push("training.unit_invalid");
    }
    if !line_ok(d.place.trim(), 200) {
        errors.push("training.place_invalid");
    }
    if !text_ok(&d.notes, 2000) {
        errors.push("training.notes_invalid");
    }
    errors
}

/// The themes in course order, each once.
pub(super) fn ordered_themes(themes: &[String]) -> Vec<&'static str> {
    Theme::all()
        .iter()
        .map(|t| t.as_str())
        .filter(|t| themes.iter().any(|x| x == t))
        .collect()
}

/// The organisations an expert may plan and log trainings for: those of the counties of
/// their memberships.
pub fn organisation_choices(
    conn: &mut AnyConnection,
    user_id: i64,
) -> AppResult<Vec<(i64, String)>> {
    let counties: Vec<Option<i64>> = memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::county_id)
        .load(conn)?;
    let counties: Vec<i64> = counties.into_iter().flatten().collect();
    Ok(organisations::table
        .filter(organisations::county_id.eq_any(&counties))
        .filter(organisations::active.eq(true))
        .order(organisations::name)
        .select((organisations::id, organisations::name))
        .load(conn)?)
}

/// Problems that need the database: the organisation (the expert's own counties; for a
/// coordinator, a county they manage) and a number above the organisation's staff without
/// the confirmation.
fn check_with_database(
    conn: &mut AnyConnection,
    actor: &Actor<'_>,
    d: &Draft,
) -> AppResult<Vec<&'static str>> {
    let mut errors = Vec::new();
    let allowed = match actor {
        Actor::Expert(uid) => organisation_choices(conn, *uid)?
            .iter()
            .any(|(id, _)| *id == d.organisation_id),
        Actor::Coordinator(p) => match organisations::table
            .find(d.organisation_id)
            .select(organisations::county_id)
            .first::<i64>(conn)
            .optional()?
        {
            Some(county) => p.manages_county(crate::network::county_place(conn, county)?),
            None => false,
        },
    };
    if !allowed {
        errors.push("training.organisation_invalid");
        return Ok(errors);
    }
    if let Some(n) = d.participants {
        if above_staff(conn, d.organisation_id, n)? && !d.confirm_over_staff {
            errors.push("training.over_staff_confirm");
        }
    }
    Ok(errors)
}

/// Every problem with a draft, as message keys (empty: fine).
pub fn validate(
    conn: &mut AnyConnection,
    actor: &Actor<'_>,
    d: &Draft,
    purpose: Purpose,
    today: NaiveDate,
) -> AppResult<Vec<&'static str>> {
    let mut errors = check_draft(d, purpose, today);
    errors.extend(check_with_database(conn, actor, d)?);
    Ok(errors)
}

pub(super) fn times(d: &Draft) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    let at = |t: Option<NaiveTime>| {
        d.held_on
            .zip(t)
            .map(|(day, t)| crate::i18n::format::from_helsinki(day.and_time(t)))
    };
    (at(d.starts), at(d.ends))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn draft() -> Draft {
        Draft {
            organisation_id: 1,
            held_on: Some(day("2026-12-10")),
            starts: NaiveTime::from_hms_opt(9, 0, 0),
            ends: NaiveTime::from_hms_opt(10, 0, 0),
            themes: vec!["structured".into(), "client-centred".into()],
            ..Draft::default()
        }
    }

    #[test]
    fn a_plan_needs_a_day_ahead_a_start_and_a_known_theme() {
        let today = day("2026-12-06");
        assert!(check_draft(&draft(), Purpose::Plan, today).is_empty());
        let mut d = draft();
        d.held_on = Some(day("2026-12-05"));
        d.starts = None;
        d.themes = vec!["astrology".into()];
        assert_eq!(
            check_draft(&d, Purpose::Plan, today),
            vec![
                "training.plan_date_invalid",
                "training.start_invalid",
                "training.theme_invalid"
            ]
        );
        let mut d = draft();
        d.ends = NaiveTime::from_hms_opt(8, 0, 0);
        assert_eq!(
            check_draft(&d, Purpose::Plan, today),
            vec!["training.end_invalid"]
        );
    }

    #[test]
    fn a_log_needs_a_past_day_and_a_number_in_range() {
        let today = day("2026-12-06");
        let mut d = draft();
        d.held_on = Some(day("2026-12-01"));
        assert_eq!(
            check_draft(&d, Purpose::Log, today),
            vec!["training.participants_invalid"]
        );
        d.participants = Some(10_001);
        assert_eq!(
            check_draft(&d, Purpose::Log, today),
            vec!["training.participants_invalid"]
        );
        d.participants = Some(12);
        d.unit = "Kotihoito\u{202e}".into();
        assert_eq!(
            check_draft(&d, Purpose::Log, today),
            vec!["training.unit_invalid"]
        );
    }

    #[test]
    fn themes_are_kept_in_course_order() {
        assert_eq!(
            ordered_themes(&["secondary-use".into(), "client-centred".into()]),
            vec!["client-centred", "secondary-use"]
        );
    }
}
