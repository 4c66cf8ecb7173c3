//! The real course content in `courses/` compiles without a problem or a warning and keeps its
//! promised shape: the basic course's five themes with at least three lessons each and the
//! expert's role, the refresher with its lapse settings, the Swedish basic course paired with
//! the Finnish one, and in every lesson real text, self-checks with explanations, a
//! knowledge-bank summary, a discussion prompt and its own sources — or, in a lesson of its
//! own for a writing exercise, an introduction, the exercise and its sources. Every theme of
//! the basic course, in Finnish and in Swedish, has an exercise, the refresher two, and every
//! model entry passes its course's own checker without a hint. The corrections of issue 18 are checked here too, so the old wording
//! cannot come back unnoticed.

use kirjaamo::courses::exercise_model::Exercise;
use kirjaamo::courses::{compile_dir, CompiledCourse, CompiledLesson, CourseKind, Theme};

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
    let warnings: Vec<String> = out.warnings.iter().map(|d| d.to_string()).collect();
    assert!(
        warnings.is_empty(),
        "the courses have warnings:\n{}",
        warnings.join("\n")
    );
    out.courses
}

fn course<'a>(all: &'a [CompiledCourse], slug: &str) -> &'a CompiledCourse {
    all.iter()
        .find(|c| c.slug == slug)
        .unwrap_or_else(|| panic!("courses/{slug}"))
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Every text a trainee or a knowledge-bank reader sees of a lesson.
fn lesson_text(l: &CompiledLesson) -> String {
    let mut text = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        l.title,
        l.body_html,
        l.summary_html.as_deref().unwrap_or(""),
        l.sources_html,
        l.discussion.as_deref().unwrap_or("")
    );
    for c in &l.checks {
        text.push_str(&c.question);
        text.push('\n');
        for choice in &c.choices {
            text.push_str(choice);
            text.push('\n');
        }
        text.push_str(&c.explain_html);
        text.push('\n');
    }
    text
}

fn course_text(c: &CompiledCourse) -> String {
    let mut text = c.summary.clone();
    for m in &c.modules {
        text.push_str(&m.title);
        text.push_str(&m.intro_html);
        for l in &m.lessons {
            text.push_str(&lesson_text(l));
        }
    }
    text
}

fn check_lessons(course: &CompiledCourse) {
    for m in &course.modules {
        assert!(
            !m.intro_html.trim().is_empty(),
            "{}/{}: an introduction",
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
                    assert!(!l.sources_html.trim().is_empty(), "{at}: its sources");
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
            check_sources(&at, &l.sources_html);
        }
    }
}

