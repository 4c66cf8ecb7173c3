//! A course and its translation (`translation_of` in `course.toml`): the same course in
//! another language, so completing either counts the same. The compiler holds the two to the
//! same structure — kind, modules and their themes, lessons, discussion prompts, summaries,
//! and checks with the same number of choices and the same right ones — and names the first
//! difference it finds, in the translation's files.

use std::path::{Path, PathBuf};

use super::model::{CompiledCourse, CompiledLesson, CompiledModule, Diagnostic};

/// The files of one compiled course, in course order (for diagnostics that compare courses).
#[derive(Debug, Default, Clone)]
pub(crate) struct CourseFiles {
    pub(crate) course_toml: PathBuf,
    pub(crate) modules: Vec<ModuleFiles>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct ModuleFiles {
    pub(crate) module_md: PathBuf,
    pub(crate) lessons: Vec<PathBuf>,
}

impl CourseFiles {
    fn lesson(&self, module: usize, lesson: usize) -> Option<&Path> {
        self.modules
            .get(module)?
            .lessons
            .get(lesson)
            .map(PathBuf::as_path)
    }

    fn module(&self, module: usize) -> Option<&Path> {
        self.modules.get(module).map(|m| m.module_md.as_path())
    }

    /// A path as a reader finds it: relative to the course folder's parent.
    fn show(&self, path: Option<&Path>) -> String {
        let root = self
            .course_toml
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new(""));
        path.map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .unwrap_or_default()
    }
}

/// The first way `translation` does not pair with `original`, as a diagnostic in the
/// translation's files (`at` points at its `translation_of` key); `None` when they pair.
pub(crate) fn check_translation(
    original: &CompiledCourse,
    original_files: &CourseFiles,
    translation: &CompiledCourse,
    files: &CourseFiles,
    at: &Diagnostic,
) -> Option<Diagnostic> {
    let at_key = |message: String| Diagnostic {
        message,
        ..at.clone()
    };
    let slug = &original.slug;
    if original.translation_of.is_some() {
        return Some(at_key(format!(
            "`translation_of = \"{slug}\"`: that course is itself a translation; name the \
             original course"
        )));
    }
    if original.kind != translation.kind {
        return Some(at_key(format!(
            "`translation_of = \"{slug}\"`: that course is a {} course and this one a {} course; \
             a translation has the same kind",
            original.kind.as_str(),
            translation.kind.as_str()
        )));
    }
    if original.language == translation.language {
        return Some(at_key(format!(
            "`translation_of = \"{slug}\"`: both courses are in the language \"{}\"; a \
             translation is in another language",
            translation.language
        )));
    }
    let rule = |c: &CompiledCourse| (c.competence_valid_months, c.training_activity_months);
    if rule(original) != rule(translation) {
        return Some(at_key(format!(
            "`translation_of = \"{slug}\"`: the refresher rule differs (competence_valid_months \
             and training_activity_months must be the same as in `{slug}`)"
        )));
    }
    if original.modules.len() != translation.modules.len() {
        return Some(at_key(format!(
            "`translation_of = \"{slug}\"`: this course has {} modules and `{slug}` has {}",
            translation.modules.len(),
            original.modules.len()
        )));
    }
    let pairs = original
        .modules
        .iter()
        .zip(&translation.modules)
        .enumerate();
    for (m, (orig, tr)) in pairs {
        let here = files.module(m).unwrap_or(&files.course_toml);
        let there = original_files.show(original_files.module(m));
        if let Some(message) = module_difference(orig, tr, &there) {
            return Some(Diagnostic::file(here, message));
        }
        for (l, (ol, tl)) in orig.lessons.iter().zip(&tr.lessons).enumerate() {
            let here = files.lesson(m, l).unwrap_or(here);
            let there = original_files.show(original_files.lesson(m, l));
            if let Some((line, message)) = lesson_difference(ol, tl, &there) {
                return Some(Diagnostic::new(here, line, 1, message));
            }
        }
    }
    None
}

