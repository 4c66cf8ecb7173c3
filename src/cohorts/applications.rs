//! Applications: a person applies to an open cohort, confirms their e-mail address from a
//! link, their manager approves the work time from a signed link (when the cohort asks for
//! it), and a coordinator accepts, declines or waitlists them. Accepting creates the account
//! (or reuses one), enrols, and sends a set-your-password link. Seats freed later go to the
//! waitlist in order.

use super::cohort::{find, Cohort};
use super::enrolments::{enrol_by, seats_taken};
use crate::accounts::{self, tokens, NewAccount};
use crate::db::schema::{applications, counties, courses, memberships, organisations, users};
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::network::{self, names, NewOrganisation};
use crate::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

pub const CONFIRM_PURPOSE: &str = "confirm-application";
pub const MANAGER_PURPOSE: &str = "manager-approval";
pub const CONFIRM_DAYS: i64 = 7;
pub const MANAGER_DAYS: i64 = 14;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = applications)]
pub struct Application {
    pub id: i64,
    pub cohort_id: i64,
    pub name: String,
    pub email: String,
    pub language: String,
    pub organisation_id: Option<i64>,
    pub organisation_other: Option<String>,
    pub county_id: Option<i64>,
    pub manager_name: String,
    pub manager_email: String,
    pub motivation: String,
    pub email_confirmed_at: Option<NaiveDateTime>,
    pub manager_decision: Option<String>,
    pub manager_decided_at: Option<NaiveDateTime>,
    pub manager_note: String,
    pub decision: String,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub waitlisted_at: Option<NaiveDateTime>,
    pub user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl Application {
    /// Ready for the coordinator: the address confirmed and, where asked, the manager's yes.
    pub fn ready(&self, cohort: &Cohort) -> bool {
        self.email_confirmed_at.is_some()
            && (!cohort.manager_approval_required
                || self.manager_decision.as_deref() == Some("approved"))
    }
}

pub fn find_application(conn: &mut AnyConnection, id: i64) -> AppResult<Application> {
    Ok(applications::table
        .find(id)
        .select(Application::as_select())
        .first(conn)?)
}

/// The application a signed link was made for: 404 when it is gone, or when its id now belongs
/// to a later application (SQLite may reuse the id of a deleted row).
pub fn find_linked(conn: &mut AnyConnection, link: (i64, i64)) -> AppResult<Application> {
    let app = find_application(conn, link.0)?;
    if stamp(app.created_at) == link.1 {
        Ok(app)
    } else {
        Err(AppError::NotFound)
    }
}

fn stamp(created_at: NaiveDateTime) -> i64 {
    created_at.and_utc().timestamp_micros()
}

/// The application form as submitted.
#[derive(Debug, Clone, Default)]
pub struct ApplicationForm {
    pub name: String,
    pub email: String,
    pub language: Lang,
    pub organisation_id: Option<i64>,
    pub organisation_other: String,
    pub county_id: Option<i64>,
    pub manager_name: String,
    pub manager_email: String,
    pub motivation: String,
}

/// The organisations an applicant may choose: those of the cohort's region (a national cohort:
/// all), with their county (named in `lang`), by county and name.
pub fn organisation_choices(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    lang: Lang,
) -> AppResult<Vec<(i64, String, i64, String)>> {
    let q = organisations::table
        .inner_join(counties::table)
        .filter(organisations::active.eq(true))
        .order((names::county(lang), organisations::name))
        .into_boxed();
    let q = match cohort.region_id {
        Some(r) if !is_national_region(conn, r)? => q.filter(counties::region_id.eq(r)),
        _ => q,
    };
    Ok(q.select((
        organisations::id,
        organisations::name,
        counties::id,
        names::county(lang),
    ))
    .load(conn)?)
}

/// The counties an applicant naming a missing organisation may choose from.
pub fn county_choices(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    lang: Lang,
) -> AppResult<Vec<(i64, String)>> {
    let q = counties::table.order(names::county(lang)).into_boxed();
    let q = match cohort.region_id {
        Some(r) if !is_national_region(conn, r)? => q.filter(counties::region_id.eq(r)),
        _ => q,
    };
    Ok(q.select((counties::id, names::county(lang))).load(conn)?)
}

fn is_national_region(conn: &mut AnyConnection, region_id: i64) -> AppResult<bool> {
    use crate::db::schema::regions;
    Ok(regions::table
        .find(region_id)
        .select(regions::national)
        .first(conn)?)
}

/// Checks the form; every problem as a message key.
pub fn validate(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    f: &ApplicationForm,
) -> AppResult<Vec<&'static str>> {
    let mut errors = Vec::new();
    if accounts::clean_name(&f.name).is_err() {
        errors.push("form.name_invalid");
    }
    let email = accounts::normalize_email(&f.email);
    if email.is_err() {
        errors.push("form.email_invalid");
    }
    let other = f.organisation_other.trim();
    match (f.organisation_id, other.is_empty()) {
        (Some(id), true) => {
            if !organisation_choices(conn, cohort, Lang::Fi)?
                .iter()
                .any(|o| o.0 == id)
            {
                errors.push("application.organisation_invalid");
            }
        }
        (None, false) => {
            if other.chars().count() > 200 || other.chars().any(char::is_control) {
                errors.push("organisation.name_invalid");
            }
            if !f.county_id.is_some_and(|c| {
                county_choices(conn, cohort, Lang::Fi)
                    .map(|cs| cs.iter().any(|x| x.0 == c))
                    .unwrap_or(false)
            }) {
                errors.push("application.county_invalid");
            }
        }
        _ => errors.push("application.organisation_choose"),
    }
    if cohort.manager_approval_required {
        if accounts::clean_name(&f.manager_name).is_err() {
            errors.push("application.manager_name_invalid");
        }
        match accounts::normalize_email(&f.manager_email) {
            Err(_) => errors.push("application.manager_email_invalid"),
            Ok(m) if email.as_ref().is_ok_and(|e| *e == m) => {
                errors.push("application.manager_is_applicant")
            }
            Ok(_) => {}
        }
    }
    if f.motivation.chars().count() > 2000 {
        errors.push("application.motivation_invalid");
    }
    Ok(errors)
}

