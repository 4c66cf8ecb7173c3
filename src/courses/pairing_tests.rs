//! Unit tests for the rules added for the course content (issue 18): every lesson's
//! `sources` block, a translation's structure against its original (`translation_of`), and
//! the warning when right answers are systematically the longest choice.

use std::fs;
use std::path::Path;

use super::*;

fn course_toml(title: &str, language: &str, extra: &str) -> String {
    format!(
        "title = \"{title}\"\nkind = \"basic\"\nlanguage = \"{language}\"\nversion = \"1\"\n\
         summary = \"S\"\n{extra}"
    )
}

const SOURCES: &str = "\n```sources\n- Sosiaalihuoltolaki (1301/2014) 36 §\n```\n";

fn check(question: &str, choices: &[&str], correct: &[usize]) -> String {
    let choices: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
    let correct: Vec<String> = correct.iter().map(ToString::to_string).collect();
    format!(
        "\n```check\nquestion = \"{question}\"\nchoices = [{}]\ncorrect = [{}]\nexplain = \"E.\"\n```\n",
        choices.join(", "),
        correct.join(", ")
    )
}

fn lesson(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndiscussion = \"D?\"\n+++\nTeksti.\n{body}{SOURCES}")
}

/// Writes `files` under a temp root, compiles it; the output and the diagnostics and
/// warnings as `path:line:column: message` relative to the root.
fn compile(files: &[(&str, String)]) -> (CompileOutput, Vec<String>, Vec<String>) {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let path = tmp.path().join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, text).expect("write");
    }
    let out = compile_dir(tmp.path());
    let rel = |ds: &[Diagnostic], base: &Path| -> Vec<String> {
        ds.iter()
            .map(|d| {
                let path = d.path.strip_prefix(base).unwrap_or(&d.path).to_path_buf();
                Diagnostic { path, ..d.clone() }.to_string()
            })
            .collect()
    };
    let diags = rel(&out.diagnostics, tmp.path());
    let warnings = rel(&out.warnings, tmp.path());
    (out, diags, warnings)
}

/// A Finnish course `fi` and its Swedish translation `sv`, each with one module of two
/// lessons; `sv_second` replaces the Swedish second lesson.
fn pair(sv_extra: &str, sv_second: Option<String>) -> Vec<(&'static str, String)> {
    let module = "+++\ntitle = \"M\"\ntheme = \"structured\"\n+++\nJohdanto.\n".to_string();
    let first = lesson("Eka", &check("K?", &["a", "b", "c"], &[1]));
    let second = lesson("Toka", &check("K?", &["a", "b"], &[0]));
    vec![
        ("fi/course.toml", course_toml("Kurssi", "fi", "")),
        ("fi/01-m/module.md", module.clone()),
        ("fi/01-m/01-eka.md", first.clone()),
        ("fi/01-m/02-toka.md", second.clone()),
        (
            "sv/course.toml",
            course_toml(
                "Kurs",
                "sv",
                &format!("translation_of = \"fi\"\n{sv_extra}"),
            ),
        ),
        ("sv/01-m/module.md", module),
        ("sv/01-m/01-forsta.md", first),
        ("sv/01-m/02-andra.md", sv_second.unwrap_or(second)),
    ]
}

#[test]
fn sources_are_rendered_and_required_in_lessons_only() {
    let (out, diags, _) = compile(&[
        ("c/course.toml", course_toml("T", "fi", "")),
        (
            "c/01-m/module.md",
            "+++\ntitle = \"M\"\n+++\n```sources\n- X\n```\n".to_string(),
        ),
        (
            "c/01-m/01-a.md",
            "+++\ntitle = \"A\"\n+++\nTeksti.\n\n```sources\n- [Finlex](https://finlex.fi/) \
             (tarkistettu 6.12.2026)\n```\n"
                .to_string(),
        ),
    ]);
    assert_eq!(
        diags,
        ["c/01-m/module.md:4:1: `sources` blocks belong in lessons, not in module.md"]
    );
    assert!(out.courses.is_empty());
    let (out, diags, _) = compile(&[
        ("c/course.toml", course_toml("T", "fi", "")),
        ("c/01-m/module.md", "+++\ntitle = \"M\"\n+++\n".to_string()),
        (
            "c/01-m/01-a.md",
            "+++\ntitle = \"A\"\n+++\nTeksti.\n\n```sources\n- [Finlex](https://finlex.fi/) \
             (tarkistettu 6.12.2026)\n```\n"
                .to_string(),
        ),
    ]);
    assert_eq!(diags, Vec::<String>::new());
    let (_, l) = out.courses[0].lessons().next().expect("lesson");
    assert!(l.sources_html.contains("<li>"), "{}", l.sources_html);
    assert!(l.sources_html.contains("href=\"https://finlex.fi/\""));
    assert!(
        !l.body_html.contains("Finlex"),
        "the sources leave the lesson text"
    );
}

