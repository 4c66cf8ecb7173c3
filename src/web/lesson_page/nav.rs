//! The course's navigation beside the lesson: the page's longest loop, written in place.

use super::html::lang_attr;
use crate::learning::outline::Outline;
use crate::learning::Lesson;
use crate::templates::escape_html as esc;
use std::fmt::Write;

/// The course's navigation beside the lesson: its modules and lessons, the reader's done marks
/// and the lesson shown.
pub fn course_nav(
    outline: &Outline<'_>,
    cohort_id: i64,
    lesson: &Lesson,
    page_lang: &str,
    done_text: &str,
) -> String {
    // The titles are in the course's language: marked when the page is in another.
    let lang = lang_attr(&lesson.language, page_lang);
    let done = format!(
        " <span class=\"done\">✓ <span class=\"visually-hidden\">{}</span></span>",
        esc(done_text)
    );
    let mut html = String::with_capacity(4096);
    let _ = write!(
        html,
        "<nav class=\"course-nav\" aria-labelledby=\"course-nav-h\">\n  \
         <h2 id=\"course-nav-h\"{lang}>{}</h2>\n",
        esc(outline.course_title)
    );
    for m in &outline.modules {
        let _ = write!(html, "  <h3{lang}>{}</h3>\n  <ol>\n", esc(m.title));
        // The page's longest loop: written piece by piece, from texts escaped when the course
        // version was loaded.
        let href = format!("    <li><a href=\"/ryhmat/{cohort_id}/");
        for l in &m.lessons {
            html.push_str(&href);
            html.push_str(l.slug_html);
            html.push('"');
            if l.id == lesson.id {
                html.push_str(" aria-current=\"page\"");
            }
            html.push_str(&lang);
            html.push('>');
            html.push_str(l.title_html);
            html.push_str("</a>");
            if l.done {
                html.push_str(&done);
            }
            html.push_str("</li>\n");
        }
        html.push_str("  </ol>\n");
    }
    html.push_str("</nav>\n");
    html
}
