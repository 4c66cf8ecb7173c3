//! The course outline: a course's active lessons by module, each marked done or not for one
//! trainee, with the totals and the next lesson (built from the lesson cache,
//! `cache::CourseVersion::outline`), and the roster's done counts.

use crate::db::schema::{course_modules, lesson_progress, lessons};
use crate::db::AnyConnection;
use crate::AppResult;
use diesel::prelude::*;
use serde::Serialize;

/// A lesson in the outline. The texts are borrowed from the course version in memory: the
/// lesson page builds an outline on every request, and copying each title and module intro
/// was most of its allocations.
#[derive(Debug, Clone, Serialize)]
pub struct OutlineLesson<'a> {
    pub id: i64,
    pub slug: &'a str,
    pub title: &'a str,
    pub minutes: i32,
    pub done: bool,
    /// The slug and title escaped for HTML once, when the course version was loaded (the
    /// lesson page's navigation writes them on every request).
    #[serde(skip)]
    pub slug_html: &'a str,
    #[serde(skip)]
    pub title_html: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutlineModule<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub theme: Option<&'a str>,
    pub intro_html: &'a str,
    pub lessons: Vec<OutlineLesson<'a>>,
    pub done: usize,
    pub total: usize,
    pub percent: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outline<'a> {
    pub course_title: &'a str,
    /// The language the course is written in (`course.toml`), so pages in another language
    /// can mark its titles and text.
    pub course_language: &'a str,
    pub modules: Vec<OutlineModule<'a>>,
    pub done: usize,
    pub total: usize,
    pub percent: u32,
    /// The first lesson not yet done, in course order.
    pub next_slug: Option<&'a str>,
}

/// `done` of `total` as a whole percentage (0 for an empty course).
pub fn percent(done: usize, total: usize) -> u32 {
    (done * 100).checked_div(total).unwrap_or(0) as u32
}

/// The outline's totals and next lesson, from its modules.
pub(super) fn finish_outline<'a>(
    course_title: &'a str,
    course_language: &'a str,
    modules: Vec<OutlineModule<'a>>,
) -> Outline<'a> {
    let total: usize = modules.iter().map(|m| m.total).sum();
    let done_n: usize = modules.iter().map(|m| m.done).sum();
    let next_slug = modules
        .iter()
        .flat_map(|m| &m.lessons)
        .find(|l| !l.done)
        .map(|l| l.slug);
    Outline {
        course_title,
        course_language,
        modules,
        done: done_n,
        total,
        percent: percent(done_n, total),
        next_slug,
    }
}

/// How many of the course's active lessons each of `users` has done, and how many there are:
/// the outline's figures for a whole roster in two statements rather than an outline per
/// trainee.
pub fn done_counts(
    conn: &mut AnyConnection,
    course_id: i64,
    users: &[i64],
) -> AppResult<(usize, std::collections::HashMap<i64, usize>)> {
    let ids: Vec<i64> = lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::active.eq(true))
        .filter(course_modules::active.eq(true))
        .select(lessons::id)
        .load(conn)?;
    let done: Vec<(i64, i64)> = lesson_progress::table
        .filter(lesson_progress::user_id.eq_any(users))
        .filter(lesson_progress::lesson_id.eq_any(&ids))
        .filter(lesson_progress::done_at.is_not_null())
        .group_by(lesson_progress::user_id)
        .select((lesson_progress::user_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok((
        ids.len(),
        done.into_iter().map(|(u, n)| (u, n as usize)).collect(),
    ))
}