/// A lesson's sources: a list, at least one act or page, and every web page with the date it
/// was checked.
fn check_sources(at: &str, html: &str) {
    assert!(html.contains("<li>"), "{at}: the sources are a list");
    let items: Vec<&str> = html.split("<li>").skip(1).collect();
    for item in &items {
        let item = item.split("</li>").next().unwrap_or("");
        if item.contains("href=\"http") {
            assert!(
                item.contains("6.12.2026"),
                "{at}: a web source says when it was checked: {item}"
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
            // The Finnish basic course and its Swedish translation alike.
            "kirjaamisvalmennus" | "dokumentationsutbildning" => {
                for m in course.modules.iter().filter(|m| m.theme.is_some()) {
                    assert!(
                        exercises.iter().any(|(ms, _)| *ms == m.slug),
                        "{}/{}: an exercise in every theme",
                        course.slug,
                        m.slug
                    );
                }
                check_lessons(course);
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
fn the_basic_course_has_the_five_themes_and_the_experts_role() {
    let all = courses();
    let basic = course(&all, "kirjaamisvalmennus");
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
            Some(Theme::SecondaryUse),
            None,
        ]
    );
    for m in basic.modules.iter().filter(|m| m.theme.is_some()) {
        let lessons = m.lessons.iter().filter(|l| !l.slug.contains("harjoitus"));
        assert!(lessons.count() >= 3, "{}: at least three lessons", m.slug);
    }
    check_lessons(basic);
    // The expert's role: the county's documentation coordinator, the manager and work time,
    // and where the training comes from.
    let role = basic.modules.last().expect("a last module");
    let text: String = role.lessons.iter().map(lesson_text).collect();
    for must in [
        "kirjaamiskoordinaattori",
        "aluekoordinaattori",
        "esihenkilö",
        "työaika",
        "Kansa-koulu",
        "2015",
    ] {
        assert!(text.contains(must), "the expert's role names {must}");
    }
    assert!(basic.summary.contains("Kansa-koulu"));
}

#[test]
fn the_refresher_keeps_experts_up_to_date() {
    let all = courses();
    let refresher = course(&all, "kertaava-valmennus");
    assert_eq!(refresher.kind, CourseKind::Refresher);
    assert_eq!(refresher.refreshes.as_deref(), Some("kirjaamisvalmennus"));
    assert!(refresher.competence_valid_months.is_some_and(|m| m > 0));
    assert!(refresher.training_activity_months.is_some_and(|m| m > 0));
    let lessons: usize = refresher.modules.iter().map(|m| m.lessons.len()).sum();
    assert!(lessons >= 5, "at least five lessons, not {lessons}");
    check_lessons(refresher);
    let upkeep = refresher
        .lessons()
        .find(|(_, l)| l.slug == "osaamisen-yllapito-ja-pidetyt-valmennukset")
        .expect("the lesson on maintaining competence")
        .1;
    assert!(lesson_text(upkeep).contains("kirjaamiskoordinaattori"));
}

#[test]
fn the_swedish_basic_course_pairs_with_the_finnish_one() {
    let all = courses();
    let fi = course(&all, "kirjaamisvalmennus");
    let sv = all
        .iter()
        .find(|c| c.translation_of.as_deref() == Some("kirjaamisvalmennus"))
        .expect("a translation of the basic course");
    assert_eq!((sv.language.as_str(), sv.kind), ("sv", CourseKind::Basic));
    assert_eq!(sv.modules.len(), fi.modules.len(), "the same modules");
    for (fm, sm) in fi.modules.iter().zip(&sv.modules) {
        assert_eq!(fm.theme, sm.theme, "{}: the same theme", sm.slug);
        assert_eq!(fm.lessons.len(), sm.lessons.len(), "{}: lessons", sm.slug);
        for (fl, sl) in fm.lessons.iter().zip(&sm.lessons) {
            let at = format!("{}/{}", sm.slug, sl.slug);
            assert_eq!(fl.checks.len(), sl.checks.len(), "{at}: checks");
            for (fc, sc) in fl.checks.iter().zip(&sl.checks) {
                assert_eq!(fc.choices.len(), sc.choices.len(), "{at}: choices");
                assert_eq!(fc.correct, sc.correct, "{at}: the same right answers");
            }
            assert_eq!(fl.summary_html.is_some(), sl.summary_html.is_some());
            assert_eq!(fl.discussion.is_some(), sl.discussion.is_some());
            assert_eq!(
                fl.exercise.is_some(),
                sl.exercise.is_some(),
                "{at}: an exercise in both or in neither"
            );
            assert_ne!(fl.title, sl.title, "{at}: translated");
        }
    }
    check_lessons(sv);
    // The acts as Finlex names them in Swedish, and the services as kanta.fi does today.
    let text = course_text(sv);
    let lower = text.to_lowercase();
    for must in [
        "lagen om behandling av kunduppgifter inom social- och hälsovården",
        "703/2023",
        "socialvårdslagen",
        "1301/2014",
        "lagen om klientens ställning och rättigheter inom socialvården",
        "812/2000",
        "lagen om sekundär användning av personuppgifter inom social- och hälsovården",
        "552/2019",
        "Kanta-tjänsterna",
        "MittKanta",
        "Socialvårdens klientdatalager",
        "dokumentationskoordinator",
    ] {
        assert!(
            lower.contains(&must.to_lowercase()),
            "the Swedish course says {must}"
        );
    }
    assert!(
        !text.contains("OmaKanta"),
        "OmaKanta is MittKanta in Swedish"
    );
    assert!(
        !text.contains("Mina Kanta-sidor"),
        "the current Swedish name"
    );
}

#[test]
fn the_sources_name_the_laws_and_the_national_bodies() {
    let all = courses();
    let text: String = all
        .iter()
        .flat_map(|c| c.lessons())
        .map(|(_, l)| l.sources_html.as_str())
        .collect();
    for must in [
        "703/2023",
        "1301/2014",
        "812/2000",
        "552/2019",
        "741/2023",
        "2016/679",
        "1050/2018",
        "417/2007",
        "THL",
        "kanta.fi",
        "findata.fi",
        "finlex.fi",
    ] {
        assert!(text.contains(must), "the lessons' sources mention {must}");
    }
}

/// Issue 18, section 1: the corrections, in every course and every text of it.
#[test]
fn the_corrections_stay_corrected() {
    let all = courses();
    for c in &all {
        let text = course_text(c);
        for wrong in [
            "turvaa asiakkaan oikeusturvaa",
            "käytä tekijää",
            "ja siitä ei selviä",
            "tarinaansa",
            "Kanta-palveluiden",
            "Valitse kaikki",
            "Välj alla",
        ] {
            assert!(!text.contains(wrong), "{}: still says “{wrong}”", c.slug);
        }
        // Legal protection is strengthened, not "secured" (“turvaa … oikeusturvaa”).
        for sentence in text
            .split(['.', '!', '?'])
            .filter(|s| s.contains("oikeusturva"))
        {
            assert!(
                !sentence
                    .split_whitespace()
                    .any(|w| w.starts_with("turvaa") || w.starts_with("turvata")),
                "{}: “turvaa … oikeusturvaa”: {sentence}",
                c.slug
            );
        }
        // The old name of the client data repository only where the lesson says it is old.
        for old in [
            "asiakastiedon arkisto",
            "Potilastiedon arkisto",
            "Klientdataarkivet",
        ] {
            for paragraph in text.split("</p>").filter(|p| p.contains(old)) {
                assert!(
                    paragraph.contains("2024"),
                    "{}: the old name “{old}” outside the note on the renaming: {paragraph}",
                    c.slug
                );
            }
        }
        assert!(
            text.contains("tietovarant") || text.contains("klientdatalager"),
            "{}: the current name of the repository",
            c.slug
        );
        // Choices are shown shuffled: an explanation never points at a position.
        for (_, l) in c.lessons() {
            for check in &l.checks {
                let e = check.explain_html.to_lowercase();
                for positional in [
                    "ensimmäi",
                    "toinen vaihtoehto",
                    "toisessa vaihtoehdossa",
                    "kolmas vaihtoehto",
                    "viimeinen vaihtoehto",
                    "första alternativet",
                    "andra alternativet",
                    "tredje alternativet",
                ] {
                    assert!(
                        !e.contains(positional),
                        "{}/{}: “{positional}” in an explanation",
                        c.slug,
                        l.slug
                    );
                }
            }
        }
    }
    let refresher = course_text(course(&all, "kertaava-valmennus"));
    // The act on supervision is new (1.1.2024), not among what did not change.
    assert!(refresher.contains("741/2023"));
    let unchanged = refresher
        .split("Mikä ei muuttunut")
        .nth(1)
        .and_then(|rest| rest.split("<h2").next())
        .expect("the section on what did not change");
    assert!(!unchanged.contains("valvon"), "{unchanged}");
    assert!(refresher.contains("1.11.2021–31.12.2023"));
    assert!(refresher.contains("159/2007"));
    assert!(refresher.contains("3/2024"), "THL's binding regulation");
    let basic = course_text(course(&all, "kirjaamisvalmennus"));
    for must in [
        "Asiakkuusasiakirja",
        "Toteuttamissuunnitelma",
        "sähköistä asiakastietojärjestelmää",
        "3/2024",
        "sitova",
        "iäkkäiden palvelut",
        "työikäisten palvelut",
        "lapsiperheiden palvelut",
    ] {
        assert!(basic.contains(must), "the basic course says {must}");
    }
}
