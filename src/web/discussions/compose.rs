//! What the discussion forms share: the text as posted (LF line ends), the address that shows
//! a post on its page of a long thread, and the compose page (a preview, or the form again with
//! its errors) for new threads, replies and edits.

use crate::discussions::view;
use crate::web::ctx::Auth;
use crate::AppResult;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};

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
