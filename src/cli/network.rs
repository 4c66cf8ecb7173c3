//! `kirjaamo network check-lapsed|rebuild-totals`: the lapse check on demand, and the reach
//! totals compared with or rebuilt from the raw rows.

use kirjaamo::{network, AppState};
use std::process::ExitCode;

pub fn check_lapsed(
    state: &AppState,
    as_of: Option<chrono::NaiveDate>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let mut conn = state.pool.get()?;
    let now = state.clock.now();
    let as_of = as_of.unwrap_or(now.date());
    let today = network::refresher::latest_today(now);
    if as_of > today && !dry_run {
        // Acting on a day that has not come would enrol and e-mail experts whose
        // competence is still valid today; looking ahead is what --dry-run is for.
        eprintln!(
            "kirjaamo: --as-of {as_of} is in the future (today is {}): nothing was \
             changed. Add --dry-run to see what the check would do on that day.",
            today
        );
        return Ok(ExitCode::from(2));
    }
    let msg = state.messaging();
    let report = network::refresher::check(&mut conn, &msg, as_of, now, dry_run)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    match report {
        Some(report) => {
            for line in report.lines() {
                println!("{line}");
            }
        }
        None => println!(
            "no refresher course is published: there is no rule to check against \
             (publish courses/ first: kirjaamo courses build)"
        ),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn rebuild_totals(state: &AppState, check: bool) -> anyhow::Result<ExitCode> {
    let mut conn = state.pool.get()?;
    let totals =
        network::trainings::recount::compare(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    if check {
        for d in &totals {
            println!("{d}");
        }
        if totals.is_empty() {
            println!("the reach totals agree with the trainings and sign-ins");
        } else {
            println!(
                "{} differences (run without --check to rebuild)",
                totals.len()
            );
            return Ok(ExitCode::from(1));
        }
    } else {
        let rows =
            network::trainings::recount::rebuild(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "reach totals rebuilt from the raw rows: {rows} rows ({} were out of step)",
            totals.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
