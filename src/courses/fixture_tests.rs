//! Compiles the fixture courses under `tests/fixtures/courses/`: the valid demo course, and
//! one folder per kind of error whose `expected.txt` lists the exact diagnostics (paths
//! relative to the case folder). Run with `BLESS_COURSE_FIXTURES=1` to rewrite the
//! `expected.txt` files after a deliberate change of wording — then review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/courses")
}

/// The diagnostics as `expected.txt` lines: `path:line:column: message`, path relative to `base`.
fn lines(out: &CompileOutput, base: &Path) -> Vec<String> {
    out.diagnostics
        .iter()
        .map(|d| {
            let rel = d.path.strip_prefix(base).unwrap_or(&d.path);
            Diagnostic {
                path: rel.to_path_buf(),
                ..d.clone()
            }
            .to_string()
        })
        .collect()
}

fn expected(case: &Path) -> Vec<String> {
    fs::read_to_string(case.join("expected.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_invalid_case_gives_exactly_its_expected_diagnostics() {
    let root = fixtures().join("invalid");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .expect("tests/fixtures/courses/invalid exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 13,
        "expected the invalid cases, found {cases:?}"
    );
    let mut failures = Vec::new();
    for case in &cases {
        let out = compile_dir(case);
        assert!(
            out.courses.is_empty(),
            "{}: a course compiled",
            case.display()
        );
        let got = lines(&out, case);
        if std::env::var_os("BLESS_COURSE_FIXTURES").is_some() {
            let text: String = got.iter().map(|l| format!("{l}\n")).collect();
            fs::write(case.join("expected.txt"), text).expect("write expected.txt");
            continue;
        }
        let want = expected(case);
        if got != want {
            failures.push(format!(
                "{}:\n  expected:\n    {}\n  got:\n    {}",
                case.display(),
                want.join("\n    "),
                got.join("\n    ")
            ));
        }
        assert!(
            !want.is_empty(),
            "{}: expected.txt is empty",
            case.display()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_demo_course_compiles() {
    let out = compile_dir(&fixtures().join("valid"));
    assert_eq!(lines(&out, &fixtures()), Vec::<String>::new());
    assert_eq!(out.courses.len(), 1);
    let course = &out.courses[0];
    assert_eq!(course.slug, "demo-course");
    assert_eq!(course.kind, CourseKind::Basic);
    assert_eq!(course.content_hash.len(), 16);
    let slugs: Vec<_> = course
        .lessons()
        .map(|(m, l)| (m.position, &*m.slug, l.position, &*l.slug))
        .collect();
    assert_eq!(
        slugs,
        vec![
            (1, "perusteet", 1, "mita-kirjaaminen-on"),
            (1, "perusteet", 2, "asiakkaan-osallisuus"),
            (2, "kaytanto", 1, "asiakirjatyypit"),
            (2, "kaytanto", 2, "harjoitus"),
        ]
    );
    assert_eq!(course.modules[0].theme, Some(Theme::ClientCentred));
    assert_eq!(course.modules[1].minutes, 0);

    let (_, first) = course.lesson("mita-kirjaaminen-on").expect("lesson");
    assert_eq!(first.minutes, 10);
    assert!(first
        .body_html
        .contains("src=\"/kurssimateriaali/demo-course/kirjauksen-rakenne.png\""));
    assert!(first
        .body_html
        .contains("href=\"asiakkaan-osallisuus#omat-sanat\""));
    assert!(!first.body_html.contains("```") && !first.body_html.contains("question"));
    assert!(
        !first.body_html.contains("dokumentointia</strong>"),
        "summary left in body"
    );
    let toc: Vec<_> = first.toc.iter().map(|t| (t.level, t.id.as_str())).collect();
    assert_eq!(toc, vec![(2, "miksi-kirjataan"), (3, "kenelle-kirjataan")]);
    assert_eq!(
        first.summary_text.as_deref(),
        Some("Kirjaaminen on asiakastyön dokumentointia: se kertoo, mitä tehtiin ja miksi.")
    );
    assert_eq!(first.checks.len(), 1);
    assert_eq!(first.checks[0].correct, vec![1]);
    assert!(first.checks[0]
        .explain_html
        .contains("<strong>asiakasta</strong>"));

    let (_, second) = course.lesson("asiakkaan-osallisuus").expect("lesson");
    assert_eq!(second.minutes, 1, "estimated from the word count");
    assert_eq!(second.checks.len(), 2);
    assert_eq!(second.summary_markdown, None);

    let (_, third) = course.lesson("asiakirjatyypit").expect("lesson");
    assert!(third.body_html.contains("href=\"mita-kirjaaminen-on\""));
    assert!(third
        .body_html
        .contains("href=\"mailto:kirjaamo@example.fi\""));
}

#[test]
fn the_content_hash_is_stable_and_follows_the_sources() {
    let src = fixtures().join("valid/demo-course");
    let a = compile_course(&src).expect("compiles");
    let b = compile_course(&src).expect("compiles");
    assert_eq!(a.content_hash, b.content_hash);

    let tmp = tempfile::tempdir().expect("tempdir");
    let copy = tmp.path().join("demo-course");
    copy_dir(&src, &copy);
    let c = compile_course(&copy).expect("copy compiles");
    assert_eq!(
        a.content_hash, c.content_hash,
        "the hash does not depend on the location"
    );
    fs::write(copy.join("assets/kirjauksen-rakenne.png"), b"other bytes").expect("write");
    let d = compile_course(&copy).expect("still compiles");
    assert_ne!(
        a.content_hash, d.content_hash,
        "an asset change changes the hash"
    );
}

#[test]
fn a_10_mb_file_is_refused_without_reading_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let course = tmp.path().join("c");
    copy_dir(&fixtures().join("valid/demo-course"), &course);
    let big = course.join("02-kaytanto/03-iso.md");
    let mut text = String::from("+++\ntitle = \"Iso\"\n+++\n");
    let line = "Tämä rivi toistuu, kunnes tiedosto on kymmenen megatavua.\n";
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(line);
    }
    fs::write(&big, text).expect("write 10 MB");
    let out = compile_dir(tmp.path());
    assert!(out.courses.is_empty());
    assert_eq!(
        lines(&out, tmp.path()),
        vec!["c/02-kaytanto/03-iso.md:1:1: file is larger than 1 MiB"]
    );
}

#[test]
fn a_missing_or_empty_root_is_no_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    assert_eq!(compile_dir(tmp.path()), CompileOutput::default());
    assert_eq!(
        compile_dir(&tmp.path().join("ei-ole")),
        CompileOutput::default()
    );
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn the_exercise_fixture_compiles_with_its_exercise_and_checker() {
    use super::exercise_model::{Requirement, ReviewMode};
    let out = compile_dir(&fixtures().join("exercises"));
    assert_eq!(lines(&out, &fixtures()), Vec::<String>::new());
    let course = &out.courses[0];
    let rules = course.writing_rules.as_ref().expect("writing-checker.toml");
    assert_eq!(rules.labelling.phrases[0], "hankal*");
    assert_eq!(rules.abbreviations.list[0].short, "KH");
    assert!(rules.client_view.quotes);
    let (_, plain) = course.lesson("lukeminen").expect("lesson");
    assert!(plain.exercise.is_none());
    let (_, lesson) = course.lesson("kotikaynti").expect("lesson");
    let ex = lesson.exercise.as_ref().expect("exercise");
    assert!(ex.case_html.contains("<p>Aino (84 v.) kertoo"));
    assert!(
        !lesson.body_html.contains("rubric"),
        "the block left the body"
    );
    assert_eq!(ex.rubric.len(), 2);
    assert_eq!(
        ex.rubric[1].hint.as_deref(),
        Some("Erottuuko arvio havainnosta?")
    );
    assert_eq!(
        ex.model,
        "Aino kertoo pärjäävänsä kotona.\nHavaitsin, että jääkaapissa oli vähän ruokaa."
    );
    assert_eq!(ex.review, ReviewMode::PeerAndTrainer);
    assert_eq!((ex.peer_reviews, ex.review_days), (1, 7));
    assert_eq!(
        ex.required,
        vec![
            Requirement::SelfAssessment,
            Requirement::PeerReviews,
            Requirement::TrainerAssessment
        ]
    );
}
