//! The cohort's course outline, lesson pages with progress and self-checks, and the course
//! images (closed like the lessons).

use super::ctx::{see_other, Auth};
use super::exercises::section::{self, FormState};
use crate::cohorts::{self, CohortRole};
use crate::learning::{self, completion};
use crate::{AppError, AppResult};
use actix_web::http::{header, StatusCode};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use std::collections::HashMap;

/// Loads the cohort and the caller's role in it; anyone without one gets a 404, so guessing
/// ids reveals nothing.
async fn cohort_for(
    auth: &Auth,
    cohort_id: i64,
) -> AppResult<(cohorts::Cohort, CohortRole, (i64, String, String))> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let cohort = cohorts::find(conn, cohort_id)?;
            let role = cohorts::role_in(conn, &who, &cohort)?.ok_or(AppError::NotFound)?;
            let course = cohorts::course_of(conn, &cohort)?;
            Ok((cohort, role, course))
        })
        .await
}

pub async fn cohort_redirect(path: web::Path<i64>) -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, format!("/ryhmat/{}/", path.into_inner())))
        .finish()
}

pub async fn cohort_home(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let (cohort, role, (course_id, _, _)) = cohort_for(&auth, cohort_id).await?;
    let uid = auth.principal().user_id;
    let secret = auth.0.state.config.secret.clone();
    let now = auth.0.now();
    let trainee = role == cohorts::CohortRole::Trainee;
    let c2 = cohort.clone();
    let (outline, certificate, feedback) = auth
        .0
        .state
        .db(move |conn| {
            let outline = learning::outline(conn, course_id, uid)?;
            let certificate = completion::certificate_of_cohort(conn, cohort_id, uid)?;
            let feedback = if trainee {
                Some(crate::surveys::course_feedback_for(
                    conn, &secret, &c2, uid, now,
                )?)
            } else {
                None
            };
            Ok((outline, certificate, feedback))
        })
        .await?;
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

#[derive(serde::Deserialize)]
pub struct LessonQuery {
    /// Set by the redirect after answers that could not be graded (see `answer_checks`).
    tarkistus: Option<String>,
    /// Set by the redirect after "check my entry": the page shows the checker's hints.
    vinkit: Option<String>,
}

/// The answers-refused flags in the lesson URL, and the message each shows.
const CHECK_ERRORS: [(&str, &str); 2] = [
    ("tyhja", "learning.no_answer"),
    ("virhe", "learning.unknown_answer"),
];

pub async fn lesson_page(
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(i64, String)>,
    q: web::Query<LessonQuery>,
) -> AppResult<HttpResponse> {
    let (cohort_id, slug) = path.into_inner();
    let check_error = q
        .tarkistus
        .as_deref()
        .and_then(|flag| CHECK_ERRORS.iter().find(|(f, _)| *f == flag))
        .map(|(_, key)| *key);
    let state = FormState {
        hints: q.vinkit.is_some(),
        rescue_cookie: req
            .cookie(super::rescue::COOKIE)
            .map(|c| c.value().to_string()),
        ..FormState::default()
    };
    render_lesson(&auth, cohort_id, &slug, check_error, state, StatusCode::OK).await
}

/// The lesson page; `exercise` carries what the exercise's forms need (errors, texts kept).
pub(crate) async fn render_lesson(
    auth: &Auth,
    cohort_id: i64,
    slug: &str,
    check_error: Option<&str>,
    exercise: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (cohort, role, (course_id, course_slug, _)) = cohort_for(auth, cohort_id).await?;
    if role == CohortRole::Trainee && cohort.lessons_open_on(auth.0.state.clock.today()).is_some() {
        // The cohort page says when the lessons open.
        return Ok(see_other(&format!("/ryhmat/{cohort_id}/")));
    }
    let uid = auth.principal().user_id;
    let slug = slug.to_string();
    let (lesson, outline, progress) = auth
        .0
        .state
        .db(move |conn| {
            let lesson = learning::lesson(conn, course_id, &slug)?;
            let outline = learning::outline(conn, course_id, uid)?;
            let progress = learning::progress(conn, uid, lesson.id)?;
            Ok((lesson, outline, progress))
        })
        .await?;
    let flat: Vec<&learning::OutlineLesson> =
        outline.modules.iter().flat_map(|m| &m.lessons).collect();
    let index = flat.iter().position(|l| l.id == lesson.id).unwrap_or(0);
    let module = outline
        .modules
        .iter()
        .find(|m| m.lessons.iter().any(|l| l.id == lesson.id));
    // Per check: what the trainee chose last, and whether it was right (-1: not answered).
    let chosen: Vec<Vec<usize>> = (0..lesson.checks.len())
        .map(|i| progress.answers.get(&i).cloned().unwrap_or_default())
        .collect();
    let answered: Vec<i8> = lesson
        .checks
        .iter()
        .zip(&chosen)
        .map(|(check, chosen)| {
            let mut right = check.correct.clone();
            right.sort_unstable();
            match (chosen.is_empty(), *chosen == right) {
                (true, _) => -1,
                (false, true) => 1,
                (false, false) => 0,
            }
        })
        .collect();
    // The result of the last answers, shown after the redirect that follows answering.
    let outcome = learning::stored_outcome(&lesson, &progress);
    let exercise = section::build(auth, cohort_id, &lesson.slug, lesson.id, role, exercise).await?;
    // Each check's choices in this user's own, stable order; the form still sends each
    // choice's own index, so grading and the stored answers do not depend on the order.
    let secret = &auth.0.state.config.secret;
    let shown: Vec<Vec<ShownChoice>> = lesson
        .checks
        .iter()
        .enumerate()
        .map(|(qi, check)| {
            learning::order::choice_order(secret, uid, lesson.id, qi, check.choices.len())
                .into_iter()
                .filter_map(|index| {
                    let text = check.choices.get(index)?.clone();
                    Some(ShownChoice { index, text })
                })
                .collect()
        })
        .collect();
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("role", &role);
    c.insert("course_slug", &course_slug);
    c.insert("lesson", &lesson);
    c.insert("outline", &outline);
    c.insert("module", &module);
    c.insert("progress", &progress);
    c.insert("answered", &answered);
    c.insert("chosen", &chosen);
    c.insert("shown", &shown);
    c.insert("outcome", &outcome);
    c.insert("check_error", &check_error);
    c.insert("prev", &index.checked_sub(1).and_then(|i| flat.get(i)));
    c.insert("next", &flat.get(index + 1));
    c.insert("position", &(index + 1));
    c.insert("exercise", &exercise);
    auth.0.render_status(status, "learning/lesson.html", c)
}

/// A choice as the lesson page shows it: its own index (what the form sends) and its text.
#[derive(serde::Serialize)]
struct ShownChoice {
    index: usize,
    text: String,
}

/// Only the cohort's own trainees keep progress.
async fn trainee_lesson(auth: &Auth, cohort_id: i64, slug: &str) -> AppResult<learning::Lesson> {
    let (cohort, role, (course_id, _, _)) = cohort_for(auth, cohort_id).await?;
    if role != CohortRole::Trainee {
        return Err(AppError::Forbidden);
    }
    if cohort.lessons_open_on(auth.0.state.clock.today()).is_some() {
        return Err(AppError::Conflict("learning.not_open_yet".into()));
    }
    let slug = slug.to_string();
    auth.0
        .state
        .db(move |conn| learning::lesson(conn, course_id, &slug))
        .await
}

pub async fn mark_read(auth: Auth, path: web::Path<(i64, String)>) -> AppResult<HttpResponse> {
    let (cohort_id, slug) = path.into_inner();
    let lesson = trainee_lesson(&auth, cohort_id, &slug).await?;
    let (uid, now) = (auth.principal().user_id, auth.0.now());
    auth.0
        .state
        .db(move |conn| learning::mark_read(conn, uid, &lesson, now))
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
    let lesson_id = lesson.id;
    let graded = auth
        .0
        .state
        .db(move |conn| learning::answer_checks(conn, uid, &lesson, &given, now))
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
