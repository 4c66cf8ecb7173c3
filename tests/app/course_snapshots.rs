//! Snapshots of the compiled demo course (`tests/fixtures/courses/valid/demo-course`): for
//! every lesson, its body HTML in `tests/fixtures/snapshots/<lesson-slug>.html` and its table
//! of contents, self-checks, summary and sources in `<lesson-slug>.json`. A change in rendering or
//! sanitising shows up here as a diff to review.
//!
//! After a deliberate change, rewrite the files and review the diff before committing:
//! `KIRJAAMO_UPDATE_SNAPSHOTS=1 cargo test --test app course_snapshots`.

use std::fs;
use std::path::{Path, PathBuf};

use kirjaamo::courses::{compile_course, CompiledLesson};

const UPDATE_VAR: &str = "KIRJAAMO_UPDATE_SNAPSHOTS";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot_dir() -> PathBuf {
    manifest_dir().join("tests/fixtures/snapshots")
}

/// The snapshot files of one lesson: name and expected content.
fn snapshot_files(lesson: &CompiledLesson) -> Vec<(String, String)> {
    let mut html = lesson.body_html.clone();
    if !html.ends_with('\n') {
        html.push('\n');
    }
    let meta = serde_json::json!({
        "toc": lesson.toc,
        "checks": lesson.checks,
        "summary_html": lesson.summary_html,
        "sources_html": lesson.sources_html,
    });
    let mut json = serde_json::to_string_pretty(&meta).expect("serialise snapshot");
    json.push('\n');
    vec![
        (format!("{}.html", lesson.slug), html),
        (format!("{}.json", lesson.slug), json),
    ]
}

/// Where `got` first differs from `want`, as a few readable lines (`None` when equal).
fn first_difference(want: &str, got: &str) -> Option<String> {
    if want == got {
        return None;
    }
    let (want_lines, got_lines): (Vec<&str>, Vec<&str>) =
        (want.lines().collect(), got.lines().collect());
    let n = want_lines.len().max(got_lines.len());
    for i in 0..n {
        let (w, g) = (want_lines.get(i), got_lines.get(i));
        if w != g {
            let show = |l: Option<&&str>| {
                l.map_or_else(|| "<end of file>".to_string(), |l| (*l).to_string())
            };
            return Some(format!(
                "first difference at line {}:\n    snapshot: {}\n    now:      {}",
                i + 1,
                show(w),
                show(g)
            ));
        }
    }
    Some("the files differ only in line endings or a final newline".into())
}

#[test]
fn demo_course_lessons_match_their_snapshots() {
    let course_dir = manifest_dir().join("tests/fixtures/courses/valid/demo-course");
    let course = compile_course(&course_dir).unwrap_or_else(|diags| {
        let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
        panic!("the demo course does not compile:\n{}", lines.join("\n"))
    });
    let dir = snapshot_dir();
    let update = std::env::var_os(UPDATE_VAR).is_some_and(|v| !v.is_empty() && v != "0");
    if update {
        fs::create_dir_all(&dir).expect("create tests/fixtures/snapshots");
    }

    let mut expected_names = Vec::new();
    let mut failures = Vec::new();
    for (_, lesson) in course.lessons() {
        for (name, got) in snapshot_files(lesson) {
            let path = dir.join(&name);
            expected_names.push(name.clone());
            if update {
                fs::write(&path, &got).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
                continue;
            }
            match fs::read_to_string(&path) {
                Err(e) => failures.push(format!("{name}: cannot read the snapshot ({e})")),
                Ok(want) => {
                    if let Some(diff) = first_difference(&want, &got) {
                        failures.push(format!("{name}: {diff}"));
                    }
                }
            }
        }
    }

    // A snapshot whose lesson is gone would otherwise linger unchecked.
    let mut stale: Vec<String> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !name.starts_with('.') && !expected_names.contains(name))
                .collect()
        })
        .unwrap_or_default();
    stale.sort();
    if update {
        for name in &stale {
            fs::remove_file(dir.join(name)).expect("remove a stale snapshot");
        }
        return;
    }
    for name in stale {
        failures.push(format!(
            "{name}: a snapshot for a lesson the demo course no longer has"
        ));
    }

    assert!(
        failures.is_empty(),
        "{} snapshot(s) in {} differ from the compiled demo course:\n\n{}\n\nIf the change is \
         intended, run `{UPDATE_VAR}=1 cargo test --test app course_snapshots` and review the \
         diff.",
        failures.len(),
        dir.display(),
        failures.join("\n\n")
    );
}

#[test]
fn the_diff_names_the_first_differing_line() {
    assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
    let diff = first_difference("a\nb\nc\n", "a\nB\nc\n").expect("a difference");
    assert!(diff.contains("line 2"), "{diff}");
    assert!(
        diff.contains("snapshot: b") && diff.contains("now:      B"),
        "{diff}"
    );
    let diff = first_difference("a\n", "a\nextra\n").expect("a difference");
    assert!(
        diff.contains("line 2") && diff.contains("<end of file>"),
        "{diff}"
    );
}
