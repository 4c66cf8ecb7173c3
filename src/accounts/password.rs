//! Password hashing with argon2id (OWASP's minimum: 19 MiB, two passes) and the length rule.
//! Hashing is slow on purpose: the web layer calls it inside `web::block`. Each hash takes
//! 19 MiB for its moment and gives it back (see [`MALLOC_MMAP_CEILING`]); at most one hash per
//! processor runs at once.

use argon2::password_hash::{
    rand_core::OsRng, Output, ParamsString, PasswordHash, Salt, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Condvar, Mutex};

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

fn params() -> Params {
    // The parameters are constants known to be valid.
    Params::new(19_456, 2, 1, None).unwrap_or_default()
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
    let params = params();
    let output = compute(
        Algorithm::Argon2id,
        Version::V0x13,
        &params,
        password.as_bytes(),
        salt.as_salt(),
    )
    .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Some((algorithm, version, params)) = stored_parameters(&parsed) else {
        return false;
    };
    // `Output`'s equality is constant-time.
    compute(algorithm, version, &params, password.as_bytes(), salt)
        .is_ok_and(|computed| computed == expected)
}

/// The algorithm, version and cost a stored hash was made with (older hashes keep theirs).
fn stored_parameters(parsed: &PasswordHash<'_>) -> Option<(Algorithm, Version, Params)> {
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::default(),
    };
    Some((algorithm, version, Params::try_from(parsed).ok()?))
}

/// Above this many bytes glibc's malloc always maps an allocation of its own and unmaps it when
/// freed (`DEFAULT_MMAP_THRESHOLD_MAX` on 64-bit); below it, after the first large free, it
/// serves the next from a thread's arena and keeps the memory. Each hash's 19 MiB then stayed
/// in the arena of whichever thread hashed: eight sign-ins at once left a server at 256 MB
/// (measured 2026-12-07). Reserving past the ceiling and touching only what the hash uses
/// gives the memory back to the system after every hash; the untouched rest never becomes
/// resident.
const MALLOC_MMAP_CEILING: usize = 32 * 1024 * 1024;

/// Hashes at most this many passwords at once, each in its own 19 MiB: hashing only uses the
/// processor, so more at once would not finish sooner but would hold more memory.
fn hashing_slots() -> usize {
    // Read once: on Linux the answer comes from the cgroup files, and a waiting hash asks again.
    static SLOTS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *SLOTS.get_or_init(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

static HASHING: Mutex<usize> = Mutex::new(0);
static HASHING_FREED: Condvar = Condvar::new();

/// A slot to hash in, returned when dropped.
struct Slot;

impl Slot {
    fn take() -> Slot {
        let mut busy = HASHING.lock().unwrap_or_else(|e| e.into_inner());
        while *busy >= hashing_slots() {
            busy = HASHING_FREED.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy += 1;
        #[cfg(test)]
        tests::MOST_AT_ONCE.fetch_max(*busy, std::sync::atomic::Ordering::Relaxed);
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut busy = HASHING.lock().unwrap_or_else(|e| e.into_inner());
        *busy = busy.saturating_sub(1);
        HASHING_FREED.notify_one();
    }
}

fn compute(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &[u8],
    salt: Salt<'_>,
) -> Result<Output, argon2::password_hash::Error> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let blocks = params.block_count();
    let _slot = Slot::take();
    let mut memory: Vec<Block> =
        Vec::with_capacity(blocks.max(MALLOC_MMAP_CEILING / Block::SIZE + 1));
    memory.resize(blocks, Block::new());
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    Output::init_with(len, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, &mut memory)?)
    })
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

    pub(super) static MOST_AT_ONCE: std::sync::atomic::AtomicUsize =
        std::sync::atomic::AtomicUsize::new(0);

    #[test]
    fn argon2id_with_owasp_parameters() {
        let h = hash("oikein hyvä salasana").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("oikein hyvä salasana", &h));
        assert!(!verify("oikein hyvä salasanA", &h));
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_and_older_costs_still_verify() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        // A hash stored before this module computed its own: the crate's own path.
        let salt = SaltString::generate(&mut OsRng);
        let crate_made = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"oikein hyva salasana", &salt)
            .unwrap()
            .to_string();
        assert!(verify("oikein hyva salasana", &crate_made));
        assert!(!verify("oikein hyva salasanA", &crate_made));
        // And the crate accepts ours.
        let ours = hash("oikein hyva salasana").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"oikein hyva salasana", &parsed)
            .is_ok());
        // A cheaper, older cost and the argon2i variant keep verifying with their own parameters.
        let older = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x10,
            Params::new(8_192, 3, 1, Some(24)).unwrap(),
        )
        .hash_password(b"vanha salasana 2019", &salt)
        .unwrap()
        .to_string();
        assert!(
            older.starts_with("$argon2i$v=16$m=8192,t=3,p=1$"),
            "{older}"
        );
        assert!(verify("vanha salasana 2019", &older));
        assert!(!verify("vanha salasana 2020", &older));
        for broken in [
            "",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$scrypt$ln=15$c2FsdHNhbHQ$aGFzaA",
        ] {
            assert!(!verify("mitä tahansa", broken), "{broken}");
        }
    }

    #[test]
    fn hashes_at_once_never_exceed_the_slots() {
        let threads: Vec<_> = (0..hashing_slots() + 3)
            .map(|i| {
                std::thread::spawn(move || hash(&format!("rinnakkainen salasana {i}")).unwrap())
            })
            .collect();
        for t in threads {
            let h = t.join().unwrap();
            assert!(h.starts_with("$argon2id$"));
        }
        let most = MOST_AT_ONCE.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            most >= 1 && most <= hashing_slots(),
            "{most} hashes ran at once"
        );
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
