//! The lesson article's HTML: escaping, the roles' forms, the course's language marked.
use super::html::*;
use super::nav::course_nav;
use crate::cohorts::CohortRole;
use crate::courses::publish::{StoredCheck, StoredTocEntry};
use crate::i18n::Catalog;
use crate::i18n::Lang;
use crate::learning::outline::OutlineModule;
use crate::learning::outline::{Outline, OutlineLesson};
use crate::learning::Lesson;

fn lesson() -> Lesson {
    Lesson {
        id: 7,
        course_id: 1,
        slug: "mita-kirjataan".into(),
        title: "Mitä <kirjataan>".into(),
        minutes: 1,
        discussion: Some("Kerro & kysy".into()),
        body_html: "<p>Kirjattu teksti</p>".into(),
        toc: vec![StoredTocEntry {
            level: 2,
            id: "osa-1".into(),
            title: "Osa \"1\"".into(),
        }],
        checks: vec![StoredCheck {
            question: "Kumpi <b>oikein</b>?".into(),
            choices: vec!["A".into(), "B <i>".into()],
            correct: vec![1],
            explain_html: "<p>Selitys</p>".into(),
        }],
        sources_html: String::new(),
        language: "fi".into(),
    }
}

fn outline() -> Outline<'static> {
    Outline {
        course_title: "Kirjaaminen",
        course_language: "fi",
        modules: vec![OutlineModule {
            slug: "m",
            title: "Teema <1>",
            theme: None,
            intro_html: "",
            lessons: vec![OutlineLesson {
                id: 7,
                slug: "mita-kirjataan",
                title: "Mitä <kirjataan>",
                minutes: 1,
                done: false,
                slug_html: "mita-kirjataan",
                title_html: "Mitä &lt;kirjataan&gt;",
            }],
            done: 0,
            total: 1,
            percent: 0,
        }],
        done: 0,
        total: 1,
        percent: 0,
        next_slug: None,
    }
}

fn page(role: CohortRole, lang: Lang, chosen: Vec<usize>) -> String {
    let catalog = Catalog::load(lang).unwrap();
    let lesson = lesson();
    let outline = outline();
    let right = (!chosen.is_empty()).then(|| chosen == vec![1]);
    Article {
        t: &catalog,
        lang: lang.code(),
        csrf_token: "tok\"en",
        cohort_id: 4,
        cohort_name: "Ryhmä <script>alert(1)</script>",
        role,
        lesson: &lesson,
        outline: &outline,
        module: outline.modules.first(),
        position: 1,
        prev: None,
        next: None,
        done: false,
        checks: vec![CheckState {
            shown: vec![
                ShownChoice {
                    index: 1,
                    text: "B <i>",
                },
                ShownChoice {
                    index: 0,
                    text: "A",
                },
            ],
            chosen,
            right,
        }],
        outcome: None,
        check_error: None,
        exercise_html: None,
        course_nav: course_nav(&outline, 4, &lesson, lang.code(), "tehty"),
    }
    .html()
}

#[test]
fn what_people_wrote_is_escaped_and_the_course_html_is_not() {
    let html = page(CohortRole::Trainee, Lang::Fi, vec![]);
    assert!(html.contains("Ryhmä &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>"));
    assert!(html.contains("<h1 id=\"lesson-title\">Mitä &lt;kirjataan&gt;</h1>"));
    assert!(html.contains("Kumpi &lt;b&gt;oikein&lt;/b&gt;?"));
    assert!(html.contains(">B &lt;i&gt;</label>"));
    assert!(
        html.contains("value=\"tok&quot;en\""),
        "the token in its attribute"
    );
    assert!(
        html.contains("<p>Kirjattu teksti</p>"),
        "the compiled lesson as it is"
    );
    assert!(html.contains("<p>Kerro &amp; kysy</p>"));
    assert!(
        html.contains("Lukuaika noin 1 minuutti"),
        "one minute, singular"
    );
    assert!(html.contains("oppitunti 1/1"));
}

#[test]
fn a_trainee_answers_and_a_trainer_sees_the_form_disabled() {
    let unanswered = page(CohortRole::Trainee, Lang::Fi, vec![]);
    assert!(unanswered.contains("<button type=\"submit\" class=\"button\">"));
    assert!(!unanswered.contains(" disabled"));
    assert!(!unanswered.contains("feedback"));
    assert!(unanswered.contains("aria-describedby=\"check-0-hint\""));
    assert!(
        unanswered.contains("id=\"module-progress\""),
        "a trainee's progress"
    );
    // The reader's own order: B before A, each sending its own index.
    let b = unanswered.find("id=\"c0-1\"").unwrap();
    let a = unanswered.find("id=\"c0-0\"").unwrap();
    assert!(b < a);

    let wrong = page(CohortRole::Trainee, Lang::Fi, vec![0]);
    assert!(wrong.contains("value=\"0\" checked>"));
    assert!(wrong.contains("class=\"feedback feedback-wrong\" id=\"check-0-feedback\""));
    assert!(wrong.contains("aria-describedby=\"check-0-hint check-0-feedback\""));
    assert!(wrong.contains("<p>Selitys</p>"));
    let right = page(CohortRole::Trainee, Lang::Fi, vec![1]);
    assert!(right.contains("feedback-right"));

    let trainer = page(CohortRole::Trainer, Lang::Fi, vec![]);
    assert!(trainer.contains("value=\"1\" disabled>"));
    assert!(
        !trainer.contains("<button type=\"submit\""),
        "a trainer does not answer"
    );
    assert!(!trainer.contains("id=\"module-progress\""));
}

#[test]
fn the_course_text_is_marked_on_a_page_in_another_language() {
    let sv = page(CohortRole::Trainee, Lang::Sv, vec![]);
    assert!(sv.contains("<h1 id=\"lesson-title\" lang=\"fi\">"));
    assert!(sv.contains("<div class=\"lesson-body\" lang=\"fi\">"));
    assert!(sv.contains(
        "<ul lang=\"fi\"><li class=\"toc-level-2\"><a href=\"#osa-1\">Osa &quot;1&quot;</a>"
    ));
    assert!(sv.contains("<h3 lang=\"fi\">Teema &lt;1&gt;</h3>"));
    let fi = page(CohortRole::Trainee, Lang::Fi, vec![]);
    assert!(!fi.contains(" lang=\"fi\""));
}
