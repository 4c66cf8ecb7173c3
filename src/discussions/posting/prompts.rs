//! The prompt threads: each lesson's discussion prompt opened once per cohort.

use super::super::PROMPT;
use crate::cohorts::Cohort;
use crate::db::schema::lessons;
use crate::db::schema_discussions::discussion_threads as dt;
use crate::db::{insert_unless_duplicate, AnyConnection};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Opens the prompt thread of every lesson of the cohort's course that has a discussion
/// prompt, once: a partial unique index makes a second opening (another server, another
/// request) a no-op. The lesson's prompt text is shown from the lesson itself, so a
/// republished prompt shows its new wording. The thread is not pinned: it heads its lesson's
/// discussion and joins the cohort's list once someone writes in it (`view::threads`).
pub fn ensure_prompt_threads(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let with_prompt: Vec<(i64, String)> = lessons::table
        .filter(lessons::course_id.eq(cohort.course_id))
        .filter(lessons::active.eq(true))
        .filter(lessons::discussion.is_not_null())
        .select((lessons::id, lessons::title))
        .load(conn)?;
    let opened: Vec<i64> = dt::table
        .filter(dt::cohort_id.eq(cohort.id))
        .filter(dt::kind.eq(PROMPT))
        .select(dt::lesson_id)
        .load(conn)?;
    let mut created = 0;
    for (lesson_id, title) in with_prompt {
        if opened.contains(&lesson_id) {
            continue;
        }
        let inserted = insert_unless_duplicate(conn, |c| {
            diesel::insert_into(dt::table)
                .values((
                    dt::cohort_id.eq(cohort.id),
                    dt::lesson_id.eq(lesson_id),
                    dt::kind.eq(PROMPT),
                    dt::title.eq(&title),
                    dt::author_id.eq(None::<i64>),
                    dt::pinned.eq(false),
                    dt::last_post_at.eq(now),
                    dt::created_at.eq(now),
                ))
                .execute(c)
        })?;
        created += usize::from(inserted.is_some());
    }
    Ok(created)
}
