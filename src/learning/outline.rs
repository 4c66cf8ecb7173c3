//! The course outline: a course's active lessons by module, each marked done or not for one
//! trainee, with the totals and the next lesson (built from the lesson cache,
//! `cache::CourseVersion::outline`), and the roster's done counts.

use crate::db::schema::{course_modules, lesson_progress, lessons};
use crate::db::AnyConnection;
use crate::AppResult;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct OutlineLesson {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub minutes: i32,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutlineModule {
    pub slug: String,
    pub title: String,
    pub theme: Option<String>,
    pub intro_html: String,
    pub lessons: Vec<OutlineLesson>,
    pub done: usize,
    pub total: usize,
    pub percent: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outline {
    pub course_title: String,
    /// The language the course is written in (`course.toml`), so pages in another language
    /// can mark its titles and text.
    pub course_language: String,
    pub modules: Vec<OutlineModule>,
    pub done: usize,
    pub total: usize,
    pub percent: u32,
    /// The first lesson not yet done, in course order.
    pub next_slug: Option<String>,
}

/// `done` of `total` as a whole percentage (0 for an empty course).
pub fn percent(done: usize, total: usize) -> u32 {
    (done * 100).checked_div(total).unwrap_or(0) as u32
}

/// The outline's totals and next lesson, from its modules.
pub(super) fn finish_outline(
    course_title: String,
    course_language: String,
    modules: Vec<OutlineModule>,
) -> Outline {
    let total: usize = modules.iter().map(|m| m.total).sum();
    let done_n: usize = modules.iter().map(|m| m.done).sum();
    let next_slug = modules
        .iter()
        .flat_map(|m| &m.lessons)
        .find(|l| !l.done)
        .map(|l| l.slug.clone());
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
