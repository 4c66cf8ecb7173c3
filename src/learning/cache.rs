//! The published courses in memory, for the lesson pages. A compiled course changes only when
//! it is published again, and every publish that changes anything gives the course a new
//! `content_hash`; so each server keeps the current version of each course it has served (the
//! rendered lessons, their checks and exercises, the outline's structure) keyed by that hash,
//! and the page compares it with the hash it reads anyway in its one cohort query
//! (`cohorts::reader::open_for`). Another server's publish shows on this server's next request;
//! an old version is dropped when the new one is loaded. Nothing per user is kept here: progress,
//! answers and the choice order are read or computed per request.

use super::outline::{percent, Outline, OutlineLesson, OutlineModule};
use super::{Lesson, Progress};
use crate::cohorts::reader::ProgressRow;
use crate::courses::exercise_model::Exercise;
use crate::courses::publish::{StoredCheck, StoredTocEntry};
use crate::db::schema::{course_modules, courses, lesson_progress, lessons};
use crate::db::schema_exercises::lesson_exercises;
use crate::db::{read_snapshot, AnyConnection};
use crate::{AppError, AppResult};
use diesel::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::{Arc, RwLock};

/// The lessons a reader has done, by id (a few dozen: ordered, no hashing).
pub type Done = BTreeSet<i64>;

/// One version of each course this server has served, by course id.
#[derive(Default)]
pub struct LessonCache {
    courses: RwLock<HashMap<i64, Arc<CourseVersion>>>,
}

/// A lesson as published, with its exercise (if it has one).
#[derive(Debug)]
pub struct CachedLesson {
    pub lesson: Lesson,
    pub exercise: Option<Exercise>,
    /// The slug and title escaped for HTML (the outline's `slug_html`, `title_html`).
    slug_html: String,
    title_html: String,
}

#[derive(Debug)]
struct ModuleShape {
    slug: String,
    title: String,
    theme: Option<String>,
    intro_html: String,
    /// Its lessons' places in `CourseVersion::lessons`.
    lessons: Range<usize>,
}

/// One published version of a course: what every reader of it sees alike.
#[derive(Debug)]
pub struct CourseVersion {
    pub course_id: i64,
    pub content_hash: String,
    pub title: String,
    pub language: String,
    modules: Vec<ModuleShape>,
    /// The active lessons in course order.
    lessons: Vec<Arc<CachedLesson>>,
    by_slug: HashMap<String, usize>,
}

impl LessonCache {
    pub fn new() -> LessonCache {
        LessonCache::default()
    }

    /// The course as published under `content_hash` (the hash the caller has just read from
    /// the database): from memory when this server holds that version, else loaded and kept
    /// in place of the version it held.
    pub fn course(
        &self,
        conn: &mut AnyConnection,
        course_id: i64,
        content_hash: &str,
    ) -> AppResult<Arc<CourseVersion>> {
        if let Some(held) = self.read().get(&course_id) {
            if held.content_hash == content_hash {
                return Ok(held.clone());
            }
        }
        let loaded = Arc::new(read_snapshot(conn, |c| load(c, course_id))?);
        // A publish between the caller's read and this load gives a newer version than the
        // caller saw: serve it, and keep it only when it is the one asked for (the next
        // request, which sees the new hash, loads it again).
        if loaded.content_hash == content_hash {
            self.write().insert(course_id, loaded.clone());
        }
        Ok(loaded)
    }

