//! The lesson page. The lesson, the outline and the navigation come from the course as
//! published (`learning::cache`, checked against the version on every request); per request
//! the page reads only the cohort with the reader's role and the course's version (one
//! statement) and the reader's progress (one statement), plus an exercise's own state.

use super::ctx::{see_other, Auth};
use super::exercises::section::{self, FormState};
use super::learning::{open_in, CHECK_ERRORS};
use crate::cohorts::CohortRole;
use crate::learning;
use crate::AppResult;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};

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
    let who = auth.principal().clone();
    let uid = who.user_id;
    let cache = auth.0.state.lessons.clone();
    let today = auth.0.state.clock.today();
    let slug = slug.to_string();
    let opened = auth
        .0
        .state
        .db(move |conn| {
            let (cohort, role, head, course) = open_in(conn, &cache, &who, cohort_id)?;
            if role == CohortRole::Trainee && cohort.lessons_open_on(today).is_some() {
                return Ok(None);
            }
            let cached = course.lesson(&slug).ok_or(crate::AppError::NotFound)?;
            let (done, progress) =
                learning::cache::progress_in(conn, uid, &course, Some(cached.lesson.id))?;
            let outline = course.outline(&done);
            Ok(Some((cohort, role, head, cached, outline, progress)))
        })
        .await?;
    let Some((cohort, role, head, cached, outline, progress)) = opened else {
        // The cohort page says when the lessons open.
        return Ok(see_other(&format!("/ryhmat/{cohort_id}/")));
    };
    let lesson = &cached.lesson;
    let flat: Vec<&learning::outline::OutlineLesson> =
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
                    let text = check.choices.get(index)?;
                    Some(ShownChoice { index, text })
                })
                .collect()
        })
        .collect();
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("role", &role);
    c.insert("course_slug", &head.slug);
    c.insert("lesson", lesson);
    // The page reads four of the outline's figures; its modules go into `course_nav` below
    // (serialising every lesson of the course for tera was a tenth of the page).
    c.insert(
        "outline",
        &serde_json::json!({
            "course_language": outline.course_language,
            "done": outline.done,
            "total": outline.total,
            "percent": outline.percent,
        }),
    );
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
    let done = auth
        .0
        .state
        .templates
        .catalog(auth.0.lang)
        .get("learning.done");
    c.insert(
        "course_nav",
        &course_nav(&outline, cohort_id, lesson, auth.0.lang.code(), done),
    );
    auth.0.render_status(status, "learning/lesson.html", c)
}

/// A choice as the lesson page shows it: its own index (what the form sends) and its text.
#[derive(serde::Serialize)]
struct ShownChoice<'a> {
    index: usize,
    text: &'a str,
}

/// The course's navigation beside the lesson: its modules and lessons, the reader's done marks
/// and the lesson shown. Written here rather than in the template because it is the page's
/// longest loop: through tera it was a third of the page's rendering (benches/README.md).
fn course_nav(
    outline: &learning::outline::Outline,
    cohort_id: i64,
    lesson: &learning::Lesson,
    page_lang: &str,
    done_text: &str,
) -> String {
    use crate::templates::escape_html as esc;
    use std::fmt::Write;
    // The titles are in the course's language: marked when the page is in another.
    let lang = if lesson.language != page_lang {
        format!(" lang=\"{}\"", esc(&lesson.language))
    } else {
        String::new()
    };
    let done = format!(
        " <span class=\"done\">✓ <span class=\"visually-hidden\">{}</span></span>",
        esc(done_text)
    );
    let mut html = String::with_capacity(4096);
    let _ = write!(
        html,
        "<nav class=\"course-nav\" aria-labelledby=\"course-nav-h\">\n  \
         <h2 id=\"course-nav-h\"{lang}>{}</h2>\n",
        esc(&outline.course_title)
    );
    for m in &outline.modules {
        let _ = write!(html, "  <h3{lang}>{}</h3>\n  <ol>\n", esc(&m.title));
        for l in &m.lessons {
            let current = if l.id == lesson.id {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = writeln!(
                html,
                "    <li><a href=\"/ryhmat/{cohort_id}/{}\"{current}{lang}>{}</a>{}</li>",
                esc(&l.slug),
                esc(&l.title),
                if l.done { done.as_str() } else { "" }
            );
        }
        html.push_str("  </ol>\n");
    }
    html.push_str("</nav>\n");
    html
}
