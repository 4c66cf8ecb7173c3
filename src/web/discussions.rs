//! Discussion pages: the user's discussion areas and e-mail setting, a cohort's threads with
//! search, a lesson's discussion area with the new-thread form, the thread page with replies,
//! following and the moderators' thread actions. Post actions (edit, history, best answer,
//! hide, restore, report) are in [`posts`], redaction and the authors' requests for it in
//! [`redaction`]; the answer bank, the trainer's desk, the
//! coordinators' figures and unsubscribing in [`desk`]. Every form works without JavaScript;
//! "Esikatsele" (preview) re-renders the form with the rendered text and saves nothing.
//!
//! Two GET requests write, deliberately and idempotently: opening a discussion area opens the
//! lessons' prompt threads once (a cache-like fill, invisible to users), and reading a thread
//! moves the reader's own read marker. Neither changes anything anyone else sees.

mod desk;
mod posts;
mod redaction;

use super::ctx::{see_other, Auth};
use super::route_table::RouteTable;
use crate::discussions::{self, moderation, posting, view, Viewer};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

/// Every discussion route. Registered before the knowledge bank's `/tietopankki/{course}/
/// {lesson}`, which would otherwise take `/tietopankki/vastaukset/{id}`.
pub fn register(t: &mut RouteTable) {
    t.get("/keskustelut", index);
    t.post("/keskustelut/asetukset", save_settings);
    t.get("/keskustelut/valmentaja", desk::trainer_desk);
    t.get("/keskustelut/ryhma/{cohort}", cohort_threads);
    t.get("/ryhmat/{cohort}/{lesson}/keskustelu", lesson_area);
    t.post("/ryhmat/{cohort}/{lesson}/keskustelu", start_thread);
    t.get("/keskustelut/ketju/{thread}", thread_page);
    t.post("/keskustelut/ketju/{thread}", reply);
    t.post("/keskustelut/ketju/{thread}/seuranta", follow);
    t.post("/keskustelut/ketju/{thread}/moderointi", moderate);
    t.get(
        "/keskustelut/ketju/{thread}/vastauspankki",
        desk::publish_form,
    );
    t.post("/keskustelut/ketju/{thread}/vastauspankki", desk::publish);
    t.post(
        "/keskustelut/ketju/{thread}/vastauspankki/poista",
        desk::withdraw,
    );
    t.get("/keskustelut/viesti/{post}/muokkaa", posts::edit_form);
    t.post("/keskustelut/viesti/{post}/muokkaa", posts::edit);
    t.get("/keskustelut/viesti/{post}/historia", posts::history);
    t.post("/keskustelut/viesti/{post}/paras", posts::mark_best);
    t.get("/keskustelut/viesti/{post}/piilota", posts::hide_form);
    t.post("/keskustelut/viesti/{post}/piilota", posts::hide);
    t.post("/keskustelut/viesti/{post}/palauta", posts::restore);
    t.get(
        "/keskustelut/viesti/{post}/poista-teksti",
        redaction::redact_form,
    );
    t.post(
        "/keskustelut/viesti/{post}/poista-teksti",
        redaction::redact,
    );
    t.get(
        "/keskustelut/viesti/{post}/poistopyynto",
        redaction::request_form,
    );
    t.post(
        "/keskustelut/viesti/{post}/poistopyynto",
        redaction::request,
    );
    t.get("/keskustelut/viesti/{post}/ilmoita", posts::report_form);
    t.post("/keskustelut/viesti/{post}/ilmoita", posts::report);
    t.post(
        "/keskustelut/ilmoitukset/{id}/kasitelty",
        posts::resolve_report,
    );
    t.get("/keskustelut/peru-tilaus/{token}", desk::unsubscribe_page);
    t.post("/keskustelut/peru-tilaus/{token}", desk::unsubscribe);
    t.get("/hallinta/ryhmat/{cohort}/keskustelut", desk::stats);
    t.get("/tietopankki/vastaukset/{id}", desk::answer_page);
}

