//! Times and numbers as the page's reader writes them. Everything is stored in UTC; what people
//! see is Helsinki time (`Europe/Helsinki`, summer time included), with a decimal comma and a
//! no-break space between thousands in Finnish and Swedish.

use super::Lang;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Helsinki;
use chrono_tz::Tz;

/// The no-break space between thousands and before a per-cent sign (Finnish and Swedish
/// typography), so "12 345" and "25,0 %" never break across lines.
pub const NBSP: char = '\u{a0}';

/// A stored UTC time as a Helsinki wall-clock time.
pub fn helsinki(utc: NaiveDateTime) -> DateTime<Tz> {
    Utc.from_utc_datetime(&utc).with_timezone(&Helsinki)
}

/// The Helsinki calendar day of a stored UTC time.
pub fn helsinki_date(utc: NaiveDateTime) -> NaiveDate {
    helsinki(utc).date_naive()
}

/// The UTC instant of a Helsinki wall-clock time. A time skipped by the spring change is
/// read an hour later; one repeated in autumn is read as its first occurrence.
pub fn from_helsinki(local: NaiveDateTime) -> NaiveDateTime {
    use chrono::LocalResult;
    match Helsinki.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.naive_utc(),
        LocalResult::None => from_helsinki(local + chrono::Duration::hours(1)),
    }
}

/// RFC 3339 with Helsinki's offset, for `<time datetime>`, CSV and the API:
/// `2026-12-06T13:28:00+02:00`.
pub fn rfc3339(utc: NaiveDateTime) -> String {
    helsinki(utc).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The date as the language writes it: 6.12.2026 (fi, sv), 6 December 2026 (en).
pub fn date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Fi | Lang::Sv => d.format("%-d.%-m.%Y").to_string(),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

/// The time of day in Helsinki: 13.28 (fi, sv), 13:28 (en).
pub fn time_of_day(lang: Lang, utc: NaiveDateTime) -> String {
    let t = helsinki(utc);
    match lang {
        Lang::Fi | Lang::Sv => t.format("%-H.%M").to_string(),
        Lang::En => t.format("%H:%M").to_string(),
    }
}

/// Date and time in Helsinki: "6.12.2026 klo 13.28", "6.12.2026 kl. 13.28",
/// "6 December 2026 at 13:28".
pub fn datetime(lang: Lang, utc: NaiveDateTime) -> String {
    let day = date(lang, helsinki_date(utc));
    let time = time_of_day(lang, utc);
    match lang {
        Lang::Fi => format!("{day} klo {time}"),
        Lang::Sv => format!("{day} kl. {time}"),
        Lang::En => format!("{day} at {time}"),
    }
}

/// Reads what templates receive: a serialised `NaiveDateTime` ("2026-12-06T11:28:00.123"),
/// the same with a space, or a plain date.
pub fn parse_stored(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(v) = NaiveDateTime::parse_from_str(t, f) {
            return Some(v);
        }
    }
    if let Ok(v) = DateTime::parse_from_rfc3339(t) {
        return Some(v.naive_utc());
    }
    None
}

