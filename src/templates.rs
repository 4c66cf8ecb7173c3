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

pub struct Templates {
    fi: Tera,
    sv: Tera,
    en: Tera,
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
        let build = |lang: Lang| -> anyhow::Result<Tera> {
            let mut tera = Tera::default();
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
                .map_err(|e| anyhow::anyhow!("templates: {e:?}"))?;
            tera.autoescape_on(vec![".html"]);
            let cat = catalogs.get(lang).clone();
            tera.register_function("t", Translate { catalog: cat });
            tera.register_filter("local_date", LocalDate { lang });
            for (name, kind) in [
                ("local_datetime", Shown::DateTime),
                ("local_time", Shown::Time),
                ("iso_datetime", Shown::Iso),
                ("num", Shown::Number),
                ("percent", Shown::Percent),
            ] {
                tera.register_filter(name, Formatted { lang, kind });
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
            fi: build(Lang::Fi)?,
            sv: build(Lang::Sv)?,
            en: build(Lang::En)?,
            catalogs,
            assets,
        })
    }

    pub fn tera(&self, lang: Lang) -> &Tera {
        match lang {
            Lang::Fi => &self.fi,
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }

    pub fn render(&self, lang: Lang, name: &str, ctx: &tera::Context) -> anyhow::Result<String> {
        self.tera(lang)
            .render(name, ctx)
            .map_err(|e| anyhow::anyhow!("rendering {name}: {}", error_chain(&e)))
    }

    pub fn has(&self, name: &str) -> bool {
        self.fi.get_template_names().any(|n| n == name)
    }

    pub fn catalog(&self, lang: Lang) -> &Catalog {
        self.catalogs.get(lang)
    }
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
    catalog: Catalog,
}

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let key = args
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("t() needs key"))?;
        let n = args.get("n").and_then(Value::as_i64);
        let key = match n {
            Some(1) => format!("{key}.one"),
            Some(_) => format!("{key}.other"),
            None => key.to_string(),
        };
        // Escaped here (text and values alike), so the result is safe HTML; tera's own
        // escaping would also turn every "/" into an entity.
        let mut text = escape_html(self.catalog.get(&key));
        for (k, v) in args {
            if k == "key" {
                continue;
            }
            let v = match v {
                Value::String(s) => s.clone(),
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

/// `{{ d | local_date }}`: an ISO date (or date-time) as people write it in the page's
/// language — 1.3.2029 in Finnish and Swedish, 1 March 2029 in English. Anything else is
/// returned as it was.
struct LocalDate {
    lang: Lang,
}

impl tera::Filter for LocalDate {
    fn filter(
        &self,
        value: &tera::Value,
        _args: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        let Some(text) = value.as_str() else {
            return Ok(value.clone());
        };
        Ok(tera::Value::String(local_date(self.lang, text)))
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
    lang: Lang,
    kind: Shown,
}

impl tera::Filter for Formatted {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        use crate::i18n::format;
        let shown = match self.kind {
            Shown::DateTime | Shown::Time | Shown::Iso => {
                let Some(utc) = value.as_str().and_then(format::parse_stored) else {
                    return Ok(value.clone());
                };
                match self.kind {
                    Shown::DateTime => format::datetime(self.lang, utc),
                    Shown::Time => format::time_of_day(self.lang, utc),
                    _ => format::rfc3339(utc),
                }
            }
            Shown::Number | Shown::Percent => {
                let Some(n) = value.as_f64() else {
                    return Ok(value.clone());
                };
                if matches!(self.kind, Shown::Percent) {
                    format::percent(self.lang, n)
                } else {
                    let places = args.get("places").and_then(Value::as_u64).unwrap_or(0);
                    format::decimal(self.lang, n, places.min(6) as usize)
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
        let mut fi = t.tera(Lang::Fi).clone();
        let out = fi.render_str(src, &c).unwrap();
        assert_eq!(
            out,
            "6.12.2026 klo 13.28|13.28|2026-12-06T13:28:00+02:00|12\u{a0}345|25,0\u{a0}%|3,83"
        );
        let mut en = t.tera(Lang::En).clone();
        let out = en.render_str(src, &c).unwrap();
        assert_eq!(
            out,
            "6 December 2026 at 13:28|13:28|2026-12-06T13:28:00+02:00|12,345|25.0%|3.83"
        );
    }
}