/// A signed link to an application, naming it by id and creation time (see [`find_linked`]).
fn signed_link(
    msg: &Messaging<'_>,
    path: &str,
    purpose: &str,
    app: (i64, NaiveDateTime),
    until: NaiveDateTime,
) -> String {
    let token = tokens::sign(
        msg.secret,
        purpose,
        &format!("application:{}:{}", app.0, stamp(app.1)),
        until.and_utc().timestamp(),
    );
    format!("{}/{path}/{token}", msg.base_url)
}

/// Reads an application's id and creation stamp from a signed link token; open the application
/// with [`find_linked`].
pub fn application_from_token(
    secret: &[u8],
    purpose: &str,
    token: &str,
    now: NaiveDateTime,
) -> Result<(i64, i64), tokens::SignedError> {
    let payload = tokens::verify_signed(secret, purpose, token, now.and_utc().timestamp())?;
    payload
        .strip_prefix("application:")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(id, stamp)| Some((id.parse().ok()?, stamp.parse().ok()?)))
        .ok_or(tokens::SignedError::Malformed)
}

/// What every message about a cohort names: the cohort, the course, its dates (ISO; the
/// templates write them in the reader's language) and the work time.
pub(super) fn cohort_context(
    conn: &mut AnyConnection,
    cohort: &Cohort,
) -> AppResult<tera::Context> {
    let course: String = courses::table
        .find(cohort.course_id)
        .select(courses::title)
        .first(conn)?;
    let mut ctx = tera::Context::new();
    ctx.insert("cohort", &cohort.name);
    ctx.insert("course", &course);
    ctx.insert("starts_on", &cohort.starts_on);
    ctx.insert("ends_on", &cohort.ends_on);
    ctx.insert("work_hours", &cohort.work_hours);
    Ok(ctx)
}

