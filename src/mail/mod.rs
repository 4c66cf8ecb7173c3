//! Mail that is never lost. A context queues a message inside its own transaction
//! ([`queue`]); the delivery worker ([`worker`]) claims due messages with a lease, sends them
//! and marks them sent, retrying with backoff. This module knows no feature: callers hand it
//! a template name and the values the template needs.

pub mod scrub;
pub mod transport;
pub mod worker;

use crate::db::schema::outbox_messages as om;
use crate::db::{insert_unless_duplicate, AnyConnection};
use crate::i18n::Lang;
use crate::templates::Templates;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// What a context needs to queue messages with links in them: the templates, the public
/// address, and the key that signs links for people without an account.
#[derive(Clone, Copy)]
pub struct Messaging<'a> {
    pub templates: &'a Templates,
    pub base_url: &'a str,
    pub secret: &'a [u8],
}

/// One message to queue.
pub struct Envelope<'a> {
    pub to_email: &'a str,
    pub to_name: &'a str,
    pub language: Lang,
    pub user_id: Option<i64>,
    /// Queuing the same key twice queues one message (e.g. `completion:enrolment:42`).
    pub dedupe_key: String,
    /// Names `templates/email/<template>.<lang>.txt` (first line the subject) and `.html`.
    pub template: &'a str,
    pub context: tera::Context,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders a message. The text template's first line is `Subject: …`; the HTML template is
/// autoescaped, so user-supplied values cannot add markup.
pub fn render(
    templates: &Templates,
    lang: Lang,
    template: &str,
    ctx: &tera::Context,
) -> AppResult<Rendered> {
    let text = templates.render(lang, &format!("email/{template}.{}.txt", lang.code()), ctx)?;
    let html = templates.render(lang, &format!("email/{template}.{}.html", lang.code()), ctx)?;
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let subject = first
        .strip_prefix("Subject:")
        .ok_or_else(|| anyhow::anyhow!("email/{template}: the first line must be 'Subject: …'"))?;
    Ok(Rendered {
        subject: one_line(subject),
        text: rest.trim_start_matches('\n').to_string(),
        html,
    })
}

