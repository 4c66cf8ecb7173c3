//! The answer bank (vastauspankki): a trainer (or an overseer) publishes an answered question
//! of the cohort's discussions to the open knowledge bank. The question and the answer are
//! copied into a form, edited and anonymised there by the trainer (the original authors are
//! never shown), and stored apart from the posts: later edits of the discussion do not leak
//! out, and withdrawing takes the page offline and out of the search index at once. Entries
//! are grouped by the theme of the lesson's module and found by the knowledge bank's search
//! (key `answer:<id>`).

use super::posting::{check_body, check_title};
use super::{thread_access, Thread};
use crate::accounts::Principal;
use crate::courses::markdown::{plain_text, render_user};
use crate::db::schema::{course_modules, courses, lessons};
use crate::db::schema_discussions::{answer_bank as ab, discussion_posts as dp};
use crate::db::{search, write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// The text of an entry as the trainer edits it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Draft {
    pub title: String,
    pub question: String,
    pub answer: String,
}

impl Draft {
    /// Every problem, as message keys.
    pub fn validate(&self) -> Vec<&'static str> {
        let mut errors = Vec::new();
        check_title(&self.title, &mut errors);
        let mut q = Vec::new();
        check_body(&self.question, &mut q);
        let mut a = Vec::new();
        check_body(&self.answer, &mut a);
        for (found, key) in [
            (q, "disc.bank_question_invalid"),
            (a, "disc.bank_answer_invalid"),
        ] {
            // The privacy guard's message names what was found; keep it.
            let guard: Vec<_> = found.iter().filter(|k| k.starts_with("guard.")).collect();
            if !guard.is_empty() {
                for k in guard {
                    if !errors.contains(k) {
                        errors.push(*k);
                    }
                }
            } else if !found.is_empty() {
                errors.push(key);
            }
        }
        errors
    }
}

/// A published entry as the knowledge bank shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicAnswer {
    pub id: i64,
    pub course_slug: String,
    pub course_title: String,
    pub theme: Option<String>,
    pub title: String,
    pub question_html: String,
    pub answer_html: String,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

type PublicRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
);

#[diesel::dsl::auto_type(no_type_alias)]
fn public_query() -> _ {
    ab::table
        .inner_join(courses::table)
        .filter(ab::withdrawn_at.is_null())
        .filter(courses::active.eq(true))
        .select((
            ab::id,
            courses::slug,
            courses::title,
            ab::theme,
            ab::title,
            ab::question_html,
            ab::answer_html,
            ab::published_at,
            ab::updated_at,
        ))
}

fn to_public(r: PublicRow) -> PublicAnswer {
    PublicAnswer {
        id: r.0,
        course_slug: r.1,
        course_title: r.2,
        theme: r.3,
        title: r.4,
        question_html: r.5,
        answer_html: r.6,
        published_at: r.7,
        updated_at: r.8,
    }
}

/// A published entry; withdrawn or unknown ones are `NotFound`.
pub fn public(conn: &mut AnyConnection, id: i64) -> AppResult<PublicAnswer> {
    Ok(to_public(public_query().filter(ab::id.eq(id)).first(conn)?))
}

/// Every published entry, oldest first.
pub fn public_all(conn: &mut AnyConnection) -> AppResult<Vec<PublicAnswer>> {
    let rows: Vec<PublicRow> = public_query().order(ab::id).load(conn)?;
    Ok(rows.into_iter().map(to_public).collect())
}

/// The published entries among `ids`.
pub fn public_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<PublicAnswer>> {
    let rows: Vec<PublicRow> = public_query().filter(ab::id.eq_any(ids)).load(conn)?;
    Ok(rows.into_iter().map(to_public).collect())
}

/// The thread's entry: (id, withdrawn).
pub fn for_thread(conn: &mut AnyConnection, thread_id: i64) -> AppResult<Option<(i64, bool)>> {
    let row: Option<(i64, Option<NaiveDateTime>)> = ab::table
        .filter(ab::thread_id.eq(thread_id))
        .select((ab::id, ab::withdrawn_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, w)| (id, w.is_some())))
}