/// Takes an application and sends the applicant a link to confirm their address. Applying
/// again while an application is open sends nothing new.
pub fn apply(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    cohort: &Cohort,
    f: &ApplicationForm,
    now: NaiveDateTime,
) -> AppResult<i64> {
    if !cohort.open_for_applications(crate::i18n::format::helsinki_date(now)) {
        return Err(AppError::Conflict("application.closed".into()));
    }
    let errors = validate(conn, cohort, f)?;
    if let Some(e) = errors.first() {
        return Err(AppError::invalid(*e));
    }
    let email = accounts::normalize_email(&f.email)?;
    write_tx(conn, |c| {
        let open: Option<i64> = applications::table
            .filter(applications::cohort_id.eq(cohort.id))
            .filter(applications::email.eq(&email))
            .filter(applications::decision.eq_any(["pending", "waitlisted"]))
            .select(applications::id)
            .first(c)
            .optional()?;
        if let Some(id) = open {
            return Ok(id);
        }
        let other = f.organisation_other.trim();
        let (id, created_at): (i64, NaiveDateTime) = diesel::insert_into(applications::table)
            .values((
                applications::cohort_id.eq(cohort.id),
                applications::name.eq(accounts::clean_name(&f.name)?),
                applications::email.eq(&email),
                applications::language.eq(f.language.code()),
                applications::organisation_id.eq(f.organisation_id),
                applications::organisation_other.eq((!other.is_empty()).then_some(other)),
                applications::county_id.eq(f.county_id),
                applications::manager_name.eq(f.manager_name.trim()),
                applications::manager_email
                    .eq(accounts::normalize_email(&f.manager_email).unwrap_or_default()),
                applications::motivation.eq(f.motivation.trim()),
                applications::decision.eq("pending"),
                applications::created_at.eq(now),
            ))
            .returning((applications::id, applications::created_at))
            .get_result(c)?;
        let mut ctx = cohort_context(c, cohort)?;
        ctx.insert("name", f.name.trim());
        ctx.insert(
            "link",
            &signed_link(
                msg,
                "vahvista",
                CONFIRM_PURPOSE,
                (id, created_at),
                now + Duration::days(CONFIRM_DAYS),
            ),
        );
        ctx.insert("days", &CONFIRM_DAYS);
        mail::queue(
            c,
            msg.templates,
            now,
            Envelope {
                to_email: &email,
                to_name: f.name.trim(),
                language: f.language,
                user_id: None,
                dedupe_key: format!("application-confirm:{id}"),
                template: "application_confirm",
                context: ctx,
            },
        )?;
        Ok(id)
    })
}

/// The applicant confirmed their address: the manager is asked next (once).
pub fn confirm(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    id: i64,
    now: NaiveDateTime,
) -> AppResult<Application> {
    write_tx(conn, |c| {
        let app = find_application(c, id)?;
        if app.email_confirmed_at.is_none() {
            diesel::update(applications::table.find(id))
                .set(applications::email_confirmed_at.eq(now))
                .execute(c)?;
        }
        let cohort = find(c, app.cohort_id)?;
        if cohort.manager_approval_required && app.manager_decision.is_none() {
            let lang = Lang::parse(&app.language).unwrap_or_default();
            let mut ctx = cohort_context(c, &cohort)?;
            ctx.insert("manager_name", &app.manager_name);
            ctx.insert("applicant", &app.name);
            ctx.insert(
                "link",
                &signed_link(
                    msg,
                    "esihenkilo",
                    MANAGER_PURPOSE,
                    (id, app.created_at),
                    now + Duration::days(MANAGER_DAYS),
                ),
            );
            ctx.insert("days", &MANAGER_DAYS);
            mail::queue(
                c,
                msg.templates,
                now,
                Envelope {
                    to_email: &app.manager_email,
                    to_name: &app.manager_name,
                    language: lang,
                    user_id: None,
                    dedupe_key: format!("manager-approval:{id}"),
                    template: "manager_approval",
                    context: ctx,
                },
            )?;
        }
        find_application(c, id)
    })
}

/// The manager's answer. Works once: a second answer is refused with what was decided.
pub fn manager_decide(
    conn: &mut AnyConnection,
    id: i64,
    approve: bool,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<Application> {
    write_tx(conn, |c| {
        let app = find_application(c, id)?;
        if app.manager_decision.is_some() {
            return Err(AppError::Conflict("manager.already_decided".into()));
        }
        diesel::update(applications::table.find(id))
            .set((
                applications::manager_decision.eq(if approve { "approved" } else { "declined" }),
                applications::manager_decided_at.eq(now),
                applications::manager_note.eq(note.trim().chars().take(1000).collect::<String>()),
            ))
            .execute(c)?;
        find_application(c, id)
    })
}

/// One row of the coordinator's queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    pub application: Application,
    pub organisation: String,
    pub county: Option<String>,
    pub ready: bool,
    /// The organisation has no active documentation expert yet: reaching such organisations
    /// is the point of the training.
    pub organisation_without_expert: bool,
}

