//! E-mail about new posts to the people following a thread (never to the author themself),
//! queued through the outbox in the poster's transaction: at once, or collected for a daily
//! digest, as each user chooses (`discussion_settings.email_mode`: immediate | daily | off).
//! Every message carries a signed unsubscribe link (its own token purpose), in the text and as
//! `List-Unsubscribe` with `List-Unsubscribe-Post` (RFC 8058): the page the link opens asks
//! for confirmation, and only a POST to the link changes anything — the page's button, or a
//! mail program's one-click unsubscribe, which comes without a session or a CSRF token (the
//! signed token is the proof; `web::csrf::exempt` lets exactly this route through).
//!
//! Nothing is sent twice: an immediate message has the dedupe key
//! `discussion-post:<post>:<user>`; the daily digests (`digest`) have their own.

use super::{policy, Thread};
use crate::accounts::{tokens, Principal};
use crate::cohorts::{self, Cohort, CohortRole};
use crate::courses::markdown::plain_text;
use crate::db::schema::{cohort_trainers, enrolments, users};
use crate::db::schema_discussions::{
    discussion_digest_items as di, discussion_settings as ds, discussion_subscriptions as dsub,
    discussion_threads as dt,
};
use crate::db::{insert_unless_duplicate, portable_sql, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use std::collections::HashSet;

/// The purpose of unsubscribe tokens (a token for another purpose is worthless here).
pub const UNSUBSCRIBE_PURPOSE: &str = "discussion-unsubscribe";
/// How long an unsubscribe link works.
pub const UNSUBSCRIBE_DAYS: i64 = 365;

pub const MODES: [&str; 3] = ["immediate", "daily", "off"];

/// A post that was just written.
pub struct NewPost<'a> {
    pub id: i64,
    pub author_id: i64,
    pub author_name: &'a str,
    pub body: &'a str,
}

/// A user's e-mail mode and when their last digest went out.
pub fn settings(
    conn: &mut AnyConnection,
    user_id: i64,
) -> QueryResult<(String, Option<NaiveDateTime>)> {
    Ok(ds::table
        .find(user_id)
        .select((ds::email_mode, ds::last_digest_at))
        .first(conn)
        .optional()?
        .unwrap_or_else(|| ("immediate".to_string(), None)))
}

