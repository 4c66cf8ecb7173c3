//! Reading course files safely (size limit, UTF-8, NUL bytes, no symlinks), listing folders,
//! the `NN-slug` naming rule, and turning byte offsets into lines and columns.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::model::Diagnostic;

/// Course text files larger than this are refused without being read.
pub(crate) const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A text file that passed every check, with its line starts.
pub(crate) struct Source {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub(crate) fn new(path: PathBuf, text: String) -> Source {
        let line_starts = line_starts(text.as_bytes());
        Source {
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset; clamped, never panics.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        position_in(&self.text, &self.line_starts, offset)
    }

    /// A diagnostic at a byte offset of this file.
    pub(crate) fn diagnostic(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.position(offset);
        Diagnostic::new(&self.path, line, column, message)
    }
}

fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

fn position_in(text: &str, line_starts: &[usize], offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = line_starts.partition_point(|&s| s <= offset).max(1);
    let start = line_starts.get(line - 1).copied().unwrap_or(0).min(offset);
    let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Reads a course text file: refuses symlinks, files over 1 MiB (without reading them),
/// invalid UTF-8 and NUL bytes, each with a diagnostic. A leading byte-order mark is dropped.
pub(crate) fn read_source(path: &Path) -> Result<Source, Diagnostic> {
    let fail = |message: String| Diagnostic::file(path, message);
    let meta = fs::symlink_metadata(path).map_err(|e| fail(format!("cannot read file: {e}")))?;
    if meta.file_type().is_symlink() {
        return Err(fail(SYMLINK_MESSAGE.into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(TOO_LARGE_MESSAGE.into()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(format!("cannot read file: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(TOO_LARGE_MESSAGE.into()));
    }
    let bytes = match bytes.strip_prefix("\u{feff}".as_bytes()) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            if let Some(nul) = text.find('\0') {
                let src = Source::new(path.to_path_buf(), text);
                return Err(src.diagnostic(
                    nul,
                    "file contains a NUL byte (it is not a text file, or it is damaged)",
                ));
            }
            Ok(Source::new(path.to_path_buf(), text))
        }
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = String::from_utf8_lossy(bytes.get(..bad).unwrap_or_default());
            let (line, column) = position_in(&valid, &line_starts(valid.as_bytes()), bad);
            Err(Diagnostic::new(
                path,
                line,
                column,
                "file is not valid UTF-8: save it with the UTF-8 encoding",
            ))
        }
    }
}

pub(crate) const TOO_LARGE_MESSAGE: &str = "file is larger than 1 MiB";
pub(crate) const SYMLINK_MESSAGE: &str =
    "symbolic links are not allowed in a course: put the file itself here";

/// What a folder entry is, without following symlinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryKind {
    File,
    Dir,
    Symlink,
    Other,
}

/// One visible entry of a folder.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) kind: EntryKind,
}

/// Lists a folder sorted by name; hidden entries (starting with `.`) are skipped, names that
/// are not UTF-8 are reported. A folder that cannot be read is reported once.
pub(crate) fn list_dir(dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let reader = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) => {
            diags.push(Diagnostic::file(dir, format!("cannot read folder: {e}")));
            return Vec::new();
        }
    };
    let mut entries = Vec::new();
    for item in reader {
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                diags.push(Diagnostic::file(dir, format!("cannot read folder: {e}")));
                continue;
            }
        };
        let path = item.path();
        let Some(name) = item.file_name().to_str().map(str::to_string) else {
            diags.push(Diagnostic::file(
                &path,
                "file name is not valid UTF-8: use letters a-z, digits and hyphens",
            ));
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let kind = match item.file_type() {
            Ok(t) if t.is_symlink() => EntryKind::Symlink,
            Ok(t) if t.is_dir() => EntryKind::Dir,
            Ok(t) if t.is_file() => EntryKind::File,
            _ => EntryKind::Other,
        };
        entries.push(Entry { name, path, kind });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

/// A name of the form `NN-slug`: two or more digits, a hyphen, then a slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Numbered {
    pub(crate) number: u32,
    pub(crate) digits: String,
    pub(crate) slug: String,
}

/// Parses `NN-slug` (no extension); `None` when the name breaks the rule.
pub(crate) fn parse_numbered(name: &str) -> Option<Numbered> {
    let (digits, slug) = name.split_once('-')?;
    if digits.len() < 2 || !digits.bytes().all(|b| b.is_ascii_digit()) || !is_slug(slug) {
        return None;
    }
    Some(Numbered {
        number: digits.parse().ok()?,
        digits: digits.to_string(),
        slug: slug.to_string(),
    })
}

/// Lower-case ASCII letters and digits in words joined by single hyphens.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// FNV-1a, 64 bits: a small stable fingerprint of the course sources (not cryptographic).
pub(crate) struct Fnv64(u64);

impl Fnv64 {
    pub(crate) fn new() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Writes a length-prefixed part, so that `ab`+`c` and `a`+`bc` differ.
    pub(crate) fn write_part(&mut self, bytes: &[u8]) {
        self.write(&(bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }

    pub(crate) fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Hashes a file's bytes in chunks (assets may be large).
pub(crate) fn hash_file(hash: &mut Fnv64, path: &Path) -> std::io::Result<()> {
    let mut file = fs::File::open(path)?;
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        hash.write(buf.get(..n).unwrap_or_default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let src = Source::new("x".into(), "ab\nää x\n\nz".into());
        assert_eq!(src.position(0), (1, 1));
        assert_eq!(src.position(3), (2, 1));
        assert_eq!(src.position(8), (2, 4)); // after "ää " (2 + 2 + 1 bytes)
        assert_eq!(src.position(4), (2, 1)); // inside 'ä': clamped back
        assert_eq!(src.position(11), (4, 1));
        assert_eq!(src.position(999), (4, 2));
    }

    #[test]
    fn numbered_names() {
        let n = parse_numbered("01-mita-kirjaaminen-on").expect("valid");
        assert_eq!((n.number, n.slug.as_str()), (1, "mita-kirjaaminen-on"));
        assert_eq!(parse_numbered("120-x").map(|n| n.number), Some(120));
        for bad in [
            "1-x",
            "01_x",
            "01-",
            "01-X",
            "01-mitä",
            "01--x",
            "01-x-",
            "ab-x",
            "01",
            "99999999999-x",
        ] {
            assert_eq!(parse_numbered(bad), None, "{bad}");
        }
    }

    #[test]
    fn fnv_is_stable() {
        let mut h = Fnv64::new();
        h.write(b"a");
        assert_eq!(h.hex(), "af63dc4c8601ec8c");
    }
}
