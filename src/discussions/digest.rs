//! The daily digest: posts collected for users who chose `daily`, sent as one message per
//! user and day at a fixed Helsinki hour (`KIRJAAMO_DIGEST_HOUR`, 07.00 by default, summer
//! time included). [`send_digests`] sends what came before the latest such hour ([`digest_slot`])
//! to each user who has not had that day's digest; what comes after waits for tomorrow's. A
//! server that was down at the hour catches up when it runs. The items go out marked sent in
//! the transaction that queues the message (dedupe key `discussion-digest:<user>:<newest
//! item>`), so nothing is sent twice, also with several servers running it. Posts hidden
//! meanwhile and cohorts the user has left are left out. [`DigestJob`] runs it on an interval.

use super::email_mode::settings;
use super::notify::excerpt;
use super::unsubscribe::{unsubscribe_token, unsubscribe_url, Unsubscribe};
use super::{policy, principal_of};
use crate::clock::Clock;
use crate::cohorts::{self, CohortRole};
use crate::db::schema::{cohorts as co, users};
use crate::db::schema_discussions::{
    discussion_digest_items as di, discussion_posts as dp, discussion_threads as dt,
};
use crate::db::{portable_sql, write_tx, AnyConnection, DbPool};
use crate::i18n::format::{from_helsinki, helsinki};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::templates::Templates;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The latest time the digests were due at or before `now` (both UTC): today at `hour` in
/// Helsinki, or yesterday's when today's is still ahead.
pub fn digest_slot(now: NaiveDateTime, hour: u32) -> NaiveDateTime {
    let local_day = helsinki(now).date_naive();
    let at = |day: chrono::NaiveDate| {
        from_helsinki(day.and_hms_opt(hour.min(23), 0, 0).unwrap_or_default())
    };
    let today = at(local_day);
    if today <= now {
        today
    } else {
        at(local_day.pred_opt().unwrap_or(local_day))
    }
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

/// Sends the daily digests that are due: to each user with items waiting from before the
/// latest digest hour ([`digest_slot`]) who has not had a digest since. `hour` is the Helsinki
/// hour (`Config::digest_hour`). Returns how many were queued.
pub fn send_digests(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    now: NaiveDateTime,
    hour: u32,
) -> AppResult<usize> {
    let slot = digest_slot(now, hour);
    let waiting: Vec<i64> = di::table
        .filter(di::sent_at.is_null())
        .filter(di::created_at.le(slot))
        .select(di::user_id)
        .distinct()
        .order(di::user_id)
        .load(conn)?;
    let mut queued = 0;
    for user_id in waiting {
        if write_tx(conn, |tx| digest_one(tx, msg, user_id, now, slot))? {
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
    slot: NaiveDateTime,
) -> AppResult<bool> {
    let (mode, last) = settings(tx, user_id)?;
    if last.is_some_and(|l| l >= slot) {
        return Ok(false);
    }
    let items: Vec<(i64, i64)> = di::table
        .filter(di::user_id.eq(user_id))
        .filter(di::sent_at.is_null())
        .filter(di::created_at.le(slot))
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
    let token = unsubscribe_token(
        msg.secret,
        Unsubscribe::All { user_id },
        super::unsubscribe::stamp_for(tx, user_id)?,
        now,
    );
    let mut c = tera::Context::new();
    c.insert("name", &p.name);
    c.insert("count", &count);
    c.insert(
        "threads",
        &threads.into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
    );
    let unsubscribe = unsubscribe_url(msg.base_url, &token);
    c.insert("unsubscribe", &unsubscribe);
    c.insert("settings", &format!("{}/keskustelut", msg.base_url));
    let queued = mail::queue_unsubscribable(
        tx,
        msg.templates,
        now,
        Envelope {
            to_email: &p.email,
            to_name: &p.name,
            language: Lang::parse(&p.language).unwrap_or_default(),
            user_id: Some(user_id),
            dedupe_key: format!("discussion-digest:{user_id}:{max_item}"),
            template: "discussion_digest",
            context: c,
        },
        &unsubscribe,
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
    /// The Helsinki hour the digests go out at.
    pub hour: u32,
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
        send_digests(&mut conn, &msg, self.clock.now(), self.hour)
            .map_err(|e| anyhow::anyhow!("{e}"))
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
    use super::digest_slot;
    use chrono::NaiveDateTime;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_slot_is_the_latest_local_hour_summer_time_included() {
        // Winter (UTC+2): 07.00 in Helsinki is 05.00 UTC.
        assert_eq!(
            digest_slot(utc("2026-12-06 05:00"), 7),
            utc("2026-12-06 05:00")
        );
        assert_eq!(
            digest_slot(utc("2026-12-06 04:59"), 7),
            utc("2026-12-05 05:00")
        );
        assert_eq!(
            digest_slot(utc("2026-12-06 21:30"), 7),
            utc("2026-12-06 05:00")
        );
        // Summer (UTC+3): 07.00 is 04.00 UTC.
        assert_eq!(
            digest_slot(utc("2026-06-06 04:00"), 7),
            utc("2026-06-06 04:00")
        );
        assert_eq!(
            digest_slot(utc("2026-06-06 03:59"), 7),
            utc("2026-06-05 04:00")
        );
        // The night the clocks go forward (29.3.2026): 07.00 is already summer time.
        assert_eq!(
            digest_slot(utc("2026-03-29 12:00"), 7),
            utc("2026-03-29 04:00")
        );
        assert_eq!(
            digest_slot(utc("2026-03-28 12:00"), 7),
            utc("2026-03-28 05:00")
        );
        // Late evening UTC is already the next day in Helsinki.
        assert_eq!(
            digest_slot(utc("2026-12-06 22:30"), 0),
            utc("2026-12-06 22:00")
        );
        // Another configured hour.
        assert_eq!(
            digest_slot(utc("2026-12-06 10:00"), 18),
            utc("2026-12-05 16:00")
        );
    }
}
