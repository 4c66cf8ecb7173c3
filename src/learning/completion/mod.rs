//! Completion: when every lesson of the cohort's course is done, the enrolment completes in
//! ONE transaction — the completion (with the course version), a certificate with a public
//! verification code, the membership of the graduate's expert network (created or
//! refreshed), and e-mails to the graduate and the coordinators. Doing it twice, or twenty
//! times at once, changes nothing more.
//!
//! The parts: [`certificates`] (the code, looking certificates up), `notices` (the
//! e-mails).

pub mod certificates;
mod notices;

// The pages and the tests read certificates by these paths.
pub use certificates::{
    certificate, certificate_code, certificate_of_cohort, certificates_of, Certificate,
};

use crate::cohorts;
use crate::db::schema::{
    certificates as certificate_t, cohorts as cohort_t, completions, courses, enrolments,
    lesson_progress, lessons, users,
};
use crate::db::{is_unique_violation, write_tx, AnyConnection};
use crate::i18n::format::helsinki_date;
use crate::mail::Messaging;
use crate::network::membership;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use notices::{tell_coordinators, tell_graduate, Made};

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
    diesel::insert_into(certificate_t::table)
        .values((
            certificate_t::completion_id.eq(completion_id),
            certificate_t::code.eq(&code),
            certificate_t::holder_name.eq(holder),
            certificate_t::course_title.eq(&course.title),
            certificate_t::course_version.eq(&course.version),
            certificate_t::issued_on.eq(issued_on),
        ))
        .execute(c)?;
    Ok(code)
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
