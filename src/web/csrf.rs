//! CSRF tokens: an HMAC of the session id (signed in) or of a random pre-session cookie
//! (signed out), so a token is useless for any other browser. Checked by the frame on every
//! non-GET request, together with the Origin header.

use crate::accounts::tokens::{derive_key, hmac, same};
use base64::Engine;

pub const FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";
pub const ANON_COOKIE: &str = "kirjaamo_csrf";

pub fn token_for(secret: &[u8], binding: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(hmac(&derive_key(secret, "csrf"), binding.as_bytes()))
}

pub fn check(secret: &[u8], binding: &str, offered: &str) -> bool {
    same(token_for(secret, binding).as_bytes(), offered.as_bytes())
}

/// The one state change allowed without a session or a CSRF token: a mail program's one-click
/// unsubscribe (RFC 8058) POSTs to the signed link of a discussion e-mail from its own servers,
/// with no cookie and no form. The signed token in the address is the proof; the handler
/// refuses any other. `tests/app/security.rs` checks that nothing else is exempt.
pub const EXEMPT_ROUTE: (&str, &str) = ("POST", "/keskustelut/peru-tilaus/{token}");

/// Whether a request is to [`EXEMPT_ROUTE`] (one path segment after the prefix, nothing more).
pub fn exempt(method: &str, path: &str) -> bool {
    method == EXEMPT_ROUTE.0
        && path
            .strip_prefix("/keskustelut/peru-tilaus/")
            .is_some_and(|token| !token.is_empty() && !token.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::exempt;

    #[test]
    fn only_the_one_click_unsubscribe_is_exempt() {
        assert!(exempt("POST", "/keskustelut/peru-tilaus/abc.def"));
        assert!(!exempt("GET", "/keskustelut/peru-tilaus/abc.def"));
        assert!(!exempt("POST", "/keskustelut/peru-tilaus/"));
        assert!(!exempt("POST", "/keskustelut/peru-tilaus/a/b"));
        assert!(!exempt("POST", "/keskustelut/asetukset"));
        assert!(!exempt("POST", "/keskustelut/peru-tilaus"));
    }
}