    /// How many courses and lessons are held (for tests and logs).
    pub fn held(&self) -> (usize, usize) {
        let courses = self.read();
        (
            courses.len(),
            courses.values().map(|v| v.lessons.len()).sum(),
        )
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<i64, Arc<CourseVersion>>> {
        // A panic elsewhere while holding the lock leaves only whole entries behind.
        self.courses.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<i64, Arc<CourseVersion>>> {
        self.courses.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl CourseVersion {
    /// The active lesson with this slug.
    pub fn lesson(&self, slug: &str) -> Option<Arc<CachedLesson>> {
        self.by_slug.get(slug).map(|i| self.lessons[*i].clone())
    }

    /// Whether this version has the lesson, active (a few dozen lessons: a scan).
    pub fn has_lesson(&self, lesson_id: i64) -> bool {
        self.lessons.iter().any(|l| l.lesson.id == lesson_id)
    }

    /// The course outline for a reader who has done `done`.
    pub fn outline(&self, done: &Done) -> Outline<'_> {
        let modules = self
            .modules
            .iter()
            .map(|m| {
                let lessons: Vec<OutlineLesson> = self.lessons[m.lessons.clone()]
                    .iter()
                    .map(|l| OutlineLesson {
                        id: l.lesson.id,
                        slug: &l.lesson.slug,
                        title: &l.lesson.title,
                        minutes: l.lesson.minutes,
                        done: done.contains(&l.lesson.id),
                        slug_html: &l.slug_html,
                        title_html: &l.title_html,
                    })
                    .collect();
                let done_n = lessons.iter().filter(|l| l.done).count();
                OutlineModule {
                    slug: &m.slug,
                    title: &m.title,
                    theme: m.theme.as_deref(),
                    intro_html: &m.intro_html,
                    done: done_n,
                    total: lessons.len(),
                    percent: percent(done_n, lessons.len()),
                    lessons,
                }
            })
            .collect();
        super::outline::finish_outline(&self.title, &self.language, modules)
    }
}

/// module slug, title, theme, intro; lesson id, slug, title, minutes, discussion, body, toc,
/// checks, sources.
type Row = (
    (String, String, Option<String>, String),
    (i64, String, String, i32, Option<String>),
    (String, String, String, String),
);

/// Reads one version of the course; the hash first, so what follows is that version.
fn load(conn: &mut AnyConnection, course_id: i64) -> AppResult<CourseVersion> {
    let (title, language, content_hash): (String, String, String) = courses::table
        .find(course_id)
        .select((courses::title, courses::language, courses::content_hash))
        .first(conn)?;
    let rows: Vec<Row> = lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::active.eq(true))
        .filter(course_modules::active.eq(true))
        .order((course_modules::position, lessons::position))
        .select((
            (
                course_modules::slug,
                course_modules::title,
                course_modules::theme,
                course_modules::intro_html,
            ),
            (
                lessons::id,
                lessons::slug,
                lessons::title,
                lessons::minutes,
                lessons::discussion,
            ),
            (
                lessons::body_html,
                lessons::toc_json,
                lessons::checks_json,
                lessons::sources_html,
            ),
        ))
        .load(conn)?;
    let specs: HashMap<i64, String> = lesson_exercises::table
        .inner_join(lessons::table)
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::active.eq(true))
        .select((lesson_exercises::lesson_id, lesson_exercises::spec_json))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let json = |e: serde_json::Error| AppError::Internal(e.into());
    let mut modules: Vec<ModuleShape> = Vec::new();
    let mut cached = Vec::with_capacity(rows.len());
    let mut by_slug = HashMap::with_capacity(rows.len());
    for ((mslug, mtitle, theme, intro), (id, slug, ltitle, minutes, discussion), body) in rows {
        let (body_html, toc, checks, sources_html) = body;
        let at = cached.len();
        match modules.last_mut() {
            Some(m) if m.slug == mslug => m.lessons.end = at + 1,
            _ => modules.push(ModuleShape {
                slug: mslug,
                title: mtitle,
                theme,
                intro_html: intro,
                lessons: at..at + 1,
            }),
        }
        let toc: Vec<StoredTocEntry> = serde_json::from_str(&toc).map_err(json)?;
        let checks: Vec<StoredCheck> = serde_json::from_str(&checks).map_err(json)?;
        let exercise = match specs.get(&id) {
            Some(spec) => Some(serde_json::from_str::<Exercise>(spec).map_err(json)?),
            None => None,
        };
        by_slug.insert(slug.clone(), at);
        cached.push(Arc::new(CachedLesson {
            slug_html: crate::templates::escape_html(&slug),
            title_html: crate::templates::escape_html(&ltitle),
            lesson: Lesson {
                id,
                course_id,
                slug,
                title: ltitle,
                minutes,
                discussion,
                body_html,
                toc,
                checks,
                sources_html,
                language: language.clone(),
            },
            exercise,
        }));
    }
    Ok(CourseVersion {
        course_id,
        content_hash,
        title,
        language,
        modules,
        lessons: cached,
        by_slug,
    })
}

/// What one reader has done in the course: the lessons done, and the progress (answers) in
/// `lesson_id`. One statement, the same for every course (by the course's id, not a list of its
/// lessons' ids, which SQLite had to prepare anew each time). The lesson and cohort pages get
/// these rows with the cohort (`cohorts::reader::open_for`) instead.
pub fn progress_in(
    conn: &mut AnyConnection,
    user_id: i64,
    course: &CourseVersion,
    lesson_id: Option<i64>,
) -> AppResult<(Done, Progress)> {
    let rows: Vec<ProgressRow> = lesson_progress::table
        .inner_join(lessons::table)
        .filter(lesson_progress::user_id.eq(user_id))
        .filter(lessons::course_id.eq(course.course_id))
        .select((
            lesson_progress::lesson_id,
            // Whether, not when: parsing a timestamp per row was a tenth of this read.
            lesson_progress::done_at.is_not_null(),
            lesson_progress::answers_json,
        ))
        .load(conn)?;
    Ok(progress_from(course, rows, lesson_id))
}

/// The lessons done and `lesson_id`'s progress from a reader's `lesson_progress` rows. Rows of
/// lessons the published version does not have (another course's, or removed) are left out.
pub fn progress_from(
    course: &CourseVersion,
    rows: Vec<ProgressRow>,
    lesson_id: Option<i64>,
) -> (Done, Progress) {
    let mut done = Done::new();
    let mut progress = Progress::default();
    for (id, is_done, answers) in rows {
        if !course.has_lesson(id) {
            continue;
        }
        if is_done {
            done.insert(id);
        }
        if Some(id) == lesson_id {
            progress = Progress {
                done: is_done,
                answers: serde_json::from_str(&answers).unwrap_or_default(),
            };
        }
    }
    (done, progress)
}
