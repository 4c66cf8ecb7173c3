//! The personal-data download ("lataa omat tietoni"): everything the platform holds about a
//! user, each context asked for its part (`discussions::export_for_user`,
//! `exercises::export::export_for_user`, `surveys::answers_for_download`), the account's own
//! rows and the learning record read here.

use crate::accounts;
use crate::db::schema::outbox_messages;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Everything the platform holds about the user, as the "download my data" file.
pub fn export_my_data(conn: &mut AnyConnection, user_id: i64) -> AppResult<serde_json::Value> {
    let user = accounts::model::find(conn, user_id)?;
    let roles = accounts::model::roles_of(conn, user_id)?;
    let emails: Vec<(String, String, NaiveDateTime, Option<NaiveDateTime>)> =
        outbox_messages::table
            .filter(outbox_messages::user_id.eq(user_id))
            .order(outbox_messages::id)
            .select((
                outbox_messages::subject,
                outbox_messages::body_text,
                outbox_messages::created_at,
                outbox_messages::sent_at,
            ))
            .load(conn)?;
    let discussions = crate::discussions::export_for_user(conn, user_id)?;
    let exercises = crate::exercises::export::export_for_user(conn, user_id)?;
    let learning = export_learning(conn, user_id)?;
    // Only answers to surveys that are not anonymous: anonymous ones are tied to nobody.
    let surveys = crate::surveys::answers_for_download(conn, user_id)?;
    Ok(serde_json::json!({
        "profile": user,
        "roles": roles,
        "enrolments": learning.enrolments,
        "progress": learning.progress,
        "certificates": learning.certificates,
        "memberships": learning.memberships,
        "trainings_held": learning.trainings_held,
        "discussions": discussions,
        "exercises": exercises,
        "survey_answers": surveys.into_iter().map(|(survey, question, value, text)| serde_json::json!({
            "survey": survey, "question": question, "value": value, "text": text
        })).collect::<Vec<_>>(),
        "emails": emails.into_iter().map(|(subject, body, queued, sent)| serde_json::json!({
            "subject": subject, "body": body, "queued_at": queued, "sent_at": sent
        })).collect::<Vec<_>>(),
    }))
}

struct LearningExport {
    enrolments: serde_json::Value,
    progress: serde_json::Value,
    certificates: serde_json::Value,
    memberships: serde_json::Value,
    trainings_held: serde_json::Value,
}

/// The user's enrolments, lesson progress, certificates, network memberships and trainings held.
fn export_learning(conn: &mut AnyConnection, user_id: i64) -> AppResult<LearningExport> {
    use crate::db::schema::{
        certificates, cohorts, completions, courses, enrolments, lesson_progress, lessons,
        memberships, organisations, regions, trainings_held,
    };
    let enrolled: Vec<(String, String, String, NaiveDateTime)> = enrolments::table
        .inner_join(cohorts::table.inner_join(courses::table))
        .filter(enrolments::user_id.eq(user_id))
        .order(enrolments::id)
        .select((
            cohorts::name,
            courses::title,
            enrolments::status,
            enrolments::created_at,
        ))
        .load(conn)?;
    let progress: Vec<(String, Option<NaiveDateTime>, String)> = lesson_progress::table
        .inner_join(lessons::table)
        .filter(lesson_progress::user_id.eq(user_id))
        .order(lessons::id)
        .select((
            lessons::title,
            lesson_progress::done_at,
            lesson_progress::answers_json,
        ))
        .load(conn)?;
    let certs: Vec<(String, String, String, String, chrono::NaiveDate)> = certificates::table
        .inner_join(completions::table)
        .filter(completions::user_id.eq(user_id))
        .order(certificates::id)
        .select((
            certificates::code,
            certificates::holder_name,
            certificates::course_title,
            certificates::course_version,
            certificates::issued_on,
        ))
        .load(conn)?;
    let member: Vec<(String, String, NaiveDateTime, NaiveDateTime)> = memberships::table
        .inner_join(regions::table)
        .filter(memberships::user_id.eq(user_id))
        .order(memberships::id)
        .select((
            regions::name_fi,
            memberships::status,
            memberships::joined_at,
            memberships::refreshed_at,
        ))
        .load(conn)?;
    let held: Vec<(String, chrono::NaiveDate, String, i32, String)> = trainings_held::table
        .inner_join(organisations::table)
        .filter(trainings_held::user_id.eq(user_id))
        .order(trainings_held::id)
        .select((
            organisations::name,
            trainings_held::held_on,
            trainings_held::theme,
            trainings_held::participants,
            trainings_held::notes,
        ))
        .load(conn)?;
    use serde_json::json;
    Ok(LearningExport {
        enrolments: enrolled
            .into_iter()
            .map(|(cohort, course, status, at)| {
                json!({"cohort": cohort, "course": course, "status": status, "enrolled_at": at})
            })
            .collect(),
        progress: progress
            .into_iter()
            .map(|(lesson, done, answers)| {
                json!({"lesson": lesson, "done_at": done, "answers": answers})
            })
            .collect(),
        certificates: certs
            .into_iter()
            .map(|(code, holder, course, version, issued)| {
                json!({"code": code, "holder": holder, "course": course,
                       "version": version, "issued_on": issued})
            })
            .collect(),
        memberships: member
            .into_iter()
            .map(|(region, status, joined, refreshed)| {
                json!({"region": region, "status": status, "joined_at": joined,
                       "refreshed_at": refreshed})
            })
            .collect(),
        trainings_held: held
            .into_iter()
            .map(|(org, on, theme, participants, notes)| {
                json!({"organisation": org, "held_on": on, "theme": theme,
                       "participants": participants, "notes": notes})
            })
            .collect(),
    })
}
