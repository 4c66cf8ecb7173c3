//! Session tokens: HS256 JWTs (algorithm pinned) carried in an HttpOnly cookie. A token names
//! the user and the session version it was issued under; the web layer checks the version
//! against the database on every request, so logout, password change, role change and
//! deactivation revoke every copy on every server.

use chrono::NaiveDateTime;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const COOKIE_NAME: &str = "kirjaamo_session";
/// Signed-in sessions end after this long without a request.
pub const IDLE_MINUTES: i64 = 120;
/// …and after this long in any case.
pub const ABSOLUTE_HOURS: i64 = 12;
/// A token older than this is re-issued on the next request (sliding idle expiry).
pub const REFRESH_AFTER_MINUTES: i64 = 5;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// The user id.
    pub sub: i64,
    /// The user's session version when the token was issued.
    pub ver: i32,
    /// A random id of this sign-in; CSRF tokens are bound to it.
    pub sid: String,
    /// When the user signed in (for the absolute expiry).
    pub auth: i64,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn new(user_id: i64, version: i32, now: NaiveDateTime) -> Claims {
        let t = now.and_utc().timestamp();
        Claims {
            sub: user_id,
            ver: version,
            sid: hex::encode(rand::random::<[u8; 16]>()),
            auth: t,
            iat: t,
            exp: t + IDLE_MINUTES * 60,
        }
    }

    /// The same sign-in with its idle expiry moved forward, or `None` once the absolute
    /// expiry has passed.
    pub fn refreshed(&self, now: NaiveDateTime) -> Option<Claims> {
        let t = now.and_utc().timestamp();
        let absolute_end = self.auth + ABSOLUTE_HOURS * 3600;
        if t >= absolute_end {
            return None;
        }
        Some(Claims {
            iat: t,
            exp: (t + IDLE_MINUTES * 60).min(absolute_end),
            ..self.clone()
        })
    }

    pub fn needs_refresh(&self, now: NaiveDateTime) -> bool {
        now.and_utc().timestamp() - self.iat >= REFRESH_AFTER_MINUTES * 60
    }
}

/// The session's signing key, derived from the server's secret once (at start) rather than on
/// every request, with the verification rules it is checked under: the session check runs on
/// every page, and deriving the key and building the rules each time was 6 % of the lesson
/// page's CPU (benches/README.md, the ninth round).
pub struct SessionKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl SessionKey {
    pub fn new(secret: &[u8]) -> SessionKey {
        // A key derived for sessions only, so a signature made for another purpose never
        // passes here.
        let key = crate::accounts::tokens::derive_key(secret, "session");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        // Expiry is checked in `verify` against the platform clock rather than the system's.
        validation.validate_exp = false;
        // `sub` is a number here, which the library's presence check does not recognise; the
        // typed claims require it anyway.
        validation.set_required_spec_claims(&["exp"]);
        SessionKey {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            validation,
        }
    }

    pub fn issue(&self, claims: &Claims) -> anyhow::Result<String> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing a session token: {e}"))
    }

    /// Verifies the signature (HS256 only), the expiry against `now` (no leeway, so tests with
    /// a fixed clock are exact), and the absolute expiry.
    pub fn verify(&self, token: &str, now: NaiveDateTime) -> Option<Claims> {
        let c = decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        let t = now.and_utc().timestamp();
        if c.exp <= t || t >= c.auth + ABSOLUTE_HOURS * 3600 || c.iat > t + 60 {
            return None;
        }
        Some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use chrono::NaiveDate;

    fn t0() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }
    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn issue(c: &Claims, secret: &[u8]) -> anyhow::Result<String> {
        SessionKey::new(secret).issue(c)
    }

    fn verify(token: &str, secret: &[u8], now: NaiveDateTime) -> Option<Claims> {
        SessionKey::new(secret).verify(token, now)
    }

    #[test]
    fn round_trip_and_expiry() {
        let c = Claims::new(7, 3, t0());
        let tok = issue(&c, SECRET).unwrap();
        assert_eq!(verify(&tok, SECRET, t0()), Some(c.clone()));
        let later = t0() + chrono::Duration::minutes(IDLE_MINUTES);
        assert_eq!(verify(&tok, SECRET, later), None, "idle expiry");
        assert_eq!(
            verify(&tok, b"another-secret-another-secret-xx", t0()),
            None
        );
    }

    #[test]
    fn absolute_expiry_stops_refreshing() {
        let c = Claims::new(7, 3, t0());
        let late = t0() + chrono::Duration::hours(ABSOLUTE_HOURS);
        assert!(c.refreshed(late).is_none());
        let r = c.refreshed(t0() + chrono::Duration::hours(1)).unwrap();
        assert_eq!(r.sid, c.sid);
        assert!(r.exp > c.exp);
    }

    #[test]
    fn forged_tokens_are_refused() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let c = Claims::new(7, 3, t0());
        let tok = issue(&c, SECRET).unwrap();
        let parts: Vec<&str> = tok.split('.').collect();
        // alg none
        let none_header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(
            verify(&format!("{none_header}.{}.", parts[1]), SECRET, t0()),
            None
        );
        // stripped signature
        assert_eq!(
            verify(&format!("{}.{}.", parts[0], parts[1]), SECRET, t0()),
            None
        );
        // tampered payload (another user)
        let mut forged = c.clone();
        forged.sub = 1;
        let payload = b64.encode(serde_json::to_vec(&forged).unwrap());
        assert_eq!(
            verify(
                &format!("{}.{payload}.{}", parts[0], parts[2]),
                SECRET,
                t0()
            ),
            None
        );
        // a string exp
        let weird = format!(
            r#"{{"sub":7,"ver":3,"sid":"x","auth":{0},"iat":{0},"exp":"99999999999"}}"#,
            t0().and_utc().timestamp()
        );
        let forged = format!("{}.{}.{}", parts[0], b64.encode(weird), parts[2]);
        assert_eq!(verify(&forged, SECRET, t0()), None);
    }
}