fn module_difference(orig: &CompiledModule, tr: &CompiledModule, there: &str) -> Option<String> {
    if orig.theme != tr.theme {
        let name = |m: &CompiledModule| m.theme.map_or("none", |t| t.as_str());
        return Some(format!(
            "the translation of `{there}` has the theme `{}`, the original `{}`",
            name(tr),
            name(orig)
        ));
    }
    (orig.lessons.len() != tr.lessons.len()).then(|| {
        format!(
            "this module has {} lessons and the module it translates (`{there}`) has {}",
            tr.lessons.len(),
            orig.lessons.len()
        )
    })
}

/// The first difference between a lesson and its translation, with the line it is on.
fn lesson_difference(
    orig: &CompiledLesson,
    tr: &CompiledLesson,
    there: &str,
) -> Option<(usize, String)> {
    let has = |yes: bool| if yes { "has" } else { "has no" };
    if orig.checks.len() != tr.checks.len() {
        return Some((
            1,
            format!(
                "this lesson has {} checks and the lesson it translates (`{there}`) has {}",
                tr.checks.len(),
                orig.checks.len()
            ),
        ));
    }
    if orig.summary_html.is_some() != tr.summary_html.is_some() {
        return Some((
            1,
            format!(
                "this lesson {} `summary` block but the lesson it translates (`{there}`) {} one",
                has(tr.summary_html.is_some()),
                has(orig.summary_html.is_some())
            ),
        ));
    }
    if orig.discussion.is_some() != tr.discussion.is_some() {
        return Some((
            1,
            format!(
                "this lesson {} `discussion` prompt but the lesson it translates (`{there}`) {} \
                 one",
                has(tr.discussion.is_some()),
                has(orig.discussion.is_some())
            ),
        ));
    }
    if let Some(message) = exercise_difference(orig, tr, there) {
        return Some((1, message));
    }
    for (k, (oc, tc)) in orig.checks.iter().zip(&tr.checks).enumerate() {
        let n = k + 1;
        if oc.choices.len() != tc.choices.len() {
            return Some((
                tc.line,
                format!(
                    "check {n} has {} choices and check {n} of `{there}` has {}",
                    tc.choices.len(),
                    oc.choices.len()
                ),
            ));
        }
        if oc.correct != tc.correct {
            return Some((
                tc.line,
                format!(
                    "check {n} marks {:?} right and check {n} of `{there}` marks {:?}; the \
                     translation keeps the choices in the same order",
                    tc.correct, oc.correct
                ),
            ));
        }
    }
    None
}

/// A writing exercise in one lesson and not the other, or one that is done or assessed
/// differently: completing either course must ask the same of a trainee.
fn exercise_difference(orig: &CompiledLesson, tr: &CompiledLesson, there: &str) -> Option<String> {
    let (o, t) = match (&orig.exercise, &tr.exercise) {
        (None, None) => return None,
        (Some(o), Some(t)) => (o, t),
        (Some(_), None) => {
            return Some(format!(
                "this lesson has no `exercise` block but the lesson it translates (`{there}`) \
                 has one"
            ))
        }
        (None, Some(_)) => {
            return Some(format!(
                "this lesson has an `exercise` block but the lesson it translates (`{there}`) \
                 has none"
            ))
        }
    };
    let same_required =
        o.required.len() == t.required.len() && o.required.iter().all(|r| t.required.contains(r));
    if o.review != t.review || !same_required || o.peer_reviews != t.peer_reviews {
        return Some(format!(
            "exercise: `review`, `peer_reviews` and `required` must be as in `{there}` \
             (review = \"{}\", peer_reviews = {}, required = {:?})",
            o.review.as_str(),
            o.peer_reviews,
            o.required.iter().map(|r| r.as_str()).collect::<Vec<_>>()
        ));
    }
    (o.rubric.len() != t.rubric.len()).then(|| {
        format!(
            "exercise: the rubric has {} criteria and the rubric of `{there}` has {}",
            t.rubric.len(),
            o.rubric.len()
        )
    })
}
