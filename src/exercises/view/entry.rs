//! One entry as its peer reviewer sees it (the latest version, nobody's name) and as its
//! trainer sees it (who wrote it, every version, every review with names).

use super::{reviews_of, versions, Review, Version};
use crate::db::schema::users;
use crate::db::schema_exercises::exercise_examples as ex;
use crate::db::AnyConnection;
use crate::exercises::access::Place;
use crate::exercises::model::{EntryRow, ReviewRow, DONE, TRAINER};
use crate::exercises::progress::{self, Status};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// An entry as its peer reviewer sees it: the latest version, nobody's name.
#[derive(Debug, Clone, Serialize)]
pub struct ForReviewer {
    pub review: Review,
    pub text: String,
    pub version: i32,
}

pub fn for_reviewer(
    conn: &mut AnyConnection,
    place: &Place,
    review: &ReviewRow,
    entry: &EntryRow,
) -> AppResult<ForReviewer> {
    let all = versions(conn, entry.id)?;
    let shown = if review.status == DONE {
        all.iter().find(|v| v.number == review.version)
    } else {
        all.last()
    };
    let (text, version) = shown.map_or((String::new(), 0), |v| (v.body.clone(), v.number));
    let mine = reviews_of(conn, &place.exercise, entry.id, false)?
        .into_iter()
        .find(|r| r.id == review.id)
        .ok_or(crate::AppError::NotFound)?;
    Ok(ForReviewer {
        review: mine,
        text,
        version,
    })
}

/// One entry as its trainer sees it: who wrote it, both versions, every review with names.
#[derive(Debug, Clone, Serialize)]
pub struct ForTrainer {
    pub entry: EntryRow,
    pub writer_name: String,
    pub versions: Vec<Version>,
    pub reviews: Vec<Review>,
    /// The trainer's assessment of the latest version, if given.
    pub assessment: Option<Review>,
    pub status: Status,
    pub example: Option<(i64, bool)>,
}

pub fn for_trainer(
    conn: &mut AnyConnection,
    place: &Place,
    entry: &EntryRow,
) -> AppResult<ForTrainer> {
    let writer_name: String = users::table
        .find(entry.user_id)
        .select(users::name)
        .first(conn)?;
    let versions = versions(conn, entry.id)?;
    let reviews = reviews_of(conn, &place.exercise, entry.id, true)?;
    let assessment = reviews
        .iter()
        .find(|r| r.kind == TRAINER && r.version == entry.versions)
        .cloned();
    let status = progress::status(
        conn,
        &place.exercise,
        place.cohort.id,
        place.lesson_id,
        Some(entry),
        entry.user_id,
    )?;
    let example: Option<(i64, Option<NaiveDateTime>)> = ex::table
        .filter(ex::entry_id.eq(entry.id))
        .select((ex::id, ex::withdrawn_at))
        .first(conn)
        .optional()?;
    Ok(ForTrainer {
        entry: entry.clone(),
        writer_name,
        versions,
        reviews,
        assessment,
        status,
        example: example.map(|(id, w)| (id, w.is_none())),
    })
}
