//! The error page every failed request ends on (rendered by the frame middleware, which must
//! not reach into the handlers): a title, what to do, the request id, nothing internal.

use super::nav::Nav;
use crate::accounts::Principal;
use crate::i18n::Lang;
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

/// The plain error page: a title, what to do, the request id; nothing internal.
pub fn error_page(
    state: &AppState,
    req: &HttpRequest,
    lang: Lang,
    status: StatusCode,
    detail: &str,
    request_id: &str,
    signed_in: bool,
) -> HttpResponse {
    if req.path().starts_with("/api/") {
        return HttpResponse::build(status).json(serde_json::json!({
            "error": status.canonical_reason().unwrap_or("error"),
            "request_id": request_id,
        }));
    }
    let catalog = state.templates.catalog(lang);
    let code = status.as_u16();
    let key = match code {
        400 | 403 | 404 | 405 | 408 | 409 | 413 | 429 => format!("errors.{code}"),
        _ => "errors.500".to_string(),
    };
    let mut c = tera::Context::new();
    c.insert("lang", lang.code());
    c.insert("status", &code);
    c.insert("title", catalog.get(&format!("{key}.title")));
    c.insert("explanation", catalog.get(&format!("{key}.text")));
    let detail = if detail.is_empty() || detail.starts_with("form:") {
        String::new()
    } else {
        catalog.get(detail).to_string()
    };
    c.insert("detail", &detail);
    c.insert("request_id", request_id);
    c.insert(
        "nav",
        &Nav {
            signed_in,
            ..Default::default()
        },
    );
    c.insert("user", &None::<Principal>);
    c.insert("csrf_token", "");
    c.insert("current_path", req.path());
    c.insert("flash", &None::<String>);
    c.insert("back", &referer_path(req));
    let body = state
        .templates
        .render(lang, "errors/error.html", &c)
        .unwrap_or_else(|_| format!("Error {code}. Request id {request_id}."));
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// The page the request came from, when it is one of ours and not this one: where an error
/// page leads back to.
fn referer_path(req: &HttpRequest) -> Option<String> {
    let referer = req.headers().get(actix_web::http::header::REFERER)?;
    let url = url::Url::parse(referer.to_str().ok()?).ok()?;
    let info = req.connection_info();
    let ours = url.host_str().is_some_and(|h| {
        let here = info.host();
        here == h || here.split(':').next() == Some(h)
    });
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    // A failed GET does not lead back to itself; a refused form leads back to its page.
    let elsewhere = path != req.path() || req.method() != actix_web::http::Method::GET;
    (ours && elsewhere && path.starts_with('/') && !path.starts_with("//")).then_some(path)
}
