//! Writing exercises through the real application and database: the whole loop (two trainees
//! write, check, submit and review each other, the trainer assesses, the lesson and the course
//! complete, the e-mails are queued), anonymity, the privacy guard, a session that ends
//! mid-writing, lapsed reviews, hiding, publishing examples, the figures, the e-mail rules and
//! the pages in Finnish and Swedish. The fixture course is `tests/fixtures/courses/exercises`.

mod guard;
mod loop_;
mod peers;
mod rescue;
mod trainer;

use crate::support::browser::Response;
use crate::support::{Browser, TestApp};
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::cohorts::{self, NewCohort};
use kirjaamo::db::schema::{courses, outbox_messages as om, users};
use kirjaamo::db::schema_exercises::{exercise_entries as ee, exercise_reviews as er};
use std::path::Path;

pub const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/courses/exercises"
);
pub const LESSON: &str = "kotikaynti";
pub const A: &str = "trainee@example.fi";
pub const B: &str = "trainee2@example.fi";
pub const TRAINER: &str = "trainer@example.fi";

/// Copies the exercise fixture course into the app's courses folder and publishes it.
pub fn publish(app: &TestApp) {
    crate::courses::copy_dir(Path::new(FIXTURE), &app.state.config.courses_dir);
    let all = kirjaamo::app::publish_courses(&app.state).unwrap();
    assert!(all.diagnostics.is_empty(), "{:?}", all.diagnostics);
}

/// A cohort of the exercise course in Socca, with these trainees and the trainer.
pub fn cohort_with(app: &TestApp, trainees: &[(&str, &str)], trainer: &str) -> i64 {
    let course_id: i64 = courses::table
        .filter(courses::slug.eq("harjoituskurssi"))
        .select(courses::id)
        .first(&mut app.conn())
        .unwrap();
    let c = cohorts::create(
        &mut app.conn(),
        NewCohort {
            course_id,
            name: "Harjoitusryhmä",
            region_id: Some(app.region_id("socca")),
            work_hours: 20,
            ..Default::default()
        },
        app.clock.now(),
    )
    .unwrap();
    for (email, name) in trainees {
        let id = match user_id(app, email) {
            Some(id) => id,
            None => app.user(email, name, None).id,
        };
        cohorts::enrol(&mut app.conn(), c.id, id, app.clock.now()).unwrap();
    }
    let trainer_id = match user_id(app, trainer) {
        Some(id) => id,
        None => {
            app.user(trainer, "Ville Valmentaja", Some(Role::Trainer))
                .id
        }
    };
    cohorts::add_trainer(&mut app.conn(), c.id, trainer_id).unwrap();
    c.id
}

/// The app with the exercise course and a cohort of two trainees and a trainer.
pub fn world() -> (TestApp, i64) {
    let app = TestApp::new();
    publish(&app);
    let cohort = cohort_with(
        &app,
        &[(A, "Tiina Trainee"), (B, "Kalle Kakkonen")],
        TRAINER,
    );
    (app, cohort)
}

pub fn user_id(app: &TestApp, email: &str) -> Option<i64> {
    users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(&mut app.conn())
        .optional()
        .unwrap()
}

/// A good entry: the client's view, observations, an assessment and what was agreed.
pub const GOOD: &str = "Aino kertoo pärjäävänsä kotona ja toivoo apua kauppa-asioihin.\n\
    Havaitsin, että jääkaapissa oli vähän ruokaa.\n\
    Sovimme Ainon kanssa, että tilaan kauppapalvelun perjantaiksi.";

/// Posts the lesson page's writing form (`save`, `check` or `submit`).
pub async fn write(b: &mut Browser, cohort: i64, action: &str, text: &str) -> Response {
    b.post(
        &format!("/ryhmat/{cohort}/{LESSON}"),
        &[("action", action), ("body", text)],
    )
    .await
}

/// Submits and expects the redirect to the feedback.
pub async fn submit(b: &mut Browser, cohort: i64, text: &str) {
    let res = write(b, cohort, "submit", text).await;
    assert_eq!(res.status, 303, "{}", res.body);
}

/// The open (or any) peer assignment of `reviewer`.
pub fn assignment_of(app: &TestApp, reviewer: &str) -> Option<i64> {
    let uid = user_id(app, reviewer)?;
    er::table
        .filter(er::kind.eq("peer"))
        .filter(er::reviewer_id.eq(uid))
        .order(er::id)
        .select(er::id)
        .first(&mut app.conn())
        .optional()
        .unwrap()
}

/// The entry of `email` in the cohort.
pub fn entry_of(app: &TestApp, email: &str) -> Option<i64> {
    let uid = user_id(app, email)?;
    ee::table
        .filter(ee::user_id.eq(uid))
        .select(ee::id)
        .first(&mut app.conn())
        .optional()
        .unwrap()
}

/// Outbox messages to `email`: (subject, text).
pub fn mails_to(app: &TestApp, email: &str) -> Vec<(String, String)> {
    om::table
        .filter(om::recipient_email.eq(email))
        .order(om::id)
        .select((om::subject, om::body_text))
        .load(&mut app.conn())
        .unwrap()
}

/// Sends a peer review through the review page's form.
pub async fn review(b: &mut Browser, review_id: i64, levels: &[&str], comment: &str) -> Response {
    let mut fields: Vec<(String, String)> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("r{i}"), l.to_string()))
        .collect();
    fields.push(("comment".into(), comment.into()));
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(&format!("/harjoitukset/arvioi/{review_id}"), &f)
        .await
}

/// The route matrix's fixture: the exercise course published beside the demo course, a
/// cohort of it in Socca where the matrix's trainee and a second trainee have submitted
/// (so each reviews the other) and the matrix's trainer teaches. Returns `{entry}` (the
/// matrix trainee's entry), `{review}` (their assignment) and `{review_action}`.
pub async fn matrix_fixture(app: &TestApp) -> Vec<(String, String)> {
    publish(app);
    let cohort = cohort_with(
        app,
        &[
            (A, "Tiina Trainee"),
            ("matrix2@example.fi", "Maija Matriisi"),
        ],
        TRAINER,
    );
    for email in [A, "matrix2@example.fi"] {
        let mut b = app.signed_in(email).await;
        submit(&mut b, cohort, GOOD).await;
    }
    vec![
        ("{entry}".into(), entry_of(app, A).unwrap().to_string()),
        (
            "{review}".into(),
            assignment_of(app, A).unwrap().to_string(),
        ),
        ("{review_action}".into(), "piilota".into()),
    ]
}
