//! Keeping an exercise text when the session ends mid-writing. The writing form of an exercise
//! posts to its lesson's own address (`POST /ryhmat/{cohort}/{lesson}`) and carries a rescue
//! token: an HMAC of the writer's id, the cohort and the lesson under a key of its own. When
//! that post arrives without a valid session, its CSRF token (bound to the ended session)
//! cannot match, so the frame lets this one kind of request through without a session instead
//! of refusing it; the handler then keeps the text only if the rescue token is right (so no
//! other site can plant a text) and sends the writer to sign in. Pure functions; no handler.

use crate::accounts::tokens::{derive_key, hmac, same};
use base64::Engine;

/// The cookie that holds the rescued text's random token (a day at most).
pub const COOKIE: &str = "kirjaamo_rescue";
pub const FIELD_TOKEN: &str = "rescue";
pub const FIELD_USER: &str = "rescue_user";

/// Whether a request may reach its handler without a session (the exercise's writing form).
pub fn is_rescue_post(method: &str, path: &str) -> bool {
    if method != "POST" {
        return false;
    }
    let Some(rest) = path.strip_prefix("/ryhmat/") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    matches!(parts.as_slice(), [cohort, lesson]
        if !cohort.is_empty()
            && cohort.bytes().all(|b| b.is_ascii_digit())
            && !lesson.is_empty())
}

fn payload(user_id: i64, cohort_id: i64, lesson_slug: &str) -> String {
    format!("{user_id}:{cohort_id}:{lesson_slug}")
}

/// The token the writing form carries for this writer and exercise.
pub fn token(secret: &[u8], user_id: i64, cohort_id: i64, lesson_slug: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hmac(
        &derive_key(secret, "exercise-rescue"),
        payload(user_id, cohort_id, lesson_slug).as_bytes(),
    ))
}

pub fn check(
    secret: &[u8],
    user_id: i64,
    cohort_id: i64,
    lesson_slug: &str,
    offered: &str,
) -> bool {
    same(
        token(secret, user_id, cohort_id, lesson_slug).as_bytes(),
        offered.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_writing_form_is_rescued() {
        assert!(is_rescue_post("POST", "/ryhmat/12/asiakkaan-osallisuus"));
        assert!(!is_rescue_post("GET", "/ryhmat/12/asiakkaan-osallisuus"));
        assert!(!is_rescue_post(
            "POST",
            "/ryhmat/12/asiakkaan-osallisuus/luettu"
        ));
        assert!(!is_rescue_post("POST", "/ryhmat/x/y"));
        assert!(!is_rescue_post("POST", "/ryhmat/12/"));
        assert!(!is_rescue_post("POST", "/tili/salasana"));
    }

    #[test]
    fn tokens_bind_writer_cohort_and_lesson() {
        let s = b"0123456789abcdef0123456789abcdef";
        let t = token(s, 7, 3, "harjoitus");
        assert!(check(s, 7, 3, "harjoitus", &t));
        assert!(!check(s, 8, 3, "harjoitus", &t));
        assert!(!check(s, 7, 4, "harjoitus", &t));
        assert!(!check(s, 7, 3, "toinen", &t));
        assert!(!check(
            b"another-secret-another-secret-xx",
            7,
            3,
            "harjoitus",
            &t
        ));
    }
}
