//! The lesson page. The lesson, the outline and the navigation come from the course as
//! published (`learning::cache`, checked against the version on every request); per request
//! the page reads only the cohort with the reader's role, the course's version and the
//! reader's progress (`cohorts::reader::open_for`), plus an exercise's own state. On a GET the
//! frame reads the cohort in the session check's own hand-off ([`Prefetched`]).

mod html;
#[cfg(test)]
mod html_tests;
mod nav;

use super::ctx::{see_other, Auth};
use super::exercises::section::{self, FormState};
use super::learning::CHECK_ERRORS;
use super::open_cohort::{open_in, Opened, Prefetched};
use crate::cohorts::CohortRole;
use crate::learning;
use crate::AppResult;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

#[derive(serde::Deserialize)]
pub struct LessonQuery {
    /// Set by the redirect after answers that could not be graded (see `answer_checks`).
    tarkistus: Option<String>,
    /// Set by the redirect after "check my entry": the page shows the checker's hints.
    vinkit: Option<String>,
}

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
    let prefetched = req
        .extensions_mut()
        .remove::<Prefetched>()
        .and_then(|p| p.take_for(cohort_id));
    render_lesson(
        &auth,
        cohort_id,
        &slug,
        prefetched,
        check_error,
        state,
        StatusCode::OK,
    )
    .await
}

/// The lesson in its cohort for the reader, with their progress; `None` while the cohort's
/// lessons are not yet open to a trainee.
type LessonView = Option<(
    crate::cohorts::Cohort,
    CohortRole,
    std::sync::Arc<learning::cache::CourseVersion>,
    std::sync::Arc<learning::cache::CachedLesson>,
    learning::cache::Done,
    learning::Progress,
)>;

fn lesson_view(opened: Opened, slug: &str, today: chrono::NaiveDate) -> AppResult<LessonView> {
    let (cohort, role, course, rows) = opened;
    if role == CohortRole::Trainee && cohort.lessons_open_on(today).is_some() {
        return Ok(None);
    }
    let cached = course.lesson(slug).ok_or(crate::AppError::NotFound)?;
    let (done, progress) = learning::cache::progress_from(&course, rows, Some(cached.lesson.id));
    Ok(Some((cohort, role, course, cached, done, progress)))
}

/// The lesson page; `prefetched` is the cohort the frame read with the session (a GET),
/// `exercise` what the exercise's forms need (errors, texts kept).
pub(crate) async fn render_lesson(
    auth: &Auth,
    cohort_id: i64,
    slug: &str,
    prefetched: Option<AppResult<Opened>>,
    check_error: Option<&str>,
    exercise: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let uid = who.user_id;
    let cache = auth.0.state.lessons.clone();
    let today = auth.0.state.clock.today();
    let opened = match prefetched {
        Some(opened) => lesson_view(opened?, slug, today)?,
        None => {
            let slug = slug.to_string();
            // A few rows by key, and the course from memory: read in place on SQLite
            // (AppState::read).
            auth.0
                .state
                .read(move |conn| {
                    lesson_view(open_in(conn, &cache, &who, cohort_id)?, &slug, today)
                })
                .await?
        }
    };
    let Some((cohort, role, course, cached, done, progress)) = opened else {
        // The cohort page says when the lessons open.
        return Ok(see_other(&format!("/ryhmat/{cohort_id}/")));
    };
    let outline = course.outline(&done);
    let lesson = &cached.lesson;
    let flat: Vec<&learning::outline::OutlineLesson> =
        outline.modules.iter().flat_map(|m| &m.lessons).collect();
    let index = flat.iter().position(|l| l.id == lesson.id).unwrap_or(0);
    let module = outline
        .modules
        .iter()
        .find(|m| m.lessons.iter().any(|l| l.id == lesson.id));
    // The result of the last answers, shown after the redirect that follows answering.
    let outcome = learning::stored_outcome(lesson, &progress);
    let exercise = section::build(
        auth,
        cohort_id,
        &lesson.slug,
        lesson.id,
        cached.exercise.as_ref(),
        role,
        exercise,
    )
    .await?;
    let ctx = &auth.0;
    let exercise_html = match exercise {
        Some(section) => {
            let mut c = ctx.base_context();
            c.insert("cohort", &serde_json::json!({ "id": cohort_id }));
            c.insert("lesson", &serde_json::json!({ "slug": lesson.slug }));
            c.insert("exercise", &section);
            Some(
                ctx.state
                    .templates
                    .render(ctx.lang, "exercises/section.html", &c)?,
            )
        }
        None => None,
    };
    let secret = &ctx.state.config.secret;
    let checks = lesson
        .checks
        .iter()
        .enumerate()
        .map(|(qi, check)| {
            let chosen = progress.answers.get(&qi).cloned().unwrap_or_default();
            // Each check's choices in this user's own, stable order; the form still sends
            // each choice's own index, so grading and the stored answers do not depend on it.
            let shown =
                learning::order::choice_order(secret, uid, lesson.id, qi, check.choices.len())
                    .into_iter()
                    .filter_map(|index| {
                        let text = check.choices.get(index)?;
                        Some(html::ShownChoice { index, text })
                    })
                    .collect();
            // Right or wrong as the grading said (`learning::grade`); None while unanswered.
            let right = outcome.as_ref().map(|o| o.correct[qi]);
            html::CheckState {
                shown,
                right: right.filter(|_| !chosen.is_empty()),
                chosen,
            }
        })
        .collect();
    let catalog = ctx.state.templates.catalog(ctx.lang);
    let lang = ctx.lang.code();
    let article = html::Article {
        t: catalog,
        lang,
        csrf_token: &ctx.csrf_token,
        cohort_id,
        cohort_name: &cohort.name,
        role,
        lesson,
        outline: &outline,
        module,
        position: index + 1,
        prev: index.checked_sub(1).and_then(|i| flat.get(i)).copied(),
        next: flat.get(index + 1).copied(),
        done: progress.done,
        checks,
        outcome: outcome.as_ref(),
        check_error,
        exercise_html,
        course_nav: nav::course_nav(
            &outline,
            cohort_id,
            lesson,
            lang,
            catalog.get("learning.done"),
        ),
    };
    ctx.render_framed(
        status,
        "learning/lesson.html",
        &lesson.title,
        &article.html(),
    )
}
