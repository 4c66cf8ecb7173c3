//! The open knowledge bank (tietopankki): the lesson summaries of the published courses, the
//! answer bank's questions and answers (`discussions::answers`) and the example entries of the
//! writing exercises (`exercises::examples`), grouped by theme, each on its own page (a
//! summary with the lesson's sources), and searchable together. Public and free to reuse
//! (CC BY 4.0); nothing else of a course or its discussions is shown here.
//!
//! The bank is read in one content language: the page's, when a course in that language is
//! published (Swedish pages show the Swedish course's summaries), else Finnish. A summary's
//! page links to the same lesson in the course's other languages (`translation_of`).

use std::collections::HashMap;

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
    /// The lesson's sources (empty for an answer-bank entry).
    pub sources_html: String,
    /// The course's language: the entry's text is in it.
    pub language: String,
    pub published_at: chrono::NaiveDateTime,
}

/// The same lesson in another language of its course.
#[derive(Debug, Clone, Serialize)]
pub struct Counterpart {
    pub language: String,
    pub course_slug: String,
    pub lesson_slug: String,
    pub title: String,
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
    String,
    String,
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
            lessons::sources_html,
            courses::language,
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
        sources_html: r.8,
        language: r.9,
        published_at: r.7,
    }
}

/// The language the bank is read in on a page in `page_language`: that language when a
/// course in it is published, else Finnish.
pub fn content_language(conn: &mut AnyConnection, page_language: &str) -> AppResult<String> {
    let published: i64 = courses::table
        .filter(courses::active.eq(true))
        .filter(courses::language.eq(page_language))
        .count()
        .get_result(conn)?;
    Ok(if published > 0 {
        page_language.to_string()
    } else {
        "fi".to_string()
    })
}

/// The language of every published course, by slug (answer-bank entries are in their
/// course's language).
fn course_languages(conn: &mut AnyConnection) -> AppResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = courses::table
        .select((courses::slug, courses::language))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

fn answer_entry(a: PublicAnswer, languages: &HashMap<String, String>) -> Entry {
    let language = languages
        .get(&a.course_slug)
        .cloned()
        .unwrap_or_else(|| "fi".into());
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
        sources_html: String::new(),
        language,
        published_at: a.published_at,
    }
}

fn example_entry(e: PublicExample, languages: &HashMap<String, String>) -> Entry {
    let language = languages
        .get(&e.course_slug)
        .cloned()
        .unwrap_or_else(|| "fi".into());
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
        sources_html: String::new(),
        language,
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

/// Every entry in `language`, grouped by theme in course order; the answer bank's entries
/// after the lessons of their theme.
pub fn by_theme(conn: &mut AnyConnection, language: &str) -> AppResult<Vec<ThemeGroup>> {
    let rows: Vec<Row> = query()
        .filter(courses::language.eq(language))
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
    let languages = course_languages(conn)?;
    for a in answers::public_all(conn)? {
        let e = answer_entry(a, &languages);
        if e.language != language {
            continue;
        }
        let theme = theme_of(&e);
        if let Some(g) = groups.iter_mut().find(|g| g.theme == theme) {
            g.answers.push(e);
        }
    }
    for x in examples::public_all(conn)? {
        let e = example_entry(x, &languages);
        if e.language != language {
            continue;
        }
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

/// The same lesson in the other languages of its course: the course it translates and that
/// course's other translations, matched by module and lesson position (the compiler keeps
/// the structures equal).
pub fn counterparts(conn: &mut AnyConnection, entry: &Entry) -> AppResult<Vec<Counterpart>> {
    let (translation_of, module_pos, lesson_pos): (Option<String>, i32, i32) = lessons::table
        .inner_join(course_modules::table)
        .inner_join(courses::table.on(courses::id.eq(lessons::course_id)))
        .filter(lessons::id.eq(entry.id))
        .select((
            courses::translation_of,
            course_modules::position,
            lessons::position,
        ))
        .first(conn)?;
    let original = translation_of.unwrap_or_else(|| entry.course_slug.clone());
    let rows: Vec<Row> = query()
        .filter(
            courses::slug
                .eq(&original)
                .or(courses::translation_of.eq(&original)),
        )
        .filter(courses::slug.ne(&entry.course_slug))
        .filter(course_modules::position.eq(module_pos))
        .filter(lessons::position.eq(lesson_pos))
        .order(courses::language)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(to_entry)
        .map(|e| Counterpart {
            language: e.language,
            course_slug: e.course_slug,
            lesson_slug: e.lesson_slug,
            title: e.title,
        })
        .collect())
}

/// Entries (lessons, answers and examples) in `language` matching every word of the query, best first.
pub fn search(conn: &mut AnyConnection, q: &str, language: &str) -> AppResult<Vec<Entry>> {
    let keys = search::search_in(conn, q, language, 50)?;
    let ids = |prefix: &str| -> Vec<i64> {
        keys.iter()
            .filter_map(|k| k.strip_prefix(prefix)?.parse().ok())
            .collect()
    };
    let rows: Vec<Row> = query()
        .filter(lessons::id.eq_any(&ids("lesson:")))
        .load(conn)?;
    let mut entries: Vec<Entry> = rows.into_iter().map(to_entry).collect();
    let languages = course_languages(conn)?;
    entries.extend(
        answers::public_by_ids(conn, &ids("answer:"))?
            .into_iter()
            .map(|a| answer_entry(a, &languages)),
    );
    entries.extend(
        examples::public_by_ids(conn, &ids("example:"))?
            .into_iter()
            .map(|x| example_entry(x, &languages)),
    );
    entries.sort_by_key(|e| {
        let key = format!("{}:{}", e.kind, e.id);
        keys.iter().position(|k| *k == key)
    });
    Ok(entries)
}
