//! The compiler's entry points: one course folder, or a folder of courses, to compiled courses
//! or every diagnostic. Loads all front matter first, then renders once every link target is
//! known (so a broken link is an error with a path, never a silent 404).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::exercise_model::WritingRules;
use super::layout::{scan_course, Layout};
use super::links::LinkContext;
use super::lint::longest_answer_warnings;
use super::meta::{load_course_toml, CourseMeta};
use super::model::{CompiledCourse, CompiledModule, CourseKind, Diagnostic};
use super::pages::{compile_lesson, compile_module_intro, load_module};
use super::pairing::{check_translation, CourseFiles, ModuleFiles};
use super::source::{hash_file, is_slug, list_dir, EntryKind, Fnv64};

/// The result of compiling a folder of courses.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CompileOutput {
    /// The courses without a single diagnostic, in folder-name order.
    pub courses: Vec<CompiledCourse>,
    /// Every diagnostic of every course, sorted by path, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// Advice that does not stop publishing (e.g. the right answers of a course's checks are
    /// systematically the longest choice), sorted like the diagnostics.
    pub warnings: Vec<Diagnostic>,
}

impl CompileOutput {
    /// True when no course had any diagnostic.
    pub fn is_clean(&self) -> bool {
        self.diagnostics.is_empty()
    }
}

/// Compiles every subfolder of `root` that has a `course.toml`. A course with any error is
/// left out of `courses`; its diagnostics are collected. A missing or empty `root` gives an
/// empty output.
pub fn compile_dir(root: &Path) -> CompileOutput {
    let mut out = CompileOutput::default();
    match std::fs::metadata(root) {
        Err(_) => return out,
        Ok(meta) if !meta.is_dir() => {
            let message = "not a folder: give the folder that holds the course folders";
            out.diagnostics.push(Diagnostic::file(root, message));
            return out;
        }
        Ok(_) => {}
    }
    let entries = list_dir(root, &mut out.diagnostics);
    let attempts: Vec<Attempt> = entries
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Dir | EntryKind::Symlink))
        .filter(|e| e.path.join("course.toml").is_file())
        .map(|e| compile_at(&e.path))
        .collect();
    let folders: HashMap<&str, Option<bool>> = entries
        .iter()
        .filter(|e| e.path.join("course.toml").is_file())
        .map(|e| {
            let compiled = attempts.iter().find_map(|a| match &a.result {
                Ok(c) if c.slug == e.name => Some(c.kind == CourseKind::Basic),
                _ => None,
            });
            (e.name.as_str(), compiled)
        })
        .collect();
    let translations = translation_problems(&attempts);
    for (i, attempt) in attempts.into_iter().enumerate() {
        let mut result = attempt.result;
        if let Some(diag) = translations.get(&i).cloned() {
            result = match result {
                Ok(_) => Err(vec![diag]),
                Err(mut diags) => {
                    diags.push(diag);
                    Err(diags)
                }
            };
        }
        if let Some((target, at)) = attempt.refreshes {
            let problem = match folders.get(target.as_str()) {
                None => Some(format!(
                    "`refreshes = \"{target}\"`: there is no course folder `{target}` next to \
                     this one"
                )),
                Some(Some(false)) => Some(format!(
                    "`refreshes = \"{target}\"`: that course is a refresher; name the basic \
                     course it refreshes"
                )),
                _ => None,
            };
            if let Some(message) = problem {
                let diag = Diagnostic { message, ..at };
                result = match result {
                    Ok(_) => Err(vec![diag]),
                    Err(mut diags) => {
                        diags.push(diag);
                        Err(diags)
                    }
                };
            }
        }
        match result {
            Ok(course) => {
                out.warnings
                    .extend(longest_answer_warnings(&course, &attempt.files));
                out.courses.push(course);
            }
            Err(diags) => out.diagnostics.extend(diags),
        }
    }
    sort(&mut out.diagnostics);
    sort(&mut out.warnings);
    out
}

