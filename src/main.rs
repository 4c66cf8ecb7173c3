//! The `kirjaamo` command: parse, then call the library. `serve` is the default.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use kirjaamo::accounts::{self, password, NewAccount, Role};
use kirjaamo::clock::Clock;
use kirjaamo::i18n::Lang;
use kirjaamo::mail::transport::Transport;
use kirjaamo::{app, demo, mail, network, AppState, Config};

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

fn main() -> std::process::ExitCode {
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
            std::process::ExitCode::FAILURE
        }
    }
}

/// Refused before anything is done (bad setting, a file that must not be touched).
const REFUSED: u8 = 2;

fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let config = Config::from_env()?;
    // Commands that queue e-mail put the public address in its links.
    let queues_mail = matches!(
        cli.command,
        None | Some(Command::Serve { .. })
            | Some(Command::Demo { .. })
            | Some(Command::Network {
                command: NetworkCommand::CheckLapsed { dry_run: false, .. }
            })
            | Some(Command::Outbox {
                command: OutboxCommand::Retry { .. }
            })
    );
    if queues_mail {
        if let Err(why) = config.check_mail_links() {
            eprintln!("kirjaamo: {why}");
            return Ok(std::process::ExitCode::from(REFUSED));
        }
    }
    use kirjaamo::db::backup;
    match &cli.command {
        Some(Command::Backup { file }) => {
            return Ok(refusable(
                backup::backup(&config.database_url, file).map(|r| r.to_string()),
            ))
        }
        Some(Command::Restore { file }) => {
            let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string();
            return Ok(refusable(
                backup::restore(&config.database_url, file, &stamp).map(|r| r.to_string()),
            ));
        }
        _ => {}
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // lettre's SMTP pool starts a task when it is built and when it is dropped: both happen
    // inside this runtime's context.
    let _runtime = runtime.enter();
    let state = || {
        AppState::build(
            config.clone(),
            Clock::System,
            Transport::from_config(&config)?,
        )
    };
    match cli.command.unwrap_or(Command::Serve {
        watch_courses: false,
    }) {
        Command::Serve { watch_courses } => {
            let config = config.clone();
            // Held while serving: `restore` refuses to replace the database under us.
            let _serving = kirjaamo::db::backup::server_lock(&config.database_url)?;
            actix_web::rt::System::new().block_on(async move {
                let transport = Transport::from_config(&config)?;
                let state = AppState::build(config, Clock::System, transport)?;
                app::publish_courses(&state)?;
                app::serve(state, watch_courses).await
            })?;
        }
        Command::Courses {
            command: CoursesCommand::Check { dir },
        } => {
            let dir = dir.unwrap_or_else(|| config.courses_dir.clone());
            let out = kirjaamo::courses::compile_dir(&dir);
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
            if !out.diagnostics.is_empty() {
                return Ok(std::process::ExitCode::FAILURE);
            }
        }
        Command::Courses {
            command: CoursesCommand::Build,
        } => {
            let state = state()?;
            let all = app::publish_courses(&state)?;
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
                return Ok(std::process::ExitCode::FAILURE);
            }
        }
        Command::Migrate => {
            state()?;
            println!("migrations applied");
        }
        Command::Demo { scale } => {
            let state = state()?;
            // The demo cohort runs the basic course: publish the courses first.
            app::publish_courses(&state)?;
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
                let started = std::time::Instant::now();
                let hash = kirjaamo::accounts::password::hash(&state.config.demo_password)?;
                let r = demo::scale::seed(&mut conn, users, &hash, state.clock.now())
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
            }
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    language,
                },
        } => {
            let state = state()?;
            let mut conn = state.pool.get()?;
            let role = parse_role(&mut conn, &role)?;
            let lang = Lang::parse(&language).context("language must be fi, sv or en")?;
            let pw = match std::env::var("KIRJAAMO_NEW_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Password (12–128 characters), then Enter:");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\n', '\r']).to_string()
                }
            };
            if let Err(key) = password::validate(&pw) {
                bail!("the password is not acceptable ({key}): use 12 to 128 characters");
            }
            let now = state.clock.now();
            let user = accounts::create_user(
                &mut conn,
                NewAccount {
                    email: &email,
                    name: &name,
                    language: lang,
                    organisation_id: None,
                    password_hash: Some(password::hash(&pw)?),
                },
                now,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            if let Some(role) = role {
                accounts::grant_role(&mut conn, user.id, &role, None, now)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            println!("created user {} <{}>", user.id, user.email);
        }
        Command::Network {
            command: NetworkCommand::CheckLapsed { as_of, dry_run },
        } => {
            let state = state()?;
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
                return Ok(std::process::ExitCode::from(2));
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
        }
        Command::Network {
            command: NetworkCommand::RebuildTotals { check },
        } => {
            let state = state()?;
            let mut conn = state.pool.get()?;
            let totals = network::trainings::recount::compare(&mut conn)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
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
                    return Ok(std::process::ExitCode::from(1));
                }
            } else {
                let rows = network::trainings::recount::rebuild(&mut conn)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!(
                    "reach totals rebuilt from the raw rows: {rows} rows ({} were out of step)",
                    totals.len()
                );
            }
        }
        Command::Backup { .. } | Command::Restore { .. } => {}
        Command::Outbox { command } => {
            let state = state()?;
            match command {
                OutboxCommand::Status => {
                    let mut conn = state.pool.get()?;
                    let s = mail::status(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
                    let age = s
                        .oldest_pending
                        .map(|t| format!("{} s", (state.clock.now() - t).num_seconds()))
                        .unwrap_or_else(|| "-".into());
                    println!(
                        "pending {}\nsent {}\nfailed {}\noldest pending age {age}",
                        s.pending, s.sent, s.failed
                    );
                }
                OutboxCommand::Deliver => {
                    let r = runtime.block_on(state.mailer().deliver_due(100))?;
                    println!(
                        "sent {}, to retry {}, failed {}",
                        r.sent, r.retried, r.failed
                    );
                }
                OutboxCommand::Retry { id } => {
                    let mut conn = state.pool.get()?;
                    let n = mail::retry_failed(&mut conn, id, state.clock.now())
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    println!("{n} failed messages queued again");
                }
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
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

fn parse_role(conn: &mut kirjaamo::db::AnyConnection, spec: &str) -> anyhow::Result<Option<Role>> {
    let (kind, place) = spec.split_once(':').unwrap_or((spec, ""));
    Ok(match kind {
        "trainee" => None,
        "trainer" => Some(Role::Trainer),
        "admin" => Some(Role::Admin),
        "regional-coordinator" => Some(Role::RegionalCoordinator {
            region_id: network::region_by_code(conn, place).map_err(|_| anyhow::anyhow!("no region with code {place:?}"))?.id,
        }),
        "county-coordinator" => Some(Role::CountyCoordinator {
            county_id: network::county_by_code(conn, place).map_err(|_| anyhow::anyhow!("no county with code {place:?}"))?.id,
        }),
        other => bail!("unknown role {other:?}: use trainee, trainer, admin, regional-coordinator:<code> or county-coordinator:<code>"),
    })
}
