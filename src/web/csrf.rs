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
