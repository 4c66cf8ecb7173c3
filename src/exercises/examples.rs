//! Examples in the open knowledge bank: an assessed entry whose writer consented, published by
//! a trainer (or an overseer) with its feedback. The entry and the feedback are copied into a
//! form and edited there — names and anything identifying removed — and stored apart from the
//! entry, so later changes do not leak out; withdrawing (or the writer withdrawing consent)
//! takes the page offline and out of search at once. Grouped by the lesson's theme and found
//! by the knowledge bank's search (key `example:<id>`).

use super::access::{self, Place};
use super::model::{check_text, normalise, EntryRow, ReviewRow, BODY_MAX, DONE, TRAINER};
use super::policy;
use super::reviews::version_text;
use crate::accounts::Principal;
use crate::courses::markdown::{plain_text, render_user};
use crate::db::schema::{course_modules, courses, lessons};
use crate::db::schema_exercises::{exercise_examples as ex, exercise_reviews as er};
use crate::db::{search, write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

pub const TITLE_MAX: usize = 200;

/// The example as the trainer edits it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Draft {
    pub title: String,
    /// The entry, plain text.
    pub entry_text: String,
    /// The feedback, Markdown.
    pub feedback: String,
}

impl Draft {
    /// Every problem, as message keys.
    pub fn validate(&self) -> Vec<&'static str> {
        let mut errors = Vec::new();
        let t = self.title.trim();
        if t.is_empty() || t.chars().count() > TITLE_MAX || t.contains('\n') {
            errors.push("ex.example_title_invalid");
        }
        crate::privacy_guard::check(t, &mut errors);
        check_text(
            &self.entry_text,
            BODY_MAX,
            "ex.example_entry_empty",
            &mut errors,
        );
        check_text(
            &self.feedback,
            BODY_MAX,
            "ex.example_feedback_empty",
            &mut errors,
        );
        errors
    }
}

/// The trainer's assessment of the entry's latest version.
fn assessment(conn: &mut AnyConnection, entry: &EntryRow) -> AppResult<Option<ReviewRow>> {
    Ok(er::table
        .filter(er::entry_id.eq(entry.id))
        .filter(er::kind.eq(TRAINER))
        .filter(er::status.eq(DONE))
        .filter(er::version.eq(entry.versions))
        .select(ReviewRow::as_select())
        .first(conn)
        .optional()?)
}

/// The entry, if the caller may publish it: a trainer or overseer, the writer's consent, the
/// trainer's assessment of the latest version.
pub fn publishable(
    conn: &mut AnyConnection,
    who: &Principal,
    entry_id: i64,
) -> AppResult<(Place, EntryRow, ReviewRow)> {
    let (place, entry) = access::entry(conn, who, entry_id)?;
    if !policy::can_publish(place.role) {
        return Err(AppError::Forbidden);
    }
    if entry.consent_at.is_none() {
        return Err(AppError::invalid("ex.no_consent"));
    }
    let review = assessment(conn, &entry)?.ok_or_else(|| AppError::invalid("ex.assess_first"))?;
    Ok((place, entry, review))
}

/// The form's starting text: the example as last published, else the latest version and the
/// trainer's assessment (ratings, the quoted sentence, the comment).
pub fn draft(
    conn: &mut AnyConnection,
    place: &Place,
    entry: &EntryRow,
    review: &ReviewRow,
) -> AppResult<Draft> {
    let existing: Option<(String, String, String)> = ex::table
        .filter(ex::entry_id.eq(entry.id))
        .select((ex::title, ex::entry_text, ex::feedback_markdown))
        .first(conn)
        .optional()?;
    if let Some((title, entry_text, feedback)) = existing {
        return Ok(Draft {
            title,
            entry_text,
            feedback,
        });
    }
    let mut feedback = String::new();
    for r in review.ratings() {
        let label = place
            .exercise
            .rubric
            .iter()
            .find(|c| c.criterion == r.criterion)
            .and_then(|c| c.levels.get(r.level))
            .cloned()
            .unwrap_or_default();
        feedback.push_str(&format!("- **{}**: {label}\n", r.criterion));
    }
    if !review.quote.is_empty() {
        feedback.push_str(&format!("\n> {}\n", review.quote.replace('\n', " ")));
    }
    feedback.push_str(&format!("\n{}\n", review.comment));
    Ok(Draft {
        title: place.lesson_title.clone(),
        entry_text: version_text(conn, entry.id, entry.versions)?,
        feedback: feedback.trim().to_string(),
    })
}

/// The entry's example: (id, live).
pub fn for_entry(conn: &mut AnyConnection, entry_id: i64) -> AppResult<Option<(i64, bool)>> {
    let row: Option<(i64, Option<NaiveDateTime>)> = ex::table
        .filter(ex::entry_id.eq(entry_id))
        .select((ex::id, ex::withdrawn_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, w)| (id, w.is_none())))
}

