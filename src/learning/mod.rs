//! Learning: the course outline with a trainee's progress, reading and self-checks. A lesson
//! with self-checks is done when every check is answered correctly; one without when the
//! trainee marks it read. Progress belongs to the user and the lesson, so it survives edits,
//! reordering and re-enrolment. The outline with the trainee's marks is in `outline`.

use crate::courses::publish::{StoredCheck, StoredTocEntry};
use crate::db::schema::{cohorts, courses, enrolments, lesson_progress, lessons};
use crate::db::{write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub mod cache;
pub mod completion;
pub mod marks;
pub mod order;
pub mod outline;

/// One lesson as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Lesson {
    pub id: i64,
    pub course_id: i64,
    pub slug: String,
    pub title: String,
    pub minutes: i32,
    pub discussion: Option<String>,
    pub body_html: String,
    pub toc: Vec<StoredTocEntry>,
    pub checks: Vec<StoredCheck>,
    /// The lesson's own sources (sanitised HTML).
    pub sources_html: String,
    /// The course's language: the lesson's text is in it.
    pub language: String,
}

/// A lesson row: id, title, minutes, discussion, body, toc, checks, sources, language.
type LessonRow = (
    i64,
    String,
    i32,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
);

pub fn lesson(conn: &mut AnyConnection, course_id: i64, slug: &str) -> AppResult<Lesson> {
    let (id, title, minutes, discussion, body_html, toc_json, checks_json, sources_html, language): LessonRow = lessons::table
        .inner_join(courses::table.on(courses::id.eq(lessons::course_id)))
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::slug.eq(slug))
        .filter(lessons::active.eq(true))
        .select((
            lessons::id,
            lessons::title,
            lessons::minutes,
            lessons::discussion,
            lessons::body_html,
            lessons::toc_json,
            lessons::checks_json,
            lessons::sources_html,
            courses::language,
        ))
        .first(conn)?;
    Ok(Lesson {
        id,
        course_id,
        slug: slug.to_string(),
        title,
        minutes,
        discussion,
        body_html,
        toc: serde_json::from_str(&toc_json).map_err(anyhow::Error::from)?,
        checks: serde_json::from_str(&checks_json).map_err(anyhow::Error::from)?,
        sources_html,
        language,
    })
}

/// The answers a user last gave, per check (index -> chosen choices).
pub type Answers = BTreeMap<usize, Vec<usize>>;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    pub done: bool,
    pub answers: Answers,
}

pub fn progress(conn: &mut AnyConnection, user_id: i64, lesson_id: i64) -> AppResult<Progress> {
    let row: Option<(Option<NaiveDateTime>, String)> = lesson_progress::table
        .find((user_id, lesson_id))
        .select((lesson_progress::done_at, lesson_progress::answers_json))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((done_at, answers)) => Progress {
            done: done_at.is_some(),
            answers: serde_json::from_str(&answers).unwrap_or_default(),
        },
        None => Progress::default(),
    })
}

fn save(
    conn: &mut AnyConnection,
    user_id: i64,
    lesson_id: i64,
    done: bool,
    answers: &Answers,
    now: NaiveDateTime,
) -> AppResult<()> {
    let answers_json = serde_json::to_string(answers).map_err(anyhow::Error::from)?;
    write_tx(conn, |c| {
        let existing: Option<Option<NaiveDateTime>> = lesson_progress::table
            .find((user_id, lesson_id))
            .select(lesson_progress::done_at)
            .first(c)
            .optional()?;
        match existing {
            Some(done_at) => {
                // Once done, a lesson stays done: a later wrong answer does not undo it.
                let done_at = done_at.or(if done { Some(now) } else { None });
                diesel::update(lesson_progress::table.find((user_id, lesson_id)))
                    .set((
                        lesson_progress::done_at.eq(done_at),
                        lesson_progress::answers_json.eq(&answers_json),
                        lesson_progress::updated_at.eq(now),
                    ))
                    .execute(c)?;
            }
            None => {
                diesel::insert_into(lesson_progress::table)
                    .values((
                        lesson_progress::user_id.eq(user_id),
                        lesson_progress::lesson_id.eq(lesson_id),
                        lesson_progress::done_at.eq(if done { Some(now) } else { None }),
                        lesson_progress::answers_json.eq(&answers_json),
                        lesson_progress::updated_at.eq(now),
                    ))
                    .execute(c)?;
            }
        }
        Ok::<_, AppError>(())
    })
}

/// Marks a lesson without self-checks read.
pub fn mark_read(
    conn: &mut AnyConnection,
    user_id: i64,
    lesson: &Lesson,
    now: NaiveDateTime,
) -> AppResult<()> {
    if !lesson.checks.is_empty() {
        return Err(AppError::invalid("learning.answer_checks_first"));
    }
    if marks::has_exercise(conn, lesson.id)? {
        return Err(AppError::invalid("learning.exercise_first"));
    }
    save(conn, user_id, lesson.id, true, &Answers::new(), now)
}