/// The form's starting text: the entry as last published, else the question and its best
/// answer (or the first answer by a trainer).
pub fn draft(conn: &mut AnyConnection, thread: &Thread) -> AppResult<Draft> {
    let existing: Option<(String, String, String)> = ab::table
        .filter(ab::thread_id.eq(thread.id))
        .select((ab::title, ab::question_markdown, ab::answer_markdown))
        .first(conn)
        .optional()?;
    if let Some((title, question, answer)) = existing {
        return Ok(Draft {
            title,
            question,
            answer,
        });
    }
    let body = |conn: &mut AnyConnection, id: i64| -> QueryResult<Option<String>> {
        dp::table
            .find(id)
            .filter(dp::hidden_at.is_null())
            .select(dp::body_markdown)
            .first(conn)
            .optional()
    };
    let question = match thread.opening_post_id {
        Some(id) => body(conn, id)?.unwrap_or_default(),
        None => String::new(),
    };
    let answer = match thread.best_post_id {
        Some(id) => body(conn, id)?,
        None => None,
    };
    let answer = match answer {
        Some(a) => a,
        None => dp::table
            .filter(dp::thread_id.eq(thread.id))
            .filter(dp::parent_id.is_null())
            .filter(dp::by_trainer.eq(true))
            .filter(dp::hidden_at.is_null())
            .filter(dp::id.ne(thread.opening_post_id.unwrap_or(0)))
            .order(dp::id)
            .select(dp::body_markdown)
            .first(conn)
            .optional()?
            .unwrap_or_default(),
    };
    Ok(Draft {
        title: thread.title.clone(),
        question,
        answer,
    })
}

/// The thread, if the caller may publish it: a moderator, and an answered question.
pub fn publishable(conn: &mut AnyConnection, who: &Principal, thread_id: i64) -> AppResult<Thread> {
    let (thread, _, viewer) = thread_access(conn, who, thread_id)?;
    if !viewer.moderates() {
        return Err(AppError::Forbidden);
    }
    if !thread.is_question() || thread.answered_at.is_none() {
        return Err(AppError::invalid("disc.bank_not_answered"));
    }
    Ok(thread)
}

/// Publishes (or republishes, after edits or a withdrawal) the thread's entry. Returns its id.
pub fn publish(
    conn: &mut AnyConnection,
    who: &Principal,
    thread_id: i64,
    draft: &Draft,
    now: NaiveDateTime,
) -> AppResult<i64> {
    if let Some(e) = draft.validate().first() {
        return Err(AppError::invalid(*e));
    }
    write_tx(conn, |tx| {
        let thread = publishable(tx, who, thread_id)?;
        let (course_id, theme): (i64, Option<String>) = lessons::table
            .inner_join(course_modules::table)
            .filter(lessons::id.eq(thread.lesson_id))
            .select((lessons::course_id, course_modules::theme))
            .first(tx)?;
        let title = draft.title.trim();
        let existing: Option<i64> = ab::table
            .filter(ab::thread_id.eq(thread.id))
            .select(ab::id)
            .first(tx)
            .optional()?;
        let id = match existing {
            Some(id) => {
                diesel::update(ab::table.find(id))
                    .set((
                        ab::theme.eq(&theme),
                        ab::title.eq(title),
                        ab::question_markdown.eq(&draft.question),
                        ab::question_html.eq(render_user(&draft.question)),
                        ab::answer_markdown.eq(&draft.answer),
                        ab::answer_html.eq(render_user(&draft.answer)),
                        ab::published_by.eq(Some(who.user_id)),
                        ab::updated_at.eq(now),
                        ab::withdrawn_at.eq(None::<NaiveDateTime>),
                    ))
                    .execute(tx)?;
                id
            }
            None => diesel::insert_into(ab::table)
                .values((
                    ab::thread_id.eq(Some(thread.id)),
                    ab::course_id.eq(course_id),
                    ab::lesson_id.eq(Some(thread.lesson_id)),
                    ab::theme.eq(&theme),
                    ab::title.eq(title),
                    ab::question_markdown.eq(&draft.question),
                    ab::question_html.eq(render_user(&draft.question)),
                    ab::answer_markdown.eq(&draft.answer),
                    ab::answer_html.eq(render_user(&draft.answer)),
                    ab::published_by.eq(Some(who.user_id)),
                    ab::published_at.eq(now),
                    ab::updated_at.eq(now),
                ))
                .returning(ab::id)
                .get_result(tx)?,
        };
        let text = format!(
            "{}\n{}",
            plain_text(&draft.question),
            plain_text(&draft.answer)
        );
        // Indexed in its course's language, so a Swedish page's search finds it.
        let language: String = crate::db::schema::courses::table
            .find(course_id)
            .select(crate::db::schema::courses::language)
            .first(tx)?;
        search::replace_entry_in(tx, &format!("answer:{id}"), &language, title, &text)?;
        Ok(id)
    })
}

/// Takes the thread's entry offline: its page answers 404 and search no longer finds it.
pub fn withdraw(
    conn: &mut AnyConnection,
    who: &Principal,
    thread_id: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |tx| {
        let (thread, _, viewer) = thread_access(tx, who, thread_id)?;
        if !viewer.moderates() {
            return Err(AppError::Forbidden);
        }
        let id: i64 = ab::table
            .filter(ab::thread_id.eq(thread.id))
            .filter(ab::withdrawn_at.is_null())
            .select(ab::id)
            .first(tx)?;
        diesel::update(ab::table.find(id))
            .set(ab::withdrawn_at.eq(Some(now)))
            .execute(tx)?;
        search::remove_entry(tx, &format!("answer:{id}"))?;
        Ok(())
    })
}