/// For every course that declares `translation_of`, the first reason it does not pair with
/// the course it names (by the index of its attempt). Both must have compiled to be compared.
fn translation_problems(attempts: &[Attempt]) -> HashMap<usize, Diagnostic> {
    let by_slug: HashMap<&str, &Attempt> = attempts.iter().map(|a| (a.slug.as_str(), a)).collect();
    let mut problems = HashMap::new();
    for (i, attempt) in attempts.iter().enumerate() {
        let Some((target, at)) = &attempt.translation else {
            continue;
        };
        let Ok(translation) = &attempt.result else {
            continue;
        };
        let problem = match by_slug.get(target.as_str()) {
            None => Some(Diagnostic {
                message: format!(
                    "`translation_of = \"{target}\"`: there is no course folder `{target}` next \
                     to this one"
                ),
                ..at.clone()
            }),
            Some(original) => match &original.result {
                Err(_) => Some(Diagnostic {
                    message: format!(
                        "`translation_of = \"{target}\"`: that course has problems (listed \
                         above); fix them so the two courses can be compared"
                    ),
                    ..at.clone()
                }),
                Ok(orig) => {
                    check_translation(orig, &original.files, translation, &attempt.files, at)
                }
            },
        };
        if let Some(diag) = problem {
            problems.insert(i, diag);
        }
    }
    problems
}

/// Compiles one course folder (its name is the course slug).
pub fn compile_course(dir: &Path) -> Result<CompiledCourse, Vec<Diagnostic>> {
    compile_at(dir).result
}

/// One course's result, plus what is checked against the other courses: where its
/// `refreshes` and `translation_of` keys are, and its files (for diagnostics that compare).
struct Attempt {
    slug: String,
    result: Result<CompiledCourse, Vec<Diagnostic>>,
    refreshes: Option<(String, Diagnostic)>,
    translation: Option<(String, Diagnostic)>,
    files: CourseFiles,
}

fn compile_at(dir: &Path) -> Attempt {
    let mut diags = Vec::new();
    let slug = course_slug(dir, &mut diags);
    let course_file = load_course_toml(dir, &slug, &mut diags);
    let layout = scan_course(dir, &mut diags);
    let index = lesson_index(&layout, &mut diags);
    let mut hash_inputs: Vec<(String, &[u8])> = Vec::new();
    if let Some(src) = &course_file.source {
        hash_inputs.push(("course.toml".into(), src.text.as_bytes()));
    }
    let loaded: Vec<_> = layout
        .modules
        .iter()
        .map(|m| load_module(m, &mut diags))
        .collect();
    let mut modules = Vec::new();
    let mut guide_sources = Vec::new();
    for (position, (dir, (module, lessons))) in layout.modules.iter().zip(&loaded).enumerate() {
        let ctx = LinkContext {
            course_slug: &slug,
            from_dir: &dir.rel,
            lessons: &index,
            assets: &layout.assets,
        };
        if let Some(m) = module {
            hash_inputs.push((format!("{}/module.md", dir.rel), m.source.text.as_bytes()));
        }
        let compiled_lessons: Vec<_> = dir
            .lessons
            .iter()
            .zip(lessons)
            .enumerate()
            .filter_map(|(i, (file, lesson))| {
                let lesson = lesson.as_ref()?;
                hash_inputs.push((file.rel.clone(), lesson.source.text.as_bytes()));
                compile_lesson(file, lesson, position_of(i), &ctx, &mut diags)
            })
            .collect();
        let intro = module
            .as_ref()
            .map(|m| compile_module_intro(m, &ctx, &mut diags));
        let guide = dir.guide.as_deref().and_then(|path| {
            let (guide, source) = super::guide::compile_guide(path, &ctx, &mut diags)?;
            guide_sources.push((format!("{}/{}", dir.rel, super::guide::GUIDE_FILE), source));
            Some(guide)
        });
        if let (Some(Some(mut compiled)), true) = (intro, compiled_lessons.len() == lessons.len()) {
            compiled.slug.clone_from(&dir.name.slug);
            compiled.position = position_of(position);
            compiled.lessons = compiled_lessons;
            compiled.guide = guide;
            modules.push(compiled);
        }
    }
    for (rel, src) in &guide_sources {
        hash_inputs.push((rel.clone(), src.text.as_bytes()));
    }
    let checker = layout
        .writing_checker
        .as_deref()
        .and_then(|p| super::writing::load(p, &mut diags));
    if let Some(c) = &checker {
        hash_inputs.push((super::writing::FILE_NAME.into(), c.source.text.as_bytes()));
    }
    let has_exercises = modules
        .iter()
        .flat_map(|m| &m.lessons)
        .any(|l| l.exercise.is_some());
    if has_exercises && checker.is_none() {
        diags.push(Diagnostic::file(
            dir.join(super::writing::FILE_NAME),
            "the course has exercises but no `writing-checker.toml`: add one with the \
             writing checker's lists (see courses/README.md)",
        ));
    }
    let content_hash = content_hash(hash_inputs, &layout, &mut diags);
    let writing_rules = checker.and_then(|c| c.rules);
    let files = CourseFiles {
        course_toml: dir.join("course.toml"),
        modules: layout
            .modules
            .iter()
            .map(|m| ModuleFiles {
                module_md: m.module_md.clone().unwrap_or_else(|| m.path.clone()),
                lessons: m.lessons.iter().map(|l| l.path.clone()).collect(),
            })
            .collect(),
    };
    let result = match course_file.meta {
        Some(meta) if diags.is_empty() => Ok(course(
            meta,
            slug.clone(),
            modules,
            writing_rules,
            content_hash,
        )),
        _ => {
            sort(&mut diags);
            Err(diags)
        }
    };
    Attempt {
        slug,
        result,
        refreshes: course_file.refreshes_at,
        translation: course_file.translation_at,
        files,
    }
}