/// The outcome of answering a lesson's self-checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckOutcome {
    pub correct: Vec<bool>,
    pub all_correct: bool,
}

/// Grades answers against a lesson's checks: a check is right when exactly the correct
/// choices are chosen. An unanswered check is not right.
pub fn grade(lesson: &Lesson, answers: &Answers) -> CheckOutcome {
    let correct: Vec<bool> = lesson
        .checks
        .iter()
        .enumerate()
        .map(|(i, check)| {
            let chosen = answers.get(&i).map(Vec::as_slice).unwrap_or_default();
            let mut right = check.correct.clone();
            right.sort_unstable();
            !chosen.is_empty() && chosen == right.as_slice()
        })
        .collect();
    let all_correct = correct.iter().all(|c| *c);
    CheckOutcome {
        correct,
        all_correct,
    }
}

/// The stored result of the trainee's last answers, or None before they have answered.
pub fn stored_outcome(lesson: &Lesson, progress: &Progress) -> Option<CheckOutcome> {
    if lesson.checks.is_empty() || progress.answers.is_empty() {
        return None;
    }
    Some(grade(lesson, &progress.answers))
}

/// Grades the answers, stores them, and marks the lesson done when every check is right.
/// Answers that name a question or a choice the lesson does not have, or no answer at all,
/// are refused and nothing is stored.
pub fn answer_checks(
    conn: &mut AnyConnection,
    user_id: i64,
    lesson: &Lesson,
    given: &HashMap<usize, Vec<usize>>,
    now: NaiveDateTime,
) -> AppResult<CheckOutcome> {
    if lesson.checks.is_empty() {
        return Err(AppError::invalid("learning.no_checks"));
    }
    let mut answers = Answers::new();
    for (i, chosen) in given {
        let check = lesson
            .checks
            .get(*i)
            .ok_or_else(|| AppError::invalid("learning.unknown_answer"))?;
        if chosen.iter().any(|c| *c >= check.choices.len()) {
            return Err(AppError::invalid("learning.unknown_answer"));
        }
        let mut chosen = chosen.clone();
        chosen.sort_unstable();
        chosen.dedup();
        if !chosen.is_empty() {
            answers.insert(*i, chosen);
        }
    }
    if answers.is_empty() {
        return Err(AppError::invalid("learning.no_answer"));
    }
    let outcome = grade(lesson, &answers);
    // A lesson that also has a writing exercise is done when both are (exercises::progress).
    let done = outcome.all_correct && !marks::has_exercise(conn, lesson.id)?;
    save(conn, user_id, lesson.id, done, &answers, now)?;
    Ok(outcome)
}

/// A cohort on the trainee's home page.
#[derive(Debug, Clone, Serialize)]
pub struct MyCohort {
    pub cohort_id: i64,
    pub cohort_name: String,
    pub status: String,
    pub course_title: String,
    pub done: usize,
    pub total: usize,
    pub percent: u32,
    pub next_slug: Option<String>,
    /// The lessons open on this day (the cohort opens them at its start).
    pub opens_on: Option<NaiveDate>,
}

/// When a cohort's lessons open for its trainees: `None` when they are open on `today`, else
/// the start date (a cohort may open them only at its start).
pub fn lessons_open_on(
    starts_on: Option<NaiveDate>,
    only_at_start: bool,
    today: NaiveDate,
) -> Option<NaiveDate> {
    starts_on.filter(|start| only_at_start && today < *start)
}

/// The reader's cohorts with their progress, each course read from the lesson cache (one
/// statement per cohort for the progress, none for the course while its version is held).
pub fn my_cohorts(
    conn: &mut AnyConnection,
    courses_held: &cache::LessonCache,
    user_id: i64,
    today: NaiveDate,
) -> AppResult<Vec<MyCohort>> {
    type Row = (i64, String, String, i64, String, Option<NaiveDate>, bool);
    let rows: Vec<Row> = enrolments::table
        .inner_join(cohorts::table.inner_join(courses::table))
        .filter(enrolments::user_id.eq(user_id))
        .filter(enrolments::status.ne("withdrawn"))
        .order(enrolments::id.desc())
        .select((
            cohorts::id,
            cohorts::name,
            enrolments::status,
            cohorts::course_id,
            courses::content_hash,
            cohorts::starts_on,
            cohorts::lessons_open_at_start,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (cohort_id, cohort_name, status, course_id, hash, starts_on, at_start) in rows {
        let course = courses_held.course(conn, course_id, &hash)?;
        let (done, _) = cache::progress_in(conn, user_id, &course, None)?;
        let o = course.outline(&done);
        out.push(MyCohort {
            cohort_id,
            opens_on: lessons_open_on(starts_on, at_start, today),
            cohort_name,
            status,
            course_title: o.course_title.to_string(),
            done: o.done,
            total: o.total,
            percent: o.percent,
            next_slug: o.next_slug.map(str::to_string),
        });
    }
    Ok(out)
}
