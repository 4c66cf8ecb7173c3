//! What a handler renders with: [`Ctx`] (state, language, the signed-in user if any, the CSRF
//! token) and [`Auth`] (a handler that requires a signed-in user).

use super::csrf;
use super::frame::RequestInfo;
use super::nav::Nav;
use super::notice::{self, Notice};
use crate::accounts::Principal;
use crate::i18n::Lang;
use crate::{AppError, AppResult, AppState};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use std::future::{ready, Ready};

#[derive(Clone)]
pub struct Ctx {
    pub state: Data<AppState>,
    pub lang: Lang,
    pub principal: Option<Principal>,
    pub csrf_token: String,
    pub request_id: String,
    pub path: String,
    /// The one-time notice of the action before the redirect ([`super::notice`]).
    pub notice: Option<Notice>,
    /// The idempotency key a creating form carried ([`super::idempotency`]).
    pub idempotency_token: Option<String>,
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Ready<Result<Ctx, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ctx::of(req))
    }
}

impl Ctx {
    pub fn of(req: &HttpRequest) -> AppResult<Ctx> {
        let state = req
            .app_data::<Data<AppState>>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no app state")))?;
        let info = req
            .extensions()
            .get::<RequestInfo>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("request passed no frame")))?;
        Ok(Ctx {
            csrf_token: csrf::token_for(&state.config.secret, &info.csrf_binding),
            state,
            lang: info.lang,
            principal: info.principal,
            request_id: info.request_id,
            path: req.path().to_string(),
            notice: Notice::of(req),
            idempotency_token: info.idempotency_token,
        })
    }

    pub fn now(&self) -> chrono::NaiveDateTime {
        self.state.clock.now()
    }

    /// The signed-in user, or a redirect to the login page.
    pub fn user(&self) -> AppResult<&Principal> {
        self.principal.as_ref().ok_or(AppError::Unauthorized)
    }

    /// A UI string in the request's language.
    pub fn t(&self, key: &str) -> String {
        self.state.templates.catalog(self.lang).get(key).to_string()
    }

    /// The values every page's layout needs.
    pub fn base_context(&self) -> tera::Context {
        let (notice, refused) = self.notice_text();
        let user = serde_json::to_value(&self.principal).unwrap_or_default();
        self.frame_context(
            &self.csrf_token,
            &self.path,
            &self.request_id,
            user,
            notice.as_deref(),
            refused,
        )
    }

    /// The notice's text, and whether it says a form was refused for its size.
    fn notice_text(&self) -> (Option<String>, bool) {
        let text = self
            .notice
            .as_ref()
            .and_then(|n| n.text(self.state.templates.catalog(self.lang), self.lang));
        // A form refused for its size: the page puts the typed text back (assets/js/forms.js).
        let refused = self
            .notice
            .as_ref()
            .is_some_and(|n| n.key == super::notice::TOO_LARGE);
        (text, refused)
    }

    /// What `base.html` shows, from the given values (the request's, or a frame's markers).
    fn frame_context(
        &self,
        csrf_token: &str,
        path: &str,
        request_id: &str,
        user: serde_json::Value,
        notice: Option<&str>,
        refused: bool,
    ) -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("lang", self.lang.code());
        c.insert("csrf_token", csrf_token);
        c.insert("current_path", path);
        c.insert("request_id", request_id);
        c.insert("nav", &Nav::for_principal(self.principal.as_ref()));
        c.insert("user", &user);
        c.insert("flash", &notice);
        c.insert("flash_error", &refused);
        c.insert("restore_drafts", &refused);
        c
    }

    /// A page whose template shows `page_title` and `page_body` (an HTML body written in Rust)
    /// in `base.html`: the frame comes from `templates::frame`, rendered once per kind of page,
    /// so a request costs no tera render. Only for pages that no navigation item points at
    /// (the frame is rendered with a path that matches none).
    pub fn render_framed(
        &self,
        status: StatusCode,
        template: &'static str,
        title: &str,
        body: &str,
    ) -> AppResult<HttpResponse> {
        use crate::templates::frame::{self, FrameKey, FrameValues, NoticeKind};
        let (notice, refused) = self.notice_text();
        let key = FrameKey {
            template,
            lang: self.lang,
            nav: Nav::for_principal(self.principal.as_ref()).flags(),
            notice: match (&notice, refused) {
                (None, _) => NoticeKind::None,
                (Some(_), false) => NoticeKind::Done,
                (Some(_), true) => NoticeKind::Refused,
            },
        };
        let probe = || {
            let user = match &self.principal {
                Some(_) => serde_json::Value::from(frame::FOREIGN),
                None => serde_json::Value::Null,
            };
            let marker = notice.as_ref().map(|_| frame::NOTICE);
            self.frame_context(
                frame::CSRF,
                frame::PATH,
                frame::FOREIGN,
                user,
                marker,
                refused,
            )
        };
        let html = match self.state.templates.frame(key, probe) {
            Some(frame) => frame.fill(&FrameValues {
                title,
                body,
                csrf_token: &self.csrf_token,
                path: &self.path,
                notice: notice.as_deref(),
            }),
            None => {
                let mut c = tera::Context::new();
                c.insert("page_title", title);
                c.insert("page_body", body);
                return self.render_status(status, template, c);
            }
        };
        Ok(self.page(status, html))
    }

    /// A page's response; the notice it showed is cleared.
    fn page(&self, status: StatusCode, html: String) -> HttpResponse {
        let mut res = HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html);
        if self.notice.is_some() {
            notice::clear(&mut res, self.state.config.secure_cookies);
        }
        res
    }

    /// 303 to `location`, where the page says what `key` (`notice.…`) says.
    pub fn see_other_notice(&self, location: &str, key: &str) -> HttpResponse {
        Notice {
            key: key.to_string(),
            n: None,
        }
        .see_other(location, self.state.config.secure_cookies)
    }

    /// Like [`Ctx::see_other_notice`], with `{n}` filled in (and `.one`/`.other` chosen).
    pub fn see_other_notice_n(&self, location: &str, key: &str, n: i64) -> HttpResponse {
        Notice {
            key: key.to_string(),
            n: Some(n),
        }
        .see_other(location, self.state.config.secure_cookies)
    }

    pub fn render(&self, template: &str, ctx: tera::Context) -> AppResult<HttpResponse> {
        self.render_status(StatusCode::OK, template, ctx)
    }

    /// Renders a page; `ctx` adds to (and may override) the layout's values.
    pub fn render_status(
        &self,
        status: StatusCode,
        template: &str,
        ctx: tera::Context,
    ) -> AppResult<HttpResponse> {
        let mut full = self.base_context();
        full.extend(ctx);
        let html = self.state.templates.render(self.lang, template, &full)?;
        Ok(self.page(status, html))
    }

    /// Renders a page whose `parts` (a context name and its HTML, shown with `| safe`) are
    /// already rendered and large: tera gets a marker for each and the HTML goes into the page
    /// in its place, instead of being copied into the context's JSON and again by tera (the
    /// coordinators' network page: 45–90 kB of figures, the same for many requests). The
    /// markers are control characters, which no rendered value contains (`templates::frame`).
    pub fn render_with_parts(
        &self,
        template: &str,
        mut ctx: tera::Context,
        parts: &[(&str, &str)],
    ) -> AppResult<HttpResponse> {
        let markers: Vec<String> = parts
            .iter()
            .map(|(name, _)| format!("\u{1}{name}\u{1}"))
            .collect();
        for ((name, _), marker) in parts.iter().zip(&markers) {
            ctx.insert(*name, marker);
        }
        let mut full = self.base_context();
        full.extend(ctx);
        let page = self.state.templates.render(self.lang, template, &full)?;
        // Where each part goes, in the page's order.
        let mut at: Vec<(usize, &str, &str)> = parts
            .iter()
            .zip(&markers)
            .filter_map(|((_, html), marker)| {
                Some((page.find(marker.as_str())?, marker.as_str(), *html))
            })
            .collect();
        at.sort_unstable_by_key(|(i, _, _)| *i);
        let size = page.len() + at.iter().map(|(_, _, html)| html.len()).sum::<usize>();
        let mut out = String::with_capacity(size);
        let mut from = 0;
        for (i, marker, html) in at {
            out.push_str(&page[from..i]);
            out.push_str(html);
            from = i + marker.len();
        }
        out.push_str(&page[from..]);
        Ok(self.page(StatusCode::OK, out))
    }
}

