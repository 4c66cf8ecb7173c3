//! A small check of sanitised HTML for the fuzz targets: walks the tags (attribute values may
//! hold a literal `<`, so a plain substring search would cry wolf) and returns what should
//! never have passed the sanitiser.

/// Tags that run script or embed other documents.
const FORBIDDEN_TAGS: &[&str] = &["script", "iframe", "object", "embed", "style", "form"];

/// The first thing in `html` the sanitiser should have removed, if any.
pub fn problem(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if FORBIDDEN_TAGS.contains(&name.as_str()) {
            return Some(format!("tag <{name}>"));
        }
        // Attributes up to the closing `>`.
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let attr_start = i;
            while i < bytes.len()
                && !matches!(bytes[i], b'=' | b'>' | b'/')
                && !bytes[i].is_ascii_whitespace()
            {
                i += 1;
            }
            let attr = html[attr_start..i].to_ascii_lowercase();
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                match bytes.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let start = i + 1;
                        let end = html[start..]
                            .find(q as char)
                            .map_or(bytes.len(), |n| start + n);
                        value = html[start..end].to_string();
                        i = end + 1;
                    }
                    _ => {
                        let start = i;
                        while i < bytes.len() && bytes[i] != b'>' && !bytes[i].is_ascii_whitespace()
                        {
                            i += 1;
                        }
                        value = html[start..i].to_string();
                    }
                }
            }
            if attr.starts_with("on") {
                return Some(format!("event handler attribute `{attr}` on <{name}>"));
            }
            if matches!(attr.as_str(), "href" | "src" | "action" | "formaction") {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| v.starts_with(s))
                {
                    return Some(format!("{attr}=\"{value}\" on <{name}>"));
                }
            }
        }
    }
    None
}