fn group_thousands(digits: &str, sep: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * sep.len());
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// A number with `places` decimals: "12 345,5" (fi, sv: no-break space, decimal comma),
/// "12,345.5" (en). Not a number: "–".
pub fn decimal(lang: Lang, value: f64, places: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let text = format!("{:.*}", places, value.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let (thousands, point) = match lang {
        Lang::Fi | Lang::Sv => (NBSP.to_string(), ","),
        Lang::En => (",".to_string(), "."),
    };
    let grouped = group_thousands(int, &thousands);
    let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "−" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}{point}{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A whole number: "12 345" (fi, sv), "12,345" (en).
pub fn integer(lang: Lang, value: i64) -> String {
    decimal(lang, value as f64, 0)
}

/// A percentage to one decimal: "25,0 %" (fi, sv), "25.0%" (en). `value` is in per cent.
pub fn percent(lang: Lang, value: f64) -> String {
    let n = decimal(lang, value, 1);
    match lang {
        Lang::Fi | Lang::Sv => format!("{n}{NBSP}%"),
        Lang::En => format!("{n}%"),
    }
}

/// A mean or other figure in a CSV file: two decimals, a decimal comma (Finnish Excel).
pub fn csv_decimal(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    format!("{value:.2}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn helsinki_time_follows_summer_time() {
        // Winter: UTC+2; summer: UTC+3.
        assert_eq!(time_of_day(Lang::Fi, utc("2026-12-06 11:28")), "13.28");
        assert_eq!(time_of_day(Lang::Fi, utc("2026-06-06 11:28")), "14.28");
        assert_eq!(
            rfc3339(utc("2026-12-06 11:28")),
            "2026-12-06T13:28:00+02:00"
        );
        assert_eq!(
            rfc3339(utc("2026-06-06 11:28")),
            "2026-06-06T14:28:00+03:00"
        );
        // Late evening UTC is the next day in Helsinki.
        assert_eq!(
            datetime(Lang::Fi, utc("2026-12-31 22:30")),
            "1.1.2027 klo 0.30"
        );
        assert_eq!(
            datetime(Lang::Sv, utc("2026-12-06 11:05")),
            "6.12.2026 kl. 13.05"
        );
        assert_eq!(
            datetime(Lang::En, utc("2026-12-06 11:05")),
            "6 December 2026 at 13:05"
        );
    }

    #[test]
    fn wall_clock_times_convert_back_across_the_changes() {
        assert_eq!(
            from_helsinki(utc("2026-12-06 13:28")),
            utc("2026-12-06 11:28")
        );
        // 29.3.2026 03.30 does not exist in Helsinki (clocks jump 03 -> 04).
        assert_eq!(
            from_helsinki(utc("2026-03-29 03:30")),
            utc("2026-03-29 01:30")
        );
        // 25.10.2026 03.30 happens twice; the first is UTC+3.
        assert_eq!(
            from_helsinki(utc("2026-10-25 03:30")),
            utc("2026-10-25 00:30")
        );
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(percent(Lang::Fi, 25.0), "25,0\u{a0}%");
        assert_eq!(percent(Lang::Sv, 4.54), "4,5\u{a0}%");
        assert_eq!(percent(Lang::En, 25.0), "25.0%");
        assert_eq!(integer(Lang::Fi, 1234), "1\u{a0}234");
        assert_eq!(integer(Lang::Fi, 12345), "12\u{a0}345");
        assert_eq!(integer(Lang::Fi, 1234567), "1\u{a0}234\u{a0}567");
        assert_eq!(integer(Lang::En, 12345), "12,345");
        assert_eq!(integer(Lang::En, 999), "999");
        assert_eq!(decimal(Lang::Fi, 3.8333333333333335, 2), "3,83");
        assert_eq!(decimal(Lang::Fi, -2.5, 1), "−2,5");
        assert_eq!(decimal(Lang::Fi, -0.01, 1), "0,0");
        assert_eq!(decimal(Lang::Fi, f64::NAN, 1), "–");
        assert_eq!(csv_decimal(3.8333333333333335), "3,83");
    }

    #[test]
    fn stored_values_are_read_in_every_form_templates_get() {
        let t = utc("2026-12-06 11:28");
        assert_eq!(parse_stored("2026-12-06T11:28:00"), Some(t));
        assert_eq!(
            parse_stored("2026-12-06T11:28:00.123456"),
            Some(t + chrono::Duration::microseconds(123456))
        );
        assert_eq!(parse_stored("2026-12-06 11:28:00"), Some(t));
        assert_eq!(parse_stored("2026-12-06T13:28:00+02:00"), Some(t));
        assert_eq!(parse_stored("ei aika"), None);
    }
}
