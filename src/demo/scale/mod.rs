//! `kirjaamo demo --scale N`: a large, realistic dataset for load benches, on top of the demo
//! world. N users (a thousandth of them trainers) in the organisations of the 22 counties
//! (about one organisation per 30 users, a few large and many small), cohorts of 25 trainees
//! of the basic course in every region (most of them finished: completions, certificates,
//! network memberships and trainings held; the rest studying, with partial progress), and
//! about ten posts per user in threads on the lessons' discussions — most threads short, a
//! few very long, and one of N/5 posts (120 to 20,000) in the bench cohort.
//!
//! Rows go in with multi-row `INSERT`s in transactions of 50,000 rows, ids given (after the
//! largest id already there, so the demo world stays). Running it again with the same N changes
//! nothing; another N on a database that already holds a scaled dataset is refused.

mod bulk;
mod discussions;
mod graduates;
mod people;
mod plan;

pub use plan::{BENCH_TRAINEE, COHORT_SIZE, DOMAIN, POSTS_PER_USER};

use crate::db::AnyConnection;
use crate::{AppError, AppResult};
use bulk::next_id;
use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use discussions::{plan_threads, seed_posts, seed_subscriptions, seed_threads};
use graduates::{seed_completions, seed_memberships, seed_trainings_held};
use people::{seed_cohorts, seed_enrolments, seed_organisations, seed_progress, seed_users};
use plan::{basic_course, enrolment_statuses, places, plan_people, Rng, Status};

/// What was added.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScaleReport {
    pub users: usize,
    pub organisations: usize,
    pub cohorts: usize,
    pub enrolments: usize,
    pub progress: usize,
    pub completions: usize,
    pub memberships: usize,
    pub trainings: usize,
    pub threads: usize,
    pub posts: usize,
    /// The long thread of the bench cohort and its length.
    pub long_thread: i64,
    pub long_thread_posts: usize,
    /// True when the same dataset was already there (nothing was added).
    pub already_present: bool,
}

/// Adds the scaled dataset of `users` users (see the module comment). Needs the basic course
/// published and the demo world seeded (its coordinator reads the network pages).
pub fn seed(
    conn: &mut AnyConnection,
    users: usize,
    password_hash: &str,
    now: NaiveDateTime,
) -> AppResult<ScaleReport> {
    if users < 50 {
        return Err(AppError::invalid("--scale needs at least 50 users"));
    }
    if already_scaled(conn, users)? {
        return Ok(ScaleReport {
            already_present: true,
            ..Default::default()
        });
    }
    let course = basic_course(conn)?;
    let places = places(conn)?;
    // One generator for the whole world, drawn from in this order: the organisations, the
    // trainees' organisations, the enrolments' fates, the threads, the posts.
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let started = std::time::Instant::now();

    let (organisations, orgs_by_region) = seed_organisations(conn, &places, users, now, &mut rng)?;
    let people = plan_people(conn, users, &orgs_by_region, now, &mut rng)?;
    let mut report = ScaleReport {
        organisations,
        ..Default::default()
    };
    report.users = seed_users(conn, &people, password_hash, now)?;
    report.cohorts = seed_cohorts(conn, &people, &course, &places)?;

    let status = enrolment_statuses(&people, &mut rng);
    let enrolment_base = next_id(conn, "enrolments")?;
    report.enrolments = seed_enrolments(conn, &people, &status, enrolment_base)?;
    report.progress = seed_progress(conn, &people, &status, &course.lesson_ids)?;

    let graduates: Vec<usize> = (0..people.trainees)
        .filter(|k| status[*k] == Status::Completed)
        .collect();
    report.completions = seed_completions(conn, &people, &course, &graduates, enrolment_base)?;
    report.memberships = seed_memberships(conn, &people, &places, &graduates, now)?;
    report.trainings = seed_trainings_held(conn, &people, &graduates, now)?;
    // The trainings went in as bulk rows: the reach totals are rebuilt from them (as
    // `kirjaamo network rebuild-totals` does).
    crate::network::trainings::recount::rebuild(conn)?;

    let threads = plan_threads(conn, &people, users, &mut rng)?;
    report.threads = seed_threads(conn, &threads, &people, &course.lesson_ids)?;
    report.posts = seed_posts(conn, &threads, &people, &mut rng)?;
    seed_subscriptions(conn, &threads, &people)?;
    report.long_thread = threads.base;
    report.long_thread_posts = threads.long;
    conn.batch_execute("ANALYZE")?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "scaled dataset loaded"
    );
    Ok(report)
}

/// Whether this database already holds the scaled dataset of `users` users; another size is
/// refused.
fn already_scaled(conn: &mut AnyConnection, users: usize) -> AppResult<bool> {
    let existing: i64 = crate::db::schema::users::table
        .filter(crate::db::schema::users::email.like(format!("%@{DOMAIN}")))
        .count()
        .get_result(conn)?;
    if existing as usize == users {
        return Ok(true);
    }
    if existing > 0 {
        return Err(AppError::invalid(format!(
            "this database already holds a scaled dataset of {existing} users; use an empty database for --scale {users}"
        )));
    }
    Ok(false)
}
