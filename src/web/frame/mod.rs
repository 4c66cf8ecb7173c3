//! The frame every request passes through: request id, language, session, CSRF, then after
//! the handler the security headers, the error page and one log line. Kept in one middleware
//! so the order of these steps is visible in one place; the checks of a request that may
//! change something are in `guards`, what is done to every response in `response`.

use super::csrf;
use super::open_cohort::Prefetched;
use crate::accounts::{self, session, Principal};
use crate::i18n::Lang;
use crate::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, HttpMessage, HttpResponse};
use std::time::Instant;

mod guards;
pub mod response;

use guards::{check_csrf, origin_is_ours, too_large};
use response::finish;

pub use super::body::FORM_LIMIT;
pub const LANG_COOKIE: &str = "kirjaamo_lang";

/// What the frame learnt about the request, for handlers and templates.
#[derive(Clone, Debug)]
pub struct RequestInfo {
    pub request_id: String,
    pub lang: Lang,
    pub principal: Option<Principal>,
    /// The value CSRF tokens are bound to (session id or pre-session cookie).
    pub csrf_binding: String,
    /// The idempotency key the form carried, if any ([`super::idempotency`]).
    pub idempotency_token: Option<String>,
}

pub async fn frame(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return Ok(req.into_response(HttpResponse::InternalServerError().finish()));
    };
    let request_id = hex::encode(rand::random::<[u8; 8]>());
    let method = req.method().clone();
    let path = req.path().to_string();
    let is_asset = path.starts_with("/assets/");

    // The session: a valid token whose version is still current.
    let now = state.clock.now();
    let mut claims = None;
    let mut principal = None;
    let mut clear_session = false;
    if !is_asset {
        if let Some(cookie) = req.cookie(session::COOKIE_NAME) {
            match state.session_key.verify(cookie.value(), now) {
                Some(c) => {
                    let (uid, ver) = (c.sub, c.ver);
                    let lesson_of = Prefetched::wanted(&method, &path);
                    let cache = state.lessons.clone();
                    let found = state
                        .read(move |conn| match lesson_of {
                            // The lesson page's cohort with the session check, for its principal.
                            Some(cohort) => {
                                let found = Prefetched::check_session_and_read(
                                    conn, &cache, uid, ver, cohort,
                                )?;
                                Ok(found.map(|(p, pre)| (p, Some(pre))))
                            }
                            None => Ok(accounts::principal_for(conn, uid, ver)?.map(|p| (p, None))),
                        })
                        .await;
                    match found {
                        Ok(Some((p, pre))) => {
                            principal = Some(p);
                            claims = Some(c);
                            if let Some(pre) = pre {
                                req.extensions_mut().insert(pre);
                            }
                        }
                        Ok(None) => clear_session = true,
                        Err(e) => return Ok(req.error_response(e)),
                    }
                }
                None => clear_session = true,
            }
        }
    }

    let lang = choose_lang(&req, principal.as_ref());
    let anon_cookie = req.cookie(csrf::ANON_COOKIE).map(|c| c.value().to_string());
    let mut new_anon_cookie = None;
    let csrf_binding = match (&claims, anon_cookie) {
        (Some(c), _) => c.sid.clone(),
        (None, Some(v)) if v.len() >= 16 => v,
        (None, _) => {
            let v = hex::encode(rand::random::<[u8; 16]>());
            // An asset is cached and shared: it never sets a cookie.
            if !is_asset {
                new_anon_cookie = Some(v.clone());
            }
            v
        }
    };

    // Every body must arrive in time.
    let body_read = super::body::limit_time(&mut req, state.config.body_timeout_secs);
    // Early answers (a refused form, an odd address) still get the headers and the log line.
    let early = |req: &ServiceRequest, mut resp: HttpResponse| {
        super::body::close_if_unread(&mut resp, &body_read);
        finish(
            req.request().clone(),
            &state,
            request_id.clone(),
            lang,
            None,
            resp,
            started,
        )
    };
    // A NUL in the address is nothing we could ever store.
    if super::body::url_has_nul(&req) {
        let resp =
            actix_web::ResponseError::error_response(&crate::AppError::invalid("errors.odd_bytes"));
        return Ok(early(&req, resp));
    }

    // CSRF: every request that may change something carries a token bound to this browser,
    // and comes from our own origin. The token API (/api/) uses bearer tokens, not cookies;
    // a mail program's one-click unsubscribe carries its signed link instead (csrf::exempt).
    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut idempotency_token = None;
    if unsafe_method && !path.starts_with("/api/") {
        let form = if super::body::is_multipart(&req) {
            None
        } else {
            match super::body::buffer(&mut req).await {
                Ok(body) => Some(body),
                Err(e) => {
                    let resp = match e {
                        super::body::BodyError::TooLarge => too_large(&req, &state),
                        super::body::BodyError::TimedOut => HttpResponse::RequestTimeout().finish(),
                        super::body::BodyError::Broken => HttpResponse::BadRequest().finish(),
                    };
                    return Ok(early(&req, resp));
                }
            }
        };
        idempotency_token = match &form {
            Some(body) => super::body::field(body, super::body::IDEMPOTENCY_FIELD).pop(),
            None => url::form_urlencoded::parse(req.query_string().as_bytes())
                .find(|(k, _)| k == super::body::IDEMPOTENCY_FIELD)
                .map(|(_, v)| v.into_owned()),
        };
        // An exercise text sent after the session ended gets through to its handler, which
        // keeps it only with the form's own rescue token (web::rescue); the Origin must still
        // be ours.
        let rescue = principal.is_none()
            && super::rescue::is_rescue_post(method.as_str(), &path)
            && origin_is_ours(&req, &state);
        if !csrf::exempt(method.as_str(), &path)
            && !check_csrf(&req, &state, &csrf_binding, form.as_deref())
            && !rescue
        {
            let resp = actix_web::ResponseError::error_response(&crate::AppError::Csrf);
            return Ok(early(&req, resp));
        }
    }

    req.extensions_mut().insert(RequestInfo {
        request_id: request_id.clone(),
        lang,
        principal: principal.clone(),
        csrf_binding,
        idempotency_token,
    });

    let res = next.call(req).await?.map_into_boxed_body();
    let (req, mut response) = res.into_parts();
    super::body::close_if_unread(&mut response, &body_read);

    // Sliding idle expiry: re-issue the token now and then while it is in use.
    if let Some(c) = &claims {
        if c.needs_refresh(now) && !response.headers().contains_key(header::SET_COOKIE) {
            if let Some(fresh) = c.refreshed(now) {
                if let Ok(token) = state.session_key.issue(&fresh) {
                    let _ = response.add_cookie(&session_cookie(&state, token));
                }
            }
        }
    }
    if clear_session {
        let _ = response.add_removal_cookie(&session_cookie(&state, String::new()));
    }
    if let Some(v) = new_anon_cookie {
        let _ = response.add_cookie(
            &Cookie::build(csrf::ANON_COOKIE, v)
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(state.config.secure_cookies)
                .finish(),
        );
    }
    let signed_in = principal.is_some();
    Ok(finish(
        req,
        &state,
        request_id,
        lang,
        Some(signed_in),
        response,
        started,
    ))
}

pub fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(session::COOKIE_NAME, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(CookieDuration::hours(session::ABSOLUTE_HOURS))
        .finish()
}

/// The user's own choice, then the language cookie, then Accept-Language, then Finnish.
fn choose_lang(req: &ServiceRequest, principal: Option<&Principal>) -> Lang {
    if let Some(l) = principal.and_then(|p| Lang::parse(&p.language)) {
        return l;
    }
    if let Some(l) = req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
        return l;
    }
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}
