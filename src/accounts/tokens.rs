//! Secrets derived from the installation key, single-use link tokens (stored only as a hash),
//! and signed purpose tokens for links sent to people without an account (a manager's
//! approval, an unsubscribe link): each purpose has its own key, so a token made for one
//! purpose is worthless for another.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// A key for one purpose, derived from the installation secret.
pub fn derive_key(secret: &[u8], purpose: &str) -> Vec<u8> {
    hmac(secret, format!("kirjaamo-key:{purpose}").as_bytes())
}

pub fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// A fresh random token for a link (256 bits, URL-safe).
pub fn random_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// What is stored of a single-use token: its SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Constant-time comparison of two byte strings.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A signed token `payload.expiry.signature` for one purpose. The payload is plain text
/// (ids), never a secret.
pub fn sign(secret: &[u8], purpose: &str, payload: &str, expires_unix: i64) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let body = format!("{}.{}", b64.encode(payload), expires_unix);
    let sig = hmac(&derive_key(secret, purpose), body.as_bytes());
    format!("{body}.{}", b64.encode(sig))
}

#[derive(Debug, PartialEq, Eq)]
pub enum SignedError {
    Malformed,
    BadSignature,
    Expired,
}

/// Checks a token made by [`sign`] for the same purpose and returns its payload.
pub fn verify_signed(
    secret: &[u8],
    purpose: &str,
    token: &str,
    now_unix: i64,
) -> Result<String, SignedError> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = token.rsplitn(2, '.');
    let sig = parts.next().ok_or(SignedError::Malformed)?;
    let body = parts.next().ok_or(SignedError::Malformed)?;
    let sig = b64.decode(sig).map_err(|_| SignedError::Malformed)?;
    let expected = hmac(&derive_key(secret, purpose), body.as_bytes());
    if !same(&sig, &expected) {
        return Err(SignedError::BadSignature);
    }
    let (payload, expiry) = body.split_once('.').ok_or(SignedError::Malformed)?;
    let expiry: i64 = expiry.parse().map_err(|_| SignedError::Malformed)?;
    if now_unix >= expiry {
        return Err(SignedError::Expired);
    }
    let payload = b64.decode(payload).map_err(|_| SignedError::Malformed)?;
    String::from_utf8(payload).map_err(|_| SignedError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    const S: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn signed_tokens_are_bound_to_purpose_and_time() {
        let t = sign(S, "manager-approval", "application:42", 1_000);
        assert_eq!(
            verify_signed(S, "manager-approval", &t, 999),
            Ok("application:42".into())
        );
        assert_eq!(
            verify_signed(S, "manager-approval", &t, 1_000),
            Err(SignedError::Expired)
        );
        assert_eq!(
            verify_signed(S, "unsubscribe", &t, 999),
            Err(SignedError::BadSignature)
        );
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (_, rest) = t.split_once('.').unwrap();
        let tampered = format!("{}.{rest}", b64.encode("application:43"));
        assert_eq!(
            verify_signed(S, "manager-approval", &tampered, 999),
            Err(SignedError::BadSignature)
        );
        assert_eq!(
            verify_signed(S, "manager-approval", "garbage", 0),
            Err(SignedError::Malformed)
        );
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