fn course(
    meta: CourseMeta,
    slug: String,
    modules: Vec<CompiledModule>,
    writing_rules: Option<WritingRules>,
    content_hash: String,
) -> CompiledCourse {
    CompiledCourse {
        slug,
        title: meta.title,
        kind: meta.kind,
        language: meta.language,
        version: meta.version,
        summary: meta.summary,
        refreshes: meta.refreshes,
        competence_valid_months: meta.competence_valid_months,
        training_activity_months: meta.training_activity_months,
        translation_of: meta.translation_of,
        modules,
        writing_rules,
        content_hash,
    }
}

fn position_of(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

fn course_slug(dir: &Path, diags: &mut Vec<Diagnostic>) -> String {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !is_slug(name) {
        diags.push(Diagnostic::file(
            dir,
            format!(
                "course folder `{name}`: the folder name is the course's address, so use only \
                 lower-case letters a-z, digits and hyphens (e.g. `kirjaamisvalmennus`)"
            ),
        ));
    }
    name.to_string()
}

/// Every lesson file and its slug; reports slugs used twice in the course.
fn lesson_index(layout: &Layout, diags: &mut Vec<Diagnostic>) -> HashMap<String, String> {
    let mut index = HashMap::new();
    let mut lesson_slugs: HashMap<&str, &str> = HashMap::new();
    let mut module_slugs: HashMap<&str, &str> = HashMap::new();
    for module in &layout.modules {
        if let Some(first) = module_slugs.insert(&module.name.slug, &module.rel) {
            diags.push(Diagnostic::file(
                &module.path,
                format!(
                    "module slug `{}` is used twice: `{first}` and `{}`; module slugs must be \
                     unique within the course",
                    module.name.slug, module.rel
                ),
            ));
        }
        for lesson in &module.lessons {
            if let Some(first) = lesson_slugs.get(lesson.name.slug.as_str()) {
                diags.push(Diagnostic::file(
                    &lesson.path,
                    format!(
                        "lesson slug `{}` is used twice: `{first}` and `{}`; lesson slugs must be \
                         unique within the course (they keep trainees' progress)",
                        lesson.name.slug, lesson.rel
                    ),
                ));
            } else {
                lesson_slugs.insert(&lesson.name.slug, &lesson.rel);
            }
            index.insert(lesson.rel.clone(), lesson.name.slug.clone());
        }
    }
    index
}

/// FNV-1a 64 over every source file's relative path and bytes, in path order.
fn content_hash(
    mut inputs: Vec<(String, &[u8])>,
    layout: &Layout,
    diags: &mut Vec<Diagnostic>,
) -> String {
    inputs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut hash = Fnv64::new();
    for (rel, bytes) in inputs {
        hash.write_part(rel.as_bytes());
        hash.write_part(bytes);
    }
    let assets: &BTreeMap<_, _> = &layout.assets;
    for (rel, path) in assets {
        hash.write_part(format!("assets/{rel}").as_bytes());
        if let Err(e) = hash_file(&mut hash, path) {
            diags.push(Diagnostic::file(path, format!("cannot read file: {e}")));
        }
    }
    hash.hex()
}

fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
    });
}
