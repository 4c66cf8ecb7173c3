//! Publishing: compiled courses into the database, all or nothing per course. Lessons keep
//! their identity by (course, slug): a republished lesson is updated in place, a lesson that
//! left the sources is retired (kept, with its progress, but no longer shown).

use super::{CompileOutput, CompiledCourse, CompiledLesson, CompiledModule, Diagnostic};
use crate::db::schema::{course_modules, courses, lessons};
use crate::db::{search, write_tx, AnyConnection};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// A self-check as stored with the lesson.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredCheck {
    pub question: String,
    pub choices: Vec<String>,
    pub correct: Vec<usize>,
    pub explain_html: String,
}

/// A table-of-contents entry as stored with the lesson.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredTocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PublishReport {
    pub course: String,
    /// False when the sources had not changed since the last publish.
    pub changed: bool,
    pub lessons: usize,
    pub retired: usize,
}

/// Publishes one compiled course in one transaction.
pub fn publish(
    conn: &mut AnyConnection,
    course: &CompiledCourse,
    now: NaiveDateTime,
) -> AppResult<PublishReport> {
    write_tx(conn, |c| publish_in_tx(c, course, now))
}

fn publish_in_tx(
    c: &mut AnyConnection,
    course: &CompiledCourse,
    now: NaiveDateTime,
) -> AppResult<PublishReport> {
    let mut report = PublishReport {
        course: course.slug.clone(),
        ..Default::default()
    };
    let existing: Option<(i64, String)> = courses::table
        .filter(courses::slug.eq(&course.slug))
        .select((courses::id, courses::content_hash))
        .first(c)
        .optional()?;
    if let Some((_, hash)) = &existing {
        if hash == &course.content_hash {
            return Ok(report);
        }
    }
    report.changed = true;
    let course_id = store_course(c, course, existing.map(|(id, _)| id), now)?;
    super::publish_exercises::store_rules(c, course_id, course.writing_rules.as_ref())?;
    let before = retire_all(c, course_id)?;
    let mut live = Vec::new();
    for module in &course.modules {
        let module_id = store_module(c, course_id, module, now)?;
        for lesson in &module.lessons {
            let lesson_id = store_lesson(c, course_id, module_id, lesson, &course.language, now)?;
            live.push(lesson_id);
            report.lessons += 1;
        }
    }
    for id in before.iter().filter(|id| !live.contains(id)) {
        search::remove_entry(c, &format!("lesson:{id}"))?;
        report.retired += 1;
    }
    Ok(report)
}

/// The course row, updated (`existing`) or created. Returns its id.
fn store_course(
    c: &mut AnyConnection,
    course: &CompiledCourse,
    existing: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let values = (
        courses::title.eq(&course.title),
        courses::kind.eq(course.kind.as_str()),
        courses::language.eq(&course.language),
        courses::version.eq(&course.version),
        courses::summary.eq(&course.summary),
        courses::refreshes.eq(&course.refreshes),
        courses::competence_valid_months.eq(course.competence_valid_months.map(|m| m as i32)),
        courses::training_activity_months.eq(course.training_activity_months.map(|m| m as i32)),
        courses::translation_of.eq(&course.translation_of),
        courses::content_hash.eq(&course.content_hash),
        courses::published_at.eq(now),
        courses::active.eq(true),
    );
    Ok(match existing {
        Some(id) => {
            diesel::update(courses::table.find(id))
                .set(values)
                .execute(c)?;
            id
        }
        None => diesel::insert_into(courses::table)
            .values((courses::slug.eq(&course.slug), values))
            .returning(courses::id)
            .get_result(c)?,
    })
}

/// Retires every module and lesson of the course; what is still in the sources comes back as
/// it is stored. Returns the lessons that were live before.
fn retire_all(c: &mut AnyConnection, course_id: i64) -> AppResult<Vec<i64>> {
    diesel::update(course_modules::table.filter(course_modules::course_id.eq(course_id)))
        .set(course_modules::active.eq(false))
        .execute(c)?;
    let before: Vec<i64> = lessons::table
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::active.eq(true))
        .select(lessons::id)
        .load(c)?;
    diesel::update(lessons::table.filter(lessons::course_id.eq(course_id)))
        .set(lessons::active.eq(false))
        .execute(c)?;
    Ok(before)
}

/// A module, live again: updated in place by (course, slug) or created, with its facilitator's
/// guide. Returns its id.
fn store_module(
    c: &mut AnyConnection,
    course_id: i64,
    module: &CompiledModule,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let mvalues = (
        course_modules::position.eq(module.position as i32),
        course_modules::title.eq(&module.title),
        course_modules::theme.eq(module.theme.map(|t| t.as_str())),
        course_modules::minutes.eq(module.minutes as i32),
        course_modules::intro_html.eq(&module.intro_html),
        course_modules::active.eq(true),
    );
    let module_id: Option<i64> = course_modules::table
        .filter(course_modules::course_id.eq(course_id))
        .filter(course_modules::slug.eq(&module.slug))
        .select(course_modules::id)
        .first(c)
        .optional()?;
    let module_id = match module_id {
        Some(id) => {
            diesel::update(course_modules::table.find(id))
                .set(mvalues)
                .execute(c)?;
            id
        }
        None => diesel::insert_into(course_modules::table)
            .values((
                course_modules::course_id.eq(course_id),
                course_modules::slug.eq(&module.slug),
                mvalues,
            ))
            .returning(course_modules::id)
            .get_result(c)?,
    };
    super::guide::store(c, module_id, module.guide.as_ref(), now)?;
    Ok(module_id)
}

