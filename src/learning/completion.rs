//! Completion: when every lesson of the cohort's course is done, the enrolment completes in
//! ONE transaction — the completion (with the course version), a certificate with a public
//! verification code, the membership of the graduate's expert network (created or
//! refreshed), and e-mails to the graduate and the coordinators. Doing it twice, or twenty
//! times at once, changes nothing more.

use crate::cohorts;
use crate::db::schema::{
    certificates, cohorts as cohort_t, completions, counties, courses, enrolments, lesson_progress,
    lessons, role_assignments, users,
};
use crate::db::{is_unique_violation, write_tx, AnyConnection};
use crate::i18n::{format::helsinki_date, Lang};
use crate::mail::{self, Envelope, Messaging};
use crate::network::membership::{self, Joined};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    NotYet {
        done: i64,
        total: i64,
    },
    Completed {
        completion_id: i64,
        certificate_code: String,
    },
    AlreadyCompleted,
}

/// A verification code: ten letters and digits without look-alikes, in two groups.
pub fn certificate_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = rand::random::<[u8; 10]>();
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// Completes the enrolment if every active lesson of its course is done by its trainee.
pub fn complete_if_done(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    enrolment_id: i64,
    now: NaiveDateTime,
) -> AppResult<Outcome> {
    match write_tx(conn, |c| complete_in_tx(c, msg, enrolment_id, now)) {
        // Another request completed it at the same moment: its transaction won.
        Err(AppError::Internal(e))
            if e.downcast_ref::<diesel::result::Error>()
                .is_some_and(is_unique_violation) =>
        {
            Ok(Outcome::AlreadyCompleted)
        }
        other => other,
    }
}

/// The completion's work inside a transaction the caller holds (jobs and the crash test use
/// it; requests go through [`complete_if_done`]).
pub fn complete_in_tx(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    enrolment_id: i64,
    now: NaiveDateTime,
) -> AppResult<Outcome> {
    let (cohort_id, user_id, status): (i64, i64, String) = enrolments::table
        .find(enrolment_id)
        .select((
            enrolments::cohort_id,
            enrolments::user_id,
            enrolments::status,
        ))
        .first(c)?;
    if status == "completed" {
        return Ok(Outcome::AlreadyCompleted);
    }
    if status != "active" {
        return Ok(Outcome::NotYet { done: 0, total: 0 });
    }
    let course = course_run(c, cohort_id)?;
    let (done, total) = lessons_done(c, course.id, user_id)?;
    if total == 0 || done < total {
        return Ok(Outcome::NotYet { done, total });
    }
    let completion_id = insert_completion(c, enrolment_id, user_id, &course, now)?;
    cohorts::set_status(c, enrolment_id, "completed", None, "", now)?;
    let graduate = graduate(c, user_id)?;
    let code = issue_certificate(c, completion_id, cohort_id, &graduate.name, &course, now)?;
    let joined = membership::join_or_refresh(c, user_id, completion_id, now)?;
    // Whatever brought the expert back (a refresher, or the basic course again) closes their
    // lapse case; the membership itself was refreshed just above.
    crate::network::refresher::close_on_completion(c, user_id, now)?;
    let made = Made {
        completion_id,
        code: &code,
        joined,
        graduate_id: user_id,
        name: &graduate.name,
        email: &graduate.email,
        language: &graduate.language,
        course: &course.title,
        cohort_region: course.region_id,
    };
    tell_graduate(c, msg, &made, now)?;
    tell_coordinators(c, msg, &made, now)?;
    Ok(Outcome::Completed {
        completion_id,
        certificate_code: code,
    })
}

/// The course a cohort runs, as the completion and its certificate record it.
struct CourseRun {
    id: i64,
    kind: String,
    version: String,
    title: String,
    /// The cohort's region: its coordinators hear of a graduate waiting to be placed.
    region_id: Option<i64>,
}

fn course_run(c: &mut AnyConnection, cohort_id: i64) -> AppResult<CourseRun> {
    let (id, kind, version, title, region_id): (i64, String, String, String, Option<i64>) =
        cohort_t::table
            .inner_join(courses::table)
            .filter(cohort_t::id.eq(cohort_id))
            .select((
                courses::id,
                courses::kind,
                courses::version,
                courses::title,
                cohort_t::region_id,
            ))
            .first(c)?;
    Ok(CourseRun {
        id,
        kind,
        version,
        title,
        region_id,
    })
}

