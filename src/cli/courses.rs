//! `kirjaamo courses check|build`: compile the course files and print every diagnostic, or
//! publish them.

use kirjaamo::{app, AppState};
use std::path::Path;
use std::process::ExitCode;

pub fn check(dir: &Path) -> ExitCode {
    let out = kirjaamo::courses::compile_dir(dir);
    for d in &out.diagnostics {
        println!("{d}");
    }
    // Warnings are advice: they are printed but do not fail the check.
    for w in &out.warnings {
        println!("{w}");
    }
    let lessons: usize = out
        .courses
        .iter()
        .map(|c| c.modules.iter().map(|m| m.lessons.len()).sum::<usize>())
        .sum();
    println!(
        "{} courses, {} lessons compiled; {} problems, {} warnings",
        out.courses.len(),
        lessons,
        out.diagnostics.len(),
        out.warnings.len()
    );
    if out.diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

pub fn build(state: &AppState) -> anyhow::Result<ExitCode> {
    let all = app::publish_courses(state)?;
    for d in &all.diagnostics {
        println!("{d}");
    }
    for r in &all.published {
        let what = if r.changed { "published" } else { "unchanged" };
        println!(
            "{}: {what} ({} lessons, {} retired)",
            r.course, r.lessons, r.retired
        );
    }
    if !all.diagnostics.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
