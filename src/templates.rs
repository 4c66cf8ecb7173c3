//! The template engine: one tera instance per language, so templates say `{{ t(key="…") }}`
//! and get their own language's text. Used by the web pages and the e-mail messages; the
//! templates (and the CSS) are embedded in release builds and read from disk in debug builds.

use crate::i18n::{Catalog, Catalogs, Lang};
use rust_embed::RustEmbed;
use std::collections::HashMap;
use std::sync::Arc;
use tera::{Tera, Value};

#[derive(RustEmbed)]
#[folder = "templates/"]
struct TemplateFiles;

#[derive(RustEmbed)]
#[folder = "assets/"]
pub struct AssetFiles;

/// Cache-busting names of the static assets: `css/site.css` -> `css/site.3f2a9c1b.css`.
#[derive(Debug, Clone, Default)]
pub struct AssetManifest {
    pub by_name: HashMap<String, String>,
    pub by_hashed: HashMap<String, String>,
}

impl AssetManifest {
    pub fn build() -> AssetManifest {
        let mut m = AssetManifest::default();
        for name in AssetFiles::iter() {
            let name = name.to_string();
            if let Some(file) = AssetFiles::get(&name) {
                let hash = hex::encode(&file.metadata.sha256_hash()[..5]);
                let hashed = match name.rsplit_once('.') {
                    Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                    None => format!("{name}.{hash}"),
                };
                m.by_hashed.insert(hashed.clone(), name.clone());
                m.by_name.insert(name, hashed);
            }
        }
        m
    }

    pub fn url(&self, name: &str) -> String {
        match self.by_name.get(name) {
            Some(h) => format!("/assets/{h}"),
            None => format!("/assets/{name}"),
        }
    }
}

/// One tera instance for every language: the page's language is set for the duration of a
/// render ([`Templates::render`]) and read by t() and the filters. Three instances held three
/// copies of every parsed template (measured: about 12 MB each).
pub struct Templates {
    tera: Tera,
    pub catalogs: Arc<Catalogs>,
    pub assets: Arc<AssetManifest>,
}

impl Templates {
    pub fn load() -> anyhow::Result<Templates> {
        let catalogs = Arc::new(Catalogs::load()?);
        let assets = Arc::new(AssetManifest::build());
        let mut sources = Vec::new();
        for name in TemplateFiles::iter() {
            if let Some(file) = TemplateFiles::get(&name) {
                let text = String::from_utf8(file.data.into_owned())
                    .map_err(|_| anyhow::anyhow!("templates/{name} is not UTF-8"))?;
                sources.push((name.to_string(), text));
            }
        }
        let build = || -> anyhow::Result<Tera> {
            let mut tera = Tera::default();
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
                .map_err(|e| anyhow::anyhow!("templates: {e:?}"))?;
            tera.autoescape_on(vec![".html"]);
            tera.register_function("t", Translate::new(&catalogs));
            tera.register_filter("local_date", LocalDate);
            tera.register_filter("text_in", TextIn);
            for (name, kind) in [
                ("local_datetime", Shown::DateTime),
                ("local_time", Shown::Time),
                ("iso_datetime", Shown::Iso),
                ("num", Shown::Number),
                ("percent", Shown::Percent),
            ] {
                tera.register_filter(name, Formatted { kind });
            }
            // A fresh idempotency key per rendered creating form (`partials_idempotency.html`).
            tera.register_function("idempotency_key", |_: &HashMap<String, Value>| {
                use base64::Engine;
                Ok(Value::String(
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .encode(rand::random::<[u8; 18]>()),
                ))
            });
            tera.register_function(
                "asset",
                AssetUrl {
                    manifest: assets.clone(),
                },
            );
            Ok(tera)
        };
        Ok(Templates {
            tera: build()?,
            catalogs,
            assets,
        })
    }

    pub fn render(&self, lang: Lang, name: &str, ctx: &tera::Context) -> anyhow::Result<String> {
        in_language(lang, || self.tera.render(name, ctx))
            .map_err(|e| anyhow::anyhow!("rendering {name}: {}", error_chain(&e)))
    }

    /// A one-off template text in `lang` (the tests' way to try a filter).
    pub fn render_str(&self, lang: Lang, src: &str, ctx: &tera::Context) -> tera::Result<String> {
        let mut tera = self.tera.clone();
        in_language(lang, || tera.render_str(src, ctx))
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    pub fn catalog(&self, lang: Lang) -> &Catalog {
        self.catalogs.get(lang)
    }
}

thread_local! {
    /// The language of the render running on this thread (a render never leaves its thread).
    static PAGE_LANG: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::Fi) };
}

