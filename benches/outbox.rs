//! Queue-and-deliver throughput of the mail outbox against a real local SMTP server
//! (`tests/smtp_server.py`, aiosmtpd). A measurement, not a test: it prints figures.
//!
//! `cargo bench --bench outbox` (SQLite); with `KIRJAAMO_BENCH_DATABASE_URL=postgres://…`
//! on PostgreSQL. `KIRJAAMO_BENCH_MESSAGES` sets the count (default 2000).

use kirjaamo::clock::Clock;
use kirjaamo::i18n::Lang;
use kirjaamo::mail::transport::Transport;
use kirjaamo::mail::{self, Envelope};
use kirjaamo::{AppState, Config};
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("KIRJAAMO_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut smtp = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_server.py"))
        .args(["--port", &port.to_string(), "--maildir"])
        .arg(dir.path().join("maildir"))
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    std::io::BufReader::new(smtp.stdout.take().expect("stdout")).read_line(&mut line)?;
    anyhow::ensure!(
        line.trim() == "ready",
        "the SMTP server did not start (pip install aiosmtpd)"
    );

    let mut config = Config::for_data_dir(
        dir.path(),
        std::env::var("KIRJAAMO_BENCH_DATABASE_URL").ok(),
    );
    config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let backend = if config.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // The SMTP pool starts a task when built and when dropped: both inside the runtime.
    let _guard = runtime.enter();
    let transport = Transport::from_config(&config)?;
    let state = AppState::build(config, Clock::System, transport)?;

    let started = Instant::now();
    {
        let mut conn = state.pool.get()?;
        let now = state.clock.now();
        let run = hex::encode(rand::random::<[u8; 4]>());
        kirjaamo::db::write_tx(&mut conn, |c| {
            for i in 0..n {
                let mut ctx = tera::Context::new();
                ctx.insert("name", "Maija Meikäläinen");
                ctx.insert("link", "https://kirjaamo.example/salasana/uusi/abc");
                ctx.insert("minutes", &60);
                mail::queue(
                    c,
                    &state.templates,
                    now,
                    Envelope {
                        to_email: &format!("person{i}@example.fi"),
                        to_name: "Maija Meikäläinen",
                        language: Lang::Fi,
                        user_id: None,
                        dedupe_key: format!("bench:{run}:{i}"),
                        template: "password_reset",
                        context: ctx,
                    },
                )?;
            }
            Ok::<_, kirjaamo::AppError>(())
        })?;
    }
    let queued = started.elapsed();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let report = runtime.block_on(state.mailer().deliver_due(100))?;
    let delivered = started.elapsed();
    let _ = smtp.kill();

    println!("outbox bench on {backend}, {n} messages");
    println!(
        "  queue:   {:>8.1} messages/s ({:.2} s)",
        n as f64 / queued.as_secs_f64(),
        queued.as_secs_f64()
    );
    println!(
        "  deliver: {:>8.1} messages/s ({:.2} s), sent {}, retried {}, failed {}",
        report.sent as f64 / delivered.as_secs_f64(),
        delivered.as_secs_f64(),
        report.sent,
        report.retried,
        report.failed
    );
    anyhow::ensure!(report.sent == n, "not every message was delivered");
    Ok(())
}