/// The trainee's done lessons of the course, and its lessons: (done, total), active ones only.
fn lessons_done(c: &mut AnyConnection, course_id: i64, user_id: i64) -> AppResult<(i64, i64)> {
    let total: i64 = lessons::table
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::active.eq(true))
        .count()
        .get_result(c)?;
    let done: i64 = lesson_progress::table
        .inner_join(lessons::table)
        .filter(lesson_progress::user_id.eq(user_id))
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::active.eq(true))
        .filter(lesson_progress::done_at.is_not_null())
        .count()
        .get_result(c)?;
    Ok((done, total))
}

/// The completion row, unique per enrolment: a racing second one fails here with the unique
/// violation [`complete_if_done`] recognises.
fn insert_completion(
    c: &mut AnyConnection,
    enrolment_id: i64,
    user_id: i64,
    course: &CourseRun,
    now: NaiveDateTime,
) -> AppResult<i64> {
    diesel::insert_into(completions::table)
        .values((
            completions::enrolment_id.eq(enrolment_id),
            completions::user_id.eq(user_id),
            completions::course_id.eq(course.id),
            completions::course_kind.eq(&course.kind),
            completions::course_version.eq(&course.version),
            completions::completed_at.eq(now),
        ))
        .returning(completions::id)
        .get_result(c)
        .map_err(|e| AppError::Internal(e.into()))
}

/// The graduate, as the certificate and the e-mails name them.
struct Graduate {
    name: String,
    email: String,
    language: String,
}

fn graduate(c: &mut AnyConnection, user_id: i64) -> AppResult<Graduate> {
    let (name, email, language): (String, String, String) = users::table
        .find(user_id)
        .select((users::name, users::email, users::language))
        .first(c)?;
    Ok(Graduate {
        name,
        email,
        language,
    })
}

/// Issues the certificate with a fresh verification code. Returns the code.
fn issue_certificate(
    c: &mut AnyConnection,
    completion_id: i64,
    cohort_id: i64,
    holder: &str,
    course: &CourseRun,
    now: NaiveDateTime,
) -> AppResult<String> {
    let code = certificate_code();
    // Helsinki's day, and never before the cohort started (its lessons may open early).
    let issued_on = cohorts::find(c, cohort_id)?.certificate_date(helsinki_date(now));
    diesel::insert_into(certificates::table)
        .values((
            certificates::completion_id.eq(completion_id),
            certificates::code.eq(&code),
            certificates::holder_name.eq(holder),
            certificates::course_title.eq(&course.title),
            certificates::course_version.eq(&course.version),
            certificates::issued_on.eq(issued_on),
        ))
        .execute(c)?;
    Ok(code)
}

/// What the completion made, for the e-mails about it.
struct Made<'a> {
    completion_id: i64,
    code: &'a str,
    joined: Joined,
    graduate_id: i64,
    name: &'a str,
    email: &'a str,
    language: &'a str,
    course: &'a str,
    /// The cohort's region: its coordinators hear of a graduate waiting to be placed.
    cohort_region: Option<i64>,
}

/// The graduate's e-mail: the certificate's link, and whether they joined the network anew.
fn tell_graduate(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    made: &Made<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let code = made.code;
    let mut ctx = tera::Context::new();
    ctx.insert("name", made.name);
    ctx.insert("course", made.course);
    ctx.insert("code", code);
    ctx.insert("link", &format!("{}/todistus/{code}", msg.base_url));
    ctx.insert("joined", &matches!(made.joined, Joined::New { .. }));
    mail::queue(
        c,
        msg.templates,
        now,
        Envelope {
            to_email: made.email,
            to_name: made.name,
            language: Lang::parse(made.language).unwrap_or_default(),
            user_id: Some(made.graduate_id),
            dedupe_key: format!("completion:{}", made.completion_id),
            template: "completion",
            context: ctx,
        },
    )?;
    Ok(())
}

