//! The folder layout of one course: `course.toml`, `assets/`, module folders `NN-slug/` with
//! `module.md` and lesson files `NN-slug.md`. Finds them in order and reports every name that
//! breaks the rules; reads no file contents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::model::Diagnostic;
use super::source::{list_dir, parse_numbered, Entry, EntryKind, Numbered, SYMLINK_MESSAGE};

const NAME_RULE: &str = "two or more digits, a hyphen, then lower-case letters a-z, digits and \
                         hyphens; no ä, ö, å, capitals or spaces";

/// A lesson file found in a module folder.
#[derive(Debug)]
pub(crate) struct LessonFile {
    pub(crate) path: PathBuf,
    /// Relative to the course folder, with `/`: `01-johdanto/02-osallisuus.md`.
    pub(crate) rel: String,
    pub(crate) name: Numbered,
}

/// A module folder.
#[derive(Debug)]
pub(crate) struct ModuleDir {
    pub(crate) path: PathBuf,
    pub(crate) rel: String,
    pub(crate) name: Numbered,
    /// `None` when the folder has no `module.md` (reported).
    pub(crate) module_md: Option<PathBuf>,
    /// The facilitator's guide (`ohjaajan-opas.md`), if any.
    pub(crate) guide: Option<PathBuf>,
    pub(crate) lessons: Vec<LessonFile>,
}

/// Everything found in a course folder.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    pub(crate) modules: Vec<ModuleDir>,
    /// Files in `assets/`, relative to it (`kaavio.png`), with their paths.
    pub(crate) assets: BTreeMap<String, PathBuf>,
    /// `writing-checker.toml`, when the course has one.
    pub(crate) writing_checker: Option<PathBuf>,
}

/// Walks a course folder (whose `course.toml` the caller reads).
pub(crate) fn scan_course(dir: &Path, diags: &mut Vec<Diagnostic>) -> Layout {
    let mut layout = Layout::default();
    let mut numbered = Vec::new();
    for entry in list_dir(dir, diags) {
        match (entry.kind, entry.name.as_str()) {
            (EntryKind::File, "course.toml") => {}
            (EntryKind::File, super::writing::FILE_NAME) => {
                layout.writing_checker = Some(entry.path.clone());
            }
            (EntryKind::Dir, "assets") => scan_assets(&entry.path, "", 0, &mut layout, diags),
            (EntryKind::Symlink, _) => diags.push(Diagnostic::file(&entry.path, SYMLINK_MESSAGE)),
            (EntryKind::Dir, name) => match parse_numbered(name) {
                Some(n) => numbered.push((entry, n)),
                None => diags.push(Diagnostic::file(
                    &entry.path,
                    format!(
                        "folder `{name}`: module folders are named `NN-slug` ({NAME_RULE}), \
                         e.g. `01-asiakaslahtoinen-kirjaaminen`"
                    ),
                )),
            },
            (_, name) => diags.push(Diagnostic::file(&entry.path, course_file_message(name))),
        }
    }
    for (entry, name) in unique_numbers(numbered, diags) {
        let rel = entry.name.clone();
        layout
            .modules
            .push(scan_module(entry.path, rel, name, diags));
    }
    if layout.modules.is_empty() {
        diags.push(Diagnostic::file(
            dir,
            "course has no modules: add a folder such as `01-johdanto/` with a `module.md`",
        ));
    }
    layout
}

fn course_file_message(name: &str) -> String {
    let stem = name.strip_suffix(".md");
    if stem.and_then(parse_numbered).is_some() {
        return format!(
            "`{name}`: lesson files belong in a module folder (`NN-slug/`), not directly in the \
             course folder"
        );
    }
    format!(
        "unexpected file `{name}`: a course folder holds only `course.toml`, \
         `writing-checker.toml`, `assets/` and module folders named `NN-slug/`"
    )
}

