//! Languages and the UI text catalogues (`locales/{fi,sv,en}.toml`): Finnish first, then
//! Swedish and English. A test checks that every key exists in all three.

pub mod format;

use rust_embed::RustEmbed;
use serde::Serialize;
use std::collections::HashMap;

#[derive(RustEmbed)]
#[folder = "locales/"]
struct LocaleFiles;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fi,
    Sv,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fi, Lang::Sv, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fi" => Some(Lang::Fi),
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(primary) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l)
    }
}

/// The UI strings of one language, flattened to dotted keys (`nav.home`).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub strings: HashMap<String, String>,
}

impl Catalog {
    /// Loads `locales/<lang>.toml` and every `locales/<lang>.<area>.toml` into one catalogue.
    pub fn load(lang: Lang) -> anyhow::Result<Catalog> {
        let code = lang.code();
        let mut strings = HashMap::new();
        let mut found = false;
        for name in LocaleFiles::iter() {
            let is_ours = name == format!("{code}.toml")
                || (name.starts_with(&format!("{code}.")) && name.ends_with(".toml"));
            if !is_ours {
                continue;
            }
            let file = LocaleFiles::get(&name)
                .ok_or_else(|| anyhow::anyhow!("locales/{name} vanished"))?;
            let text = std::str::from_utf8(&file.data)?;
            let value: toml::Table =
                toml::from_str(text).map_err(|e| anyhow::anyhow!("locales/{name}: {e}"))?;
            let mut these = HashMap::new();
            flatten("", &value, &mut these);
            // Two files giving one key a text would make one of them silently lose.
            if let Some(key) = these.keys().find(|k| strings.contains_key(*k)) {
                anyhow::bail!("locales/{name}: the key {key} is already given in another file");
            }
            strings.extend(these);
            found = true;
        }
        if !found {
            anyhow::bail!("locales/{code}.toml is missing");
        }
        Ok(Catalog { strings })
    }

    /// The text for `key`; a missing key shows itself, so it is noticed rather than hidden.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }

    /// Like [`Catalog::get`], with `{name}` placeholders filled in.
    pub fn format(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

/// All three catalogues, loaded once at start.
#[derive(Debug, Clone)]
pub struct Catalogs {
    fi: Catalog,
    sv: Catalog,
    en: Catalog,
}

impl Catalogs {
    pub fn load() -> anyhow::Result<Catalogs> {
        Ok(Catalogs {
            fi: Catalog::load(Lang::Fi)?,
            sv: Catalog::load(Lang::Sv)?,
            en: Catalog::load(Lang::En)?,
        })
    }

    pub fn get(&self, lang: Lang) -> &Catalog {
        match lang {
            Lang::Fi => &self.fi,
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_q() {
        assert_eq!(
            Lang::from_accept_language("sv-FI,sv;q=0.9,en;q=0.8"),
            Some(Lang::Sv)
        );
        assert_eq!(
            Lang::from_accept_language("de, en;q=0.5, fi;q=0.7"),
            Some(Lang::Fi)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(Lang::from_accept_language("fi;q=0"), None);
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let cats = Catalogs::load().unwrap();
        for a in Lang::ALL {
            for b in Lang::ALL {
                let missing: Vec<_> = cats
                    .get(a)
                    .strings
                    .keys()
                    .filter(|k| !cats.get(b).strings.contains_key(*k))
                    .collect();
                assert!(
                    missing.is_empty(),
                    "{:?} lacks keys of {:?}: {missing:?}",
                    b,
                    a
                );
            }
        }
    }
}