#[test]
fn a_translation_with_the_same_structure_compiles() {
    let (out, diags, _) = compile(&pair("", None));
    assert_eq!(diags, Vec::<String>::new());
    let sv = out.courses.iter().find(|c| c.slug == "sv").expect("sv");
    assert_eq!(sv.translation_of.as_deref(), Some("fi"));
    let fi = out.courses.iter().find(|c| c.slug == "fi").expect("fi");
    assert_eq!(fi.translation_of, None);
}

#[test]
fn the_first_structural_difference_is_named_in_the_translation() {
    // One check fewer in the second lesson.
    let (out, diags, _) = compile(&pair("", Some(lesson("Andra", ""))));
    assert_eq!(
        diags,
        [
            "sv/01-m/02-andra.md:1:1: this lesson has 0 checks and the lesson it translates \
          (`fi/01-m/02-toka.md`) has 1"
        ]
    );
    assert_eq!(out.courses.len(), 1, "the original still compiles");
    // A different right answer, at the check's line.
    let second = lesson("Andra", &check("K?", &["a", "b"], &[1]));
    let (_, diags, _) = compile(&pair("", Some(second)));
    assert_eq!(
        diags,
        [
            "sv/01-m/02-andra.md:7:1: check 1 marks [1] right and check 1 of \
          `fi/01-m/02-toka.md` marks [0]; the translation keeps the choices in the same order"
        ]
    );
    // A missing summary or discussion prompt.
    let second = format!(
        "+++\ntitle = \"Andra\"\n+++\nText.\n{}{SOURCES}",
        check("K?", &["a", "b"], &[0])
    );
    let (_, diags, _) = compile(&pair("", Some(second)));
    assert_eq!(
        diags,
        [
            "sv/01-m/02-andra.md:1:1: this lesson has no `discussion` prompt but the lesson it \
          translates (`fi/01-m/02-toka.md`) has one"
        ]
    );
}

#[test]
fn a_translation_names_an_original_of_the_same_kind_in_another_language() {
    let mut files = pair("", None);
    files[4].1 = course_toml("Kurs", "fi", "translation_of = \"fi\"\n");
    let (_, diags, _) = compile(&files);
    assert_eq!(
        diags,
        [
            "sv/course.toml:6:18: `translation_of = \"fi\"`: both courses are in the language \
          \"fi\"; a translation is in another language"
        ]
    );
    let mut files = pair("", None);
    files[4].1 = course_toml("Kurs", "sv", "translation_of = \"puuttuu\"\n");
    let (_, diags, _) = compile(&files);
    assert_eq!(
        diags,
        [
            "sv/course.toml:6:18: `translation_of = \"puuttuu\"`: there is no course folder \
          `puuttuu` next to this one"
        ]
    );
    let mut files = pair("", None);
    files[4].1 = course_toml("Kurs", "sv", "translation_of = \"sv\"\n");
    let (_, diags, _) = compile(&files);
    assert_eq!(
        diags,
        [
            "sv/course.toml:6:18: `translation_of = \"sv\"`: name the folder of the course this \
          one translates"
        ]
    );
    // An extra module.
    let mut files = pair("", None);
    files.push((
        "sv/02-extra/module.md",
        "+++\ntitle = \"X\"\n+++\n".to_string(),
    ));
    files.push(("sv/02-extra/01-x.md", lesson("X", "")));
    let (_, diags, _) = compile(&files);
    assert_eq!(
        diags,
        [
            "sv/course.toml:6:18: `translation_of = \"fi\"`: this course has 2 modules and `fi` \
          has 1"
        ]
    );
    // An original with errors cannot be compared: the translation waits.
    let mut files = pair("", None);
    files[2].1 = "+++\ntitle = \"Eka\"\n+++\nTeksti.\n".to_string();
    let (out, diags, _) = compile(&files);
    assert!(out.courses.is_empty(), "{:?}", out.courses);
    assert!(diags.iter().any(|d| d
        .starts_with("sv/course.toml:6:18: `translation_of = \"fi\"`: that course has problems")));
}

