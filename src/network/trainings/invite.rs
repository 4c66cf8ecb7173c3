//! Inviting colleagues to a planned training by e-mail, through the outbox: no account is made
//! for them, and each address is invited to a training once (the dedupe key), however often
//! the expert sends the form.

use super::lists::Listed;
use crate::db::{write_tx, AnyConnection};
use crate::i18n::{format, Lang};
use crate::mail::{self, Envelope, Messaging};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;

/// The most addresses one invitation may have.
pub const MAX_ADDRESSES: usize = 100;

/// The addresses written in the form (separated by commas, semicolons, spaces or lines),
/// each once, or `invite.invalid` when one is not an address or there are none or too many.
pub fn addresses(text: &str) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for part in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let part = part.trim_matches(|c| c == '<' || c == '>');
        let email = crate::accounts::normalize_email(part)
            .map_err(|_| AppError::invalid("invite.invalid"))?;
        if !out.contains(&email) {
            out.push(email);
        }
    }
    if out.is_empty() || out.len() > MAX_ADDRESSES {
        return Err(AppError::invalid("invite.invalid"));
    }
    Ok(out)
}

/// Queues an invitation to each address (in `lang`); returns how many were new.
pub fn invite(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    item: &Listed,
    expert: &str,
    emails: &str,
    lang: Lang,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let list = addresses(emails)?;
    let t = &item.training;
    let catalog = msg.templates.catalog(lang);
    let themes: Vec<String> = item
        .themes
        .iter()
        .map(|th| catalog.get(&format!("theme.{th}")).to_string())
        .collect();
    let when = match (t.starts_at, t.ends_at) {
        (Some(s), Some(e)) => format!(
            "{}–{}",
            format::datetime(lang, s),
            format::time_of_day(lang, e)
        ),
        (Some(s), None) => format::datetime(lang, s),
        _ => format::date(lang, t.held_on),
    };
    let place = match (t.remote, t.place.trim()) {
        (true, "") => catalog.get("training.remote").to_string(),
        (true, p) => format!("{p} ({})", catalog.get("training.remote")),
        (false, p) => p.to_string(),
    };
    write_tx(conn, |c| {
        let mut n = 0;
        for email in &list {
            let mut ctx = tera::Context::new();
            ctx.insert("expert", expert);
            ctx.insert("when", &when);
            ctx.insert("place", &place);
            ctx.insert("themes", &themes.join(", "));
            ctx.insert("organisation", &item.organisation);
            ctx.insert("unit", t.unit.trim());
            ctx.insert("link", &format!("{}/tietopankki", msg.base_url));
            if mail::queue(
                c,
                msg.templates,
                now,
                Envelope {
                    to_email: email,
                    to_name: "",
                    language: lang,
                    user_id: None,
                    dedupe_key: format!("training-invite:{}:{email}", t.id),
                    template: "training_invite",
                    context: ctx,
                },
            )? {
                n += 1;
            }
        }
        Ok(n)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_are_read_from_any_list_once_each() {
        assert_eq!(
            super::addresses("a@x.fi, b@x.fi;\nA@X.FI <c@x.fi>").unwrap(),
            vec!["a@x.fi", "b@x.fi", "c@x.fi"]
        );
        assert!(super::addresses("a@x.fi, not-an-address").is_err());
        assert!(super::addresses("  ").is_err());
    }
}
