//! The lesson page's article and the course's navigation, written here rather than in a
//! template. The lesson's own text is HTML already (compiled and sanitised at publish); around
//! it the page has the checks' choices, each reader's answers and the outline, and through tera
//! every `{% if %}` and path lookup of those loops cost more than everything else the page does
//! (benches/README.md, "Issue 19"). Everything that is not the course's compiled HTML is escaped
//! here. The page around the article is still `base.html`, through `learning/lesson.html`.

use crate::cohorts::CohortRole;
use crate::i18n::Catalog;
use crate::learning::outline::{Outline, OutlineLesson, OutlineModule};
use crate::learning::{CheckOutcome, Lesson};
use crate::templates::{escape_html as esc, ui_text};
use std::fmt::Write;

/// A choice as the page shows it: its own index (what the form sends) and its text.
pub struct ShownChoice<'a> {
    pub index: usize,
    pub text: &'a str,
}

/// One check as this reader sees it.
pub struct CheckState<'a> {
    /// The choices in this reader's own order.
    pub shown: Vec<ShownChoice<'a>>,
    /// What the reader chose last.
    pub chosen: Vec<usize>,
    /// Whether that was right; None when the check is not answered.
    pub right: Option<bool>,
}

/// Everything the article shows.
pub struct Article<'a> {
    pub t: &'a Catalog,
    /// The page's language code.
    pub lang: &'a str,
    pub csrf_token: &'a str,
    pub cohort_id: i64,
    pub cohort_name: &'a str,
    pub role: CohortRole,
    pub lesson: &'a Lesson,
    pub outline: &'a Outline<'a>,
    pub module: Option<&'a OutlineModule<'a>>,
    /// The lesson's place in the course, from 1.
    pub position: usize,
    pub prev: Option<&'a OutlineLesson<'a>>,
    pub next: Option<&'a OutlineLesson<'a>>,
    /// Whether the reader has done the lesson.
    pub done: bool,
    pub checks: Vec<CheckState<'a>>,
    /// The result of the last answers, shown after the redirect that follows answering.
    pub outcome: Option<&'a CheckOutcome>,
    /// The key of the text saying why answers could not be graded.
    pub check_error: Option<&'a str>,
    /// The writing exercise's section, rendered (`exercises/section.html`).
    pub exercise_html: Option<String>,
    /// The course's navigation (`super::nav::course_nav`).
    pub course_nav: String,
}