#[test]
fn systematically_longest_right_answers_are_a_warning_not_an_error() {
    let long = |q: &str| {
        check(
            q,
            &["lyhyt", "tämä on selvästi pisin vaihtoehto", "keski"],
            &[1],
        )
    };
    let fair = |q: &str| check(q, &["lyhyt", "oikea", "tämä väärä on pisin"], &[1]);
    let body = format!("{}{}{}{}", long("A?"), long("B?"), long("C?"), fair("D?"));
    let files = vec![
        ("c/course.toml", course_toml("T", "fi", "")),
        ("c/01-m/module.md", "+++\ntitle = \"M\"\n+++\n".to_string()),
        ("c/01-m/01-a.md", lesson("A", &body)),
    ];
    let (out, diags, warnings) = compile(&files);
    assert_eq!(diags, Vec::<String>::new());
    assert_eq!(out.courses.len(), 1, "a warning does not stop publishing");
    assert!(out.is_clean());
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert_eq!(
        warnings[0],
        "c/01-m/01-a.md:7:1: warning: the right answer is the longest choice here, as in 3 of \
         the 4 single-answer checks of this course; trainees learn to pick the longest, so make \
         a wrong choice as long and as specific as the right one"
    );
    // Half or fewer is not systematic.
    let body = format!("{}{}{}{}", long("A?"), long("B?"), fair("C?"), fair("D?"));
    let files = vec![
        ("c/course.toml", course_toml("T", "fi", "")),
        ("c/01-m/module.md", "+++\ntitle = \"M\"\n+++\n".to_string()),
        ("c/01-m/01-a.md", lesson("A", &body)),
    ];
    let (_, _, warnings) = compile(&files);
    assert_eq!(warnings, Vec::<String>::new());
}

const CHECKER: &str = "[labelling]\nreason = \"R\"\nphrases = [\"x*\"]\n\n[abbreviations]\n\
     reason = \"R\"\nlist = []\n\n[agentless]\nreason = \"R\"\nphrases = [\"y\"]\n\n\
     [client_view]\nreason = \"R\"\nphrases = [\"z\"]\n";

/// A lesson with only a writing exercise, assessed as `review` and done when `required`.
fn exercise_lesson(title: &str, review: &str, required: &str, criteria: usize) -> String {
    let rubric: Vec<String> = (0..criteria)
        .map(|i| format!("{{ criterion = \"C{i}\", levels = [\"a\", \"b\"] }}"))
        .collect();
    format!(
        "+++\ntitle = \"{title}\"\n+++\nTeksti.\n\n```exercise\ncase = \"Tapaus.\"\n\
         task = \"Kirjaa.\"\nrubric = [{}]\nmodel = \"Malli.\"\nreview = \"{review}\"\n\
         required = {required}\n```\n{SOURCES}",
        rubric.join(", ")
    )
}

#[test]
fn a_translation_keeps_the_exercises_and_what_they_ask() {
    let with_exercise = |sv: String| {
        let mut files = pair("", None);
        files.push(("fi/writing-checker.toml", CHECKER.to_string()));
        files.push(("sv/writing-checker.toml", CHECKER.to_string()));
        files.push((
            "fi/01-m/03-harjoitus.md",
            exercise_lesson("Harjoitus", "peer", "[\"self\", \"peer\"]", 2),
        ));
        files.push(("sv/01-m/03-ovning.md", sv));
        compile(&files).1
    };
    // The same exercise, the requirements listed in another order: they pair.
    let same = exercise_lesson("Övning", "peer", "[\"peer\", \"self\"]", 2);
    assert_eq!(with_exercise(same), Vec::<String>::new());
    // No exercise where the original has one.
    assert_eq!(
        with_exercise(format!("+++\ntitle = \"Övning\"\n+++\nText.\n{SOURCES}")),
        [
            "sv/01-m/03-ovning.md:1:1: this lesson has no `exercise` block but the lesson it \
          translates (`fi/01-m/03-harjoitus.md`) has one"
        ]
    );
    // Done differently: completing either course must ask the same.
    let other = exercise_lesson("Övning", "peer", "[\"self\"]", 2);
    assert_eq!(
        with_exercise(other),
        [
            "sv/01-m/03-ovning.md:1:1: exercise: `review`, `peer_reviews` and `required` must be \
          as in `fi/01-m/03-harjoitus.md` (review = \"peer\", peer_reviews = 2, required = \
          [\"self\", \"peer\"])"
        ]
    );
    let fewer = exercise_lesson("Övning", "peer", "[\"self\", \"peer\"]", 1);
    assert_eq!(
        with_exercise(fewer),
        [
            "sv/01-m/03-ovning.md:1:1: exercise: the rubric has 1 criteria and the rubric of \
          `fi/01-m/03-harjoitus.md` has 2"
        ]
    );
}
