//! The cohort's course outline, lesson pages with progress and self-checks, and the course
//! images (closed like the lessons).

use super::ctx::{see_other, Auth};
use super::open_cohort::open_in;
use crate::cohorts::{self, CohortRole};
use crate::learning::cache::CachedLesson;
use crate::learning::{self, completion};
use crate::{AppError, AppResult};
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;
use std::collections::HashMap;
use std::sync::Arc;

pub async fn cohort_redirect(path: web::Path<i64>) -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, format!("/ryhmat/{}/", path.into_inner())))
        .finish()
}

pub async fn cohort_home(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let who = auth.principal().clone();
    let uid = who.user_id;
    let secret = auth.0.state.config.secret.clone();
    let now = auth.0.now();
    let cache = auth.0.state.lessons.clone();
    let (cohort, role, course, done, certificate, feedback) = auth
        .0
        .state
        .db(move |conn| {
            let (cohort, role, course, rows) = open_in(conn, &cache, &who, cohort_id)?;
            let (done, _) = learning::cache::progress_from(&course, rows, None);
            let certificate = completion::certificate_of_cohort(conn, cohort_id, uid)?;
            let feedback = if role == CohortRole::Trainee {
                Some(crate::surveys::lists::course_feedback_for(
                    conn, &secret, &cohort, uid, now,
                )?)
            } else {
                None
            };
            Ok((cohort, role, course, done, certificate, feedback))
        })
        .await?;
    let outline = course.outline(&done);
    let trainee = role == CohortRole::Trainee;
    let opens_on = if trainee {
        cohort.lessons_open_on(auth.0.state.clock.today())
    } else {
        None
    };
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("role", &role);
    c.insert("outline", &outline);
    c.insert("certificate", &certificate);
    c.insert("feedback", &feedback);
    c.insert("opens_on", &opens_on);
    // The trainee list is the cohort page of its trainers and coordinators.
    let roster_link = role == CohortRole::Trainer || cohorts::manages(auth.principal(), &cohort);
    c.insert("roster_link", &roster_link);
    auth.0.render("learning/cohort.html", c)
}

/// The answers-refused flags in the lesson URL, and the message each shows.
pub(super) const CHECK_ERRORS: [(&str, &str); 2] = [
    ("tyhja", "learning.no_answer"),
    ("virhe", "learning.unknown_answer"),
];

/// Only the cohort's own trainees keep progress.
async fn trainee_lesson(auth: &Auth, cohort_id: i64, slug: &str) -> AppResult<Arc<CachedLesson>> {
    let who = auth.principal().clone();
    let cache = auth.0.state.lessons.clone();
    let today = auth.0.state.clock.today();
    let slug = slug.to_string();
    auth.0
        .state
        .db(move |conn| {
            let (cohort, role, course, _) = open_in(conn, &cache, &who, cohort_id)?;
            if role != CohortRole::Trainee {
                return Err(AppError::Forbidden);
            }
            if cohort.lessons_open_on(today).is_some() {
                return Err(AppError::Conflict("learning.not_open_yet".into()));
            }
            course.lesson(&slug).ok_or(AppError::NotFound)
        })
        .await
}

pub async fn mark_read(auth: Auth, path: web::Path<(i64, String)>) -> AppResult<HttpResponse> {
    let (cohort_id, slug) = path.into_inner();
    let lesson = trainee_lesson(&auth, cohort_id, &slug).await?;
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    auth.0
        .state
        .db(move |conn| learning::mark_read(conn, uid, &lesson.lesson, now))
        .await?;
    if complete(&auth, cohort_id).await? {
        return Ok(see_other(&format!("/ryhmat/{cohort_id}/")));
    }
    Ok(see_other(&format!("/ryhmat/{cohort_id}/{slug}#valmis")))
}

/// Completes the trainee's enrolment when this was the last lesson; true when it completed now.
async fn complete(auth: &Auth, cohort_id: i64) -> AppResult<bool> {
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    let state = auth.0.state.clone();
    let outcome = auth
        .0
        .state
        .db(move |conn| {
            let Some(enrolment) = completion::enrolment_of(conn, cohort_id, uid)? else {
                return Ok(completion::Outcome::NotYet { done: 0, total: 0 });
            };
            let msg = state.messaging();
            completion::complete_if_done(conn, &msg, enrolment, now)
        })
        .await?;
    Ok(matches!(outcome, completion::Outcome::Completed { .. }))
}

