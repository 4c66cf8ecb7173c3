//! What the templates call: t() (the UI text in the page's language), and the filters that
//! write text, dates and numbers as the page's language does. The page's language is set for
//! the duration of a render (`in_language`) and read here, so one tera instance serves all.

use crate::i18n::{Catalog, Catalogs, Lang};
use std::collections::HashMap;
use tera::Value;

thread_local! {
    /// The language of the render running on this thread (a render never leaves its thread).
    static PAGE_LANG: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::Fi) };
}

/// Runs `render` with the page language set, restoring the one before (renders may nest).
pub(super) fn in_language<T>(lang: Lang, render: impl FnOnce() -> T) -> T {
    let before = PAGE_LANG.with(|l| l.replace(lang));
    let out = render();
    PAGE_LANG.with(|l| l.set(before));
    out
}

fn page_lang() -> Lang {
    PAGE_LANG.with(std::cell::Cell::get)
}

/// `t(key="nav.home")`; with `n=…` picks `key.one` or `key.other`; other arguments fill
/// `{name}` placeholders.
pub(super) struct Translate {
    /// Every text of each language's catalogue, escaped once here: a page calls t() dozens of
    /// times.
    escaped: [HashMap<String, String>; 3],
}

impl Translate {
    pub(super) fn new(catalogs: &Catalogs) -> Translate {
        let escaped = |lang: Lang| {
            catalogs
                .get(lang)
                .strings
                .iter()
                .map(|(k, v)| (k.clone(), escape_html(v)))
                .collect()
        };
        Translate {
            escaped: [escaped(Lang::Fi), escaped(Lang::Sv), escaped(Lang::En)],
        }
    }

    fn texts(&self, lang: Lang) -> &HashMap<String, String> {
        match lang {
            Lang::Fi => &self.escaped[0],
            Lang::Sv => &self.escaped[1],
            Lang::En => &self.escaped[2],
        }
    }
}

/// A number filled into a text: a decimal comma in Finnish and Swedish; thousands grouped from
/// five digits up (so years and codes stay as written).
fn shown_number(lang: Lang, n: &tera::Number) -> String {
    use crate::i18n::format;
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) if i.abs() >= 10_000 => format::integer(lang, i),
        (Some(i), _) => i.to_string(),
        (None, Some(f)) if f.fract() == 0.0 && f.abs() < 10_000.0 => format!("{f:.0}"),
        (None, Some(f)) => format::decimal(lang, f, 1),
        _ => n.to_string(),
    }
}

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let key = args
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("t() needs key"))?;
        let n = args.get("n").and_then(Value::as_i64);
        let plural;
        let key = match n {
            Some(1) => {
                plural = format!("{key}.one");
                &plural
            }
            Some(_) => {
                plural = format!("{key}.other");
                &plural
            }
            None => key,
        };
        // Escaped (text and values alike), so the result is safe HTML; tera's own escaping
        // would also turn every "/" into an entity. A missing key shows itself.
        let lang = page_lang();
        let mut text = match self.texts(lang).get(key) {
            Some(text) => text.clone(),
            None => escape_html(key),
        };
        for (k, v) in args {
            if k == "key" || !text.contains('{') {
                continue;
            }
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => shown_number(lang, n),
                other => other.to_string(),
            };
            text = text.replace(&format!("{{{k}}}"), &escape_html(&v));
        }
        Ok(Value::String(text))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Escapes the characters that matter in HTML text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_html_into(&mut out, s);
    out
}

/// A UI text as `t()` gives it, for HTML written in Rust: `{name}` values filled in, all of it
/// escaped.
pub fn ui_text(catalog: &Catalog, key: &str, args: &[(&str, &str)]) -> String {
    if args.is_empty() {
        return escape_html(catalog.get(key));
    }
    escape_html(&catalog.format(key, args))
}

/// [`escape_html`] onto the end of `out`. The characters to escape are ASCII, so the text is
/// copied in runs between them (char by char it was a third of the lesson article's time).
pub fn escape_html_into(out: &mut String, s: &str) {
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&s[run..]);
}

/// `{{ lesson.title | text_in }}` (or `text_in(lang=course.language)`): text in a known
/// language, Finnish unless said, marked `<span lang="fi">…</span>` when the page is in another
/// language, so screen readers read Finnish content on a Swedish page as Finnish (WCAG 3.1.2).
/// Escaped here; the output is safe HTML.
pub(super) struct TextIn;

impl tera::Filter for TextIn {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let of = args
            .get("lang")
            .and_then(Value::as_str)
            .and_then(Lang::parse)
            .unwrap_or(Lang::Fi);
        Ok(Value::String(text_in(page_lang(), of, &text)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `text` (in `of`) on a page in `page`: escaped, and marked when the languages differ.
pub fn text_in(page: Lang, of: Lang, text: &str) -> String {
    if page == of || text.is_empty() {
        escape_html(text)
    } else {
        format!(r#"<span lang="{}">{}</span>"#, of.code(), escape_html(text))
    }
}

/// `{{ d | local_date }}`: an ISO date (or date-time) as people write it in the page's
/// language — 1.3.2029 in Finnish and Swedish, 1 March 2029 in English. Anything else is
/// returned as it was.
pub(super) struct LocalDate;

impl tera::Filter for LocalDate {
    fn filter(
        &self,
        value: &tera::Value,
        _args: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        let Some(text) = value.as_str() else {
            return Ok(value.clone());
        };
        Ok(tera::Value::String(local_date(page_lang(), text)))
    }
}

/// An ISO date as the language writes it; a stored UTC date-time becomes its Helsinki day.
pub fn local_date(lang: Lang, text: &str) -> String {
    use crate::i18n::format;
    if text.len() > 10 {
        if let Some(utc) = format::parse_stored(text) {
            return format::date(lang, format::helsinki_date(utc));
        }
    }
    match chrono::NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d") {
        Ok(d) => format::date(lang, d),
        Err(_) => text.to_string(),
    }
}

#[derive(Clone, Copy)]
pub(super) enum Shown {
    DateTime,
    Time,
    Iso,
    Number,
    Percent,
}

/// The filters that show stored values in Helsinki time and numbers in the page's language:
/// `{{ t | local_datetime }}` (6.12.2026 klo 13.28), `{{ t | local_time }}` (13.28),
/// `{{ t | iso_datetime }}` (for `<time datetime>`: 2026-12-06T13:28:00+02:00),
/// `{{ n | num }}` / `{{ x | num(places=1) }}` (12 345,5), `{{ p | percent }}` (25,0 %).
/// A value they cannot read (empty, missing) is shown as it came.
pub(super) struct Formatted {
    pub(super) kind: Shown,
}

impl tera::Filter for Formatted {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        use crate::i18n::format;
        let lang = page_lang();
        let shown = match self.kind {
            Shown::DateTime | Shown::Time | Shown::Iso => {
                let Some(utc) = value.as_str().and_then(format::parse_stored) else {
                    return Ok(value.clone());
                };
                match self.kind {
                    Shown::DateTime => format::datetime(lang, utc),
                    Shown::Time => format::time_of_day(lang, utc),
                    _ => format::rfc3339(utc),
                }
            }
            Shown::Number | Shown::Percent => {
                let Some(n) = value.as_f64() else {
                    return Ok(value.clone());
                };
                if matches!(self.kind, Shown::Percent) {
                    format::percent(lang, n)
                } else {
                    let places = args.get("places").and_then(Value::as_u64).unwrap_or(0);
                    format::decimal(lang, n, places.min(6) as usize)
                }
            }
        };
        Ok(Value::String(shown))
    }
}