/// A lesson, live again: updated in place by (course, slug) or created, with its exercise and
/// its knowledge-bank search entry (`language`: the course's). Returns its id.
fn store_lesson(
    c: &mut AnyConnection,
    course_id: i64,
    module_id: i64,
    lesson: &CompiledLesson,
    language: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let (toc_json, checks_json) = stored_json(lesson)?;
    let lvalues = (
        lessons::module_id.eq(module_id),
        lessons::position.eq(lesson.position as i32),
        lessons::title.eq(&lesson.title),
        lessons::minutes.eq(lesson.minutes as i32),
        lessons::discussion.eq(&lesson.discussion),
        lessons::body_html.eq(&lesson.body_html),
        lessons::toc_json.eq(toc_json),
        lessons::checks_json.eq(checks_json),
        lessons::summary_markdown.eq(&lesson.summary_markdown),
        lessons::summary_html.eq(&lesson.summary_html),
        lessons::summary_text.eq(&lesson.summary_text),
        lessons::sources_html.eq(&lesson.sources_html),
        lessons::word_count.eq(lesson.word_count as i32),
        lessons::active.eq(true),
        lessons::published_at.eq(now),
    );
    let lesson_id: Option<i64> = lessons::table
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::slug.eq(&lesson.slug))
        .select(lessons::id)
        .first(c)
        .optional()?;
    let lesson_id = match lesson_id {
        Some(id) => {
            diesel::update(lessons::table.find(id))
                .set(lvalues)
                .execute(c)?;
            id
        }
        None => diesel::insert_into(lessons::table)
            .values((
                lessons::course_id.eq(course_id),
                lessons::slug.eq(&lesson.slug),
                lvalues,
            ))
            .returning(lessons::id)
            .get_result(c)?,
    };
    super::publish_exercises::store_exercise(c, lesson_id, lesson.exercise.as_ref())?;
    index_summary(c, lesson_id, lesson, language)?;
    Ok(lesson_id)
}

/// The lesson's table of contents and self-checks as stored: (toc JSON, checks JSON).
fn stored_json(lesson: &CompiledLesson) -> AppResult<(String, String)> {
    let checks: Vec<StoredCheck> = lesson
        .checks
        .iter()
        .map(|k| StoredCheck {
            question: k.question.clone(),
            choices: k.choices.clone(),
            correct: k.correct.clone(),
            explain_html: k.explain_html.clone(),
        })
        .collect();
    let toc: Vec<StoredTocEntry> = lesson
        .toc
        .iter()
        .map(|t| StoredTocEntry {
            level: t.level,
            id: t.id.clone(),
            title: t.title.clone(),
        })
        .collect();
    Ok((
        serde_json::to_string(&toc).map_err(anyhow::Error::from)?,
        serde_json::to_string(&checks).map_err(anyhow::Error::from)?,
    ))
}

/// The lesson's summary in the knowledge bank's search, or out of it when it has none.
fn index_summary(
    c: &mut AnyConnection,
    lesson_id: i64,
    lesson: &CompiledLesson,
    language: &str,
) -> AppResult<()> {
    let key = format!("lesson:{lesson_id}");
    match &lesson.summary_text {
        Some(text) => search::replace_entry_in(c, &key, language, &lesson.title, text)?,
        None => search::remove_entry(c, &key)?,
    }
    Ok(())
}

/// What publishing a whole courses folder did.
#[derive(Debug, Default)]
pub struct PublishAll {
    pub published: Vec<PublishReport>,
    /// Courses left as they were because of errors (their last good version stays live).
    pub diagnostics: Vec<Diagnostic>,
}

/// Publishes every course of a compile run that compiled cleanly.
pub fn publish_all(
    conn: &mut AnyConnection,
    output: &CompileOutput,
    now: NaiveDateTime,
) -> AppResult<PublishAll> {
    let mut all = PublishAll {
        diagnostics: output.diagnostics.clone(),
        ..Default::default()
    };
    for course in &output.courses {
        all.published.push(publish(conn, course, now)?);
    }
    Ok(all)
}

/// Compiles `dir` and publishes what compiled; logs the diagnostics of what did not.
pub fn build(
    conn: &mut AnyConnection,
    dir: &std::path::Path,
    now: NaiveDateTime,
) -> AppResult<PublishAll> {
    let output = super::compile_dir(dir);
    let all = publish_all(conn, &output, now)?;
    for d in &all.diagnostics {
        tracing::warn!(diagnostic = %d, "course not published");
    }
    for r in all.published.iter().filter(|r| r.changed) {
        tracing::info!(course = %r.course, lessons = r.lessons, retired = r.retired, "course published");
    }
    Ok(all)
}
