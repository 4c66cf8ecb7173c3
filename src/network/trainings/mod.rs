//! Trainings held: an expert plans a training in their own organisation (Helsinki date and
//! time, organisation and unit, themes, place, planned size), holds it with attendance
//! counted from participants' sign-ins ([`attendance`]), or logs one held without the app with
//! a typed number (marked *reported*, not counted). This is how the platform's reach is
//! measured, so every change here also moves the running totals ([`totals`]) in the same
//! transaction.
//!
//! - this file: the training row, drafts and their checks, plan / log / correct / delete, who
//!   may do what, and the lists the pages show;
//! - [`attendance`]: the code, the sign-ins, closing;
//! - [`totals`]: the running totals, their rebuild from the raw rows and the comparison;
//! - [`calendar`]: the iCalendar feeds;
//! - [`invite`]: inviting colleagues by e-mail;
//! - [`privacy`]: participants' names in a data download, and their erasure after the
//!   retention period.

pub mod attendance;
pub mod calendar;
pub mod invite;
pub mod privacy;
pub mod totals;

use crate::accounts::{audit, Principal};
use crate::courses::Theme;
use crate::db::schema::{counties, memberships, organisations, trainings_held, users};
use crate::db::{write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use serde::Serialize;

/// Not held yet: no sign-in, no number (not in any figure).
pub const PLANNED: &str = "planned";
/// Held: in the figures.
pub const HELD: &str = "held";
/// Participants counted from sign-ins.
pub const COUNTED: &str = "counted";
/// Participants typed by the expert (a training held without the app).
pub const REPORTED: &str = "reported";

/// The most participants one training may have (typed or counted).
pub const MAX_PARTICIPANTS: i32 = 10_000;

/// The professions participants choose from: the target groups of the trainings, social
/// welfare's documenting professions (message keys `profession.<code>`).
pub const PROFESSIONS: [&str; 9] = [
    "social-worker",
    "social-counsellor",
    "instructor",
    "practical-nurse",
    "nurse",
    "family-worker",
    "office",
    "manager",
    "other",
];

/// A training as stored.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = trainings_held)]
pub struct Training {
    pub id: i64,
    /// The expert; `None` once their account was deleted ("poistettu asiantuntija").
    pub user_id: Option<i64>,
    pub organisation_id: i64,
    /// The Helsinki day.
    pub held_on: NaiveDate,
    pub theme: String,
    pub participants: i32,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub status: String,
    pub counting: String,
    pub themes: String,
    pub unit: String,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub place: String,
    pub remote: bool,
    pub planned_size: Option<i32>,
    pub code: Option<String>,
    pub code_closed_at: Option<NaiveDateTime>,
    pub over_staff: bool,
    pub updated_at: Option<NaiveDateTime>,
}

impl Training {
    pub fn is_held(&self) -> bool {
        self.status == HELD
    }

    pub fn is_counted(&self) -> bool {
        self.counting == COUNTED
    }

    /// Every theme, in course order (older rows have only `theme`).
    pub fn theme_list(&self) -> Vec<String> {
        let list: Vec<String> = self
            .themes
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        if list.is_empty() {
            vec![self.theme.clone()]
        } else {
            list
        }
    }
}

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
        && !s
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\r' && c != '\t') || is_bidi(c))
}

fn line_ok(s: &str, max: usize) -> bool {
    text_ok(s, max) && !s.contains(['\n', '\r', '\t'])
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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
fn ordered_themes(themes: &[String]) -> Vec<&'static str> {
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

/// Who changes a training: its own expert, or a coordinator of its area (audit-logged).
#[derive(Debug, Clone)]
pub enum Actor<'a> {
    Expert(i64),
    Coordinator(&'a Principal),
}

/// Whether `who` may see and change the training (and its participants' names): the expert
/// who holds it, or a coordinator who manages its county. Returns the actor to use.
pub fn actor_for<'a>(
    conn: &mut AnyConnection,
    who: &'a Principal,
    t: &Training,
) -> AppResult<Option<Actor<'a>>> {
    if t.user_id == Some(who.user_id) {
        return Ok(Some(Actor::Expert(who.user_id)));
    }
    let county = organisation_county(conn, t.organisation_id)?;
    let place = crate::network::county_place(conn, county)?;
    Ok(who.manages_county(place).then_some(Actor::Coordinator(who)))
}

