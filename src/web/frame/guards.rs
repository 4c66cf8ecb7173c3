//! The checks of a request that may change something, before its handler: the CSRF token and
//! the Origin, and the answer to a form too large to read.

use crate::web::body::FORM_LIMIT;
use crate::web::csrf;
use crate::web::error::ErrorDetail;
use crate::AppState;
use actix_web::dev::ServiceRequest;
use actix_web::http::header;
use actix_web::HttpResponse;

/// Checks the token from a header, the form body, or — for multipart uploads — the query
/// string; and the Origin.
pub(super) fn check_csrf(
    req: &ServiceRequest,
    state: &AppState,
    binding: &str,
    form: Option<&[u8]>,
) -> bool {
    if let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    {
        if origin != "null" && !same_origin(origin, &state.config.base_url, req) {
            return false;
        }
    }
    let secret = &state.config.secret;
    if let Some(t) = req
        .headers()
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return csrf::check(secret, binding, t);
    }
    let offered = match form {
        Some(body) => crate::web::body::field(body, csrf::FIELD),
        None => crate::web::body::field(req.query_string().as_bytes(), csrf::FIELD),
    };
    !offered.is_empty() && offered.iter().all(|t| csrf::check(secret, binding, t))
}

/// A form too large to read: back to the page it was sent from (the Referer, when it is ours),
/// whose notice names the limit and whose form gets the typed text back (assets/js/forms.js);
/// nothing was saved. Without a page to go back to, the 413 error page names the limit.
pub(super) fn too_large(req: &ServiceRequest, state: &AppState) -> HttpResponse {
    let back = req
        .headers()
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|u| {
            same_origin(
                u.origin().ascii_serialization().as_str(),
                &state.config.base_url,
                req,
            )
        })
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .filter(|p| p.starts_with('/') && !p.starts_with("//"));
    let limit_mib = (FORM_LIMIT / (1024 * 1024)) as i64;
    match back {
        Some(path) => crate::web::notice::Notice {
            key: crate::web::notice::TOO_LARGE.to_string(),
            n: Some(limit_mib),
        }
        .see_other(&path, state.config.secure_cookies),
        None => {
            let mut res = HttpResponse::PayloadTooLarge().finish();
            res.extensions_mut()
                .insert(ErrorDetail("errors.form_too_large".into()));
            res
        }
    }
}

/// No Origin header, or our own.
pub(super) fn origin_is_ours(req: &ServiceRequest, state: &AppState) -> bool {
    req.headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_none_or(|o| o == "null" || same_origin(o, &state.config.base_url, req))
}

fn same_origin(origin: &str, base_url: &str, req: &ServiceRequest) -> bool {
    let origin = origin.trim_end_matches('/');
    if origin.eq_ignore_ascii_case(base_url.trim_end_matches('/')) {
        return true;
    }
    // Also accept the host the request came to (a server reached under another name in
    // development); the token check still binds the request to this browser.
    let info = req.connection_info();
    let here = format!("{}://{}", info.scheme(), info.host());
    origin.eq_ignore_ascii_case(&here)
}