impl Article<'_> {
    /// A UI text, escaped.
    fn text(&self, key: &str) -> String {
        ui_text(self.t, key, &[])
    }

    /// A UI text with `{name}` values filled in, escaped.
    fn text_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        ui_text(self.t, key, args)
    }

    /// ` lang="…"` on the lesson's own text when the page is in another language.
    fn lesson_lang(&self) -> String {
        lang_attr(&self.lesson.language, self.lang)
    }

    /// ` lang="…"` on the course's titles when the page is in another language.
    fn course_lang(&self) -> String {
        lang_attr(self.outline.course_language, self.lang)
    }

    pub fn html(&self) -> String {
        let lesson = self.lesson;
        let id = self.cohort_id;
        let slug = esc(&lesson.slug);
        let lesson_lang = self.lesson_lang();
        let course_lang = self.course_lang();
        let mut h = String::with_capacity(lesson.body_html.len() + self.course_nav.len() + 8192);
        let _ = write!(
            h,
            "<nav aria-label=\"{}\" class=\"breadcrumb\"><ol><li><a href=\"/\">{}</a></li>\
             <li><a href=\"/ryhmat/{id}/\">{}</a></li>",
            self.text("learning.breadcrumb"),
            self.text("nav.home"),
            esc(self.cohort_name)
        );
        if let Some(m) = self.module {
            let _ = write!(h, "<li{course_lang}>{}</li>", esc(m.title));
        }
        let minutes = lesson.minutes.to_string();
        let reading_time = if lesson.minutes == 1 {
            "learning.reading_time.one"
        } else {
            "learning.reading_time.other"
        };
        let _ = write!(
            h,
            "</ol></nav>\n<div class=\"lesson-layout\">\n\
             <article class=\"lesson\" aria-labelledby=\"lesson-title\">\n  \
             <h1 id=\"lesson-title\"{lesson_lang}>{}</h1>\n  <p class=\"meta\">{} · {}</p>\n",
            esc(&lesson.title),
            self.text_with(reading_time, &[("n", &minutes)]),
            self.text_with(
                "learning.lesson_of",
                &[
                    ("position", &self.position.to_string()),
                    ("total", &self.outline.total.to_string())
                ]
            ),
        );
        if let (CohortRole::Trainee, Some(m)) = (self.role, self.module) {
            let o = self.outline;
            let _ = write!(
                h,
                "  <div class=\"progress-row\">\n    \
                 <p><label for=\"module-progress\">{}</label> <progress id=\"module-progress\" \
                 max=\"{}\" value=\"{}\">{} %</progress> {}/{}</p>\n    \
                 <p><label for=\"course-progress\">{}</label> <progress id=\"course-progress\" \
                 max=\"{}\" value=\"{}\">{} %</progress> {}/{}</p>\n  </div>\n",
                self.text("learning.module_progress"),
                m.total,
                m.done,
                m.percent,
                m.done,
                m.total,
                self.text("learning.course_progress"),
                o.total,
                o.done,
                o.percent,
                o.done,
                o.total,
            );
        }
        if !lesson.toc.is_empty() {
            let _ = write!(
                h,
                "  <nav class=\"toc\" aria-labelledby=\"toc-h\">\n    \
                 <h2 id=\"toc-h\">{}</h2>\n    <ul{course_lang}>",
                self.text("learning.toc")
            );
            for e in &lesson.toc {
                let _ = write!(
                    h,
                    "<li class=\"toc-level-{}\"><a href=\"#{}\">{}</a></li>",
                    e.level,
                    esc(&e.id),
                    esc(&e.title)
                );
            }
            h.push_str("</ul>\n  </nav>\n");
        }
        let _ = writeln!(
            h,
            "  <div class=\"lesson-body\"{lesson_lang}>{}</div>",
            lesson.body_html
        );
        if let Some(section) = &self.exercise_html {
            h.push_str(section);
        }
        if !lesson.sources_html.is_empty() {
            let _ = write!(
                h,
                "  <section class=\"sources\" aria-labelledby=\"sources-h\">\n    \
                 <h2 id=\"sources-h\">{}</h2>\n    <div{lesson_lang}>{}</div>\n  </section>\n",
                self.text("content.sources"),
                lesson.sources_html
            );
        }
        if !lesson.checks.is_empty() {
            self.write_checks(&mut h, &slug, &lesson_lang);
        } else if self.role == CohortRole::Trainee && self.exercise_html.is_none() {
            h.push_str("  <section id=\"valmis\" class=\"mark-read\">\n");
            if self.done {
                let _ = writeln!(
                    h,
                    "    <p class=\"alert alert-success\">{}</p>",
                    self.text("learning.lesson_done")
                );
            } else {
                let _ = writeln!(
                    h,
                    "    <form method=\"post\" action=\"/ryhmat/{id}/{slug}/luettu\">\n      \
                     <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\n      \
                     <button type=\"submit\" class=\"button\">{}</button>\n    </form>",
                    esc(self.csrf_token),
                    self.text("learning.mark_read")
                );
            }
            h.push_str("  </section>\n");
        }
        let _ = write!(
            h,
            "  <section class=\"discussion-prompt\" aria-labelledby=\"discussion-h\">\n    \
             <h2 id=\"discussion-h\">{}</h2>\n    ",
            self.text("learning.discussion")
        );
        match lesson.discussion.as_deref().filter(|d| !d.is_empty()) {
            Some(prompt) => {
                let _ = write!(h, "<p{lesson_lang}>{}</p>", esc(prompt));
            }
            None => {
                let _ = write!(h, "<p>{}</p>", self.text("disc.lesson_area_hint"));
            }
        }
        let _ = write!(
            h,
            "\n    <p><a class=\"button\" href=\"/ryhmat/{id}/{slug}/keskustelu\">{}</a></p>\n  \
             </section>\n  <nav class=\"prev-next\" aria-label=\"{}\">\n",
            self.text("disc.open_lesson_area"),
            self.text("learning.prev_next")
        );
        if let Some(p) = self.prev {
            let _ = writeln!(
                h,
                "    <a rel=\"prev\" href=\"/ryhmat/{id}/{}\">← <span{course_lang}>{}</span></a>",
                p.slug_html, p.title_html
            );
        }
        if let Some(n) = self.next {
            let _ = writeln!(
                h,
                "    <a rel=\"next\" href=\"/ryhmat/{id}/{}\"><span{course_lang}>{}</span> →</a>",
                n.slug_html, n.title_html
            );
        }
        h.push_str("  </nav>\n</article>\n");
        h.push_str(&self.course_nav);
        h.push_str("</div>\n");
        h
    }

    /// The checks' form, with this reader's answers and the feedback on them.
    fn write_checks(&self, h: &mut String, slug: &str, lesson_lang: &str) {
        let id = self.cohort_id;
        let _ = writeln!(
            h,
            "  <section id=\"tarkistus\" class=\"checks\" aria-labelledby=\"checks-h\">\n    \
             <h2 id=\"checks-h\">{}</h2>",
            self.text("learning.checks")
        );
        if let Some(key) = self.check_error {
            let _ = writeln!(
                h,
                "    <div class=\"alert alert-error\" role=\"alert\">{}</div>",
                self.text(key)
            );
        } else if let Some(outcome) = self.outcome {
            let (class, key) = if outcome.all_correct {
                ("alert-success", "learning.all_correct")
            } else {
                ("alert-error", "learning.not_all_correct")
            };
            let _ = writeln!(
                h,
                "    <div class=\"alert {class}\" role=\"status\">{}</div>",
                self.text(key)
            );
        } else if self.done {
            let _ = writeln!(
                h,
                "    <p class=\"alert alert-success\">{}</p>",
                self.text("learning.lesson_done")
            );
        }
        let _ = writeln!(
            h,
            "    <form method=\"post\" action=\"/ryhmat/{id}/{slug}/tarkistus#tarkistus\">\n      \
             <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">",
            esc(self.csrf_token)
        );
        let trainee = self.role == CohortRole::Trainee;
        for (qi, (check, state)) in self.lesson.checks.iter().zip(&self.checks).enumerate() {
            let multi = check.correct.len() > 1;
            let described = if state.right.is_some() {
                format!("check-{qi}-hint check-{qi}-feedback")
            } else {
                format!("check-{qi}-hint")
            };
            let _ = writeln!(
                h,
                "      <fieldset class=\"check\" aria-describedby=\"{described}\">\n        \
                 <legend{lesson_lang}>{}. {}</legend>\n        \
                 <p class=\"hint\" id=\"check-{qi}-hint\">{}</p>",
                qi + 1,
                esc(&check.question),
                self.text(if multi {
                    "learning.choose_all"
                } else {
                    "learning.choose_one"
                })
            );
            let kind = if multi { "checkbox" } else { "radio" };
            for choice in &state.shown {
                let ci = choice.index;
                let checked = if state.chosen.contains(&ci) {
                    " checked"
                } else {
                    ""
                };
                let disabled = if trainee { "" } else { " disabled" };
                let _ = writeln!(
                    h,
                    "        <div class=\"choice\">\n          \
                     <input type=\"{kind}\" id=\"c{qi}-{ci}\" name=\"c{qi}\" value=\"{ci}\"{checked}{disabled}>\n          \
                     <label for=\"c{qi}-{ci}\"{lesson_lang}>{}</label>\n        </div>",
                    esc(choice.text)
                );
            }
            if let Some(right) = state.right {
                let (class, key) = if right {
                    ("feedback-right", "learning.right")
                } else {
                    ("feedback-wrong", "learning.wrong")
                };
                let _ = writeln!(
                    h,
                    "        <div class=\"feedback {class}\" id=\"check-{qi}-feedback\">\n          \
                     <p><strong>{}</strong></p>\n          <div{lesson_lang}>{}</div>\n        </div>",
                    self.text(key),
                    check.explain_html
                );
            }
            h.push_str("      </fieldset>\n");
        }
        if trainee {
            let _ = writeln!(
                h,
                "      <button type=\"submit\" class=\"button\">{}</button>",
                self.text("learning.check_answers")
            );
        }
        h.push_str("    </form>\n  </section>\n");
    }
}

/// ` lang="…"` when the text's language is not the page's.
pub(super) fn lang_attr(text_lang: &str, page_lang: &str) -> String {
    if text_lang != page_lang {
        format!(" lang=\"{}\"", esc(text_lang))
    } else {
        String::new()
    }
}