fn organisation_county(conn: &mut AnyConnection, organisation_id: i64) -> AppResult<i64> {
    Ok(organisations::table
        .find(organisation_id)
        .select(organisations::county_id)
        .first(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> AppResult<Training> {
    Ok(trainings_held::table
        .find(id)
        .select(Training::as_select())
        .first(conn)?)
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

/// Whether `n` participants are more than the organisation's staff (when its staff is known).
pub fn above_staff(conn: &mut AnyConnection, organisation_id: i64, n: i32) -> AppResult<bool> {
    let staff: i32 = organisations::table
        .find(organisation_id)
        .select(organisations::staff_count)
        .first(conn)?;
    Ok(staff > 0 && n > staff)
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

fn times(d: &Draft) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    let at = |t: Option<NaiveTime>| {
        d.held_on
            .zip(t)
            .map(|(day, t)| crate::i18n::format::from_helsinki(day.and_time(t)))
    };
    (at(d.starts), at(d.ends))
}

/// Plans a training (status planned, with its attendance code). Returns its id.
pub fn plan(
    conn: &mut AnyConnection,
    user_id: i64,
    d: &Draft,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let actor = Actor::Expert(user_id);
    if let Some(e) = validate(conn, &actor, d, Purpose::Plan, today)?.first() {
        return Err(AppError::invalid(*e));
    }
    write_tx(conn, |c| insert(c, user_id, d, PLANNED, now))
}

/// Logs a training held without the app: held, with the typed number marked reported.
pub fn log(
    conn: &mut AnyConnection,
    user_id: i64,
    d: &Draft,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let actor = Actor::Expert(user_id);
    if let Some(e) = validate(conn, &actor, d, Purpose::Log, today)?.first() {
        return Err(AppError::invalid(*e));
    }
    write_tx(conn, |c| {
        attendance::lock_organisations(c, &[d.organisation_id])?;
        let id = insert(c, user_id, d, HELD, now)?;
        totals::contribute(c, id, 1)?;
        Ok(id)
    })
}

fn insert(
    c: &mut AnyConnection,
    user_id: i64,
    d: &Draft,
    status: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let themes = ordered_themes(&d.themes);
    let (starts_at, ends_at) = times(d);
    let participants = if status == HELD {
        d.participants.unwrap_or(0)
    } else {
        0
    };
    let over = status == HELD && above_staff(c, d.organisation_id, participants)?;
    let code = if status == PLANNED {
        Some(attendance::fresh_code(c)?)
    } else {
        None
    };
    Ok(diesel::insert_into(trainings_held::table)
        .values((
            trainings_held::user_id.eq(Some(user_id)),
            trainings_held::organisation_id.eq(d.organisation_id),
            trainings_held::held_on.eq(d.held_on.unwrap_or(now.date())),
            trainings_held::theme.eq(themes.first().copied().unwrap_or("other")),
            trainings_held::themes.eq(themes.join(",")),
            trainings_held::participants.eq(participants),
            trainings_held::notes.eq(d.notes.trim()),
            trainings_held::created_at.eq(now),
            trainings_held::updated_at.eq(Some(now)),
            trainings_held::status.eq(status),
            trainings_held::counting.eq(REPORTED),
            trainings_held::unit.eq(d.unit.trim()),
            trainings_held::starts_at.eq(starts_at),
            trainings_held::ends_at.eq(ends_at),
            trainings_held::place.eq(d.place.trim()),
            trainings_held::remote.eq(d.remote),
            trainings_held::planned_size.eq(d.planned_size),
            trainings_held::code.eq(code),
            trainings_held::over_staff.eq(over),
        ))
        .returning(trainings_held::id)
        .get_result(c)?)
}

/// Corrects a training: the expert their own, a coordinator of the area any (audit-logged).
/// A counted training keeps its count (it comes from the sign-ins); a planned one given a
/// number becomes held and reported; a held, reported one gets its new number.
pub fn correct(
    conn: &mut AnyConnection,
    actor: &Actor<'_>,
    id: i64,
    d: &Draft,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<()> {
    let before = find(conn, id)?;
    let mut d = d.clone();
    if before.is_counted() && before.participants > 0 {
        if d.participants.is_some_and(|n| n != before.participants) {
            return Err(AppError::invalid("training.counted_fixed"));
        }
        d.participants = None;
    }
    let mut problems = validate(conn, actor, &d, Purpose::Correct, today)?;
    // A training may stay in its organisation even if the expert's network has moved since.
    if d.organisation_id == before.organisation_id {
        problems.retain(|p| *p != "training.organisation_invalid");
        if above_staff(conn, d.organisation_id, d.participants.unwrap_or(0))?
            && !d.confirm_over_staff
            && !problems.contains(&"training.over_staff_confirm")
        {
            problems.push("training.over_staff_confirm");
        }
    }
    if let Some(e) = problems.first() {
        return Err(AppError::invalid(*e));
    }
    if d.participants.is_some() && d.held_on.is_some_and(|day| day > today) {
        return Err(AppError::invalid("training.number_before_day"));
    }
    write_tx(conn, |c| {
        attendance::lock_organisations(c, &[before.organisation_id, d.organisation_id])?;
        let current = find(c, id)?;
        totals::contribute(c, id, -1)?;
        let themes = ordered_themes(&d.themes);
        let (starts_at, ends_at) = times(&d);
        let (status, counting, participants) = match d.participants {
            Some(n) => (HELD, REPORTED, n),
            None => (
                current.status.as_str(),
                current.counting.as_str(),
                current.participants,
            ),
        };
        let over = status == HELD && above_staff(c, d.organisation_id, participants)?;
        diesel::update(trainings_held::table.find(id))
            .set((
                trainings_held::organisation_id.eq(d.organisation_id),
                trainings_held::held_on.eq(d.held_on.unwrap_or(current.held_on)),
                trainings_held::theme.eq(themes.first().copied().unwrap_or("other")),
                trainings_held::themes.eq(themes.join(",")),
                trainings_held::participants.eq(participants),
                trainings_held::status.eq(status),
                trainings_held::counting.eq(counting),
                trainings_held::notes.eq(d.notes.trim()),
                trainings_held::unit.eq(d.unit.trim()),
                trainings_held::starts_at.eq(starts_at.or(current.starts_at)),
                trainings_held::ends_at.eq(ends_at),
                trainings_held::place.eq(d.place.trim()),
                trainings_held::remote.eq(d.remote),
                trainings_held::planned_size.eq(d.planned_size),
                trainings_held::over_staff.eq(over),
                trainings_held::updated_at.eq(Some(now)),
            ))
            .execute(c)?;
        totals::contribute(c, id, 1)?;
        if let Actor::Coordinator(p) = actor {
            audit::record(
                c,
                Some(p.user_id),
                "training.correct",
                &format!("training:{id}"),
                &format!(
                    "{} -> {} participants ({}), held on {}",
                    current.participants,
                    participants,
                    counting,
                    d.held_on.unwrap_or(current.held_on)
                ),
                now,
            )?;
        }
        Ok(())
    })
}

/// Deletes a training with its sign-ins and feedback (the expert their own, a coordinator of
/// the area any, audit-logged); the totals lose what it added.
pub fn delete(
    conn: &mut AnyConnection,
    actor: &Actor<'_>,
    id: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| {
        let t = find(c, id)?;
        attendance::lock_organisations(c, &[t.organisation_id])?;
        totals::contribute(c, id, -1)?;
        diesel::delete(trainings_held::table.find(id)).execute(c)?;
        if let Actor::Coordinator(p) = actor {
            audit::record(
                c,
                Some(p.user_id),
                "training.delete",
                &format!("training:{id}"),
                &format!(
                    "held on {}, {} participants ({}), organisation:{}",
                    t.held_on, t.participants, t.counting, t.organisation_id
                ),
                now,
            )?;
        }
        Ok(())
    })
}

/// A training on a list, with its organisation and expert.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub training: Training,
    pub organisation: String,
    pub county: String,
    /// `None`: the expert's account was deleted.
    pub expert: Option<String>,
    pub themes: Vec<String>,
}

type ListRow = (Training, String, String, Option<String>);

fn listed(rows: Vec<ListRow>) -> Vec<Listed> {
    rows.into_iter()
        .map(|(training, organisation, county, expert)| Listed {
            themes: training.theme_list(),
            training,
            organisation,
            county,
            expert,
        })
        .collect()
}

/// The expert's own trainings, newest first.
pub fn of_user(
    conn: &mut AnyConnection,
    user_id: i64,
    lang: crate::i18n::Lang,
) -> AppResult<Vec<Listed>> {
    let rows: Vec<ListRow> = trainings_held::table
        .inner_join(organisations::table.inner_join(counties::table))
        .left_join(users::table)
        .filter(trainings_held::user_id.eq(user_id))
        .order((trainings_held::held_on.desc(), trainings_held::id.desc()))
        .limit(500)
        .select((
            Training::as_select(),
            organisations::name,
            super::names::county(lang),
            users::name.nullable(),
        ))
        .load(conn)?;
    Ok(listed(rows))
}

/// Trainings of the counties from `from` on (planned or held), soonest first: the network
/// page's calendar and the feeds.
pub fn upcoming(
    conn: &mut AnyConnection,
    counties_of: &[i64],
    from: NaiveDate,
    limit: i64,
) -> AppResult<Vec<Listed>> {
    let rows: Vec<ListRow> = trainings_held::table
        .inner_join(organisations::table.inner_join(counties::table))
        .left_join(users::table)
        .filter(organisations::county_id.eq_any(counties_of))
        .filter(trainings_held::held_on.ge(from))
        .order((
            trainings_held::held_on,
            trainings_held::starts_at,
            trainings_held::id,
        ))
        .limit(limit)
        .select((
            Training::as_select(),
            organisations::name,
            counties::name_fi,
            users::name.nullable(),
        ))
        .load(conn)?;
    Ok(listed(rows))
}

/// Trainings of the counties with more participants than their organisation's staff: the
/// coordinators check these (the figures count them, flagged).
pub fn flagged(conn: &mut AnyConnection, counties_of: &[i64]) -> AppResult<Vec<Listed>> {
    let rows: Vec<ListRow> = trainings_held::table
        .inner_join(organisations::table.inner_join(counties::table))
        .left_join(users::table)
        // The column itself rather than `= true` with a bound value: only then can SQLite use
        // the partial index of the flagged trainings (a scan of every training otherwise).
        .filter(trainings_held::over_staff)
        .filter(organisations::county_id.eq_any(counties_of))
        .order(trainings_held::held_on.desc())
        .limit(100)
        .select((
            Training::as_select(),
            organisations::name,
            counties::name_fi,
            users::name.nullable(),
        ))
        .load(conn)?;
    Ok(listed(rows))
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
