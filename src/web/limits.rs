//! Answering a request a limit holds back: 429 with `Retry-After`, and a sentence saying when
//! to try again in the page's language and Helsinki time.

use crate::i18n::Lang;
use crate::templates::Templates;
use actix_web::http::header;
use actix_web::HttpResponse;
use chrono::NaiveDateTime;

/// Seconds until `until`, at least one.
pub fn seconds_left(now: NaiveDateTime, until: NaiveDateTime) -> i64 {
    (until - now).num_seconds().max(1)
}

/// "… try again at 10.32 (in about 5 minutes)." with the text of `key` (which has `{time}`
/// and `{minutes}`), in `lang`.
pub fn retry_message(
    templates: &Templates,
    lang: Lang,
    now: NaiveDateTime,
    key: &str,
    until: NaiveDateTime,
) -> String {
    let minutes = (seconds_left(now, until) + 59) / 60;
    templates.catalog(lang).format(
        key,
        &[
            ("time", &crate::i18n::format::time_of_day(lang, until)),
            (
                "minutes",
                &crate::i18n::format::integer(lang, minutes.max(1)),
            ),
        ],
    )
}

/// Adds `Retry-After` to a rendered 429 page.
pub fn retry_after(
    mut res: HttpResponse,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> HttpResponse {
    if let Ok(v) = header::HeaderValue::from_str(&seconds_left(now, until).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}