/// Header-bound text on one line: control characters (CR, LF, tabs, bidi overrides) become
/// spaces, so no value can start a header of its own.
pub fn one_line(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The shared direction controls, and in a header the direction marks too.
fn is_bidi_control(c: char) -> bool {
    crate::text::is_bidi_control(c) || matches!(c, '\u{200e}' | '\u{200f}')
}

/// Queues a message in the caller's transaction. Returns false when the dedupe key was
/// queued already (nothing changes then).
pub fn queue(
    conn: &mut AnyConnection,
    templates: &Templates,
    now: NaiveDateTime,
    envelope: Envelope<'_>,
) -> AppResult<bool> {
    queue_with(conn, templates, now, envelope, None)
}

/// Like [`queue`], for a message the recipient can stop getting (a notification, a digest):
/// `unsubscribe` is a signed `https` address whose POST unsubscribes without a session. The
/// worker sends it as `List-Unsubscribe` with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
/// (RFC 2369, RFC 8058), so mail programs can offer their own unsubscribe button.
pub fn queue_unsubscribable(
    conn: &mut AnyConnection,
    templates: &Templates,
    now: NaiveDateTime,
    envelope: Envelope<'_>,
    unsubscribe: &str,
) -> AppResult<bool> {
    queue_with(conn, templates, now, envelope, Some(unsubscribe))
}

/// Like [`queue_unsubscribable`], for a message whose dedupe key names a row written earlier in
/// the caller's transaction (a new post's notification, `discussion-post:<post>:<user>`): no
/// other transaction can have queued it, so the look-up and the savepoint that guard a
/// duplicate are left out. A posting transaction queues one of these per follower, and on
/// PostgreSQL each left-out statement was a round trip inside it.
pub fn queue_fresh_unsubscribable(
    conn: &mut AnyConnection,
    templates: &Templates,
    now: NaiveDateTime,
    envelope: Envelope<'_>,
    unsubscribe: &str,
) -> AppResult<()> {
    let rendered = render_envelope(templates, &envelope)?;
    insert(conn, now, &envelope, &rendered, Some(unsubscribe))?;
    Ok(())
}

fn queue_with(
    conn: &mut AnyConnection,
    templates: &Templates,
    now: NaiveDateTime,
    envelope: Envelope<'_>,
    unsubscribe: Option<&str>,
) -> AppResult<bool> {
    let exists: i64 = om::table
        .filter(om::dedupe_key.eq(&envelope.dedupe_key))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    let rendered = render_envelope(templates, &envelope)?;
    let inserted =
        insert_unless_duplicate(conn, |c| insert(c, now, &envelope, &rendered, unsubscribe))?;
    Ok(inserted.is_some())
}

/// The envelope's message in its recipient's language.
fn render_envelope(templates: &Templates, envelope: &Envelope<'_>) -> AppResult<Rendered> {
    render(
        templates,
        envelope.language,
        envelope.template,
        &envelope.context,
    )
}

/// Inserts a rendered message into the outbox, to be sent from `now` on.
fn insert(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    envelope: &Envelope<'_>,
    rendered: &Rendered,
    unsubscribe: Option<&str>,
) -> QueryResult<usize> {
    let message_id = format!(
        "<{}@kirjaamo>",
        &crate::accounts::tokens::token_hash(&envelope.dedupe_key)[..32]
    );
    diesel::insert_into(om::table)
        .values((
            om::dedupe_key.eq(&envelope.dedupe_key),
            om::user_id.eq(envelope.user_id),
            om::recipient_email.eq(envelope.to_email.trim()),
            om::recipient_name.eq(one_line(envelope.to_name)),
            om::language.eq(envelope.language.code()),
            om::template.eq(envelope.template),
            om::subject.eq(&rendered.subject),
            om::body_text.eq(&rendered.text),
            om::body_html.eq(&rendered.html),
            om::message_id.eq(&message_id),
            om::status.eq("pending"),
            om::attempts.eq(0),
            om::next_attempt_at.eq(now),
            om::created_at.eq(now),
            om::list_unsubscribe.eq(unsubscribe.map(one_line)),
        ))
        .execute(conn)
}

/// What `kirjaamo outbox status` prints and the admin page shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OutboxStatus {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    pub oldest_pending: Option<NaiveDateTime>,
}

pub fn status(conn: &mut AnyConnection) -> AppResult<OutboxStatus> {
    let count = |conn: &mut AnyConnection, s: &str| -> QueryResult<i64> {
        om::table.filter(om::status.eq(s)).count().get_result(conn)
    };
    Ok(OutboxStatus {
        pending: count(conn, "pending")?,
        sent: count(conn, "sent")?,
        failed: count(conn, "failed")?,
        oldest_pending: om::table
            .filter(om::status.eq("pending"))
            .select(diesel::dsl::min(om::created_at))
            .first::<Option<NaiveDateTime>>(conn)?,
    })
}

/// A failed message as the admin page lists it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct FailedMessage {
    pub id: i64,
    pub recipient_email: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn failed(conn: &mut AnyConnection, limit: i64) -> AppResult<Vec<FailedMessage>> {
    Ok(om::table
        .filter(om::status.eq("failed"))
        .order(om::id.desc())
        .limit(limit)
        .select((
            om::id,
            om::recipient_email,
            om::subject,
            om::attempts,
            om::last_error,
            om::created_at,
        ))
        .load(conn)?)
}

/// Puts failed messages (all, or one) back in the queue with a fresh set of attempts.
pub fn retry_failed(
    conn: &mut AnyConnection,
    id: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let target = om::table.filter(om::status.eq("failed")).into_boxed();
    let target = match id {
        Some(id) => target.filter(om::id.eq(id)),
        None => target,
    };
    let ids: Vec<i64> = target.select(om::id).load(conn)?;
    Ok(diesel::update(om::table.filter(om::id.eq_any(ids)))
        .set((
            om::status.eq("pending"),
            om::attempts.eq(0),
            om::next_attempt_at.eq(now),
            om::leased_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn header_values_stay_on_one_line() {
        assert_eq!(
            one_line("Maija\r\nBcc: evil@example.com"),
            "Maija Bcc: evil@example.com"
        );
        assert_eq!(one_line("a\u{202e}b"), "a b");
        assert_eq!(one_line("  Äänekoski   Åbo "), "Äänekoski Åbo");
    }
}