/// Whether the organisation has an active expert: an active network membership that names it.
/// This is the registry's definition (see `network::registry::blind_spots`). A graduate's
/// membership is made at completion; experts of earlier cohorts, placed by a coordinator or
/// seeded as demo data, have a membership but no completed enrolment on this platform, and
/// the membership (not the user's current organisation) says whom they are an expert for.
pub fn organisation_has_expert(conn: &mut AnyConnection, organisation_id: i64) -> AppResult<bool> {
    let n: i64 = memberships::table
        .filter(memberships::organisation_id.eq(organisation_id))
        .filter(memberships::status.eq("active"))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The cohort's applications, those waiting for a decision first, oldest first (counties
/// named in `lang`).
pub fn queue(conn: &mut AnyConnection, cohort: &Cohort, lang: Lang) -> AppResult<Vec<QueueRow>> {
    let apps: Vec<Application> = applications::table
        .filter(applications::cohort_id.eq(cohort.id))
        .order(applications::created_at)
        .select(Application::as_select())
        .load(conn)?;
    let mut rows = Vec::with_capacity(apps.len());
    for a in apps {
        let (organisation, county, without) = match a.organisation_id {
            Some(oid) => {
                let (name, county): (String, String) = organisations::table
                    .inner_join(counties::table)
                    .filter(organisations::id.eq(oid))
                    .select((organisations::name, names::county(lang)))
                    .first(conn)?;
                (name, Some(county), !organisation_has_expert(conn, oid)?)
            }
            None => {
                let county = match a.county_id {
                    Some(cid) => Some(
                        counties::table
                            .find(cid)
                            .select(names::county(lang))
                            .first(conn)?,
                    ),
                    None => None,
                };
                (
                    a.organisation_other.clone().unwrap_or_default(),
                    county,
                    true,
                )
            }
        };
        rows.push(QueueRow {
            ready: a.ready(cohort),
            application: a,
            organisation,
            county,
            organisation_without_expert: without,
        });
    }
    let rank = |d: &str| match d {
        "pending" => 0,
        "waitlisted" => 1,
        "accepted" => 2,
        _ => 3,
    };
    rows.sort_by_key(|r| rank(&r.application.decision));
    Ok(rows)
}

pub(super) fn full(conn: &mut AnyConnection, cohort: &Cohort) -> AppResult<bool> {
    Ok(match cohort.capacity {
        Some(cap) => seats_taken(conn, cohort.id)? >= i64::from(cap),
        None => false,
    })
}

/// Accepts a ready application: account (new or existing), enrolment, and a message with a
/// set-your-password link or, for an existing account, the way in.
pub fn accept(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    write_tx(conn, |c| accept_in_tx(c, msg, id, actor, now))
}

fn accept_in_tx(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let app = find_application(c, id)?;
    let cohort = find(c, app.cohort_id)?;
    if app.decision == "accepted" {
        return Err(AppError::Conflict("application.already_accepted".into()));
    }
    if cohort.cancelled_at.is_some() || cohort.archived_at.is_some() {
        return Err(AppError::Conflict("cohort.closed".into()));
    }
    if !app.ready(&cohort) {
        return Err(AppError::Conflict("application.not_ready".into()));
    }
    if full(c, &cohort)? {
        return Err(AppError::Conflict("cohort.full".into()));
    }
    let organisation_id = match (app.organisation_id, &app.organisation_other, app.county_id) {
        (Some(o), _, _) => Some(o),
        (None, Some(name), Some(county)) => {
            Some(match network::find_organisation(c, county, name)? {
                Some(o) => o.id,
                None => {
                    network::create_organisation(
                        c,
                        NewOrganisation {
                            name,
                            county_id: county,
                            kind: "other",
                            staff_count: 0,
                        },
                        now,
                    )?
                    .id
                }
            })
        }
        _ => None,
    };
    let lang = Lang::parse(&app.language).unwrap_or_default();
    let (user_id, enrolment) = admit(
        c,
        msg,
        &cohort,
        &app.email,
        &app.name,
        lang,
        organisation_id,
        actor,
        now,
    )?;
    diesel::update(applications::table.find(id))
        .set((
            applications::decision.eq("accepted"),
            applications::decided_at.eq(now),
            applications::decided_by.eq(actor),
            applications::user_id.eq(user_id),
        ))
        .execute(c)?;
    Ok(enrolment)
}

/// Lets a person in: their account (created, or the existing one), the enrolment, and a
/// message — a set-your-password link for a new account, the way in for an existing one.
/// Returns (user id, enrolment id).
#[allow(clippy::too_many_arguments)]
pub(super) fn admit(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    cohort: &Cohort,
    email: &str,
    name: &str,
    lang: Lang,
    organisation_id: Option<i64>,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<(i64, i64)> {
    let user = match accounts::model::find_by_email(c, email)? {
        Some(u) => u,
        None => accounts::create_user(
            c,
            NewAccount {
                email,
                name,
                language: lang,
                organisation_id,
                password_hash: None,
            },
            now,
        )?,
    };
    if user.organisation_id.is_none() && organisation_id.is_some() {
        diesel::update(users::table.find(user.id))
            .set(users::organisation_id.eq(organisation_id))
            .execute(c)?;
    }
    let enrolment = enrol_by(c, cohort.id, user.id, actor, now)?;
    let mut ctx = cohort_context(c, cohort)?;
    ctx.insert("name", &user.name);
    let template = if user.password_hash.is_none() {
        let token = accounts::issue_account_token(
            c,
            user.id,
            "invite",
            Duration::days(accounts::INVITE_TTL_DAYS),
            now,
        )?;
        ctx.insert("link", &format!("{}/salasana/uusi/{token}", msg.base_url));
        ctx.insert("days", &accounts::INVITE_TTL_DAYS);
        "enrolled_invite"
    } else {
        ctx.insert("link", &format!("{}/ryhmat/{}/", msg.base_url, cohort.id));
        "enrolled_notice"
    };
    mail::queue(
        c,
        msg.templates,
        now,
        Envelope {
            to_email: &user.email,
            to_name: &user.name,
            language: Lang::parse(&user.language).unwrap_or(lang),
            user_id: Some(user.id),
            dedupe_key: format!("enrolled:{enrolment}:{}", now.and_utc().timestamp()),
            template,
            context: ctx,
        },
    )?;
    Ok((user.id, enrolment))
}

/// Declines (with a message to the applicant) or waitlists an application.
pub fn decide(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    id: i64,
    decision: &str,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    if !matches!(decision, "declined" | "waitlisted") {
        return Err(AppError::invalid("application.decision_invalid"));
    }
    write_tx(conn, |c| {
        let app = find_application(c, id)?;
        if app.decision == "accepted" {
            return Err(AppError::Conflict("application.already_accepted".into()));
        }
        if app.decision == decision {
            return Ok(());
        }
        let cohort = find(c, app.cohort_id)?;
        if cohort.cancelled_at.is_some() || cohort.archived_at.is_some() {
            return Err(AppError::Conflict("cohort.closed".into()));
        }
        diesel::update(applications::table.find(id))
            .set((
                applications::decision.eq(decision),
                applications::decided_at.eq(now),
                applications::decided_by.eq(actor),
                applications::waitlisted_at.eq(if decision == "waitlisted" {
                    Some(now)
                } else {
                    None
                }),
            ))
            .execute(c)?;
        let mut ctx = cohort_context(c, &cohort)?;
        ctx.insert("name", &app.name);
        mail::queue(
            c,
            msg.templates,
            now,
            Envelope {
                to_email: &app.email,
                to_name: &app.name,
                language: Lang::parse(&app.language).unwrap_or_default(),
                user_id: None,
                dedupe_key: format!("application-{decision}:{id}"),
                template: if decision == "declined" {
                    "application_declined"
                } else {
                    "application_waitlisted"
                },
                context: ctx,
            },
        )?;
        Ok(())
    })
}

/// Gives free seats to waitlisted applicants, in the order they were waitlisted (those not
/// ready yet wait their turn). Runs inside the caller's transaction.
pub fn promote_waitlist(
    c: &mut AnyConnection,
    cohort_id: i64,
    msg: &Messaging<'_>,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let cohort = find(c, cohort_id)?;
    let waiting: Vec<Application> = applications::table
        .filter(applications::cohort_id.eq(cohort_id))
        .filter(applications::decision.eq("waitlisted"))
        .order((applications::waitlisted_at, applications::id))
        .select(Application::as_select())
        .load(c)?;
    let mut promoted = 0;
    for app in waiting.into_iter().filter(|a| a.ready(&cohort)) {
        if full(c, &cohort)? {
            break;
        }
        accept_in_tx(c, msg, app.id, actor, now)?;
        promoted += 1;
    }
    Ok(promoted)
}
