//! E-mail about new posts to the people following a thread (never to the author themself),
//! queued through the outbox in the poster's transaction: at once, or collected for a daily
//! digest, as each user chooses (`email_mode`: immediate | daily | off). Every message carries
//! a signed unsubscribe link (`unsubscribe`), in the text and as `List-Unsubscribe` with
//! `List-Unsubscribe-Post` (RFC 8058).
//!
//! Nothing is sent twice: an immediate message has the dedupe key
//! `discussion-post:<post>:<user>`; the daily digests (`digest`) have their own.
//!
//! One immediate e-mail per unread stretch: a follower hears of a new post only when they had
//! read the thread up to the post before it (their read marker). A busy thread then sends each
//! follower one message, which says so, and the next after they have been to read it — not one
//! per post (16 followers of a thread where people post every few seconds were sent thousands
//! an hour). The daily digest still lists every post.

use super::unsubscribe::{unsubscribe_token, unsubscribe_url, Unsubscribe};
use super::{policy, Thread};
use crate::accounts::Principal;
use crate::cohorts::reader::{enrolment_on, trainer_on};
use crate::cohorts::{self, Cohort, CohortRole};
use crate::courses::markdown::plain_text;
use crate::db::schema::{cohort_trainers, enrolments, users};
use crate::db::schema_discussions::{
    discussion_digest_items as di, discussion_reads as rd, discussion_settings as ds,
    discussion_subscriptions as dsub,
};
use crate::db::{insert_unless_duplicate, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A post that was just written.
pub struct NewPost<'a> {
    pub id: i64,
    pub author_id: i64,
    pub author_name: &'a str,
    pub body: &'a str,
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
    /// The account's stamp for the unsubscribe link (`accounts::sign_in::stamp_of`).
    stamp: i64,
    /// The last post of the thread they have read (0: none).
    last_read: i64,
}

/// (user, session version, name, e-mail, language, organisation, e-mail mode, created,
/// last read post, a trainee of the cohort (not withdrawn), a trainer of it)
type FollowerRow = (
    i64,
    i32,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    NaiveDateTime,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// The thread's followers other than the author who may still read it (members of the cohort),
/// in user order. One statement for all of them (with whether each is the cohort's trainee or
/// trainer), not a few per follower: this runs inside every posting transaction. Only a
/// follower who is neither (a coordinator, an admin) is looked up on their own.
fn followers(
    conn: &mut AnyConnection,
    thread: &Thread,
    cohort: &Cohort,
    author_id: i64,
) -> AppResult<Vec<Follower>> {
    let rows = follower_rows(conn, thread, cohort.id, author_id)?;
    let mut out = Vec::with_capacity(rows.len());
    for (
        user_id,
        version,
        name,
        email,
        language,
        organisation_id,
        mode,
        created,
        last_read,
        trainee,
        trainer,
    ) in rows
    {
        let (trainee, trainer) = (trainee.is_some(), trainer.is_some());
        // The same order as `cohorts::role_in`; an overseer (a coordinator, an admin) is rare
        // among followers and is looked up in full.
        let (principal, role) = if trainee || trainer {
            let role = if trainee {
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
            stamp: crate::accounts::sign_in::stamp_from(created),
            last_read: last_read.unwrap_or(0),
        });
    }
    Ok(out)
}

/// Who follows the thread, other than the author, among active accounts, with their e-mail
/// mode.
fn follower_rows(
    conn: &mut AnyConnection,
    thread: &Thread,
    cohort_id: i64,
    author_id: i64,
) -> QueryResult<Vec<FollowerRow>> {
    dsub::table
        .inner_join(users::table.on(users::id.eq(dsub::user_id)))
        .left_join(ds::table.on(ds::user_id.eq(dsub::user_id)))
        .left_join(
            rd::table.on(rd::thread_id
                .eq(dsub::thread_id)
                .and(rd::user_id.eq(dsub::user_id))),
        )
        // Whether each is the cohort's trainee or trainer, in the same statement (one row at
        // most each: both are unique per cohort and user).
        .left_join(enrolment_on!(dsub::user_id, cohort_id))
        .left_join(trainer_on!(dsub::user_id, cohort_id))
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
            users::created_at,
            rd::last_read_post_id.nullable(),
            enrolments::user_id.nullable(),
            cohort_trainers::user_id.nullable(),
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
            // `thread` is as it was before this post: caught up means read to its last post.
            "immediate" if follower.last_read >= thread.last_post_id => {
                mail_at_once(conn, msg, thread, cohort, &post, &follower, now)?
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
        follower.stamp,
        now,
    );
    let unsubscribe = unsubscribe_url(msg.base_url, &token);
    c.insert("unsubscribe", &unsubscribe);
    c.insert("settings", &format!("{}/keskustelut", msg.base_url));
    // The key names this new post: no other transaction can have queued it.
    mail::queue_fresh_unsubscribable(
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
    fn excerpts_are_plain_and_short() {
        assert_eq!(excerpt("**Hei**\n\n_maailma_", 100), "Hei maailma");
        assert_eq!(excerpt("aaaa bbbb", 4), "aaaa…");
    }
}