/// Answers arrive as `c0=1&c1=0&c1=2` (check index -> chosen choice), so the form works
/// without JavaScript. Post/Redirect/Get: the answers are graded and stored, then the browser
/// is sent to the lesson page, which shows the stored result at `#tarkistus`. The lesson keeps
/// its own URL, so relative links in the lesson text resolve, and reloading re-sends nothing.
/// Answers that cannot be graded (none chosen, or a question or choice the lesson does not
/// have) store nothing and are sent back to the lesson page with a flag that shows why.
pub async fn answer_checks(
    auth: Auth,
    path: web::Path<(i64, String)>,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let (cohort_id, slug) = path.into_inner();
    let lesson = trainee_lesson(&auth, cohort_id, &slug).await?;
    let mut given: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(&body) {
        let Some(index) = k
            .strip_prefix('c')
            .filter(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue; // csrf_token and the like
        };
        // Out-of-range or malformed numbers become usize::MAX, which the grading refuses.
        let index = index.parse::<usize>().unwrap_or(usize::MAX);
        let choice = v.parse::<usize>().unwrap_or(usize::MAX);
        given.entry(index).or_default().push(choice);
    }
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    let lesson_url = format!("/ryhmat/{cohort_id}/{slug}");
    let lesson_id = lesson.lesson.id;
    let graded = auth
        .0
        .state
        .db(move |conn| learning::answer_checks(conn, uid, &lesson.lesson, &given, now))
        .await;
    let outcome = match graded {
        Ok(outcome) => outcome,
        Err(AppError::Invalid(key)) => {
            if let Some((flag, _)) = CHECK_ERRORS.iter().find(|(_, k)| *k == key) {
                return Ok(see_other(&format!(
                    "{lesson_url}?tarkistus={flag}#tarkistus"
                )));
            }
            return Err(AppError::Invalid(key));
        }
        Err(e) => return Err(e),
    };
    if outcome.all_correct {
        // A lesson with a writing exercise too is done when the exercise is.
        let state = auth.0.state.clone();
        let refreshed = auth
            .0
            .state
            .db(move |conn| {
                let msg = state.messaging();
                crate::exercises::progress::after_checks(conn, &msg, cohort_id, lesson_id, uid, now)
            })
            .await?;
        if refreshed.completed || complete(&auth, cohort_id).await? {
            return Ok(see_other(&format!("/ryhmat/{cohort_id}/")));
        }
    }
    Ok(see_other(&format!("{lesson_url}#tarkistus")))
}

/// An image of a course, for those who may read the course.
pub async fn course_asset(
    auth: Auth,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (course, file) = path.into_inner();
    let valid = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    if !valid(&course) || !valid(&file) {
        return Err(AppError::NotFound);
    }
    let who = auth.principal().clone();
    let c2 = course.clone();
    let allowed = auth
        .0
        .state
        .db(move |conn| {
            if who.is_trainer() || who.manages_anything() {
                return Ok(true);
            }
            use crate::db::schema::{cohorts, courses, enrolments};
            use diesel::prelude::*;
            let n: i64 = enrolments::table
                .inner_join(cohorts::table.inner_join(courses::table))
                .filter(enrolments::user_id.eq(who.user_id))
                .filter(enrolments::status.ne("withdrawn"))
                .filter(courses::slug.eq(&c2))
                .count()
                .get_result(conn)?;
            Ok(n > 0)
        })
        .await?;
    if !allowed {
        return Err(AppError::NotFound);
    }
    let path = auth
        .0
        .state
        .config
        .courses_dir
        .join(&course)
        .join("assets")
        .join(&file);
    let bytes = web::block(move || std::fs::read(path))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?
        .map_err(|_| AppError::NotFound)?;
    let mime = match file
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        // An SVG opened on its own may not run script or load anything.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
        ))
        .body(bytes))
}
