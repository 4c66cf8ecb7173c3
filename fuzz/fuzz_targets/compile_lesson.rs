//! Fuzzes the course compiler through its public entry point, `compile_course`, on a copy of
//! the valid demo course (`tests/fixtures/courses/valid/demo-course`) in a temporary folder.
//!
//! The first byte of the input chooses the file the rest of the input replaces (every other
//! file keeps its valid content, so links to and from it still resolve):
//! `% 4` = 0 or 1: the lesson `01-perusteet/01-mita-kirjaaminen-on.md`, 2: `01-perusteet/module.md`,
//! 3: `course.toml`. The bytes are written as they are (invalid UTF-8, NUL bytes and all).
//!
//! The compiler must never panic; on success the HTML must be free of script (tags, event handlers, `javascript:` URLs), and every
//! diagnostic must point at line and column 1 or later.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

mod html_check;

macro_rules! demo {
    ($path:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/courses/valid/demo-course/",
            $path
        ))
        .as_slice()
    };
}

/// The demo course's files: path within the course and content.
const FILES: &[(&str, &[u8])] = &[
    ("course.toml", demo!("course.toml")),
    ("01-perusteet/module.md", demo!("01-perusteet/module.md")),
    (
        "01-perusteet/01-mita-kirjaaminen-on.md",
        demo!("01-perusteet/01-mita-kirjaaminen-on.md"),
    ),
    (
        "01-perusteet/02-asiakkaan-osallisuus.md",
        demo!("01-perusteet/02-asiakkaan-osallisuus.md"),
    ),
    ("02-kaytanto/module.md", demo!("02-kaytanto/module.md")),
    (
        "02-kaytanto/01-asiakirjatyypit.md",
        demo!("02-kaytanto/01-asiakirjatyypit.md"),
    ),
    (
        "02-kaytanto/02-harjoitus.md",
        demo!("02-kaytanto/02-harjoitus.md"),
    ),
    (
        "assets/kirjauksen-rakenne.png",
        demo!("assets/kirjauksen-rakenne.png"),
    ),
];

/// The files an input may replace, by `first byte % 4`.
const TARGETS: [&str; 4] = [
    "01-perusteet/01-mita-kirjaaminen-on.md",
    "01-perusteet/01-mita-kirjaaminen-on.md",
    "01-perusteet/module.md",
    "course.toml",
];

/// The course folder, created once per process (in /dev/shm when there is one: the compiler
/// reads the whole course on every input). Lives until the process ends.
fn course_dir() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let tmp = if shm.is_dir() {
            tempfile::Builder::new()
                .prefix("kirjaamo-fuzz")
                .tempdir_in(shm)
        } else {
            tempfile::tempdir()
        }
        .expect("a temporary folder");
        let course = tmp.path().join("demo-course");
        for (rel, bytes) in FILES {
            let path = course.join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
            std::fs::write(&path, bytes).expect("write a course file");
        }
        (tmp, course)
    })
    .1
}

fn original(rel: &str) -> &'static [u8] {
    FILES
        .iter()
        .find(|(r, _)| *r == rel)
        .map(|(_, b)| *b)
        .expect("a demo course file")
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let target = TARGETS[usize::from(selector % 4)];
    let dir = course_dir();
    // Restore every replaceable file, then put the input in place of one.
    for rel in TARGETS {
        let bytes = if rel == target {
            content
        } else {
            original(rel)
        };
        std::fs::write(dir.join(rel), bytes).expect("write a course file");
    }

    match kirjaamo::courses::compile_course(dir) {
        Ok(course) => {
            for (module, lesson) in course.lessons() {
                for html in [&module.intro_html, &lesson.body_html]
                    .into_iter()
                    .chain(lesson.summary_html.as_ref())
                    .chain(lesson.checks.iter().map(|c| &c.explain_html))
                {
                    if let Some(problem) = html_check::problem(html) {
                        panic!("{problem} in the compiled HTML: {html}");
                    }
                }
                assert!(!lesson.slug.is_empty());
            }
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "an error without diagnostics");
            for d in &diags {
                assert!(d.line >= 1 && d.column >= 1, "bad position: {d}");
                assert!(!d.message.is_empty(), "empty message: {d}");
            }
        }
    }
});
