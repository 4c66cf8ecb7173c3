//! iCalendar feeds (RFC 5545) of trainings, so they show up in Outlook and other calendars:
//! one per area (a region or county, for its coordinators) and one per expert, at a signed
//! URL. The link names the user it was made for and when their account was created: it stops
//! working when they no longer see the area (or the account is deleted, even if SQLite gives
//! its id to someone else). Times are written in `Europe/Helsinki` with its time-zone rules,
//! so a 9.00 training is at 9.00 in Finland in summer and in winter.

use super::lists::{upcoming, Listed};
use crate::accounts::tokens::{sign, verify_signed};
use crate::accounts::Principal;
use crate::db::schema::{trainings_held, users};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::network::registry::{self, Scope};
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

const PURPOSE: &str = "training-calendar";
/// A feed link lasts ten years (it dies earlier when its owner loses the area).
const VALID_SECS: i64 = 10 * 365 * 24 * 3600;

/// Whose trainings a feed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    Area(Scope),
    Expert,
}

/// A signed feed link's path part for `who` (the owner), in a language.
pub fn token(
    secret: &[u8],
    who_id: i64,
    created_at: NaiveDateTime,
    feed: Feed,
    lang: Lang,
    now: NaiveDateTime,
) -> String {
    let what = match feed {
        Feed::Area(Scope::Region(r)) => format!("region:{r}"),
        Feed::Area(Scope::County(c)) => format!("county:{c}"),
        Feed::Expert => "expert:0".to_string(),
    };
    let payload = format!(
        "{what}:{who_id}:{}:{}",
        created_at.and_utc().timestamp(),
        lang.code()
    );
    sign(
        secret,
        PURPOSE,
        &payload,
        now.and_utc().timestamp() + VALID_SECS,
    )
}

/// The trainings a feed link shows, or `None` when the link is not (or no longer) good.
pub fn resolve(
    conn: &mut AnyConnection,
    secret: &[u8],
    token: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Option<(Lang, Vec<Listed>)>> {
    let Ok(payload) = verify_signed(secret, PURPOSE, token, now.and_utc().timestamp()) else {
        return Ok(None);
    };
    let parts: Vec<&str> = payload.split(':').collect();
    let [kind, id, who, created, lang] = parts[..] else {
        return Ok(None);
    };
    let (Ok(id), Ok(who), Ok(created), Some(lang)) = (
        id.parse::<i64>(),
        who.parse::<i64>(),
        created.parse::<i64>(),
        Lang::parse(lang),
    ) else {
        return Ok(None);
    };
    let user: Option<(NaiveDateTime, i32)> = users::table
        .find(who)
        .filter(users::active.eq(true))
        .select((users::created_at, users::session_version))
        .first(conn)
        .optional()?;
    let Some((created_at, version)) = user else {
        return Ok(None);
    };
    if created_at.and_utc().timestamp() != created {
        return Ok(None);
    }
    let Some(principal) = crate::accounts::principal_for(conn, who, version)? else {
        return Ok(None);
    };
    let from = today - chrono::Duration::days(90);
    let list = match kind {
        "region" | "county" => {
            let scope = if kind == "region" {
                Scope::Region(id)
            } else {
                Scope::County(id)
            };
            if registry::check_scope(conn, &principal, scope).is_err() {
                return Ok(None);
            }
            let counties = registry::counties_of(conn, scope)?;
            upcoming(conn, &counties, from, 500)?
        }
        "expert" => own(conn, &principal, from, lang)?,
        _ => return Ok(None),
    };
    Ok(Some((lang, list)))
}

fn own(
    conn: &mut AnyConnection,
    who: &Principal,
    from: NaiveDate,
    lang: crate::i18n::Lang,
) -> AppResult<Vec<Listed>> {
    let mut list = super::lists::of_user(conn, who.user_id, lang)?;
    list.retain(|l| l.training.held_on >= from);
    list.sort_by_key(|l| (l.training.held_on, l.training.starts_at, l.training.id));
    Ok(list)
}

/// The last change of any training, for the feed's `Last-Modified`-like stamp (DTSTAMP).
pub fn stamp(conn: &mut AnyConnection) -> AppResult<Option<NaiveDateTime>> {
    Ok(trainings_held::table
        .select(diesel::dsl::max(trainings_held::updated_at))
        .first(conn)?)
}

/// Text values escaped as RFC 5545 requires (backslash, semicolon, comma, line breaks).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (never inside a character), ended with CRLF.
fn line(out: &mut String, content: &str) {
    let mut used = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

const VTIMEZONE: [&str; 16] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Helsinki",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0300",
    "TZNAME:EEST",
    "DTSTART:19700329T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0200",
    "TZNAME:EET",
    "DTSTART:19701025T040000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
];

/// What a feed's events say, in the feed's language.
pub struct Labels<'a> {
    pub calendar_name: &'a str,
    /// "Kirjaamiskoulutus" etc.
    pub training: &'a str,
    pub remote: &'a str,
    pub expert: &'a str,
    pub deleted_expert: &'a str,
    pub unit: &'a str,
    pub planned_size: &'a str,
    pub theme: &'a dyn Fn(&str) -> String,
}

