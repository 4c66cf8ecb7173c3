//! `kirjaamo demo [--scale N]`: the demo world, and the load dataset on top of it.

use kirjaamo::{app, demo, AppState};
use std::process::ExitCode;

pub fn seed(state: &AppState, scale: Option<usize>) -> anyhow::Result<ExitCode> {
    // The demo cohort runs the basic course: publish the courses first.
    app::publish_courses(state)?;
    let mut conn = state.pool.get()?;
    let report = demo::seed(&mut conn, &state.config.demo_password, state.clock.now())?;
    println!(
        "demo world ready: {} organisations, {} users, {} cohorts, {} enrolments added; accounts {}, {}, {}, {}",
        report.organisations,
        report.users,
        report.cohorts,
        report.enrolments,
        demo::ADMIN,
        demo::COORDINATOR,
        demo::TRAINER,
        demo::TRAINEE
    );
    if let Some(users) = scale {
        seed_scale(state, &mut conn, users)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `demo --scale N`: the load dataset on top of the demo world.
fn seed_scale(
    state: &AppState,
    conn: &mut kirjaamo::db::AnyConnection,
    users: usize,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let hash = kirjaamo::accounts::password::hash(&state.config.demo_password)?;
    let r = demo::scale::seed(conn, users, &hash, state.clock.now())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if r.already_present {
        println!("scaled dataset of {users} users already present: nothing added");
    } else {
        println!(
            "scaled dataset added in {:.1} s: {} users, {} organisations, {} cohorts, {} enrolments, {} lessons done, {} completions, {} memberships, {} trainings held, {} threads, {} posts; the long thread is {} ({} posts); sign in as {}",
            started.elapsed().as_secs_f64(),
            r.users,
            r.organisations,
            r.cohorts,
            r.enrolments,
            r.progress,
            r.completions,
            r.memberships,
            r.trainings,
            r.threads,
            r.posts,
            r.long_thread,
            r.long_thread_posts,
            demo::scale::BENCH_TRAINEE
        );
    }
    Ok(())
}
