//! One-time notices after a redirect (Post/Redirect/Get): the action that succeeded names a
//! catalogue key under `notice.`, the next page shows its text once at the top of the main
//! content in a `role="alert"` region (announced by screen readers on load), then it is gone.
//! Carried in a short-lived cookie; a forged value can only pick another `notice.` text.

use crate::i18n::{Catalog, Lang};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse};

pub const COOKIE: &str = "kirjaamo_notice";

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

fn cookie(secure: bool, value: String) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(CookieDuration::seconds(120))
        .finish()
}

impl Notice {
    /// A 303 to `location` carrying this notice to the next page.
    pub fn see_other(self, location: &str, secure: bool) -> HttpResponse {
        let mut res = HttpResponse::SeeOther()
            .insert_header((actix_web::http::header::LOCATION, location))
            .finish();
        let _ = res.add_cookie(&cookie(secure, self.encode()));
        res
    }

    /// The notice's text in a catalogue (`.one`/`.other` chosen by `n`); an unknown key shows
    /// nothing rather than the key itself.
    pub fn text(&self, catalog: &Catalog, lang: Lang) -> Option<String> {
        let key = match self.n {
            Some(1) if catalog.strings.contains_key(&format!("{}.one", self.key)) => {
                format!("{}.one", self.key)
            }
            Some(_) if catalog.strings.contains_key(&format!("{}.other", self.key)) => {
                format!("{}.other", self.key)
            }
            _ => self.key.clone(),
        };
        catalog.strings.contains_key(&key).then(|| {
            let n = self.n.map(|n| crate::i18n::format::integer(lang, n));
            catalog.format(&key, &[("n", n.as_deref().unwrap_or(""))])
        })
    }
}

/// Clears the notice once a page has shown it.
pub fn clear(res: &mut HttpResponse, secure: bool) {
    let _ = res.add_removal_cookie(&cookie(secure, String::new()));
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
