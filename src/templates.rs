//! The template engine: one tera instance, rendering in the language each render is given,
//! so templates say `{{ t(key="…") }}` and get that language's text (functions.rs). Used by
//! the web pages and the e-mail messages; the templates (and the CSS) are embedded in release
//! builds and read from disk in debug builds.

mod compact;
pub mod frame;
mod functions;

use crate::i18n::{Catalog, Catalogs, Lang};
pub use functions::{escape_html, escape_html_into, local_date, text_in, ui_text};
use functions::{in_language, Formatted, LocalDate, Shown, TextIn, Translate};
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
    /// The page frames kept in pieces ([`frame`]).
    frames: frame::Frames,
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
            compact::add_templates(&mut tera, &sources)?;
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
            frames: frame::Frames::default(),
            catalogs,
            assets,
        })
    }

    pub fn render(&self, lang: Lang, name: &str, ctx: &tera::Context) -> anyhow::Result<String> {
        in_language(lang, || self.tera.render(name, ctx))
            .map_err(|e| anyhow::anyhow!("rendering {name}: {}", error_chain(&e)))
    }

    /// A one-off template text in `lang` (the tests' way to try a filter).
    #[cfg(test)]
    fn render_str(&self, lang: Lang, src: &str, ctx: &tera::Context) -> tera::Result<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_copies_the_text_between_the_characters_it_escapes() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("Ärrä ja öö"), "Ärrä ja öö");
        assert_eq!(
            escape_html("Å<ä>&\"'ö<"),
            "Å&lt;ä&gt;&amp;&quot;&#x27;ö&lt;"
        );
        let mut out = String::from("<p>");
        functions::escape_html_into(&mut out, "a&b");
        assert_eq!(out, "<p>a&amp;b");
    }

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