/// Runs `render` with the page language set, restoring the one before (renders may nest).
fn in_language<T>(lang: Lang, render: impl FnOnce() -> T) -> T {
    let before = PAGE_LANG.with(|l| l.replace(lang));
    let out = render();
    PAGE_LANG.with(|l| l.set(before));
    out
}

fn page_lang() -> Lang {
    PAGE_LANG.with(std::cell::Cell::get)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// `asset(name="css/site.css")`: the cache-busting URL of an asset. Safe: it is made from the
/// manifest, never from user input.
struct AssetUrl {
    manifest: Arc<AssetManifest>,
}

impl tera::Function for AssetUrl {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let name = args
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("asset() needs name"))?;
        Ok(Value::String(self.manifest.url(name)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `t(key="nav.home")`; with `n=…` picks `key.one` or `key.other`; other arguments fill
/// `{name}` placeholders.
struct Translate {
    /// Every text of each language's catalogue, escaped once here: a page calls t() dozens of
    /// times.
    escaped: [HashMap<String, String>; 3],
}

impl Translate {
    fn new(catalogs: &Catalogs) -> Translate {
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
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// `{{ lesson.title | text_in }}` (or `text_in(lang=course.language)`): text in a known
/// language, Finnish unless said, marked `<span lang="fi">…</span>` when the page is in another
/// language, so screen readers read Finnish content on a Swedish page as Finnish (WCAG 3.1.2).
/// Escaped here; the output is safe HTML.
struct TextIn;

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
struct LocalDate;

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
enum Shown {
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
struct Formatted {
    kind: Shown,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finnish_text_on_another_page_is_marked_and_escaped() {
        assert_eq!(
            text_in(Lang::Fi, Lang::Fi, "Arkistointi & <b>"),
            "Arkistointi &amp; &lt;b&gt;"
        );
        assert_eq!(
            text_in(Lang::Sv, Lang::Fi, "Mitä kirjaaminen on"),
            r#"<span lang="fi">Mitä kirjaaminen on</span>"#
        );
        assert_eq!(
            text_in(Lang::Fi, Lang::Sv, "Vad är dokumentation"),
            r#"<span lang="sv">Vad är dokumentation</span>"#
        );
        assert_eq!(text_in(Lang::En, Lang::Fi, ""), "");
        let t = Templates::load().unwrap();
        let mut c = tera::Context::new();
        c.insert("x", "Kirjaamisvalmennus <script>");
        let sv = t
            .render_str(
                Lang::Sv,
                "{{ x | text_in }}|{{ x | text_in(lang=\"sv\") }}",
                &c,
            )
            .unwrap();
        assert_eq!(
            sv,
            r#"<span lang="fi">Kirjaamisvalmennus &lt;script&gt;</span>|Kirjaamisvalmennus &lt;script&gt;"#
        );
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        assert_eq!(local_date(Lang::Fi, "2029-03-01"), "1.3.2029");
        assert_eq!(local_date(Lang::Sv, "2029-12-24T10:00:00"), "24.12.2029");
        assert_eq!(local_date(Lang::En, "2029-03-01"), "1 March 2029");
        assert_eq!(local_date(Lang::Fi, "ei päivä"), "ei päivä");
        // A stored UTC time late in the evening is already the next day in Helsinki.
        assert_eq!(local_date(Lang::Fi, "2029-12-24T22:30:00"), "25.12.2029");
    }

    #[test]
    fn filters_show_helsinki_time_and_local_numbers() {
        let t = Templates::load().unwrap();
        let mut c = tera::Context::new();
        c.insert("at", "2026-12-06T11:28:00.123456");
        c.insert("n", &12345);
        c.insert("share", &25.0);
        c.insert("mean", &3.8333333333333335);
        let src = "{{ at | local_datetime }}|{{ at | local_time }}|{{ at | iso_datetime }}|\
                   {{ n | num }}|{{ share | percent }}|{{ mean | num(places=2) }}";
        let out = t.render_str(Lang::Fi, src, &c).unwrap();
        assert_eq!(
            out,
            "6.12.2026 klo 13.28|13.28|2026-12-06T13:28:00+02:00|12\u{a0}345|25,0\u{a0}%|3,83"
        );
        let out = t.render_str(Lang::En, src, &c).unwrap();
        assert_eq!(
            out,
            "6 December 2026 at 13:28|13:28|2026-12-06T13:28:00+02:00|12,345|25.0%|3.83"
        );
    }
}
