//! Where discussions are found: the user's discussion areas and e-mail setting, a cohort's
//! threads with search, and a lesson's discussion area with the new-thread form.

use super::compose::{normalise, render_compose, ThreadForm};
use crate::discussions::{self, posting, view, Viewer};
use crate::web::ctx::{see_other, Auth};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    pub tallennettu: Option<String>,
}

pub async fn index(auth: Auth, q: web::Query<Saved>) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let uid = who.user_id;
    let (areas, mode) = auth
        .0
        .state
        .db(move |conn| {
            let areas = discussions::view::areas(conn, &who)?;
            let (mode, _) = discussions::email_mode::settings(conn, uid)?;
            Ok((areas, mode))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("areas", &areas);
    c.insert("mode", &mode);
    c.insert("modes", &discussions::email_mode::MODES);
    c.insert("saved", &q.tallennettu.is_some());
    c.insert("is_trainer", &auth.principal().is_trainer());
    auth.0.render("discussions/index.html", c)
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub email_mode: String,
}

pub async fn save_settings(auth: Auth, form: web::Form<SettingsForm>) -> AppResult<HttpResponse> {
    let uid = auth.principal().user_id;
    let mode = form.into_inner().email_mode;
    auth.0
        .state
        .db(move |conn| discussions::email_mode::set_email_mode(conn, uid, &mode))
        .await?;
    Ok(see_other("/keskustelut?tallennettu=1#asetukset"))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub ennen: String,
}

fn clean_query(q: &str) -> String {
    q.chars().take(200).collect::<String>().trim().to_string()
}

pub async fn cohort_threads(
    auth: Auth,
    path: web::Path<i64>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let who = auth.principal().clone();
    let q = clean_query(&query.q);
    let cursor = view::Cursor::parse(&query.ennen);
    let now = auth.0.now();
    let q2 = q.clone();
    let (cohort, viewer, list, hits) = auth
        .0
        .state
        .db(move |conn| {
            let (cohort, viewer) = discussions::cohort_access(conn, &who, cohort_id)?;
            posting::prompts::ensure_prompt_threads(conn, &cohort, now)?;
            if q2.is_empty() {
                let list = view::threads(conn, &viewer, cohort.id, None, cursor)?;
                Ok((cohort, viewer, Some(list), None))
            } else {
                let hits = discussions::search::search(conn, &viewer, cohort.id, &q2)?;
                Ok((cohort, viewer, None, Some(hits)))
            }
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("viewer", &viewer);
    c.insert("list", &list);
    c.insert("hits", &hits);
    c.insert("q", &q);
    c.insert("paged", &cursor.is_some());
    auth.0.render("discussions/cohort.html", c)
}

/// The lesson of a cohort's course, with the caller's access to the cohort.
async fn lesson_of(
    auth: &Auth,
    cohort_id: i64,
    slug: String,
) -> AppResult<(crate::cohorts::Cohort, Viewer, crate::learning::Lesson)> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let (cohort, viewer) = discussions::cohort_access(conn, &who, cohort_id)?;
            let lesson = crate::learning::lesson(conn, cohort.course_id, &slug)?;
            Ok((cohort, viewer, lesson))
        })
        .await
}

pub async fn lesson_area(
    auth: Auth,
    path: web::Path<(i64, String)>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let (cohort_id, slug) = path.into_inner();
    let (cohort, viewer, lesson) = lesson_of(&auth, cohort_id, slug).await?;
    let cursor = view::Cursor::parse(&query.ennen);
    let now = auth.0.now();
    let (c2, lesson_id) = (cohort.clone(), lesson.id);
    let (list, prompt) = auth
        .0
        .state
        .db(move |conn| {
            posting::prompts::ensure_prompt_threads(conn, &c2, now)?;
            Ok((
                view::threads(conn, &viewer, c2.id, Some(lesson_id), cursor)?,
                view::prompt_thread(conn, &viewer, c2.id, lesson_id)?,
            ))
        })
        .await?;
    let form = ThreadForm {
        kind: discussions::QUESTION.into(),
        ..Default::default()
    };
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("viewer", &viewer);
    c.insert("lesson", &lesson);
    c.insert("list", &list);
    c.insert("prompt", &prompt);
    c.insert("form", &form);
    c.insert("can_post", &discussions::policy::can_post(viewer.role));
    c.insert("paged", &cursor.is_some());
    auth.0.render("discussions/lesson.html", c)
}

pub async fn start_thread(
    auth: Auth,
    path: web::Path<(i64, String)>,
    form: web::Form<ThreadForm>,
) -> AppResult<HttpResponse> {
    let (cohort_id, slug) = path.into_inner();
    let (cohort, viewer, lesson) = lesson_of(&auth, cohort_id, slug.clone()).await?;
    if !discussions::policy::can_post(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let mut form = form.into_inner();
    form.body = normalise(&form.body);
    let url = format!("/ryhmat/{cohort_id}/{slug}/keskustelu");
    let errors = posting::validate_thread(&form.kind, &form.title, &form.body);
    let heading = format!("{}: {}", auth.0.t("disc.new_thread"), lesson.title);
    if form.action == "preview" || !errors.is_empty() {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        return render_compose(
            &auth, status, "thread", &url, &url, &heading, &form, None, &errors, true,
        );
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    let state = auth.0.state.clone();
    let lesson_id = lesson.id;
    // Once per form: a retry after a lost answer goes to the thread the first one started.
    let location = auth
        .0
        .create_once("thread", move |conn| {
            let thread_id = posting::start_thread(
                conn,
                Some(&state.messaging()),
                &who,
                cohort.id,
                posting::NewThread {
                    lesson_id,
                    kind: &form.kind,
                    title: &form.title,
                    body: &form.body,
                },
                now,
            )?;
            Ok(format!("/keskustelut/ketju/{thread_id}"))
        })
        .await?;
    Ok(auth.0.see_other_notice(&location, "notice.post_published"))
}
