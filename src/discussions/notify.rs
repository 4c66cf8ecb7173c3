//! E-mail about new posts to the people following a thread (never to the author themself),
//! queued through the outbox in the poster's transaction: at once, or collected for a daily
//! digest, as each user chooses (`discussion_settings.email_mode`: immediate | daily | off).
//! Every message carries a signed one-click unsubscribe link (its own token purpose): the page
//! it opens asks for confirmation, and only the POST of that page changes anything.
//!
//! Nothing is sent twice: an immediate message has the dedupe key
//! `discussion-post:<post>:<user>`; a digest `discussion-digest:<user>:<newest item>`, and its
//! items are marked sent in the transaction that queues it. [`send_digests`] sends each user
//! at most one digest a day, from [`DIGEST_HOUR`] (UTC) on; [`DigestJob`] runs it on an
//! interval (it is safe to run often and on several servers).

use super::{policy, principal_of, Thread};
use crate::accounts::tokens;
use crate::clock::Clock;
use crate::cohorts::{self, Cohort, CohortRole};
use crate::courses::markdown::plain_text;
use crate::db::schema::{cohorts as co, users};
use crate::db::schema_discussions::{
    discussion_digest_items as di, discussion_posts as dp, discussion_settings as ds,
    discussion_subscriptions as dsub, discussion_threads as dt,
};
use crate::db::{insert_unless_duplicate, portable_sql, write_tx, AnyConnection, DbPool};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::templates::Templates;
use crate::{AppError, AppResult};
use chrono::{NaiveDateTime, Timelike};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The purpose of unsubscribe tokens (a token for another purpose is worthless here).
pub const UNSUBSCRIBE_PURPOSE: &str = "discussion-unsubscribe";
/// How long an unsubscribe link works.
pub const UNSUBSCRIBE_DAYS: i64 = 365;
/// Digests go out once a day from this hour (UTC; 7 or 8 in the morning in Finland).
pub const DIGEST_HOUR: u32 = 5;

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

pub fn unsubscribe_token(secret: &[u8], target: Unsubscribe, now: NaiveDateTime) -> String {
    let expires = (now + chrono::Duration::days(UNSUBSCRIBE_DAYS))
        .and_utc()
        .timestamp();
    tokens::sign(secret, UNSUBSCRIBE_PURPOSE, &target.payload(), expires)
}

/// The target of a valid token, or None (forged, another purpose, expired).
pub fn check_unsubscribe(secret: &[u8], token: &str, now: NaiveDateTime) -> Option<Unsubscribe> {
    let payload = tokens::verify_signed(
        secret,
        UNSUBSCRIBE_PURPOSE,
        token,
        now.and_utc().timestamp(),
    )
    .ok()?;
    Unsubscribe::parse(&payload)
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
            super::posting::set_following_unchecked(conn, thread_id, user_id, false, now)?
        }
        Unsubscribe::All { user_id } => set_email_mode(conn, user_id, "off")?,
    }
    Ok(())
}

