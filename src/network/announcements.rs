//! Announcements: a coordinator writes news to their network (Markdown, sanitised); members
//! see it on their home page and get it by e-mail through the outbox.

use super::registry::Scope;
use crate::courses::markdown::render_user;
use crate::db::schema::{announcements, memberships, users};
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Announcement {
    pub id: i64,
    pub title: String,
    pub body_html: String,
    pub created_at: NaiveDateTime,
}

/// Publishes an announcement to the scope's network and queues it to every member.
pub fn publish(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    author: i64,
    scope: Scope,
    title: &str,
    body: &str,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 || title.chars().any(char::is_control) {
        return Err(AppError::invalid("announcement.title_invalid"));
    }
    if body.trim().is_empty() || body.chars().count() > 20_000 {
        return Err(AppError::invalid("announcement.body_invalid"));
    }
    let html = render_user(body);
    let (region_id, county_id) = match scope {
        Scope::Region(r) => (Some(r), None),
        Scope::County(c) => (None, Some(c)),
    };
    write_tx(conn, |c| {
        let id: i64 = diesel::insert_into(announcements::table)
            .values((
                announcements::author_id.eq(author),
                announcements::region_id.eq(region_id),
                announcements::county_id.eq(county_id),
                announcements::title.eq(title),
                announcements::body_markdown.eq(body),
                announcements::body_html.eq(&html),
                announcements::created_at.eq(now),
            ))
            .returning(announcements::id)
            .get_result(c)?;
        let q = memberships::table
            .inner_join(users::table)
            .filter(users::active.eq(true))
            .select((users::id, users::email, users::name, users::language))
            .distinct()
            .into_boxed();
        let q = match scope {
            Scope::Region(r) => q.filter(memberships::region_id.eq(r)),
            Scope::County(cid) => q.filter(memberships::county_id.eq(cid)),
        };
        let members: Vec<(i64, String, String, String)> = q.load(c)?;
        for (uid, email, name, lang) in &members {
            let mut ctx = tera::Context::new();
            ctx.insert("name", name);
            ctx.insert("title", title);
            ctx.insert("body", body);
            ctx.insert("body_html", &html);
            ctx.insert("link", &format!("{}/", msg.base_url));
            mail::queue(
                c,
                msg.templates,
                now,
                Envelope {
                    to_email: email,
                    to_name: name,
                    language: Lang::parse(lang).unwrap_or_default(),
                    user_id: Some(*uid),
                    dedupe_key: format!("announcement:{id}:{uid}"),
                    template: "announcement",
                    context: ctx,
                },
            )?;
        }
        Ok(members.len())
    })
}

/// The newest announcements of a scope.
pub fn of_scope(
    conn: &mut AnyConnection,
    scope: Scope,
    limit: i64,
) -> AppResult<Vec<Announcement>> {
    let q = announcements::table
        .order(announcements::id.desc())
        .limit(limit)
        .into_boxed();
    let q = match scope {
        Scope::Region(r) => q.filter(announcements::region_id.eq(r)),
        Scope::County(c) => q.filter(announcements::county_id.eq(c)),
    };
    Ok(q.select((
        announcements::id,
        announcements::title,
        announcements::body_html,
        announcements::created_at,
    ))
    .load(conn)?)
}

/// The news a member sees on their home page: their regions' and counties' announcements.
pub fn for_member(
    conn: &mut AnyConnection,
    user_id: i64,
    limit: i64,
) -> AppResult<Vec<Announcement>> {
    let rows: Vec<(i64, Option<i64>)> = memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select((memberships::region_id, memberships::county_id))
        .load(conn)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let regions: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let counties: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    Ok(announcements::table
        .filter(
            announcements::region_id
                .eq_any(regions)
                .or(announcements::county_id.eq_any(counties)),
        )
        .order(announcements::id.desc())
        .limit(limit)
        .select((
            announcements::id,
            announcements::title,
            announcements::body_html,
            announcements::created_at,
        ))
        .load(conn)?)
}
