//! The `kirjaamo` command: parse, then call the library. `serve` is the default.

mod cli;

use clap::{Parser, Subcommand};
use cli::{backup, courses, demo, network, outbox, users, REFUSED};
use kirjaamo::clock::Clock;
use kirjaamo::mail::transport::Transport;
use kirjaamo::{app, AppState, Config};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kirjaamo",
    version,
    about = "Kirjaamo: client-documentation training for social welfare"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default): migrations, courses and the mail worker included.
    Serve {
        /// Recompile and republish the courses when their files change (for course authors).
        #[arg(long)]
        watch_courses: bool,
    },
    /// Compile or publish the courses.
    Courses {
        #[command(subcommand)]
        command: CoursesCommand,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Seed the demo world (idempotent).
    Demo {
        /// Add a large dataset for load benches on top: this many users in cohorts,
        /// organisations and the expert networks, ten posts per user (`kirjaamo::demo::scale`).
        /// The same N again changes nothing; another N on a scaled database is refused.
        #[arg(long, value_name = "USERS")]
        scale: Option<usize>,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The mail outbox.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// The expert networks.
    Network {
        #[command(subcommand)]
        command: NetworkCommand,
    },
    /// Write a consistent copy of the SQLite database to FILE, also while the server runs
    /// (never overwrites a file). On PostgreSQL, use pg_dump.
    Backup { file: std::path::PathBuf },
    /// Put a backup made by `backup` in place of the SQLite database, with every server
    /// stopped; the replaced database is kept beside it. On PostgreSQL, use pg_restore.
    Restore { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum NetworkCommand {
    /// Find the experts whose competence has gone out of date and who have not trained anyone
    /// lately; enrol them into a refresher cohort (or queue them), remind those about to lapse.
    /// Prints who, why, and what was done. Safe to repeat: nobody is enrolled or reminded twice.
    CheckLapsed {
        /// The day to check as of (YYYY-MM-DD); default today. A future day only with --dry-run.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<chrono::NaiveDate>,
        /// Print what would be done and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Recompute the reach totals (trainings, participations, people reached) from the raw
    /// trainings and sign-ins. With --check, only compare and print any difference (exit 1).
    RebuildTotals {
        #[arg(long)]
        check: bool,
    },
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date: use YYYY-MM-DD, e.g. 2027-03-01"))
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user (e.g. the first admin). The password is read from KIRJAAMO_NEW_PASSWORD
    /// or standard input, never from the command line.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// trainee, trainer, admin, regional-coordinator:<region code>, county-coordinator:<county code>
        #[arg(long, default_value = "trainee")]
        role: String,
        #[arg(long, default_value = "fi")]
        language: String,
    },
}

#[derive(Subcommand)]
enum CoursesCommand {
    /// Compile the courses (default: KIRJAAMO_COURSES_DIR) and print every diagnostic; exits
    /// non-zero on any.
    Check { dir: Option<std::path::PathBuf> },
    /// Compile and publish; a course with errors is not published (its last good version stays).
    Build,
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Print the queue: pending, sent, failed, oldest pending.
    Status,
    /// Deliver what is due now, once.
    Deliver,
    /// Put failed messages back in the queue (all, or one by id).
    Retry {
        #[arg(long)]
        id: Option<i64>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KIRJAAMO_LOG")
                .unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .with_target(false)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kirjaamo: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    if queues_mail(&cli.command) {
        if let Err(why) = config.check_mail_links() {
            eprintln!("kirjaamo: {why}");
            return Ok(ExitCode::from(REFUSED));
        }
    }
    // Backup and restore work on the database file itself, before anything opens it.
    match &cli.command {
        Some(Command::Backup { file }) => return Ok(backup::backup(&config, file)),
        Some(Command::Restore { file }) => return Ok(backup::restore(&config, file)),
        _ => {}
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // lettre's SMTP pool starts a task when it is built and when it is dropped: both happen
    // inside this runtime's context.
    let _runtime = runtime.enter();
    execute(
        cli.command.unwrap_or(Command::Serve {
            watch_courses: false,
        }),
        &config,
        &runtime,
    )
}

/// Commands that queue e-mail put the public address in its links.
fn queues_mail(command: &Option<Command>) -> bool {
    matches!(
        command,
        None | Some(Command::Serve { .. })
            | Some(Command::Demo { .. })
            | Some(Command::Network {
                command: NetworkCommand::CheckLapsed { dry_run: false, .. }
            })
            | Some(Command::Outbox {
                command: OutboxCommand::Retry { .. }
            })
    )
}

/// The command table: each command and the function that carries it out.
fn execute(
    command: Command,
    config: &Config,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<ExitCode> {
    let state = || {
        AppState::build(
            config.clone(),
            Clock::System,
            Transport::from_config(config)?,
        )
    };
    match command {
        Command::Serve { watch_courses } => serve(config, watch_courses),
        Command::Courses {
            command: CoursesCommand::Check { dir },
        } => Ok(courses::check(
            &dir.unwrap_or_else(|| config.courses_dir.clone()),
        )),
        Command::Courses {
            command: CoursesCommand::Build,
        } => courses::build(&state()?),
        Command::Migrate => {
            state()?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { scale } => demo::seed(&state()?, scale),
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    language,
                },
        } => users::add(&state()?, &email, &name, &role, &language),
        Command::Network {
            command: NetworkCommand::CheckLapsed { as_of, dry_run },
        } => network::check_lapsed(&state()?, as_of, dry_run),
        Command::Network {
            command: NetworkCommand::RebuildTotals { check },
        } => network::rebuild_totals(&state()?, check),
        Command::Backup { .. } | Command::Restore { .. } => Ok(ExitCode::SUCCESS),
        Command::Outbox { command } => {
            let state = state()?;
            match command {
                OutboxCommand::Status => outbox::status(&state),
                OutboxCommand::Deliver => outbox::deliver(&state, runtime),
                OutboxCommand::Retry { id } => outbox::retry(&state, id),
            }
        }
    }
}

/// Threads for the background jobs' blocking work (database, mail folder): each job holds at
/// most one at a time.
const BACKGROUND_BLOCKING_THREADS: usize = 3;

fn serve(config: &Config, watch_courses: bool) -> anyhow::Result<ExitCode> {
    let config = config.clone();
    // Held while serving: `restore` refuses to replace the database under us.
    let _serving = kirjaamo::db::backup::server_lock(&config.database_url)?;
    // The background jobs (mail, digests, the lapse check, pruning) run on this runtime, and
    // their blocking work is bounded as each HTTP worker's is: with tokio's default of 512, a
    // first day's mail into the mail folder ran on 19 more threads, each with its own stack and
    // malloc arena (3.3 MB; benches/README.md, issue 19's sixth round). Waiting is fine here.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(BACKGROUND_BLOCKING_THREADS)
        .build()?;
    actix_web::rt::System::with_tokio_rt(|| runtime).block_on(async move {
        let transport = Transport::from_config(&config)?;
        let state = AppState::build(config, Clock::System, transport)?;
        app::publish_courses(&state)?;
        app::serve(state, watch_courses).await
    })?;
    Ok(ExitCode::SUCCESS)
}
