//! The thread page with its replies: reading (the reader's marker moves), replying, following,
//! and the moderators' thread actions.

use super::compose::{normalise, post_url, render_compose, ThreadForm};
use super::post_html;
use crate::discussions::{self, moderation, posting, view};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

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
    let (cohort, mut page, parent, entry) = auth
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
    // The posts are written to HTML here (`post_html`), not serialised for the template.
    let lang = auth.0.lang;
    let catalog = auth.0.state.templates.catalog(lang);
    let actions = post_html::Actions {
        csrf_token: &auth.0.csrf_token,
        thread_id: page.thread.id,
        moderates: page.moderates,
        can_post: page.can_post,
    };
    let opening_html = page
        .opening
        .take()
        .map(|p| post_html::post(catalog, lang, &p, &actions));
    let posts_html = post_html::list(catalog, lang, &std::mem::take(&mut page.posts), &actions);
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("opening_html", &opening_html);
    c.insert("posts_html", &posts_html);
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
