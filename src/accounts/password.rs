//! Password hashing with argon2id (OWASP's minimum: 19 MiB, two passes) and the length rule.
//! Hashing is slow on purpose: the web layer calls it inside `web::block`.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

fn hasher() -> Argon2<'static> {
    // The parameters are constants known to be valid.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the length in characters (not bytes, and never truncated).
pub fn validate(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_LEN {
        Err("password.too_short")
    } else if n > MAX_LEN {
        Err("password.too_long")
    } else {
        Ok(())
    }
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when the account is unknown, so that an
/// unknown address and a wrong password take the same time.
pub fn dummy_hash() -> &'static str {
    use std::sync::OnceLock;
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash(&hex::encode(rand::random::<[u8; 16]>())).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_with_owasp_parameters() {
        let h = hash("oikein hyvä salasana").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("oikein hyvä salasana", &h));
        assert!(!verify("oikein hyvä salasanA", &h));
    }

    #[test]
    fn length_counts_characters_and_is_never_truncated() {
        assert_eq!(validate("ääääääääääää"), Ok(()));
        assert_eq!(validate("lyhyt"), Err("password.too_short"));
        assert_eq!(validate(&"x".repeat(129)), Err("password.too_long"));
        let long = "y".repeat(128);
        let h = hash(&long).unwrap();
        assert!(!verify(&"y".repeat(127), &h));
    }
}
