//! Editing a post: the text it replaces is kept as a revision.

use super::super::{policy, post_access};
use super::checks::{check_body, check_title, first_error, search_text};
use crate::accounts::Principal;
use crate::courses::markdown::render_user;
use crate::db::schema_discussions::{
    discussion_posts as dp, discussion_revisions as rev, discussion_threads as dt,
};
use crate::db::{write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Saves an edited post; the text it replaces is kept as a revision. The opening post may
/// change the thread's title too.
pub fn edit(
    conn: &mut AnyConnection,
    who: &Principal,
    post_id: i64,
    title: Option<&str>,
    body: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    write_tx(conn, |tx| {
        let (post, thread, _, viewer) = post_access(tx, who, post_id)?;
        let is_author = post.author_id == Some(who.user_id);
        if !policy::can_edit(viewer.role, is_author, post.created_at, now, thread.locked) {
            return Err(AppError::Forbidden);
        }
        let is_opening = thread.opening_post_id == Some(post.id);
        let mut errors = Vec::new();
        if let (true, Some(t)) = (is_opening, title) {
            check_title(t, &mut errors);
        }
        check_body(body, &mut errors);
        first_error(errors)?;
        let new_title = if is_opening {
            Some(title.map(str::trim).unwrap_or(&thread.title))
        } else {
            None
        };
        diesel::insert_into(rev::table)
            .values((
                rev::post_id.eq(post.id),
                rev::title.eq(is_opening.then_some(thread.title.as_str())),
                rev::body_markdown.eq(&post.body_markdown),
                rev::edited_by.eq(Some(who.user_id)),
                rev::created_at.eq(now),
            ))
            .execute(tx)?;
        diesel::update(dp::table.find(post.id))
            .set((
                dp::body_markdown.eq(body),
                dp::body_html.eq(render_user(body)),
                dp::search_text.eq(search_text(new_title, body)),
                dp::edited_at.eq(Some(now)),
                dp::edited_by.eq(Some(who.user_id)),
            ))
            .execute(tx)?;
        if let Some(t) = new_title {
            diesel::update(dt::table.find(thread.id))
                .set(dt::title.eq(t))
                .execute(tx)?;
        }
        Ok(thread.id)
    })
}
