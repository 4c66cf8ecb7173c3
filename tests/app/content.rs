//! The real course content in `courses/` compiles without a problem and keeps its promised
//! shape: the basic course's five themes with at least three lessons each, the refresher with
//! its lapse settings, and in every lesson real text, self-checks with explanations, a
//! knowledge-bank summary and a discussion prompt — or, in a lesson of its own for a writing
//! exercise, an introduction, the exercise and its sources. Every theme of the basic course
//! has an exercise, the refresher two, and every model entry passes the course's own checker.

use kirjaamo::courses::exercise_model::Exercise;
use kirjaamo::courses::{compile_dir, CompiledCourse, CourseKind, Theme};

fn courses() -> Vec<CompiledCourse> {
    let out = compile_dir(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/courses"
    )));
    let problems: Vec<String> = out.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        problems.is_empty(),
        "the courses have problems:\n{}",
        problems.join("\n")
    );
    out.courses
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn check_lessons(course: &CompiledCourse) {
    for m in &course.modules {
        assert!(
            !m.intro_html.trim().is_empty(),
            "{}/{}: an introduction",
            course.slug,
            m.slug
        );
        assert!(
            m.intro_html.contains("Lähteet"),
            "{}/{}: the module ends with its sources",
            course.slug,
            m.slug
        );
        for l in &m.lessons {
            let at = format!("{}/{}/{}", course.slug, m.slug, l.slug);
            if let Some(ex) = &l.exercise {
                check_exercise(course, &at, ex);
                if l.checks.is_empty() {
                    // An exercise lesson: a short introduction, the exercise, the sources.
                    assert!(
                        (80..=600).contains(&l.word_count),
                        "{at}: an introduction of {} words",
                        l.word_count
                    );
                    assert!(l.body_html.contains("Lähteet"), "{at}: its sources");
                    continue;
                }
            }
            assert!(
                (400..=1000).contains(&l.word_count),
                "{at}: {} words of teaching text",
                l.word_count
            );
            assert!(!l.checks.is_empty(), "{at}: at least one self-check");
            for c in &l.checks {
                assert!(
                    !c.explain_html.trim().is_empty(),
                    "{at}: every check explains its answer"
                );
            }
            let summary = l.summary_text.as_deref().unwrap_or("");
            assert!(
                (80..=200).contains(&words(summary)),
                "{at}: a summary of 80–200 words, not {}",
                words(summary)
            );
            assert!(
                l.discussion
                    .as_deref()
                    .is_some_and(|d| !d.trim().is_empty()),
                "{at}: a discussion prompt"
            );
        }
    }
}

/// A writing exercise worth doing: a real case, a rubric, a model entry that passes the
/// course's own writing checker without a single hint.
fn check_exercise(course: &CompiledCourse, at: &str, ex: &Exercise) {
    let case = regex::Regex::new("<[^>]*>")
        .unwrap()
        .replace_all(&ex.case_html, " ")
        .to_string();
    assert!(
        words(&case) >= 120,
        "{at}: a case of {} words",
        words(&case)
    );
    assert!(
        ex.rubric.len() >= 3,
        "{at}: a rubric of at least three criteria"
    );
    assert!(words(&ex.model) >= 80, "{at}: a model entry");
    assert!(ex.model_notes_html.is_some(), "{at}: why the model works");
    let rules = course
        .writing_rules
        .as_ref()
        .expect("the course's writing checker");
    let hints = kirjaamo::exercises::checker::check(rules, &ex.client_view, &ex.model);
    assert!(
        hints.is_empty(),
        "{at}: the model entry gets hints: {hints:?}"
    );
    assert!(
        kirjaamo::privacy_guard::is_clean(&ex.model) && kirjaamo::privacy_guard::is_clean(&case),
        "{at}: nothing identifying"
    );
}

#[test]
fn every_theme_of_the_basic_course_and_the_refresher_have_writing_exercises() {
    let all = courses();
    for course in &all {
        let exercises: Vec<(&str, &str)> = course
            .lessons()
            .filter(|(_, l)| l.exercise.is_some())
            .map(|(m, l)| (m.slug.as_str(), l.slug.as_str()))
            .collect();
        match course.slug.as_str() {
            "kirjaamisvalmennus" => {
                for m in course.modules.iter().filter(|m| m.theme.is_some()) {
                    assert!(
                        exercises.iter().any(|(ms, _)| *ms == m.slug),
                        "{}: an exercise in every theme",
                        m.slug
                    );
                }
            }
            "kertaava-valmennus" => {
                assert!(exercises.len() >= 2, "{exercises:?}");
                assert!(
                    exercises.iter().any(|(_, l)| *l == "palaute-kirjauksista"),
                    "the lesson on feedback has one"
                );
            }
            _ => {}
        }
    }
}

#[test]
fn the_basic_course_has_the_five_themes() {
    let all = courses();
    let basic = all
        .iter()
        .find(|c| c.slug == "kirjaamisvalmennus")
        .expect("courses/kirjaamisvalmennus");
    assert_eq!(basic.kind, CourseKind::Basic);
    assert_eq!(basic.language, "fi");
    let themes: Vec<Option<Theme>> = basic.modules.iter().map(|m| m.theme).collect();
    assert_eq!(
        themes,
        vec![
            Some(Theme::ClientCentred),
            Some(Theme::Multiprofessional),
            Some(Theme::Structured),
            Some(Theme::Archiving),
            Some(Theme::SecondaryUse)
        ]
    );
    for m in &basic.modules {
        assert!(m.lessons.len() >= 3, "{}: at least three lessons", m.slug);
    }
    check_lessons(basic);
}

#[test]
fn the_refresher_keeps_experts_up_to_date() {
    let all = courses();
    let refresher = all
        .iter()
        .find(|c| c.slug == "kertaava-valmennus")
        .expect("courses/kertaava-valmennus");
    assert_eq!(refresher.kind, CourseKind::Refresher);
    assert_eq!(refresher.refreshes.as_deref(), Some("kirjaamisvalmennus"));
    assert!(refresher.competence_valid_months.is_some_and(|m| m > 0));
    assert!(refresher.training_activity_months.is_some_and(|m| m > 0));
    let lessons: usize = refresher.modules.iter().map(|m| m.lessons.len()).sum();
    assert!(lessons >= 5, "at least five lessons, not {lessons}");
    check_lessons(refresher);
}

#[test]
fn the_sources_name_the_laws_and_the_national_bodies() {
    let all = courses();
    let text: String = all
        .iter()
        .flat_map(|c| &c.modules)
        .map(|m| m.intro_html.as_str())
        .collect();
    for must in [
        "703/2023",
        "1301/2014",
        "812/2000",
        "552/2019",
        "2016/679",
        "1050/2018",
        "THL",
        "Kela",
        "Findata",
    ] {
        assert!(text.contains(must), "the module sources mention {must}");
    }
}