/// The feed as iCalendar text.
pub fn ics(list: &[Listed], labels: &Labels<'_>, host: &str, now: NaiveDateTime) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kirjaamo//Koulutukset//FI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        line(&mut out, l);
    }
    line(
        &mut out,
        &format!("X-WR-CALNAME:{}", escape(labels.calendar_name)),
    );
    line(&mut out, "X-WR-TIMEZONE:Europe/Helsinki");
    for l in VTIMEZONE {
        line(&mut out, l);
    }
    line(&mut out, "END:VTIMEZONE");
    let utc = |t: NaiveDateTime| t.format("%Y%m%dT%H%M%SZ").to_string();
    let local = |t: NaiveDateTime| {
        crate::i18n::format::helsinki(t)
            .format("%Y%m%dT%H%M%S")
            .to_string()
    };
    for item in list {
        let t = &item.training;
        let themes: Vec<String> = item.themes.iter().map(|th| (labels.theme)(th)).collect();
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:training-{}@{host}", t.id));
        line(
            &mut out,
            &format!("DTSTAMP:{}", utc(t.updated_at.unwrap_or(now))),
        );
        match t.starts_at {
            Some(start) => {
                line(
                    &mut out,
                    &format!("DTSTART;TZID=Europe/Helsinki:{}", local(start)),
                );
                let end = t.ends_at.unwrap_or(start + chrono::Duration::hours(1));
                line(
                    &mut out,
                    &format!("DTEND;TZID=Europe/Helsinki:{}", local(end)),
                );
            }
            None => {
                line(
                    &mut out,
                    &format!("DTSTART;VALUE=DATE:{}", t.held_on.format("%Y%m%d")),
                );
                line(
                    &mut out,
                    &format!(
                        "DTEND;VALUE=DATE:{}",
                        (t.held_on + chrono::Duration::days(1)).format("%Y%m%d")
                    ),
                );
            }
        }
        line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                escape(&format!("{}: {}", labels.training, themes.join(", ")))
            ),
        );
        let place = if t.remote && t.place.trim().is_empty() {
            labels.remote.to_string()
        } else if t.remote {
            format!("{} ({})", t.place.trim(), labels.remote)
        } else {
            t.place.trim().to_string()
        };
        if !place.is_empty() {
            line(&mut out, &format!("LOCATION:{}", escape(&place)));
        }
        let mut desc = vec![item.organisation.clone()];
        if !t.unit.trim().is_empty() {
            desc.push(format!("{}: {}", labels.unit, t.unit.trim()));
        }
        desc.push(format!(
            "{}: {}",
            labels.expert,
            item.expert.as_deref().unwrap_or(labels.deleted_expert)
        ));
        if let Some(n) = t.planned_size {
            desc.push(format!("{}: {n}", labels.planned_size));
        }
        line(
            &mut out,
            &format!("DESCRIPTION:{}", escape(&desc.join("\n"))),
        );
        line(&mut out, "STATUS:CONFIRMED");
        line(&mut out, "TRANSP:OPAQUE");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_folded_between_characters() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "ä".repeat(60));
        line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
    }
}