fn lang_of(p: &crate::accounts::Principal) -> Lang {
    Lang::parse(&p.language).unwrap_or_default()
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
    let followers: Vec<i64> = dsub::table
        .filter(dsub::thread_id.eq(thread.id))
        .filter(dsub::following.eq(true))
        .filter(dsub::user_id.ne(post.author_id))
        .order(dsub::user_id)
        .select(dsub::user_id)
        .load(conn)?;
    for user_id in followers {
        // Only people who may still read the thread: members of the cohort, and for a hidden
        // thread its author and the moderators.
        let Some(p) = principal_of(conn, user_id)? else {
            continue;
        };
        let Some(role) = cohorts::role_in(conn, &p, cohort)? else {
            continue;
        };
        if thread.hidden && !policy::can_moderate(role) && thread.author_id != Some(user_id) {
            continue;
        }
        match settings(conn, user_id)?.0.as_str() {
            "immediate" => {
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
                    now,
                );
                c.insert(
                    "unsubscribe",
                    &format!("{}/keskustelut/peru-tilaus/{token}", msg.base_url),
                );
                c.insert("settings", &format!("{}/keskustelut", msg.base_url));
                mail::queue(
                    conn,
                    msg.templates,
                    now,
                    Envelope {
                        to_email: &p.email,
                        to_name: &p.name,
                        language: lang_of(&p),
                        user_id: Some(user_id),
                        dedupe_key: format!("discussion-post:{}:{user_id}", post.id),
                        template: "discussion_post",
                        context: c,
                    },
                )?;
            }
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

/// One thread in a digest.
#[derive(Debug, Clone, Serialize)]
pub struct DigestThread {
    pub title: String,
    pub cohort: String,
    pub link: String,
    pub posts: Vec<DigestPost>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DigestPost {
    pub author: String,
    pub excerpt: String,
}

/// Sends the daily digests that are due: to each user with waiting items whose last digest
/// was before today, from [`DIGEST_HOUR`] on. Returns how many were queued.
pub fn send_digests(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    now: NaiveDateTime,
) -> AppResult<usize> {
    if now.hour() < DIGEST_HOUR {
        return Ok(0);
    }
    let waiting: Vec<i64> = di::table
        .filter(di::sent_at.is_null())
        .select(di::user_id)
        .distinct()
        .order(di::user_id)
        .load(conn)?;
    let mut queued = 0;
    for user_id in waiting {
        if write_tx(conn, |tx| digest_one(tx, msg, user_id, now))? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// post id, thread id, thread title, thread hidden, thread author, cohort id, cohort name,
/// post hidden, author name, text.
type DigestRow = (
    i64,
    i64,
    String,
    bool,
    Option<i64>,
    i64,
    String,
    Option<NaiveDateTime>,
    Option<String>,
    String,
);

fn digest_one(
    tx: &mut AnyConnection,
    msg: &Messaging<'_>,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let (mode, last) = settings(tx, user_id)?;
    if last.is_some_and(|l| l.date() >= now.date()) {
        return Ok(false);
    }
    let items: Vec<(i64, i64)> = di::table
        .filter(di::user_id.eq(user_id))
        .filter(di::sent_at.is_null())
        .order(di::id)
        .select((di::id, di::post_id))
        .load(tx)?;
    let Some(&(max_item, _)) = items.last() else {
        return Ok(false);
    };
    // Settled now, whatever follows: a post hidden meanwhile or a mode switched off drops its
    // items rather than keeping them forever.
    diesel::update(
        di::table
            .filter(di::user_id.eq(user_id))
            .filter(di::sent_at.is_null())
            .filter(di::id.le(max_item)),
    )
    .set(di::sent_at.eq(Some(now)))
    .execute(tx)?;
    if mode == "off" {
        return Ok(false);
    }
    let Some(p) = principal_of(tx, user_id)? else {
        return Ok(false);
    };
    let post_ids: Vec<i64> = items.iter().map(|(_, p)| *p).collect();
    let rows: Vec<DigestRow> = dp::table
        .inner_join(dt::table.inner_join(co::table))
        .left_join(users::table.on(users::id.nullable().eq(dp::author_id)))
        .filter(dp::id.eq_any(&post_ids))
        .order(dp::id)
        .select((
            dp::id,
            dt::id,
            dt::title,
            dt::hidden,
            dt::author_id,
            co::id,
            co::name,
            dp::hidden_at,
            users::name.nullable(),
            dp::body_markdown,
        ))
        .load(tx)?;
    let mut roles: HashMap<i64, Option<CohortRole>> = HashMap::new();
    let mut threads: Vec<(i64, DigestThread)> = Vec::new();
    let mut count = 0;
    for (
        post_id,
        thread_id,
        title,
        thread_hidden,
        thread_author,
        cohort_id,
        cohort_name,
        hidden,
        author,
        body,
    ) in rows
    {
        let _ = post_id;
        let role = match roles.get(&cohort_id) {
            Some(r) => *r,
            None => {
                let cohort = cohorts::find(tx, cohort_id)?;
                let r = cohorts::role_in(tx, &p, &cohort)?;
                roles.insert(cohort_id, r);
                r
            }
        };
        let Some(role) = role else { continue };
        let may_see_thread =
            !thread_hidden || policy::can_moderate(role) || thread_author == Some(user_id);
        if hidden.is_some() || !may_see_thread {
            continue;
        }
        count += 1;
        let entry = DigestPost {
            author: author.unwrap_or_default(),
            excerpt: excerpt(&body, 300),
        };
        match threads.iter_mut().find(|(id, _)| *id == thread_id) {
            Some((_, t)) => t.posts.push(entry),
            None => threads.push((
                thread_id,
                DigestThread {
                    title,
                    cohort: cohort_name,
                    link: format!("{}/keskustelut/ketju/{thread_id}", msg.base_url),
                    posts: vec![entry],
                },
            )),
        }
    }
    if count == 0 {
        return Ok(false);
    }
    let token = unsubscribe_token(msg.secret, Unsubscribe::All { user_id }, now);
    let mut c = tera::Context::new();
    c.insert("name", &p.name);
    c.insert("count", &count);
    c.insert(
        "threads",
        &threads.into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
    );
    c.insert(
        "unsubscribe",
        &format!("{}/keskustelut/peru-tilaus/{token}", msg.base_url),
    );
    c.insert("settings", &format!("{}/keskustelut", msg.base_url));
    let queued = mail::queue(
        tx,
        msg.templates,
        now,
        Envelope {
            to_email: &p.email,
            to_name: &p.name,
            language: lang_of(&p),
            user_id: Some(user_id),
            dedupe_key: format!("discussion-digest:{user_id}:{max_item}"),
            template: "discussion_digest",
            context: c,
        },
    )?;
    let sql = portable_sql(
        tx,
        "INSERT INTO discussion_settings (user_id, email_mode, last_digest_at) VALUES (?, ?, ?) \
         ON CONFLICT (user_id) DO UPDATE SET last_digest_at = excluded.last_digest_at",
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(user_id)
        .bind::<Text, _>(&mode)
        .bind::<Nullable<Timestamp>, _>(Some(now))
        .execute(tx)?;
    Ok(queued)
}

/// The digest job for the server's background work: [`DigestJob::spawn`] runs
/// [`send_digests`] on an interval (each user still gets at most one digest a day).
#[derive(Clone)]
pub struct DigestJob {
    pub pool: DbPool,
    pub templates: Arc<Templates>,
    pub base_url: String,
    pub secret: Vec<u8>,
    pub clock: Clock,
}

impl DigestJob {
    /// Sends what is due now; returns the number of digests queued.
    pub fn run_once(&self) -> anyhow::Result<usize> {
        let mut conn = self.pool.get()?;
        let msg = Messaging {
            templates: &self.templates,
            base_url: &self.base_url,
            secret: &self.secret,
        };
        send_digests(&mut conn, &msg, self.clock.now()).map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Runs [`DigestJob::run_once`] every `every` until the task is dropped.
    pub fn spawn(self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let job = self.clone();
                match tokio::task::spawn_blocking(move || job.run_once()).await {
                    Ok(Ok(0)) => {}
                    Ok(Ok(n)) => tracing::info!(digests = n, "discussion digests queued"),
                    Ok(Err(e)) => tracing::warn!(error = %e, "discussion digests failed"),
                    Err(e) => tracing::error!(error = %e, "discussion digests panicked"),
                }
            }
        })
    }
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
        let t = unsubscribe_token(secret, target, now);
        assert_eq!(check_unsubscribe(secret, &t, now), Some(target));
        assert_eq!(
            check_unsubscribe(b"another-secret-another-secret-xx", &t, now),
            None
        );
        let later = now + chrono::Duration::days(UNSUBSCRIBE_DAYS + 1);
        assert_eq!(check_unsubscribe(secret, &t, later), None);
        let other = tokens::sign(secret, "manager-approval", "all:3", i64::MAX);
        assert_eq!(check_unsubscribe(secret, &other, now), None);
        let all = unsubscribe_token(secret, Unsubscribe::All { user_id: 3 }, now);
        assert_eq!(
            check_unsubscribe(secret, &all, now),
            Some(Unsubscribe::All { user_id: 3 })
        );
    }

    #[test]
    fn excerpts_are_plain_and_short() {
        assert_eq!(excerpt("**Hei**\n\n_maailma_", 100), "Hei maailma");
        assert_eq!(excerpt("aaaa bbbb", 4), "aaaa…");
    }
}
