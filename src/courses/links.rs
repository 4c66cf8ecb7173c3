//! Where links and images in course Markdown point: lesson files become relative links to the
//! lesson's slug, files in `assets/` become `/kurssimateriaali/<course>/<file>`, web and mail
//! links stay; anything else (other schemes, absolute paths, `../` out of the course, missing
//! files) is an error message for a diagnostic.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// The URL prefix under which the web layer serves a course's `assets/` folder.
pub const ASSETS_URL_PREFIX: &str = "/kurssimateriaali";

/// What a link in one file may point to.
pub(crate) struct LinkContext<'a> {
    pub(crate) course_slug: &'a str,
    /// The folder of the file being compiled, relative to the course (`01-johdanto`).
    pub(crate) from_dir: &'a str,
    /// Lesson files (`01-johdanto/02-osallisuus.md`) and their slugs.
    pub(crate) lessons: &'a HashMap<String, String>,
    /// Files in `assets/`, relative to `assets/` (`kaavio.png`, `kuvat/a.png`).
    pub(crate) assets: &'a BTreeMap<String, PathBuf>,
}

/// The `href` for a link (`None`: keep it as written), or why it is wrong.
pub(crate) fn resolve_link(ctx: &LinkContext<'_>, dest: &str) -> Result<Option<String>, String> {
    if dest.trim().is_empty() {
        return Err("link has no target: write [text](target)".into());
    }
    if dest.starts_with('#') {
        return Ok(None);
    }
    if let Some(scheme) = scheme(dest) {
        return match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" | "mailto" => Ok(None),
            _ => Err(format!(
                "link `{dest}` uses the scheme `{scheme}:`; only http, https and mailto links \
                 are allowed"
            )),
        };
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let target = normalise(ctx.from_dir, path, dest, "link")?;
    if target.ends_with(".md") {
        if let Some(slug) = ctx.lessons.get(&target) {
            return Ok(Some(match fragment {
                Some(f) => format!("{slug}#{f}"),
                None => slug.clone(),
            }));
        }
        if target.ends_with("/module.md") || target == "module.md" {
            return Err(format!(
                "link `{dest}` points to a module.md; link to one of its lessons instead"
            ));
        }
        return Err(format!(
            "broken link `{dest}`: there is no lesson file `{target}` in this course"
        ));
    }
    if let Some(asset) = target.strip_prefix("assets/") {
        if ctx.assets.contains_key(asset) {
            return Ok(Some(asset_url(ctx.course_slug, asset)));
        }
        return Err(format!(
            "broken link `{dest}`: there is no file `{target}` in this course"
        ));
    }
    Err(format!(
        "link `{dest}` must point to a lesson file (`….md`), a file in `assets/`, or an \
         http(s) or mailto address"
    ))
}

/// The `src` for an image, or why it is wrong: images come from the course's `assets/`.
pub(crate) fn resolve_image(ctx: &LinkContext<'_>, dest: &str) -> Result<String, String> {
    if dest.trim().is_empty() {
        return Err("image has no file: write ![description](../assets/file.png)".into());
    }
    if let Some(scheme) = scheme(dest) {
        return Err(format!(
            "image `{dest}` uses `{scheme}:`; images must be files in the course's `assets/` \
             folder"
        ));
    }
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    let target = normalise(ctx.from_dir, path, dest, "image")?;
    let Some(asset) = target.strip_prefix("assets/") else {
        return Err(format!(
            "image `{dest}` is not in the course's `assets/` folder (it resolves to `{target}`)"
        ));
    };
    if !ctx.assets.contains_key(asset) {
        return Err(format!(
            "missing image `{dest}`: there is no file `{target}` in this course"
        ));
    }
    Ok(asset_url(ctx.course_slug, asset))
}

/// `/kurssimateriaali/<course>/<path within assets>`, each part percent-encoded.
pub(crate) fn asset_url(course_slug: &str, asset: &str) -> String {
    let mut url = format!("{ASSETS_URL_PREFIX}/{course_slug}");
    for part in asset.split('/') {
        url.push('/');
        url.push_str(&percent_encode(part));
    }
    url
}

