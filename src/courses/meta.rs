//! `course.toml`: reading it and checking its keys (the refresher keys are required for
//! `kind = "refresher"` and refused for `kind = "basic"`).

use std::path::Path;

use toml::Spanned;

use super::frontmatter::{parse_toml, CourseToml};
use super::model::{CourseKind, Diagnostic};
use super::source::{is_slug, read_source, Source};

/// The checked contents of `course.toml`.
#[derive(Debug)]
pub(crate) struct CourseMeta {
    pub(crate) title: String,
    pub(crate) kind: CourseKind,
    pub(crate) language: String,
    pub(crate) version: String,
    pub(crate) summary: String,
    pub(crate) refreshes: Option<String>,
    pub(crate) competence_valid_months: Option<u32>,
    pub(crate) training_activity_months: Option<u32>,
    pub(crate) translation_of: Option<String>,
}

const REFRESHER_KEYS: &str =
    "`refreshes`, `competence_valid_months` and `training_activity_months`";

/// `course.toml` as far as it could be read.
#[derive(Default)]
pub(crate) struct CourseFile {
    /// `None` (with diagnostics) when the file is missing or wrong.
    pub(crate) meta: Option<CourseMeta>,
    /// The `refreshes` value and a diagnostic template pointing at it, also when other keys
    /// are wrong (the other courses are needed to check it).
    pub(crate) refreshes_at: Option<(String, Diagnostic)>,
    /// The `translation_of` value and a diagnostic template pointing at it.
    pub(crate) translation_at: Option<(String, Diagnostic)>,
    pub(crate) source: Option<Source>,
}

/// Reads and checks `dir/course.toml`.
pub(crate) fn load_course_toml(dir: &Path, slug: &str, diags: &mut Vec<Diagnostic>) -> CourseFile {
    let mut file = CourseFile::default();
    let Some((toml, src)) = read_course_toml(dir, diags) else {
        return file;
    };
    let at = |v: &Spanned<String>| {
        let (line, column) = src.position(v.span().start);
        (
            v.get_ref().clone(),
            Diagnostic::new(&src.path, line, column, ""),
        )
    };
    file.refreshes_at = toml.refreshes.as_ref().map(at);
    file.translation_at = toml.translation_of.as_ref().map(at);
    file.meta = check_course_toml(&toml, &src, slug, diags);
    file.source = Some(src);
    file
}

fn read_course_toml(dir: &Path, diags: &mut Vec<Diagnostic>) -> Option<(CourseToml, Source)> {
    let path = dir.join("course.toml");
    if !path.exists() {
        diags.push(Diagnostic::file(
            &path,
            "missing course.toml: every course folder needs one (title, kind, language, \
             version, summary)",
        ));
        return None;
    }
    let src = read_source(&path).map_err(|d| diags.push(d)).ok()?;
    let toml: CourseToml = parse_toml(&src.text, "")
        .map_err(|e| diags.push(src.diagnostic(e.offset, e.message)))
        .ok()?;
    Some((toml, src))
}

fn check_course_toml(
    toml: &CourseToml,
    src: &Source,
    slug: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<CourseMeta> {
    let before = diags.len();
    let mut text = |value: &Spanned<String>, key: &str| {
        let trimmed = value.get_ref().trim();
        if trimmed.is_empty() {
            let message = format!("`{key}` must not be empty");
            diags.push(src.diagnostic(value.span().start, message));
        }
        trimmed.to_string()
    };
    let title = text(&toml.title, "title");
    let version = text(&toml.version, "version");
    let summary = text(&toml.summary, "summary");
    let language = toml.language.get_ref().trim().to_string();
    if !is_language_code(&language) {
        let message =
            format!("`language = \"{language}\"`: use a language code such as \"fi\" or \"sv\"");
        diags.push(src.diagnostic(toml.language.span().start, message));
    }
    if let Some(t) = &toml.translation_of {
        if !is_slug(t.get_ref()) || t.get_ref() == slug {
            let message = format!(
                "`translation_of = \"{}\"`: name the folder of the course this one translates",
                t.get_ref()
            );
            diags.push(src.diagnostic(t.span().start, message));
        }
    }
    let kind = CourseKind::parse(toml.kind.get_ref());
    match kind {
        None => {
            let message = format!(
                "`kind = \"{}\"`: the kind is \"basic\" or \"refresher\"",
                toml.kind.get_ref()
            );
            diags.push(src.diagnostic(toml.kind.span().start, message));
        }
        Some(CourseKind::Basic) => refuse_refresher_keys(toml, src, diags),
        Some(CourseKind::Refresher) => require_refresher_keys(toml, src, slug, diags),
    }
    let meta = CourseMeta {
        title,
        kind: kind?,
        language,
        version,
        summary,
        refreshes: toml.refreshes.as_ref().map(|r| r.get_ref().clone()),
        competence_valid_months: toml.competence_valid_months.as_ref().map(|v| *v.get_ref()),
        training_activity_months: toml.training_activity_months.as_ref().map(|v| *v.get_ref()),
        translation_of: toml.translation_of.as_ref().map(|v| v.get_ref().clone()),
    };
    (diags.len() == before).then_some(meta)
}

fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn refuse_refresher_keys(toml: &CourseToml, src: &Source, diags: &mut Vec<Diagnostic>) {
    let spans = [
        ("refreshes", toml.refreshes.as_ref().map(|v| v.span())),
        (
            "competence_valid_months",
            toml.competence_valid_months.as_ref().map(|v| v.span()),
        ),
        (
            "training_activity_months",
            toml.training_activity_months.as_ref().map(|v| v.span()),
        ),
    ];
    for (key, span) in spans {
        if let Some(span) = span {
            let message = format!(
                "`{key}` is only for refresher courses (kind = \"refresher\"); remove it from a \
                 basic course"
            );
            diags.push(src.diagnostic(span.start, message));
        }
    }
}

fn require_refresher_keys(
    toml: &CourseToml,
    src: &Source,
    slug: &str,
    diags: &mut Vec<Diagnostic>,
) {
    match &toml.refreshes {
        None => diags.push(src.diagnostic(
            0,
            format!("a refresher course needs {REFRESHER_KEYS}: `refreshes` is missing"),
        )),
        Some(r) if !is_slug(r.get_ref()) || r.get_ref() == slug => {
            let message = format!(
                "`refreshes = \"{}\"`: name the folder of the basic course this course refreshes",
                r.get_ref()
            );
            diags.push(src.diagnostic(r.span().start, message));
        }
        Some(_) => {}
    }
    let months = [
        ("competence_valid_months", &toml.competence_valid_months),
        ("training_activity_months", &toml.training_activity_months),
    ];
    for (key, value) in months {
        match value {
            None => diags.push(src.diagnostic(
                0,
                format!("a refresher course needs {REFRESHER_KEYS}: `{key}` is missing"),
            )),
            Some(v) if *v.get_ref() == 0 => {
                let message = format!("`{key}` must be more than 0 months");
                diags.push(src.diagnostic(v.span().start, message));
            }
            Some(_) => {}
        }
    }
}
