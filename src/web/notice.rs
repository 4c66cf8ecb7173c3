//! One-time notices after a redirect (Post/Redirect/Get): the action that succeeded names a
//! catalogue key under `notice.`, the next page shows its text once at the top of the main
//! content in a `role="alert"` region (announced by screen readers on load), then it is gone.
//! Carried in a short-lived cookie; a forged value can only pick another `notice.` text.

use super::ctx::Ctx;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse};

pub const COOKIE: &str = "kirjaamo_notice";

/// The notice of a form refused for its size (sent by the frame, not a handler).
pub const TOO_LARGE: &str = "notice.form_too_large";

/// What the next page says: a `notice.*` key and an optional count for `{n}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub key: String,
    pub n: Option<i64>,
}

impl Notice {
    fn encode(&self) -> String {
        match self.n {
            Some(n) => format!("{}:{n}", self.key),
            None => self.key.clone(),
        }
    }

    fn decode(value: &str) -> Option<Notice> {
        let (key, n) = match value.split_once(':') {
            Some((k, n)) => (k, Some(n.parse().ok()?)),
            None => (value, None),
        };
        let valid = key.starts_with("notice.")
            && key.len() <= 80
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_');
        valid.then(|| Notice {
            key: key.to_string(),
            n,
        })
    }

    /// The notice a request carries, if any.
    pub fn of(req: &HttpRequest) -> Option<Notice> {
        req.cookie(COOKIE).and_then(|c| Notice::decode(c.value()))
    }
}

fn cookie(ctx: &Ctx, value: String) -> Cookie<'static> {
    notice_cookie(value, ctx.state.config.secure_cookies)
}

fn notice_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(CookieDuration::seconds(120))
        .finish()
}

/// 303 to `location` with a notice, for the frame (which has no [`Ctx`]).
pub fn redirect(location: &str, key: &str, n: Option<i64>, secure: bool) -> HttpResponse {
    let mut res = super::ctx::see_other(location);
    let value = Notice {
        key: key.to_string(),
        n,
    }
    .encode();
    let _ = res.add_cookie(&notice_cookie(value, secure));
    res
}

impl Ctx {
    /// 303 to `location`, where the page says what `key` (`notice.…`) says.
    pub fn see_other_notice(&self, location: &str, key: &str) -> HttpResponse {
        self.see_other_with(
            location,
            Notice {
                key: key.to_string(),
                n: None,
            },
        )
    }

    /// Like [`Ctx::see_other_notice`], with `{n}` filled in (and `.one`/`.other` chosen).
    pub fn see_other_notice_n(&self, location: &str, key: &str, n: i64) -> HttpResponse {
        self.see_other_with(
            location,
            Notice {
                key: key.to_string(),
                n: Some(n),
            },
        )
    }

    fn see_other_with(&self, location: &str, notice: Notice) -> HttpResponse {
        let mut res = super::ctx::see_other(location);
        let _ = res.add_cookie(&cookie(self, notice.encode()));
        res
    }

    /// The text of the notice this request carries, in the page's language.
    pub fn notice_text(&self) -> Option<String> {
        let notice = self.notice.as_ref()?;
        let catalog = self.state.templates.catalog(self.lang);
        let key = match notice.n {
            Some(1) if catalog.strings.contains_key(&format!("{}.one", notice.key)) => {
                format!("{}.one", notice.key)
            }
            Some(_)
                if catalog
                    .strings
                    .contains_key(&format!("{}.other", notice.key)) =>
            {
                format!("{}.other", notice.key)
            }
            _ => notice.key.clone(),
        };
        // An unknown key shows nothing rather than the key itself.
        catalog.strings.contains_key(&key).then(|| {
            let n = notice.n.map(|n| crate::i18n::format::integer(self.lang, n));
            catalog.format(&key, &[("n", n.as_deref().unwrap_or(""))])
        })
    }

    /// Clears the notice once a page has shown it.
    pub fn clear_notice(&self, res: &mut HttpResponse) {
        if self.notice.is_some() {
            let _ = res.add_removal_cookie(&cookie(self, String::new()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Notice;

    #[test]
    fn only_notice_keys_are_read_back() {
        let n = Notice {
            key: "notice.cohort_created".into(),
            n: Some(3),
        };
        assert_eq!(Notice::decode(&n.encode()), Some(n));
        assert_eq!(
            Notice::decode("notice.saved"),
            Some(Notice {
                key: "notice.saved".into(),
                n: None
            })
        );
        assert_eq!(Notice::decode("nav.home"), None);
        assert_eq!(Notice::decode("notice.<script>"), None);
        assert_eq!(Notice::decode("notice.x:abc"), None);
    }
}
