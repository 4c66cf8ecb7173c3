//! One Markdown file of a course: reading it and its front matter, then compiling a
//! `module.md` into a module or a lesson file into a lesson.

use std::path::Path;

use super::blocks::{OffsetMap, Report};
use super::exercise::compile_exercise;
use super::frontmatter::{parse_toml, split_front_matter, LessonFront, ModuleFront, Split};
use super::layout::{LessonFile, ModuleDir};
use super::lesson::{render, Blocks};
use super::links::LinkContext;
use super::model::{CompiledLesson, CompiledModule, Diagnostic, Theme};
use super::source::{read_source, Source};

/// Reading speed used to estimate a lesson's minutes when its front matter gives none.
const WORDS_PER_MINUTE: usize = 150;

/// A Markdown file read and split, with its front matter if that parsed.
pub(crate) struct Loaded<T> {
    pub(crate) source: Source,
    pub(crate) split: Split,
    pub(crate) front: Option<T>,
}

pub(crate) type LoadedModule = (
    Option<Loaded<ModuleFront>>,
    Vec<Option<Loaded<LessonFront>>>,
);

pub(crate) fn load_module(dir: &ModuleDir, diags: &mut Vec<Diagnostic>) -> LoadedModule {
    let module = dir
        .module_md
        .as_deref()
        .and_then(|p| load_markdown(p, diags));
    let lessons = dir
        .lessons
        .iter()
        .map(|l| load_markdown(&l.path, diags))
        .collect();
    (module, lessons)
}

/// Reads a Markdown file and parses its front matter; `None` only when the body cannot be
/// found (unreadable file, no `+++` block).
fn load_markdown<T: serde::de::DeserializeOwned>(
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded<T>> {
    let source = read_source(path).map_err(|d| diags.push(d)).ok()?;
    let split = match split_front_matter(&source.text) {
        Ok(split) => split,
        Err(e) => {
            diags.push(source.diagnostic(e.offset, e.message));
            return None;
        }
    };
    let toml = source
        .text
        .get(split.toml_start..split.toml_end)
        .unwrap_or("");
    let front = match parse_toml::<T>(toml, "front matter") {
        Ok(front) => Some(front),
        Err(e) if e.message.contains("missing required key") => {
            diags.push(source.diagnostic(0, e.message));
            None
        }
        Err(e) => {
            diags.push(source.diagnostic(split.toml_start + e.offset, e.message));
            None
        }
    };
    Some(Loaded {
        source,
        split,
        front,
    })
}

fn body_report<'a, T>(loaded: &'a Loaded<T>, diags: &'a mut Vec<Diagnostic>) -> Report<'a> {
    Report {
        source: &loaded.source,
        map: OffsetMap::contiguous(loaded.split.body_start),
        diags,
    }
}

fn body<T>(loaded: &Loaded<T>) -> &str {
    loaded
        .source
        .text
        .get(loaded.split.body_start..)
        .unwrap_or("")
}

/// Renders `module.md`; `None` (with diagnostics) when its front matter is wrong.
pub(crate) fn compile_module_intro(
    loaded: &Loaded<ModuleFront>,
    ctx: &LinkContext<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<CompiledModule> {
    let before = diags.len();
    let rendered = render(
        body(loaded),
        ctx,
        &mut body_report(loaded, diags),
        Blocks::Forbidden,
    );
    let front = loaded.front.as_ref()?;
    let at = |offset: usize| loaded.split.toml_start + offset;
    let title = non_empty(&front.title, "title", loaded, diags);
    let theme = front.theme.as_ref().and_then(|t| {
        let theme = Theme::parse(t.get_ref());
        if theme.is_none() {
            let names: Vec<_> = Theme::all().iter().map(|t| t.as_str()).collect();
            let message = format!(
                "front matter: unknown theme `{}`: use one of {}",
                t.get_ref(),
                names.join(", ")
            );
            diags.push(loaded.source.diagnostic(at(t.span().start), message));
        }
        theme
    });
    (diags.len() == before).then(|| CompiledModule {
        slug: String::new(),
        position: 0,
        title,
        theme,
        minutes: front.minutes,
        intro_html: rendered.html,
        lessons: Vec::new(),
        guide: None,
    })
}

/// Renders a lesson; `None` (with diagnostics) when anything in it is wrong.
pub(crate) fn compile_lesson(
    file: &LessonFile,
    loaded: &Loaded<LessonFront>,
    position: u32,
    ctx: &LinkContext<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<CompiledLesson> {
    let before = diags.len();
    let r = render(
        body(loaded),
        ctx,
        &mut body_report(loaded, diags),
        Blocks::Lesson,
    );
    if r.sources_html.is_none() {
        diags.push(Diagnostic::file(&loaded.source.path, MISSING_SOURCES));
    }
    let mut exercises = r.exercises.iter();
    let exercise = exercises
        .next()
        .and_then(|b| compile_exercise(b, ctx, &mut body_report(loaded, diags)));
    for extra in exercises {
        let message = "a second `exercise` block: a lesson has at most one exercise; put the \
                       other in a lesson of its own";
        diags.push(loaded.source.diagnostic(extra.fence_offset, message));
    }
    let front = loaded.front.as_ref()?;
    let title = non_empty(&front.title, "title", loaded, diags);
    let discussion = front
        .discussion
        .as_ref()
        .map(|d| non_empty(d, "discussion", loaded, diags));
    let estimate = r.word_count.div_ceil(WORDS_PER_MINUTE).max(1);
    let minutes = match &front.minutes {
        Some(m) if *m.get_ref() == 0 => {
            let message = "front matter: `minutes` must be at least 1 (or leave it out to \
                           estimate it from the word count)";
            let offset = loaded.split.toml_start + m.span().start;
            diags.push(loaded.source.diagnostic(offset, message));
            0
        }
        Some(m) => *m.get_ref(),
        None => u32::try_from(estimate).unwrap_or(u32::MAX),
    };
    (diags.len() == before).then(|| CompiledLesson {
        slug: file.name.slug.clone(),
        position,
        title,
        minutes,
        discussion,
        body_html: r.html,
        toc: r.toc,
        summary_markdown: r.summary_markdown,
        summary_html: r.summary_html,
        summary_text: r.summary_text,
        checks: r.checks,
        exercise,
        sources_html: r.sources_html.unwrap_or_default(),
        word_count: r.word_count,
    })
}

/// Every lesson names its own sources: its summary is published on its own.
const MISSING_SOURCES: &str = "missing `sources` block: every lesson lists its own sources \
    (the act and section, or the page and the date you checked it) in a block that starts \
    with the line ```sources, one list item per source; see courses/README.md";

/// The trimmed value of a string key, with a diagnostic when it is empty.
fn non_empty<T>(
    value: &toml::Spanned<String>,
    key: &str,
    loaded: &Loaded<T>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let text = value.get_ref().trim();
    if text.is_empty() {
        let offset = loaded.split.toml_start + value.span().start;
        let message = format!("front matter: `{key}` must not be empty");
        diags.push(loaded.source.diagnostic(offset, message));
    }
    text.to_string()
}