fn scan_module(
    path: PathBuf,
    rel: String,
    name: Numbered,
    diags: &mut Vec<Diagnostic>,
) -> ModuleDir {
    let mut module_md = None;
    let mut guide = None;
    let mut numbered = Vec::new();
    for entry in list_dir(&path, diags) {
        let stem = entry.name.strip_suffix(".md");
        match (entry.kind, entry.name.as_str()) {
            (EntryKind::File, "module.md") => module_md = Some(entry.path),
            (EntryKind::File, super::guide::GUIDE_FILE) => guide = Some(entry.path),
            (EntryKind::Symlink, _) => diags.push(Diagnostic::file(&entry.path, SYMLINK_MESSAGE)),
            (EntryKind::Dir, dir) => diags.push(Diagnostic::file(
                &entry.path,
                format!(
                    "unexpected folder `{dir}`: a module folder holds only `module.md` and lesson \
                     files; images go in the course's `assets/` folder"
                ),
            )),
            (EntryKind::File, _) if stem.is_some() => match stem.and_then(parse_numbered) {
                Some(n) => numbered.push((entry, n)),
                None => diags.push(Diagnostic::file(
                    &entry.path,
                    format!(
                        "`{}`: lesson files are named `NN-slug.md` ({NAME_RULE}), e.g. \
                         `01-mita-kirjaaminen-on.md`",
                        entry.name
                    ),
                )),
            },
            (_, other) => diags.push(Diagnostic::file(
                &entry.path,
                format!(
                    "unexpected file `{other}`: a module folder holds only `module.md`, \
                     `{}` and lesson files named `NN-slug.md`",
                    super::guide::GUIDE_FILE
                ),
            )),
        }
    }
    if module_md.is_none() {
        diags.push(Diagnostic::file(
            &path,
            "module folder has no `module.md` (it gives the module its title)",
        ));
    }
    let lessons: Vec<LessonFile> = unique_numbers(numbered, diags)
        .into_iter()
        .map(|(entry, name)| LessonFile {
            rel: format!("{rel}/{}", entry.name),
            path: entry.path,
            name,
        })
        .collect();
    if lessons.is_empty() && module_md.is_some() {
        diags.push(Diagnostic::file(
            &path,
            "module has no lessons: add a file such as `01-aloitus.md`",
        ));
    }
    ModuleDir {
        path,
        rel,
        name,
        module_md,
        guide,
        lessons,
    }
}

/// Sorts by number and reports (and drops) every entry whose number is already taken.
fn unique_numbers(
    mut items: Vec<(Entry, Numbered)>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Entry, Numbered)> {
    items.sort_by(|a, b| (a.1.number, &a.0.name).cmp(&(b.1.number, &b.0.name)));
    let mut out: Vec<(Entry, Numbered)> = Vec::with_capacity(items.len());
    for (entry, name) in items {
        if let Some((first, _)) = out.last().filter(|(_, n)| n.number == name.number) {
            diags.push(Diagnostic::file(
                &entry.path,
                format!(
                    "number {} is used twice in this folder: `{}` and `{}`; give each its own \
                     number",
                    name.digits, first.name, entry.name
                ),
            ));
            continue;
        }
        out.push((entry, name));
    }
    out
}

/// Collects the files below `assets/` (hidden ones skipped, symlinks refused).
fn scan_assets(
    dir: &Path,
    prefix: &str,
    depth: usize,
    layout: &mut Layout,
    diags: &mut Vec<Diagnostic>,
) {
    if depth > 8 {
        diags.push(Diagnostic::file(
            dir,
            "`assets/` is nested too deep (more than 8 folders)",
        ));
        return;
    }
    for entry in list_dir(dir, diags) {
        let rel = format!("{prefix}{}", entry.name);
        match entry.kind {
            EntryKind::File => {
                layout.assets.insert(rel, entry.path);
            }
            EntryKind::Dir => {
                scan_assets(&entry.path, &format!("{rel}/"), depth + 1, layout, diags);
            }
            EntryKind::Symlink => diags.push(Diagnostic::file(&entry.path, SYMLINK_MESSAGE)),
            EntryKind::Other => diags.push(Diagnostic::file(
                &entry.path,
                "not a regular file: `assets/` may hold only files and folders",
            )),
        }
    }
}
