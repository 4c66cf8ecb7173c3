//! A lapsed expert's case: opened (enrolled into a refresher cohort, or queued) with the e-mail
//! that tells them why, closed when they complete a course, and the open case as their own
//! page shows it.

use super::experts::Expert;
use super::open_cohorts::{has_seat, OpenCohort};
use super::report::Action;
use super::rule::{assess, Rule, Standing};
use crate::cohorts;
use crate::db::schema::{cohorts as cohort_t, memberships, refresher_cases};
use crate::db::{insert_unless_duplicate, write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

pub(super) fn set_membership_status(
    conn: &mut AnyConnection,
    user_id: i64,
    status: &str,
) -> diesel::QueryResult<usize> {
    diesel::update(memberships::table.filter(memberships::user_id.eq(user_id)))
        .set(memberships::status.eq(status))
        .execute(conn)
}

/// Opens the expert's case: enrolled into `target`, or queued. `Ok(HandledElsewhere)` when
/// another check opened it first (the unique index on open cases decides).
#[allow(clippy::too_many_arguments)]
pub(super) fn open_case(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    rule: Rule,
    expert: &Expert,
    standing: &Standing,
    target: Option<&OpenCohort>,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Action> {
    write_tx(conn, |c| {
        let Some(case_id) = insert_case(c, expert, "queued", as_of, None, "", now)? else {
            return Ok(Action::HandledElsewhere);
        };
        if let Some(cohort) = target.filter(|t| has_seat(c, t).unwrap_or(false)) {
            enrol_case_in(c, msg, rule, case_id, expert, cohort, None, as_of, now)?;
            return Ok(Action::Enrolled {
                cohort_id: cohort.id,
                cohort: cohort.name.clone(),
            });
        }
        set_membership_status(c, expert.user_id, "lapsed")?;
        let mut ctx = reason_context(msg, rule, expert, standing);
        ctx.insert("name", &expert.name);
        queue_mail(
            c,
            msg,
            expert,
            "refresher_queued",
            format!("refresher:{case_id}:queued"),
            ctx,
            now,
        )?;
        Ok(Action::Queued)
    })
}

pub(super) fn insert_case(
    c: &mut AnyConnection,
    expert: &Expert,
    status: &str,
    as_of: NaiveDate,
    decided_by: Option<i64>,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<Option<i64>> {
    Ok(insert_unless_duplicate(c, |c| {
        diesel::insert_into(refresher_cases::table)
            .values((
                refresher_cases::user_id.eq(expert.user_id),
                refresher_cases::region_id.eq(expert.region_id),
                refresher_cases::county_id.eq(expert.county_id),
                refresher_cases::status.eq(status),
                refresher_cases::found_on.eq(as_of),
                refresher_cases::last_completion_on.eq(expert.last_completion),
                refresher_cases::last_training_on.eq(expert.last_training),
                refresher_cases::note.eq(note),
                refresher_cases::decided_by.eq(decided_by),
                refresher_cases::created_at.eq(now),
                refresher_cases::updated_at.eq(now),
            ))
            .returning(refresher_cases::id)
            .get_result::<i64>(c)
    })?)
}

/// Enrols the expert of an open case into the cohort and tells them (in the caller's tx).
#[allow(clippy::too_many_arguments)]
pub(super) fn enrol_case_in(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    rule: Rule,
    case_id: i64,
    expert: &Expert,
    cohort: &OpenCohort,
    actor: Option<i64>,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<()> {
    let enrolment_id = cohorts::enrol_by(c, cohort.id, expert.user_id, actor, now)?;
    diesel::update(refresher_cases::table.find(case_id))
        .set((
            refresher_cases::status.eq("enrolled"),
            refresher_cases::cohort_id.eq(cohort.id),
            refresher_cases::enrolment_id.eq(enrolment_id),
            refresher_cases::updated_at.eq(now),
        ))
        .execute(c)?;
    set_membership_status(c, expert.user_id, "in_refresher")?;
    let standing = assess(rule, expert.last_completion, expert.last_training, as_of);
    let mut ctx = reason_context(msg, rule, expert, &standing);
    ctx.insert("name", &expert.name);
    ctx.insert("cohort", &cohort.name);
    ctx.insert("course", &cohort.course);
    ctx.insert("starts_on", &cohort.starts_on.map(|d| d.to_string()));
    ctx.insert("link", &format!("{}/ryhmat/{}/", msg.base_url, cohort.id));
    queue_mail(
        c,
        msg,
        expert,
        "refresher_enrolled",
        format!("refresher:{case_id}:enrolled"),
        ctx,
        now,
    )
}

/// The facts behind a lapse, for the e-mails.
pub(super) fn reason_context(
    msg: &Messaging<'_>,
    rule: Rule,
    expert: &Expert,
    standing: &Standing,
) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("last_completion", &expert.last_completion.to_string());
    ctx.insert("valid_until", &standing.competence_valid_until.to_string());
    ctx.insert("current_until", &standing.current_until.to_string());
    ctx.insert(
        "last_training",
        &expert.last_training.map(|d| d.to_string()),
    );
    ctx.insert("valid_months", &rule.competence_valid_months);
    ctx.insert("activity_months", &rule.training_activity_months);
    ctx.insert("expert_link", &format!("{}/asiantuntija", msg.base_url));
    ctx
}

pub(super) fn queue_mail(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    expert: &Expert,
    template: &str,
    dedupe_key: String,
    context: tera::Context,
    now: NaiveDateTime,
) -> AppResult<()> {
    mail::queue(
        c,
        msg.templates,
        now,
        Envelope {
            to_email: &expert.email,
            to_name: &expert.name,
            language: Lang::parse(&expert.language).unwrap_or_default(),
            user_id: Some(expert.user_id),
            dedupe_key,
            template,
            context,
        },
    )?;
    Ok(())
}

/// Completing any course closes the expert's open case: the membership is refreshed by the
/// completion itself (in the caller's transaction).
pub fn close_on_completion(
    c: &mut AnyConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> diesel::QueryResult<usize> {
    diesel::update(
        refresher_cases::table
            .filter(refresher_cases::user_id.eq(user_id))
            .filter(refresher_cases::closed_at.is_null()),
    )
    .set((
        refresher_cases::status.eq("refreshed"),
        refresher_cases::updated_at.eq(now),
        refresher_cases::closed_at.eq(now),
    ))
    .execute(c)
}

/// The expert's open case, for their own page: its status and the refresher cohort.
#[derive(Debug, Clone, Serialize)]
pub struct OwnCase {
    pub status: String,
    pub cohort_id: Option<i64>,
    pub cohort: Option<String>,
}

pub fn own_case(conn: &mut AnyConnection, user_id: i64) -> AppResult<Option<OwnCase>> {
    let row: Option<(String, Option<i64>, Option<String>)> = refresher_cases::table
        .left_join(cohort_t::table.on(cohort_t::id.nullable().eq(refresher_cases::cohort_id)))
        .filter(refresher_cases::user_id.eq(user_id))
        .filter(refresher_cases::closed_at.is_null())
        .select((
            refresher_cases::status,
            refresher_cases::cohort_id,
            cohort_t::name.nullable(),
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(status, cohort_id, cohort)| OwnCase {
        status,
        cohort_id,
        cohort,
    }))
}