/// Publishes (or republishes after edits or a withdrawal) the entry's example. Returns its id.
pub fn publish(
    conn: &mut AnyConnection,
    who: &Principal,
    entry_id: i64,
    draft: &Draft,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let draft = Draft {
        title: draft.title.trim().to_string(),
        entry_text: normalise(&draft.entry_text),
        feedback: normalise(&draft.feedback),
    };
    if let Some(e) = draft.validate().first() {
        return Err(AppError::invalid(*e));
    }
    write_tx(conn, |tx| {
        let (place, entry, review) = publishable(tx, who, entry_id)?;
        let (course_id, theme): (i64, Option<String>) = lessons::table
            .inner_join(course_modules::table)
            .filter(lessons::id.eq(place.lesson_id))
            .select((lessons::course_id, course_modules::theme))
            .first(tx)?;
        let values = (
            ex::theme.eq(&theme),
            ex::title.eq(&draft.title),
            ex::entry_text.eq(&draft.entry_text),
            ex::feedback_markdown.eq(&draft.feedback),
            ex::feedback_html.eq(render_user(&draft.feedback)),
            ex::ratings_json.eq(&review.ratings_json),
            ex::published_by.eq(Some(who.user_id)),
            ex::updated_at.eq(now),
            ex::withdrawn_at.eq(None::<NaiveDateTime>),
        );
        let id = match for_entry(tx, entry.id)? {
            Some((id, _)) => {
                diesel::update(ex::table.find(id)).set(values).execute(tx)?;
                id
            }
            None => diesel::insert_into(ex::table)
                .values((
                    ex::entry_id.eq(Some(entry.id)),
                    ex::course_id.eq(course_id),
                    ex::lesson_id.eq(Some(place.lesson_id)),
                    ex::published_at.eq(now),
                    values,
                ))
                .returning(ex::id)
                .get_result(tx)?,
        };
        let text = format!("{}\n{}", draft.entry_text, plain_text(&draft.feedback));
        // Indexed in its course's language, so a Swedish page's search finds it.
        let language: String = crate::db::schema::courses::table
            .find(course_id)
            .select(crate::db::schema::courses::language)
            .first(tx)?;
        search::replace_entry_in(tx, &format!("example:{id}"), &language, &draft.title, &text)?;
        Ok(id)
    })
}

/// Takes an entry's example offline, whoever asks (the caller decided they may).
pub(crate) fn withdraw_unchecked(
    tx: &mut AnyConnection,
    entry_id: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let Some((id, true)) = for_entry(tx, entry_id)? else {
        return Ok(false);
    };
    diesel::update(ex::table.find(id))
        .set(ex::withdrawn_at.eq(Some(now)))
        .execute(tx)?;
    search::remove_entry(tx, &format!("example:{id}"))?;
    Ok(true)
}

/// A trainer or overseer takes the entry's example offline.
pub fn withdraw(
    conn: &mut AnyConnection,
    who: &Principal,
    entry_id: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |tx| {
        let (place, entry) = access::entry(tx, who, entry_id)?;
        if !policy::can_publish(place.role) {
            return Err(AppError::Forbidden);
        }
        if !withdraw_unchecked(tx, entry.id, now)? {
            return Err(AppError::NotFound);
        }
        Ok(())
    })
}

/// A published example as the knowledge bank shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicExample {
    pub id: i64,
    pub course_slug: String,
    pub course_title: String,
    pub theme: Option<String>,
    pub title: String,
    pub entry_text: String,
    pub feedback_html: String,
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
    ex::table
        .inner_join(courses::table)
        .filter(ex::withdrawn_at.is_null())
        .filter(courses::active.eq(true))
        .select((
            ex::id,
            courses::slug,
            courses::title,
            ex::theme,
            ex::title,
            ex::entry_text,
            ex::feedback_html,
            ex::published_at,
            ex::updated_at,
        ))
}

fn to_public(r: PublicRow) -> PublicExample {
    PublicExample {
        id: r.0,
        course_slug: r.1,
        course_title: r.2,
        theme: r.3,
        title: r.4,
        entry_text: r.5,
        feedback_html: r.6,
        published_at: r.7,
        updated_at: r.8,
    }
}

/// A published example; withdrawn or unknown ones are `NotFound`.
pub fn public(conn: &mut AnyConnection, id: i64) -> AppResult<PublicExample> {
    Ok(to_public(public_query().filter(ex::id.eq(id)).first(conn)?))
}

/// Every published example, oldest first.
pub fn public_all(conn: &mut AnyConnection) -> AppResult<Vec<PublicExample>> {
    let rows: Vec<PublicRow> = public_query().order(ex::id).load(conn)?;
    Ok(rows.into_iter().map(to_public).collect())
}

/// The published examples among `ids`.
pub fn public_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<PublicExample>> {
    let rows: Vec<PublicRow> = public_query().filter(ex::id.eq_any(ids)).load(conn)?;
    Ok(rows.into_iter().map(to_public).collect())
}