/// A handler argument that requires a signed-in user.
pub struct Auth(pub Ctx);

impl FromRequest for Auth {
    type Error = AppError;
    type Future = Ready<Result<Auth, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ctx::of(req).and_then(|c| {
            if c.principal.is_some() {
                Ok(Auth(c))
            } else {
                Err(AppError::Unauthorized)
            }
        }))
    }
}

impl Auth {
    pub fn principal(&self) -> &Principal {
        // Auth is only built with a principal present.
        self.0.principal.as_ref().unwrap_or_else(|| unreachable!())
    }

    pub fn require_admin(&self) -> AppResult<&Principal> {
        let p = self.principal();
        if p.is_admin() {
            Ok(p)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// A redirect after a successful form (Post/Redirect/Get). A location that is not a valid
/// header value (it never is when made by [`safe_next`]) goes to the home page.
pub fn see_other(location: &str) -> HttpResponse {
    let value = actix_web::http::header::HeaderValue::from_str(location)
        .unwrap_or(actix_web::http::header::HeaderValue::from_static("/"));
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, value))
        .finish()
}

/// Only local paths are followed after login or a language switch, never another site. Any
/// control character or whitespace makes the target `/` (browsers drop a tab or newline, so
/// `/<TAB>/evil.example` would be read as `//evil.example`), and so does a backslash, which
/// browsers read as a slash; non-ASCII letters are percent-encoded for the header.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            let mut out = String::with_capacity(n.len());
            for c in n.chars() {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
            out
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/tili")), "/tili");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        for odd in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{0b}/x",
            "/\u{0}",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "/\u{2028}x",
            "/x\\y",
            "",
        ] {
            assert_eq!(safe_next(Some(odd)), "/", "{odd:?}");
        }
        assert_eq!(safe_next(Some("/haku?q=a&b=1#x")), "/haku?q=a&b=1#x");
        assert_eq!(safe_next(Some("/tietopankki/ä")), "/tietopankki/%C3%A4");
    }
}
