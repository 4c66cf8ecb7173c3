//! The user's exercises for the personal-data download (`privacy::download`): their
//! entries (drafts and versions), the reviews of them (peers without names), and the reviews
//! they wrote.

use crate::db::schema::{cohorts, lessons};
use crate::db::schema_exercises::{
    exercise_entries as ee, exercise_reviews as er, exercise_versions as ev,
};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

type ReviewLine = (String, i32, String, String, String, Option<NaiveDateTime>);

pub fn export_for_user(conn: &mut AnyConnection, user_id: i64) -> AppResult<serde_json::Value> {
    let entries: Vec<(i64, String, String, String, Option<NaiveDateTime>)> = ee::table
        .inner_join(lessons::table)
        .inner_join(cohorts::table)
        .filter(ee::user_id.eq(user_id))
        .order(ee::id)
        .select((
            ee::id,
            lessons::title,
            cohorts::name,
            ee::draft,
            ee::consent_at,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, lesson, cohort, draft, consent) in entries {
        let versions: Vec<(i32, String, NaiveDateTime)> = ev::table
            .filter(ev::entry_id.eq(id))
            .order(ev::number)
            .select((ev::number, ev::body, ev::submitted_at))
            .load(conn)?;
        let reviews: Vec<ReviewLine> = er::table
            .filter(er::entry_id.eq(id))
            .filter(er::status.eq("done"))
            .order(er::id)
            .select((
                er::kind,
                er::version,
                er::ratings_json,
                er::comment,
                er::quote,
                er::done_at,
            ))
            .load(conn)?;
        out.push(serde_json::json!({
            "lesson": lesson,
            "cohort": cohort,
            "draft": draft,
            "consent_to_publish_at": consent,
            "versions": versions.into_iter().map(|(n, body, at)| serde_json::json!({
                "number": n, "text": body, "submitted_at": at
            })).collect::<Vec<_>>(),
            "reviews_received": reviews.into_iter().map(review_json).collect::<Vec<_>>(),
        }));
    }
    let written: Vec<(String, String, ReviewLine)> = er::table
        .inner_join(
            ee::table
                .inner_join(lessons::table)
                .inner_join(cohorts::table),
        )
        .filter(er::reviewer_id.eq(user_id))
        .filter(er::kind.ne("self"))
        .order(er::id)
        .select((
            lessons::title,
            cohorts::name,
            (
                er::kind,
                er::version,
                er::ratings_json,
                er::comment,
                er::quote,
                er::done_at,
            ),
        ))
        .load(conn)?;
    Ok(serde_json::json!({
        "entries": out,
        "reviews_written": written.into_iter().map(|(lesson, cohort, r)| {
            let mut v = review_json(r);
            v["lesson"] = serde_json::json!(lesson);
            v["cohort"] = serde_json::json!(cohort);
            v
        }).collect::<Vec<_>>(),
    }))
}

fn review_json(r: ReviewLine) -> serde_json::Value {
    let (kind, version, ratings, comment, quote, done_at) = r;
    serde_json::json!({
        "kind": kind,
        "version": version,
        "ratings": serde_json::from_str::<serde_json::Value>(&ratings).unwrap_or_default(),
        "comment": comment,
        "quote": quote,
        "done_at": done_at,
    })
}