pub fn set_email_mode(conn: &mut AnyConnection, user_id: i64, mode: &str) -> AppResult<()> {
    if !MODES.contains(&mode) {
        return Err(AppError::invalid("disc.mode_invalid"));
    }
    let sql = portable_sql(
        conn,
        "INSERT INTO discussion_settings (user_id, email_mode) VALUES (?, ?) \
         ON CONFLICT (user_id) DO UPDATE SET email_mode = excluded.email_mode",
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(user_id)
        .bind::<Text, _>(mode)
        .execute(conn)?;
    Ok(())
}

/// The beginning of a post as plain text, for e-mail.
pub fn excerpt(markdown: &str, max: usize) -> String {
    let text = plain_text(markdown);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        text
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

/// What an unsubscribe link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribe {
    /// Stop following one thread.
    Thread { thread_id: i64, user_id: i64 },
    /// No more discussion e-mail at all (the mode becomes `off`).
    All { user_id: i64 },
}

impl Unsubscribe {
    fn payload(&self) -> String {
        match self {
            Unsubscribe::Thread { thread_id, user_id } => format!("thread:{thread_id}:{user_id}"),
            Unsubscribe::All { user_id } => format!("all:{user_id}"),
        }
    }

    fn parse(s: &str) -> Option<Unsubscribe> {
        let parts: Vec<&str> = s.split(':').collect();
        match parts.as_slice() {
            ["thread", t, u] => Some(Unsubscribe::Thread {
                thread_id: t.parse().ok()?,
                user_id: u.parse().ok()?,
            }),
            ["all", u] => Some(Unsubscribe::All {
                user_id: u.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// A link that carries out `target`. It names the account by id and creation stamp
/// ([`crate::accounts::sign_in::stamp`]): an account that is deleted and whose id a new account
/// is given later is not the one the link was made for.
pub fn unsubscribe_token(
    secret: &[u8],
    target: Unsubscribe,
    stamp: i64,
    now: NaiveDateTime,
) -> String {
    let expires = (now + chrono::Duration::days(UNSUBSCRIBE_DAYS))
        .and_utc()
        .timestamp();
    tokens::sign(
        secret,
        UNSUBSCRIBE_PURPOSE,
        &format!("{}:{stamp}", target.payload()),
        expires,
    )
}

/// The address of an unsubscribe link: its page asks first; a POST to it (the page's button,
/// or a mail program's one-click unsubscribe, RFC 8058) unsubscribes.
pub fn unsubscribe_url(base_url: &str, token: &str) -> String {
    format!("{base_url}/keskustelut/peru-tilaus/{token}")
}

/// The target and account stamp of a valid token, or None (forged, another purpose, expired).
/// Check the stamp with [`still_theirs`] before acting.
pub fn check_unsubscribe(
    secret: &[u8],
    token: &str,
    now: NaiveDateTime,
) -> Option<(Unsubscribe, i64)> {
    let payload = tokens::verify_signed(
        secret,
        UNSUBSCRIBE_PURPOSE,
        token,
        now.and_utc().timestamp(),
    )
    .ok()?;
    let (target, stamp) = payload.rsplit_once(':')?;
    Some((Unsubscribe::parse(target)?, stamp.parse().ok()?))
}

/// Whether the account a link was made for still exists (and is not a new account that was
/// given its id).
pub fn still_theirs(conn: &mut AnyConnection, target: Unsubscribe, stamp: i64) -> AppResult<bool> {
    let user_id = match target {
        Unsubscribe::Thread { user_id, .. } | Unsubscribe::All { user_id } => user_id,
    };
    Ok(crate::accounts::sign_in::is_same_account(
        conn, user_id, stamp,
    )?)
}

/// The stamp of the account a link is made for (0 for an account that is gone: such a link
/// never works).
pub fn stamp_for(conn: &mut AnyConnection, user_id: i64) -> AppResult<i64> {
    Ok(crate::accounts::sign_in::stamp_of(conn, user_id)?.unwrap_or(0))
}

/// What the confirmation page says: the thread's title (None for "all e-mail").
pub fn describe(conn: &mut AnyConnection, target: Unsubscribe) -> AppResult<Option<String>> {
    match target {
        Unsubscribe::Thread { thread_id, .. } => Ok(Some(
            dt::table.find(thread_id).select(dt::title).first(conn)?,
        )),
        Unsubscribe::All { .. } => Ok(None),
    }
}

/// Carries out an unsubscribe link (doing it twice changes nothing).
pub fn unsubscribe(
    conn: &mut AnyConnection,
    target: Unsubscribe,
    now: NaiveDateTime,
) -> AppResult<()> {
    match target {
        Unsubscribe::Thread { thread_id, user_id } => {
            super::follows::set_following_unchecked(conn, thread_id, user_id, false, now)?
        }
        Unsubscribe::All { user_id } => set_email_mode(conn, user_id, "off")?,
    }
    Ok(())
}

fn lang_of(p: &crate::accounts::Principal) -> Lang {
    Lang::parse(&p.language).unwrap_or_default()
}

/// A follower who may still read the thread, with what they chose to receive.
struct Follower {
    user_id: i64,
    /// Name, address and language; roles are loaded only for those who need them.
    principal: Principal,
    role: CohortRole,
    email_mode: String,
}

/// (user, session version, name, e-mail, language, organisation, e-mail mode)
type FollowerRow = (
    i64,
    i32,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
);

/// The thread's followers other than the author who may still read it (members of the cohort),
/// in user order. A few queries for all of them, not a few per follower: this runs inside
/// every posting transaction.
fn followers(
    conn: &mut AnyConnection,
    thread: &Thread,
    cohort: &Cohort,
    author_id: i64,
) -> AppResult<Vec<Follower>> {
    let rows = follower_rows(conn, thread, author_id)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let (trainees, trainers) = members_among(conn, cohort, &ids)?;
    let mut out = Vec::with_capacity(rows.len());
    for (user_id, version, name, email, language, organisation_id, mode) in rows {
        // The same order as `cohorts::role_in`; an overseer (a coordinator, an admin) is rare
        // among followers and is looked up in full.
        let (principal, role) = if trainees.contains(&user_id) || trainers.contains(&user_id) {
            let role = if trainees.contains(&user_id) {
                CohortRole::Trainee
            } else {
                CohortRole::Trainer
            };
            let p = Principal {
                user_id,
                name,
                email,
                language,
                organisation_id,
                roles: Vec::new(),
            };
            (p, role)
        } else {
            let Some(p) = crate::accounts::principal_for(conn, user_id, version)? else {
                continue;
            };
            let Some(role) = cohorts::role_in(conn, &p, cohort)? else {
                continue;
            };
            (p, role)
        };
        out.push(Follower {
            user_id,
            principal,
            role,
            email_mode: mode.unwrap_or_else(|| "immediate".to_string()),
        });
    }
    Ok(out)
}

/// Which of these users are the cohort's trainees (not withdrawn) and which its trainers.
fn members_among(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    ids: &[i64],
) -> QueryResult<(HashSet<i64>, HashSet<i64>)> {
    let trainees: HashSet<i64> = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort.id))
        .filter(enrolments::user_id.eq_any(ids))
        .filter(enrolments::status.ne("withdrawn"))
        .select(enrolments::user_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let trainers: HashSet<i64> = cohort_trainers::table
        .filter(cohort_trainers::cohort_id.eq(cohort.id))
        .filter(cohort_trainers::user_id.eq_any(ids))
        .select(cohort_trainers::user_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    Ok((trainees, trainers))
}

/// Who follows the thread, other than the author, among active accounts, with their e-mail
/// mode.
fn follower_rows(
    conn: &mut AnyConnection,
    thread: &Thread,
    author_id: i64,
) -> QueryResult<Vec<FollowerRow>> {
    dsub::table
        .inner_join(users::table.on(users::id.eq(dsub::user_id)))
        .left_join(ds::table.on(ds::user_id.eq(dsub::user_id)))
        .filter(dsub::thread_id.eq(thread.id))
        .filter(dsub::following.eq(true))
        .filter(dsub::user_id.ne(author_id))
        .filter(users::active.eq(true))
        .order(dsub::user_id)
        .select((
            users::id,
            users::session_version,
            users::name,
            users::email,
            users::language,
            users::organisation_id,
            ds::email_mode.nullable(),
        ))
        .load(conn)
}

/// Tells the thread's followers about a new post, in the poster's transaction.
pub fn on_new_post(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    thread: &Thread,
    cohort: &Cohort,
    post: NewPost<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    for follower in followers(conn, thread, cohort, post.author_id)? {
        let user_id = follower.user_id;
        if thread.hidden
            && !policy::can_moderate(follower.role)
            && thread.author_id != Some(user_id)
        {
            continue;
        }
        match follower.email_mode.as_str() {
            "immediate" => mail_at_once(conn, msg, thread, cohort, &post, &follower, now)?,
            "daily" => {
                insert_unless_duplicate(conn, |c| {
                    diesel::insert_into(di::table)
                        .values((
                            di::user_id.eq(user_id),
                            di::post_id.eq(post.id),
                            di::created_at.eq(now),
                        ))
                        .execute(c)
                })?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The e-mail about one new post to a follower who wants it at once, with a signed link that
/// stops their following the thread.
fn mail_at_once(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    thread: &Thread,
    cohort: &Cohort,
    post: &NewPost<'_>,
    follower: &Follower,
    now: NaiveDateTime,
) -> AppResult<()> {
    let (user_id, p) = (follower.user_id, &follower.principal);
    let mut c = tera::Context::new();
    c.insert("name", &p.name);
    c.insert("author", post.author_name);
    c.insert("thread_title", &thread.title);
    c.insert("cohort", &cohort.name);
    c.insert("excerpt", &excerpt(post.body, 600));
    c.insert(
        "link",
        &format!(
            "{}/keskustelut/ketju/{}#v{}",
            msg.base_url, thread.id, post.id
        ),
    );
    let token = unsubscribe_token(
        msg.secret,
        Unsubscribe::Thread {
            thread_id: thread.id,
            user_id,
        },
        stamp_for(conn, user_id)?,
        now,
    );
    let unsubscribe = unsubscribe_url(msg.base_url, &token);
    c.insert("unsubscribe", &unsubscribe);
    c.insert("settings", &format!("{}/keskustelut", msg.base_url));
    mail::queue_unsubscribable(
        conn,
        msg.templates,
        now,
        Envelope {
            to_email: &p.email,
            to_name: &p.name,
            language: lang_of(p),
            user_id: Some(user_id),
            dedupe_key: format!("discussion-post:{}:{user_id}", post.id),
            template: "discussion_post",
            context: c,
        },
        &unsubscribe,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_tokens_name_their_target_and_nothing_else() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let target = Unsubscribe::Thread {
            thread_id: 7,
            user_id: 3,
        };
        let t = unsubscribe_token(secret, target, 1234, now);
        assert_eq!(check_unsubscribe(secret, &t, now), Some((target, 1234)));
        assert_eq!(
            check_unsubscribe(b"another-secret-another-secret-xx", &t, now),
            None
        );
        let later = now + chrono::Duration::days(UNSUBSCRIBE_DAYS + 1);
        assert_eq!(check_unsubscribe(secret, &t, later), None);
        let other = tokens::sign(secret, "manager-approval", "all:3:1234", i64::MAX);
        assert_eq!(check_unsubscribe(secret, &other, now), None);
        // A link made before links named the account's creation is not accepted.
        let old = tokens::sign(secret, UNSUBSCRIBE_PURPOSE, "all:3", i64::MAX);
        assert_eq!(check_unsubscribe(secret, &old, now), None);
        let all = unsubscribe_token(secret, Unsubscribe::All { user_id: 3 }, 99, now);
        assert_eq!(
            check_unsubscribe(secret, &all, now),
            Some((Unsubscribe::All { user_id: 3 }, 99))
        );
    }

    #[test]
    fn excerpts_are_plain_and_short() {
        assert_eq!(excerpt("**Hei**\n\n_maailma_", 100), "Hei maailma");
        assert_eq!(excerpt("aaaa bbbb", 4), "aaaa…");
    }
}
