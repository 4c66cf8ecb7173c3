//! Training kits: the list and each theme's facilitator's guide for experts
//! (`/valmennuspaketit`), its slides (a page of their own that works without script and
//! prints one slide per page), and the public handout (`/tietopankki/moniste/…`).

use super::ctx::{Auth, Ctx};
use crate::knowledge_bank::kits;
use crate::{AppError, AppResult};
use actix_web::{web, HttpResponse};

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/valmennuspaketit", index);
    t.get("/valmennuspaketit/{course}/{module}", guide);
    t.get("/valmennuspaketit/{course}/{module}/diat", slides);
    t.get("/tietopankki/moniste/{course}/{module}", handout);
}

async fn require_kits(auth: &Auth) -> AppResult<()> {
    let who = auth.principal().clone();
    let ok = auth
        .0
        .state
        .db(move |conn| kits::may_use(conn, &who))
        .await?;
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn index(auth: Auth) -> AppResult<HttpResponse> {
    require_kits(&auth).await?;
    let list = auth.0.state.db(kits::list).await?;
    let mut c = tera::Context::new();
    c.insert("kits", &list);
    auth.0.render("kits/index.html", c)
}

async fn load(ctx: &Ctx, course: String, module: String) -> AppResult<kits::Kit> {
    ctx.state
        .db(move |conn| kits::kit(conn, &course, &module))
        .await
}

pub async fn guide(auth: Auth, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    require_kits(&auth).await?;
    let (course, module) = path.into_inner();
    let kit = match load(&auth.0, course.clone(), module.clone()).await {
        Ok(k) => k,
        // A guide's link to a lesson lands here: its knowledge-bank page, if it has one.
        Err(AppError::NotFound) => {
            let target = auth
                .0
                .state
                .db(move |conn| kits::lesson_page(conn, &course, &module))
                .await?;
            return match target {
                Some(url) => Ok(super::ctx::see_other(&url)),
                None => Err(AppError::NotFound),
            };
        }
        Err(e) => return Err(e),
    };
    if kit.guide.is_none() {
        return Err(AppError::NotFound);
    }
    let mut c = tera::Context::new();
    c.insert("kit", &kit);
    auth.0.render("kits/guide.html", c)
}

pub async fn slides(auth: Auth, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    require_kits(&auth).await?;
    let (course, module) = path.into_inner();
    let kit = load(&auth.0, course, module).await?;
    if kit.guide.is_none() {
        return Err(AppError::NotFound);
    }
    let mut c = tera::Context::new();
    c.insert("kit", &kit);
    auth.0.render("kits/slides.html", c)
}

/// Public, like the knowledge bank.
pub async fn handout(ctx: Ctx, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    let (course, module) = path.into_inner();
    let kit = load(&ctx, course, module).await?;
    if kit.summaries.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut c = tera::Context::new();
    c.insert("kit", &kit);
    c.insert("url", &ctx.state.config.base_url);
    ctx.render("kits/handout.html", c)
}
