//! The TOML parts of a course: `course.toml`, the `+++` front matter of `module.md` and of
//! lessons, and `check` blocks. Splits the front matter off, deserialises with
//! `deny_unknown_fields`, and turns TOML errors into messages with a byte offset.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::Spanned;

/// `course.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CourseToml {
    pub(crate) title: Spanned<String>,
    pub(crate) kind: Spanned<String>,
    pub(crate) language: Spanned<String>,
    pub(crate) version: Spanned<String>,
    pub(crate) summary: Spanned<String>,
    pub(crate) refreshes: Option<Spanned<String>>,
    pub(crate) competence_valid_months: Option<Spanned<u32>>,
    pub(crate) training_activity_months: Option<Spanned<u32>>,
    pub(crate) translation_of: Option<Spanned<String>>,
}

/// The front matter of `module.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModuleFront {
    pub(crate) title: Spanned<String>,
    pub(crate) theme: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) minutes: u32,
}

/// The front matter of a lesson.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LessonFront {
    pub(crate) title: Spanned<String>,
    pub(crate) minutes: Option<Spanned<u32>>,
    pub(crate) discussion: Option<Spanned<String>>,
}

/// A ```` ```check ```` block.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckToml {
    pub(crate) question: Spanned<String>,
    pub(crate) choices: Spanned<Vec<String>>,
    pub(crate) correct: Spanned<Vec<usize>>,
    pub(crate) explain: Spanned<String>,
}

/// Where the front matter and the body of a Markdown file are (byte offsets into the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split {
    pub(crate) toml_start: usize,
    pub(crate) toml_end: usize,
    pub(crate) body_start: usize,
}

/// An error at a byte offset of the text that was parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

const MISSING: &str = "missing front matter: the file must start with a line `+++`, then keys \
    such as `title = \"…\"`, then another line `+++` (did you forget the `+++` block at the top?)";

/// Finds the `+++` block that must open the file: its first line is exactly `+++` (trailing
/// spaces allowed) and the block ends at the next such line.
pub(crate) fn split_front_matter(text: &str) -> Result<Split, Located> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let is_fence = |line: &str| line.trim_end() == "+++";
    if !is_fence(first) {
        let message = if first.trim_end() == "---" {
            format!("{MISSING}; front matter is TOML between `+++` lines, not YAML between `---`")
        } else {
            MISSING.to_string()
        };
        return Err(Located { offset: 0, message });
    }
    let toml_start = first.len();
    let mut at = toml_start;
    for line in lines {
        if is_fence(line) {
            return Ok(Split {
                toml_start,
                toml_end: at,
                body_start: at + line.len(),
            });
        }
        at += line.len();
    }
    Err(Located {
        offset: 0,
        message: "the `+++` block at the top is not closed: add a line with only `+++` after \
                  the front matter keys"
            .into(),
    })
}

/// Deserialises TOML; on error returns the offset within `toml` and a message for authors,
/// prefixed with `what` ("front matter", "check", …; nothing when empty). Missing keys are
/// reported at offset 0.
pub(crate) fn parse_toml<T: DeserializeOwned>(toml: &str, what: &str) -> Result<T, Located> {
    toml::from_str(toml).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start).min(toml.len());
        Located {
            offset,
            message: match (what, explain_toml_error(e.message(), toml, offset)) {
                ("", message) => message,
                (what, message) => format!("{what}: {message}"),
            },
        }
    })
}

/// Rewrites serde/toml wording for course authors and names the key a type error is about.
fn explain_toml_error(message: &str, toml: &str, offset: usize) -> String {
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing required key {rest}");
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (key, allowed) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let allowed = allowed.trim_start_matches("one of ");
        return if allowed.is_empty() {
            format!("unknown key {key}")
        } else {
            format!("unknown key {key} (allowed keys: {allowed})")
        };
    }
    let friendly = message
        .replace("expected u32", "expected a whole number")
        .replace("expected usize", "expected a whole number")
        .replace("expected a sequence", "expected a list like [\"…\", \"…\"]");
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        if let Some(key) = key_at(toml, offset) {
            return format!("`{key}` has the wrong type: {friendly}");
        }
        return friendly;
    }
    if message == "duplicate key" {
        return match key_at(toml, offset) {
            Some(key) => format!("key `{key}` is given twice"),
            None => "a key is given twice".into(),
        };
    }
    format!("TOML syntax error: {friendly}")
}

/// The key on the line of `offset` (`key = value`), if the line has one.
fn key_at(toml: &str, offset: usize) -> Option<String> {
    let before = toml.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = toml.get(line_start..)?.lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"').trim_matches('\'');
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.');
    plain.then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let text = "+++\ntitle = \"x\"\n+++\nBody\n";
        let s = split_front_matter(text).expect("split");
        assert_eq!(&text[s.toml_start..s.toml_end], "title = \"x\"\n");
        assert_eq!(&text[s.body_start..], "Body\n");
        let crlf = "+++ \r\ntitle = \"x\"\r\n+++\r\n";
        let s = split_front_matter(crlf).expect("split");
        assert_eq!(&crlf[s.toml_start..s.toml_end], "title = \"x\"\r\n");
        assert_eq!(s.body_start, crlf.len());
    }

    #[test]
    fn front_matter_errors_say_what_to_do() {
        let missing = split_front_matter("# Otsikko\n").expect_err("missing");
        assert!(missing
            .message
            .contains("did you forget the `+++` block at the top?"));
        let yaml = split_front_matter("---\ntitle: x\n---\n").expect_err("yaml");
        assert!(yaml.message.contains("not YAML"));
        let open = split_front_matter("+++\ntitle = \"x\"\n").expect_err("open");
        assert!(open.message.contains("not closed"));
        assert!(split_front_matter("").is_err());
        assert!(split_front_matter(" +++\n+++\n").is_err());
    }

    #[test]
    fn toml_errors_name_the_key() {
        let e = parse_toml::<LessonFront>("title = \"x\"\nminutes = \"ten\"\n", "front matter")
            .expect_err("type");
        assert_eq!(e.offset, 22);
        assert_eq!(
            e.message,
            "front matter: `minutes` has the wrong type: invalid type: string \"ten\", \
             expected a whole number"
        );
        let e = parse_toml::<LessonFront>("title = \"x\"\ntheme = \"y\"\n", "front matter")
            .expect_err("unknown");
        assert_eq!(
            e.message,
            "front matter: unknown key `theme` (allowed keys: `title`, `minutes`, `discussion`)"
        );
        let e = parse_toml::<LessonFront>("minutes = 3\n", "front matter").expect_err("missing");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (0, "front matter: missing required key `title`")
        );
        let e = parse_toml::<LessonFront>("title = \"x\ny = 1", "front matter").expect_err("syn");
        assert!(
            e.message.starts_with("front matter: TOML syntax error: "),
            "{}",
            e.message
        );
        let e = parse_toml::<LessonFront>("title = \"a\"\ntitle = \"b\"\n", "front matter")
            .expect_err("dup");
        assert_eq!(e.message, "front matter: key `title` is given twice");
    }
}
