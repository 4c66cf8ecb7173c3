//! The public knowledge bank pages: the index by theme with search, and one page per entry.

use super::ctx::Ctx;
use crate::knowledge_bank;
use crate::AppResult;
use actix_web::web;
use actix_web::HttpResponse;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
}

pub async fn index(ctx: Ctx, query: web::Query<SearchQuery>) -> AppResult<HttpResponse> {
    let q: String = query
        .into_inner()
        .q
        .chars()
        .take(200)
        .collect::<String>()
        .trim()
        .to_string();
    let q2 = q.clone();
    let page_language = ctx.lang.code();
    let (groups, results, language, handouts) = ctx
        .state
        .db(move |conn| {
            let language = knowledge_bank::content_language(conn, page_language)?;
            // Each theme's printable handout (training kits), public like the entries.
            let handouts = knowledge_bank::kits::handouts_for(conn)?;
            if q2.is_empty() {
                let groups = knowledge_bank::by_theme(conn, &language)?;
                Ok((groups, None, language, handouts))
            } else {
                let found = knowledge_bank::search(conn, &q2, &language)?;
                Ok((Vec::new(), Some(found), language, handouts))
            }
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("handouts", &handouts);
    c.insert("groups", &groups);
    c.insert("results", &results);
    c.insert("q", &q);
    c.insert("content_language", &language);
    ctx.render("knowledge_bank/index.html", c)
}

pub async fn entry(ctx: Ctx, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    let (course, lesson) = path.into_inner();
    let (entry, counterparts) = ctx
        .state
        .db(move |conn| {
            let entry = knowledge_bank::entry(conn, &course, &lesson)?;
            let counterparts = knowledge_bank::counterparts(conn, &entry)?;
            Ok((entry, counterparts))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("entry", &entry);
    c.insert("counterparts", &counterparts);
    c.insert(
        "url",
        &format!(
            "{}/tietopankki/{}/{}",
            ctx.state.config.base_url, entry.course_slug, entry.lesson_slug
        ),
    );
    ctx.render("knowledge_bank/entry.html", c)
}