/// Browsers send CRLF; posts are stored with LF.
pub(super) fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// A thread page URL that shows `answer_id` (the answer itself, or the one a reply is under)
/// and scrolls to `post_id`: long threads are paged, so the page starts at that answer.
pub(super) fn post_url(thread_id: i64, post_count: i32, answer_id: i64, post_id: i64) -> String {
    if i64::from(post_count) <= view::POSTS_PER_PAGE {
        format!("/keskustelut/ketju/{thread_id}#v{post_id}")
    } else {
        format!(
            "/keskustelut/ketju/{thread_id}?jalkeen={}#v{post_id}",
            answer_id - 1
        )
    }
}

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
            let (mode, _) = discussions::notify::settings(conn, uid)?;
            Ok((areas, mode))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("areas", &areas);
    c.insert("mode", &mode);
    c.insert("modes", &discussions::notify::MODES);
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
        .db(move |conn| discussions::notify::set_email_mode(conn, uid, &mode))
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

#[derive(Deserialize, Default, Serialize, Clone)]
pub struct ThreadForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub action: String,
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

/// The compose page: a preview, or the form again with its errors.
#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, one call per form"
)]
pub(super) fn render_compose(
    auth: &Auth,
    status: StatusCode,
    mode: &str,
    action_url: &str,
    back_url: &str,
    heading: &str,
    form: &ThreadForm,
    parent: Option<i64>,
    errors: &[&str],
    preview: bool,
) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("mode", mode);
    c.insert("action_url", action_url);
    c.insert("back_url", back_url);
    c.insert("heading", heading);
    c.insert("form", form);
    c.insert("parent", &parent);
    c.insert("errors", errors);
    c.insert(
        "preview_html",
        &(preview && !form.body.trim().is_empty())
            .then(|| crate::courses::markdown::render_user(&form.body)),
    );
    auth.0.render_status(status, "discussions/compose.html", c)
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

#[derive(Deserialize, Default)]
pub struct ThreadQuery {
    #[serde(default)]
    pub jalkeen: Option<String>,
    #[serde(default)]
    pub vastaa: Option<String>,
    #[serde(default)]
    pub ilmoitettu: Option<String>,
}

