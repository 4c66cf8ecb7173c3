//! What the frame does to every response: the login redirect's way back, the error page, the
//! security headers, the log line.

use crate::i18n::Lang;
use crate::web::error::ErrorDetail;
use crate::AppState;
use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, Method, StatusCode};
use actix_web::HttpResponse;
use std::time::Instant;

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Adds the headers, renders error pages, logs the request.
pub(super) fn finish(
    req: actix_web::HttpRequest,
    state: &AppState,
    request_id: String,
    lang: Lang,
    signed_in: Option<bool>,
    mut response: HttpResponse,
    started: Instant,
) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let path = req.path().to_string();
    if status == StatusCode::SEE_OTHER
        && req.method() == Method::GET
        && response
            .headers()
            .get(header::LOCATION)
            .is_some_and(|l| l == "/login")
    {
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let location = format!("/login?next={}", urlencode(target));
        response.headers_mut().insert(
            header::LOCATION,
            header::HeaderValue::from_str(&location)
                .unwrap_or(header::HeaderValue::from_static("/login")),
        );
    }
    if status.as_u16() >= 400 && !response.headers().contains_key(header::CONTENT_TYPE) {
        let detail = response
            .extensions()
            .get::<ErrorDetail>()
            .map(|d| d.0.clone())
            .unwrap_or_default();
        response = crate::web::error_page::error_page(
            state,
            &req,
            lang,
            status,
            &detail,
            &request_id,
            signed_in.unwrap_or(false),
        );
    }
    let h = response.headers_mut();
    let set = |h: &mut header::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, header::HeaderValue::from_static(v));
    };
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(h, header::CONTENT_SECURITY_POLICY, CSP);
    }
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    );
    set(
        h,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if state.config.secure_cookies {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if let Ok(v) = header::HeaderValue::from_str(&request_id) {
        h.insert(header::HeaderName::from_static("x-request-id"), v);
    }
    let asset = path.starts_with("/assets/") && (status.is_success() || status.as_u16() == 304);
    if asset {
        // The asset handler says how long (a hashed name: a year; a plain name: revalidate);
        // an asset is the same for everyone.
        set(h, header::VARY, "Accept-Encoding");
    } else {
        if signed_in.unwrap_or(false) || !h.contains_key(header::CACHE_CONTROL) {
            set(h, header::CACHE_CONTROL, "no-store");
        }
        set(h, header::VARY, "Cookie, Accept-Language, Accept-Encoding");
    }
    // No query string in the log: it may carry tokens. No user data either.
    tracing::info!(
        request_id = %request_id,
        method = %req.method(),
        path = %log_path(&path),
        status = status.as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    let response = crate::web::compress::maybe_gzip(&req, response);
    ServiceResponse::new(req, response)
}

/// Paths with secrets in them (link tokens) are logged without the secret.
fn log_path(path: &str) -> String {
    for prefix in [
        "/salasana/uusi/",
        "/vahvista/",
        "/esihenkilo/",
        "/peru-tilaus/",
    ] {
        if let Some(rest) = path.strip_prefix(prefix) {
            if !rest.is_empty() {
                return format!("{prefix}…");
            }
        }
    }
    path.to_string()
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