/// The URL scheme of `dest` (`https`, `JaVaScRiPt`), if it has one.
fn scheme(dest: &str) -> Option<&str> {
    let end = dest.find(':')?;
    let candidate = dest.get(..end)?;
    let mut chars = candidate.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // Anything else with a colon before the first slash is refused as a path below.
    (first_ok && rest_ok).then_some(candidate)
}

/// Joins `path` to `from_dir` and removes `.` and `..`; errors for paths that are absolute,
/// use backslashes or control characters, or climb out of the course folder.
fn normalise(from_dir: &str, path: &str, dest: &str, what: &str) -> Result<String, String> {
    let path = percent_decode(path);
    if path.starts_with('/') {
        return Err(format!(
            "{what} `{dest}` is an absolute path: write it relative to this file, e.g. \
             `../assets/kuva.png` or `02-seuraava.md`"
        ));
    }
    if path.contains('\\') || path.contains(':') || path.chars().any(char::is_control) {
        return Err(format!(
            "{what} `{dest}` is not a valid relative path (use `/` between folders, no `\\`, \
             `:` or control characters)"
        ));
    }
    let mut parts: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("{what} `{dest}` points outside the course folder"));
                }
            }
            _ => parts.push(part),
        }
    }
    Ok(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_ctx<T>(f: impl FnOnce(&LinkContext<'_>) -> T) -> T {
        let lessons = HashMap::from([
            ("01-alku/01-eka.md".to_string(), "eka".to_string()),
            ("02-jatko/01-toka.md".to_string(), "toka".to_string()),
        ]);
        let assets = BTreeMap::from([
            ("kaavio.png".to_string(), PathBuf::new()),
            ("kuvat/ä 1.png".to_string(), PathBuf::new()),
        ]);
        f(&LinkContext {
            course_slug: "kurssi",
            from_dir: "01-alku",
            lessons: &lessons,
            assets: &assets,
        })
    }

    #[test]
    fn lesson_links_become_slugs() {
        with_ctx(|c| {
            assert_eq!(resolve_link(c, "01-eka.md"), Ok(Some("eka".into())));
            assert_eq!(
                resolve_link(c, "./01-eka.md#osa"),
                Ok(Some("eka#osa".into()))
            );
            let toka = resolve_link(c, "../02-jatko/01-toka.md");
            assert_eq!(toka, Ok(Some("toka".into())));
            assert_eq!(resolve_link(c, "#osa"), Ok(None));
            assert_eq!(resolve_link(c, "https://thl.fi"), Ok(None));
            assert_eq!(resolve_link(c, "MAILTO:a@b.fi"), Ok(None));
            let pdf = resolve_link(c, "../assets/kaavio.png");
            assert_eq!(pdf, Ok(Some("/kurssimateriaali/kurssi/kaavio.png".into())));
        });
    }

    #[test]
    fn bad_links_are_errors() {
        with_ctx(|c| {
            for bad in [
                "02-puuttuu.md",
                "../../../etc/passwd",
                "../../x.md",
                "/etc/passwd",
                "//evil.example/x",
                "javascript:alert(1)",
                "JaVaScRiPt:alert(1)",
                "java\tscript:alert(1)",
                "data:text/html,x",
                "..\\..\\x.md",
                "module.md",
                "notes.txt",
                "",
            ] {
                assert!(resolve_link(c, bad).is_err(), "{bad:?}");
            }
        });
    }

    #[test]
    fn images_come_from_assets() {
        with_ctx(|c| {
            let ok = resolve_image(c, "../assets/kaavio.png");
            assert_eq!(ok, Ok("/kurssimateriaali/kurssi/kaavio.png".into()));
            let enc = resolve_image(c, "../assets/kuvat/%C3%A4%201.png");
            assert_eq!(
                enc,
                Ok("/kurssimateriaali/kurssi/kuvat/%C3%A4%201.png".into())
            );
            for bad in [
                "https://example.com/a.png",
                "data:image/png;base64,AAAA",
                "../assets/puuttuu.png",
                "../01-alku/01-eka.md",
                "../../assets/kaavio.png",
                "/assets/kaavio.png",
            ] {
                assert!(resolve_image(c, bad).is_err(), "{bad:?}");
            }
        });
    }
}