/// The coordinators of the graduate's region and county (or, for one waiting to be placed, of
/// the cohort's region) hear of the new expert.
fn tell_coordinators(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    made: &Made<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let (region, county) = match made.joined {
        Joined::New {
            region_id,
            county_id,
        } => (Some(region_id), Some(county_id)),
        Joined::Refreshed {
            region_id,
            county_id,
        } => (Some(region_id), county_id),
        Joined::Queued => (made.cohort_region, None),
    };
    let county_names = county_names(c, county)?;
    for (cid, cemail, cname, clang) in coordinators(c, region, county)? {
        let mut ctx = tera::Context::new();
        ctx.insert("coordinator", &cname);
        ctx.insert("graduate", made.name);
        ctx.insert("course", made.course);
        // Each coordinator reads the county's name in their own language.
        let in_lang = Lang::parse(&clang).unwrap_or_default();
        ctx.insert(
            "county",
            &county_names
                .as_ref()
                .map(|(fi, sv)| crate::network::names::pick(in_lang, fi, sv)),
        );
        ctx.insert("queued", &matches!(made.joined, Joined::Queued));
        ctx.insert(
            "refreshed",
            &matches!(made.joined, Joined::Refreshed { .. }),
        );
        ctx.insert("link", &format!("{}/verkosto", msg.base_url));
        mail::queue(
            c,
            msg.templates,
            now,
            Envelope {
                to_email: &cemail,
                to_name: &cname,
                language: Lang::parse(&clang).unwrap_or_default(),
                user_id: Some(cid),
                dedupe_key: format!("new-expert:{}:{cid}", made.completion_id),
                template: "new_expert",
                context: ctx,
            },
        )?;
    }
    Ok(())
}

/// The county's names (Finnish, Swedish), for each coordinator to read in their language.
fn county_names(c: &mut AnyConnection, county: Option<i64>) -> AppResult<Option<(String, String)>> {
    Ok(match county {
        Some(id) => Some(
            counties::table
                .find(id)
                .select((counties::name_fi, counties::name_sv))
                .first(c)?,
        ),
        None => None,
    })
}

/// The active regional coordinators of `region` and county coordinators of `county`: (id,
/// e-mail, name, language).
fn coordinators(
    c: &mut AnyConnection,
    region: Option<i64>,
    county: Option<i64>,
) -> AppResult<Vec<(i64, String, String, String)>> {
    Ok(users::table
        .inner_join(role_assignments::table)
        .filter(users::active.eq(true))
        .filter(
            role_assignments::region_id
                .eq(region)
                .and(role_assignments::role.eq("regional_coordinator"))
                .or(role_assignments::county_id
                    .eq(county)
                    .and(role_assignments::role.eq("county_coordinator"))),
        )
        .select((users::id, users::email, users::name, users::language))
        .distinct()
        .load(c)?)
}

/// A certificate as its page shows it.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct Certificate {
    pub code: String,
    pub holder_name: String,
    pub course_title: String,
    pub course_version: String,
    pub issued_on: chrono::NaiveDate,
}

/// Looks a certificate up by its code (case and spacing forgiven).
pub fn certificate(conn: &mut AnyConnection, code: &str) -> AppResult<Certificate> {
    let code: String = code
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Ok(certificates::table
        .filter(certificates::code.eq(code))
        .select((
            certificates::code,
            certificates::holder_name,
            certificates::course_title,
            certificates::course_version,
            certificates::issued_on,
        ))
        .first(conn)?)
}

/// The user's certificates, newest first.
pub fn certificates_of(conn: &mut AnyConnection, user_id: i64) -> AppResult<Vec<Certificate>> {
    Ok(certificates::table
        .inner_join(completions::table)
        .filter(completions::user_id.eq(user_id))
        .order(certificates::id.desc())
        .select((
            certificates::code,
            certificates::holder_name,
            certificates::course_title,
            certificates::course_version,
            certificates::issued_on,
        ))
        .load(conn)?)
}

/// The certificate the user earned in this cohort, if they have completed it.
pub fn certificate_of_cohort(
    conn: &mut AnyConnection,
    cohort_id: i64,
    user_id: i64,
) -> AppResult<Option<Certificate>> {
    Ok(certificates::table
        .inner_join(completions::table.inner_join(enrolments::table))
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::user_id.eq(user_id))
        .select((
            certificates::code,
            certificates::holder_name,
            certificates::course_title,
            certificates::course_version,
            certificates::issued_on,
        ))
        .first(conn)
        .optional()?)
}

/// The enrolment of a user in a cohort, if any.
pub fn enrolment_of(
    conn: &mut AnyConnection,
    cohort_id: i64,
    user_id: i64,
) -> AppResult<Option<i64>> {
    Ok(enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::user_id.eq(user_id))
        .select(enrolments::id)
        .first(conn)
        .optional()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_readable_and_distinct() {
        let a = super::certificate_code();
        assert_eq!(a.len(), 11);
        assert!(a
            .chars()
            .all(|c| c == '-' || c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert!(!a.contains('O') && !a.contains('0') && !a.contains('I') && !a.contains('1'));
        assert_ne!(a, super::certificate_code());
    }
}
