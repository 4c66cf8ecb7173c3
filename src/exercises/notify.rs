//! E-mail about exercises, queued through the outbox in the transaction of what causes it:
//! a review arrived, the trainer's assessment arrived, and an entry waits for your review (at
//! most one such message a day). The rules of the discussion notifications hold: the message
//! is in the recipient's language, nobody whose discussion e-mail is `off` gets one, and every
//! message has a signed one-click unsubscribe link (its own purpose) whose page asks before
//! anything changes; exercise e-mail can be switched back on on the exercises page.

use crate::accounts::{tokens, Principal};
use crate::db::schema_exercises::exercise_mail_optouts as opt;
use crate::db::{insert_unless_duplicate, AnyConnection};
use crate::i18n::{format, Lang};
use crate::mail::{self, Envelope, Messaging};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub const UNSUBSCRIBE_PURPOSE: &str = "exercise-unsubscribe";
pub const UNSUBSCRIBE_DAYS: i64 = 365;

/// Whether the user has turned exercise e-mail off.
pub fn opted_out(conn: &mut AnyConnection, user_id: i64) -> AppResult<bool> {
    let n: i64 = opt::table
        .filter(opt::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Turns exercise e-mail on or off (doing it twice changes nothing).
pub fn set_mail(
    conn: &mut AnyConnection,
    user_id: i64,
    on: bool,
    now: NaiveDateTime,
) -> AppResult<()> {
    if on {
        diesel::delete(opt::table.filter(opt::user_id.eq(user_id))).execute(conn)?;
    } else {
        insert_unless_duplicate(conn, |c| {
            diesel::insert_into(opt::table)
                .values((opt::user_id.eq(user_id), opt::created_at.eq(now)))
                .execute(c)
        })?;
    }
    Ok(())
}

pub fn unsubscribe_token(secret: &[u8], user_id: i64, now: NaiveDateTime) -> String {
    let expires = (now + chrono::Duration::days(UNSUBSCRIBE_DAYS))
        .and_utc()
        .timestamp();
    tokens::sign(
        secret,
        UNSUBSCRIBE_PURPOSE,
        &format!("exercises:{user_id}"),
        expires,
    )
}

/// The user of a valid unsubscribe token, or None (forged, another purpose, expired).
pub fn check_unsubscribe(secret: &[u8], token: &str, now: NaiveDateTime) -> Option<i64> {
    let payload = tokens::verify_signed(
        secret,
        UNSUBSCRIBE_PURPOSE,
        token,
        now.and_utc().timestamp(),
    )
    .ok()?;
    payload.strip_prefix("exercises:")?.parse().ok()
}

/// The recipient, when they want exercise e-mail.
fn recipient(conn: &mut AnyConnection, user_id: i64) -> AppResult<Option<Principal>> {
    let Some(p) = crate::discussions::principal_of(conn, user_id)? else {
        return Ok(None);
    };
    if crate::discussions::email_mode::settings(conn, user_id)?.0 == "off"
        || opted_out(conn, user_id)?
    {
        return Ok(None);
    }
    Ok(Some(p))
}

/// What a message is about.
pub struct About<'a> {
    pub lesson_title: &'a str,
    pub cohort_name: &'a str,
    /// The page to open, after the base URL.
    pub path: String,
}

#[expect(clippy::too_many_arguments, reason = "one message's parts, private")]
fn send(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    p: &Principal,
    template: &str,
    dedupe_key: String,
    about: &About<'_>,
    extra: impl FnOnce(&mut tera::Context, Lang),
    now: NaiveDateTime,
) -> AppResult<bool> {
    let lang = Lang::parse(&p.language).unwrap_or_default();
    let mut c = tera::Context::new();
    c.insert("name", &p.name);
    c.insert("lesson", about.lesson_title);
    c.insert("cohort", about.cohort_name);
    c.insert("link", &format!("{}{}", msg.base_url, about.path));
    let token = unsubscribe_token(msg.secret, p.user_id, now);
    c.insert(
        "unsubscribe",
        &format!("{}/harjoitukset/peru-tilaus/{token}", msg.base_url),
    );
    c.insert("settings", &format!("{}/harjoitukset", msg.base_url));
    extra(&mut c, lang);
    mail::queue(
        conn,
        msg.templates,
        now,
        Envelope {
            to_email: &p.email,
            to_name: &p.name,
            language: lang,
            user_id: Some(p.user_id),
            dedupe_key,
            template,
            context: c,
        },
    )
}

/// "An entry waits for your review": at most one a day (Helsinki days) per reviewer.
pub fn review_waiting(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    reviewer: i64,
    about: &About<'_>,
    due: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<()> {
    let Some(p) = recipient(conn, reviewer)? else {
        return Ok(());
    };
    let day = format::helsinki_date(now);
    let key = format!("exercise-review-waiting:{reviewer}:{day}");
    send(
        conn,
        msg,
        &p,
        "exercise_review_waiting",
        key,
        about,
        |c, lang| c.insert("due", &format::datetime(lang, due)),
        now,
    )?;
    Ok(())
}

/// "A peer's review of your entry arrived".
pub fn review_arrived(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    author: i64,
    review_id: i64,
    about: &About<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let Some(p) = recipient(conn, author)? else {
        return Ok(());
    };
    let key = format!("exercise-review-arrived:{review_id}");
    send(
        conn,
        msg,
        &p,
        "exercise_review_arrived",
        key,
        about,
        |_, _| {},
        now,
    )?;
    Ok(())
}

/// "The trainer's assessment of your entry arrived".
pub fn assessment_arrived(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    author: i64,
    review_id: i64,
    about: &About<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let Some(p) = recipient(conn, author)? else {
        return Ok(());
    };
    let key = format!("exercise-assessment:{review_id}");
    send(
        conn,
        msg,
        &p,
        "exercise_assessment_arrived",
        key,
        about,
        |_, _| {},
        now,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_tokens_name_the_user_and_nothing_else() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let t = unsubscribe_token(secret, 42, now);
        assert_eq!(check_unsubscribe(secret, &t, now), Some(42));
        assert_eq!(
            check_unsubscribe(b"another-secret-another-secret-xx", &t, now),
            None
        );
        let later = now + chrono::Duration::days(UNSUBSCRIBE_DAYS + 1);
        assert_eq!(check_unsubscribe(secret, &t, later), None);
        let other = tokens::sign(secret, "discussion-unsubscribe", "exercises:42", i64::MAX);
        assert_eq!(check_unsubscribe(secret, &other, now), None);
    }
}