pub async fn thread_page(
    auth: Auth,
    path: web::Path<i64>,
    query: web::Query<ThreadQuery>,
) -> AppResult<HttpResponse> {
    let thread_id = path.into_inner();
    let after = query.jalkeen.as_deref().and_then(|s| s.parse::<i64>().ok());
    let reply_to = query.vastaa.as_deref().and_then(|s| s.parse::<i64>().ok());
    let who = auth.principal().clone();
    let now = auth.0.now();
    let (cohort, page, parent, entry) = auth
        .0
        .state
        .db(move |conn| {
            let (thread, cohort, viewer) = discussions::thread_access(conn, &who, thread_id)?;
            let page = view::thread::thread_page(conn, &thread, &viewer, after, now)?;
            // The post being replied to, if it is one the viewer may see in this thread.
            let parent = match reply_to {
                Some(pid) => match discussions::post_access(conn, &who, pid) {
                    Ok((p, ..)) if p.thread_id == thread.id => Some(ReplyTarget {
                        id: p.id,
                        excerpt: discussions::notify::excerpt(&p.body_markdown, 160),
                    }),
                    _ => None,
                },
                None => None,
            };
            let entry = if viewer.moderates() {
                discussions::answers::for_thread(conn, thread.id)?
            } else {
                None
            };
            Ok((cohort, page, parent, entry))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("page", &page);
    c.insert("parent", &parent);
    c.insert("entry", &entry);
    c.insert("body", "");
    c.insert("reported", &query.ilmoitettu.is_some());
    auth.0.render("discussions/thread.html", c)
}

#[derive(Serialize)]
struct ReplyTarget {
    id: i64,
    excerpt: String,
}

#[derive(Deserialize, Default)]
pub struct ReplyForm {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub action: String,
}

pub async fn reply(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<ReplyForm>,
) -> AppResult<HttpResponse> {
    let thread_id = path.into_inner();
    let form = form.into_inner();
    let body = normalise(&form.body);
    let parent: Option<i64> = form.parent_id.trim().parse().ok();
    let mut errors = Vec::new();
    posting::check_body(&body, &mut errors);
    if form.action == "preview" || !errors.is_empty() {
        return reply_form(&auth, thread_id, body, parent, errors).await;
    }
    // The usual case in one transaction: `posting::reply_placed` checks the caller's rights
    // and the lock itself.
    let who = auth.principal().clone();
    let now = auth.0.now();
    let state = auth.0.state.clone();
    let created = auth
        .0
        .create_once("reply", move |conn| {
            let placed = posting::reply_placed(
                conn,
                Some(&state.messaging()),
                &who,
                thread_id,
                parent,
                &body,
                now,
            )?;
            Ok(post_url(
                thread_id,
                placed.post_count,
                placed.answer_id,
                placed.post_id,
            ))
        })
        .await;
    match created {
        Ok(location) => Ok(auth.0.see_other_notice(&location, "notice.post_published")),
        // Locked meanwhile: the form again, saying so.
        Err(AppError::Invalid(key)) if key == "disc.locked" => {
            reply_form(&auth, thread_id, normalise(&form.body), parent, Vec::new()).await
        }
        Err(e) => Err(e),
    }
}

/// The reply form again: a preview, or the text back with what is wrong with it.
async fn reply_form(
    auth: &Auth,
    thread_id: i64,
    body: String,
    parent: Option<i64>,
    mut errors: Vec<&'static str>,
) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let (thread, viewer) = auth
        .0
        .state
        .db(move |conn| {
            let (thread, _, viewer) = discussions::thread_access(conn, &who, thread_id)?;
            Ok((thread, viewer))
        })
        .await?;
    if !discussions::policy::can_post(viewer.role) {
        return Err(AppError::Forbidden);
    }
    if !discussions::policy::can_post_in(viewer.role, thread.locked) {
        errors.push("disc.locked");
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let url = format!("/keskustelut/ketju/{thread_id}");
    let f = ThreadForm {
        body,
        ..Default::default()
    };
    let heading = format!("{}: {}", auth.0.t("disc.reply_heading"), thread.title);
    render_compose(
        auth, status, "reply", &url, &url, &heading, &f, parent, &errors, true,
    )
}

#[derive(Deserialize)]
pub struct FollowForm {
    #[serde(default)]
    pub follow: String,
}

pub async fn follow(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<FollowForm>,
) -> AppResult<HttpResponse> {
    let thread_id = path.into_inner();
    let follow = match form.follow.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| {
            // Who may not see the thread learns nothing, whatever they sent.
            discussions::thread_access(conn, &who, thread_id)?;
            let follow = follow.ok_or_else(|| AppError::invalid("disc.follow_invalid"))?;
            posting::set_following(conn, &who, thread_id, follow, now)
        })
        .await?;
    let notice = if follow == Some(true) {
        "notice.thread_followed"
    } else {
        "notice.thread_unfollowed"
    };
    Ok(auth
        .0
        .see_other_notice(&format!("/keskustelut/ketju/{thread_id}#seuranta"), notice))
}

#[derive(Deserialize)]
pub struct ModerateForm {
    #[serde(default)]
    pub action: String,
}

pub async fn moderate(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<ModerateForm>,
) -> AppResult<HttpResponse> {
    let thread_id = path.into_inner();
    let action = moderation::ThreadAction::parse(&form.action);
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let (_, _, viewer) = discussions::thread_access(conn, &who, thread_id)?;
            if !viewer.moderates() {
                return Err(AppError::Forbidden);
            }
            let action = action.ok_or_else(|| AppError::invalid("disc.action_invalid"))?;
            moderation::moderate_thread(conn, &who, thread_id, action)
        })
        .await?;
    Ok(auth.0.see_other_notice(
        &format!("/keskustelut/ketju/{thread_id}"),
        "notice.thread_moderated",
    ))
}
