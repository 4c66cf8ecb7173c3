//! `kirjaamo backup` and `restore`: the SQLite file copied out or put back, refused (exit 2)
//! when it must not be touched.

use super::REFUSED;
use kirjaamo::db::backup;
use kirjaamo::Config;
use std::path::Path;
use std::process::ExitCode;

pub fn backup(config: &Config, file: &Path) -> ExitCode {
    refusable(backup::backup(&config.database_url, file).map(|r| r.to_string()))
}

pub fn restore(config: &Config, file: &Path) -> ExitCode {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string();
    refusable(backup::restore(&config.database_url, file, &stamp).map(|r| r.to_string()))
}

/// Prints what was done, or why it was refused (exit 2) or failed.
fn refusable(result: Result<String, kirjaamo::db::backup::OpError>) -> std::process::ExitCode {
    use kirjaamo::db::backup::OpError;
    match result {
        Ok(done) => {
            println!("{done}");
            std::process::ExitCode::SUCCESS
        }
        Err(OpError::Refused(why)) => {
            eprintln!("kirjaamo: {why}");
            std::process::ExitCode::from(REFUSED)
        }
        Err(OpError::Failed(e)) => {
            eprintln!("kirjaamo: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
