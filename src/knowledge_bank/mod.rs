//! The open knowledge bank (tietopankki): the lesson summaries of the published courses, the
//! answer bank's questions and answers (`discussions::answers`) and the example entries of the
//! writing exercises (`exercises::examples`), grouped by theme, each on its own page, and
//! searchable together. Public and free to reuse (CC BY 4.0); nothing else
//! of a course or its discussions is shown here.

pub mod kits;

use crate::db::schema::{course_modules, courses, lessons};
use crate::db::{search, AnyConnection};
use crate::discussions::answers::{self, PublicAnswer};
use crate::exercises::examples::{self, PublicExample};
use crate::AppResult;
use diesel::prelude::*;
use serde::Serialize;

/// A lesson summary (`kind` "lesson") or an answer bank entry (`kind` "answer", whose
/// `summary_html` is the answer and `lesson_slug` empty).
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub kind: &'static str,
    /// The entry's page.
    pub url: String,
    pub id: i64,
    pub course_slug: String,
    pub course_title: String,
    pub lesson_slug: String,
    pub title: String,
    pub theme: Option<String>,
    pub summary_html: String,
    pub published_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThemeGroup {
    /// The theme code (`client-centred`, …), or `other`.
    pub theme: String,
    pub entries: Vec<Entry>,
    /// The answer bank's entries of this theme.
    pub answers: Vec<Entry>,
    /// The example entries of this theme.
    pub examples: Vec<Entry>,
}

/// The order in which themes are shown, as in the basic course.
pub const THEMES: [&str; 6] = [
    "client-centred",
    "multiprofessional",
    "structured",
    "archiving",
    "secondary-use",
    "other",
];

type Row = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    chrono::NaiveDateTime,
);

#[diesel::dsl::auto_type(no_type_alias)]
fn query() -> _ {
    lessons::table
        .inner_join(course_modules::table)
        .inner_join(courses::table.on(courses::id.eq(lessons::course_id)))
        .filter(lessons::active.eq(true))
        .filter(courses::active.eq(true))
        .filter(lessons::summary_html.is_not_null())
        .select((
            lessons::id,
            courses::slug,
            courses::title,
            lessons::slug,
            lessons::title,
            course_modules::theme,
            lessons::summary_html,
            lessons::published_at,
        ))
}

fn to_entry(r: Row) -> Entry {
    Entry {
        kind: "lesson",
        url: format!("/tietopankki/{}/{}", r.1, r.3),
        id: r.0,
        course_slug: r.1,
        course_title: r.2,
        lesson_slug: r.3,
        title: r.4,
        theme: r.5,
        summary_html: r.6.unwrap_or_default(),
        published_at: r.7,
    }
}

fn answer_entry(a: PublicAnswer) -> Entry {
    Entry {
        kind: "answer",
        url: format!("/tietopankki/vastaukset/{}", a.id),
        id: a.id,
        course_slug: a.course_slug,
        course_title: a.course_title,
        lesson_slug: String::new(),
        title: a.title,
        theme: a.theme,
        summary_html: a.answer_html,
        published_at: a.published_at,
    }
}

fn example_entry(e: PublicExample) -> Entry {
    Entry {
        kind: "example",
        url: format!("/tietopankki/esimerkit/{}", e.id),
        id: e.id,
        course_slug: e.course_slug,
        course_title: e.course_title,
        lesson_slug: String::new(),
        title: e.title,
        theme: e.theme,
        summary_html: e.feedback_html,
        published_at: e.published_at,
    }
}

/// The theme group an entry belongs to: its theme if it is one of [`THEMES`], else `other`.
fn theme_of(e: &Entry) -> String {
    e.theme
        .clone()
        .filter(|t| THEMES.contains(&t.as_str()))
        .unwrap_or_else(|| "other".into())
}

/// Every entry, grouped by theme in course order; the answer bank's entries after the
/// lessons of their theme.
pub fn by_theme(conn: &mut AnyConnection) -> AppResult<Vec<ThemeGroup>> {
    let rows: Vec<Row> = query()
        .order((
            courses::kind,
            courses::slug,
            course_modules::position,
            lessons::position,
        ))
        .load(conn)?;
    let mut groups: Vec<ThemeGroup> = THEMES
        .iter()
        .map(|t| ThemeGroup {
            theme: t.to_string(),
            entries: Vec::new(),
            answers: Vec::new(),
            examples: Vec::new(),
        })
        .collect();
    for r in rows {
        let e = to_entry(r);
        let theme = theme_of(&e);
        if let Some(g) = groups.iter_mut().find(|g| g.theme == theme) {
            g.entries.push(e);
        }
    }
    for a in answers::public_all(conn)? {
        let e = answer_entry(a);
        let theme = theme_of(&e);
        if let Some(g) = groups.iter_mut().find(|g| g.theme == theme) {
            g.answers.push(e);
        }
    }
    for x in examples::public_all(conn)? {
        let e = example_entry(x);
        let theme = theme_of(&e);
        if let Some(g) = groups.iter_mut().find(|g| g.theme == theme) {
            g.examples.push(e);
        }
    }
    groups.retain(|g| !g.entries.is_empty() || !g.answers.is_empty() || !g.examples.is_empty());
    Ok(groups)
}

pub fn entry(conn: &mut AnyConnection, course_slug: &str, lesson_slug: &str) -> AppResult<Entry> {
    let row: Row = query()
        .filter(courses::slug.eq(course_slug))
        .filter(lessons::slug.eq(lesson_slug))
        .first(conn)?;
    Ok(to_entry(row))
}

/// Entries (lessons, answers and examples) matching every word of the query, best first.
pub fn search(conn: &mut AnyConnection, q: &str) -> AppResult<Vec<Entry>> {
    let keys = search::search(conn, q, 50)?;
    let ids = |prefix: &str| -> Vec<i64> {
        keys.iter()
            .filter_map(|k| k.strip_prefix(prefix)?.parse().ok())
            .collect()
    };
    let rows: Vec<Row> = query()
        .filter(lessons::id.eq_any(&ids("lesson:")))
        .load(conn)?;
    let mut entries: Vec<Entry> = rows.into_iter().map(to_entry).collect();
    entries.extend(
        answers::public_by_ids(conn, &ids("answer:"))?
            .into_iter()
            .map(answer_entry),
    );
    entries.extend(
        examples::public_by_ids(conn, &ids("example:"))?
            .into_iter()
            .map(example_entry),
    );
    entries.sort_by_key(|e| {
        let key = format!("{}:{}", e.kind, e.id);
        keys.iter().position(|k| *k == key)
    });
    Ok(entries)
}
