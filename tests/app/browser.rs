//! Real-browser checks, when `KIRJAAMO_TEST_BROWSER=1`: the server binary runs on a free port
//! with the demo world, and the node scripts in `tests/browser` drive headless Debian Chromium
//! through playwright-core: axe-core (WCAG 2.1 A/AA) on every page, keyboard use, hostile
//! content, and the user journeys (apply → enrol → study → ask → complete → network), whose
//! e-mails really go over SMTP to `tests/smtp_server.py` (aiosmtpd) and are read back from its
//! Maildir by the tests. Needs node and npm (the packages come from `npm ci`),
//! `/usr/bin/chromium` and python3 with aiosmtpd.

use kirjaamo::clock::Clock;
use kirjaamo::i18n::Lang;
use kirjaamo::mail::transport::Transport;
use kirjaamo::mail::worker::Mailer;
use kirjaamo::mail::{self, Envelope};
use kirjaamo::{AppState, Config};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kirjaamo");
const DEFAULT_DEMO_PASSWORD: &str = "kirjaamo-demo-2026";
const HOSTILE_EMAIL: &str = "hostile@demo.kirjaamo.test";
/// The county coordinator of `tests/browser/lib/kirjaamo.mjs` (`ACCOUNTS.county`).
const COUNTY_EMAIL: &str = "county@demo.kirjaamo.test";
/// A user name that would run script if a page put it in unescaped.
const HOSTILE_NAME: &str = "\"'><script>window.__pwned='name'</script><img src=x data-hostile \
                            onerror=\"window.__pwned='img'\">{{7*7}} Hostile";
/// A recipient address that is hostile markup: it cannot be made into a message, so its
/// e-mail fails at once and is listed on the admin outbox page.
const HOSTILE_ADDRESS: &str = "<img src=x data-hostile onerror=alert(1)>@example.fi";

fn enabled() -> bool {
    let on = std::env::var("KIRJAAMO_TEST_BROWSER").is_ok_and(|v| v == "1");
    if !on {
        eprintln!(
            "skipped: set KIRJAAMO_TEST_BROWSER=1 (needs node, npm and /usr/bin/chromium) to run \
             the browser tests in tests/browser"
        );
    }
    on
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server process; killed when dropped, so a failing test leaves nothing running.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `kirjaamo` with only the settings of this test: none of the caller's `KIRJAAMO_*`
/// variables (a database URL, SMTP) leak in, and no `.env` is found.
fn kirjaamo(data_dir: &Path, port: u16, password: &str) -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("KIRJAAMO_") {
            c.env_remove(k);
        }
    }
    c.current_dir(data_dir)
        .env("KIRJAAMO_DATA_DIR", data_dir)
        .env("KIRJAAMO_BIND", format!("127.0.0.1:{port}"))
        .env("KIRJAAMO_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("KIRJAAMO_COURSES_DIR", repo().join("courses"))
        .env("KIRJAAMO_DEMO_PASSWORD", password)
        .env("KIRJAAMO_LOG", "info,actix_server=warn");
    c
}

fn run_ok(mut c: Command, what: &str) -> String {
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{text}",
        out.status
    );
    text
}

/// GET /healthz over a plain socket; the status code, if the server answered.
fn health(port: u16) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    buf.split_whitespace().nth(1)?.parse().ok()
}

/// One failed e-mail (to [`HOSTILE_ADDRESS`]) in the outbox, so `/hallinta/posti` shows its
/// table of failed messages: queued here and delivered once, which fails permanently.
fn seed_failed_mail(data_dir: &Path) {
    let clock = Clock::System;
    let now = clock.now();
    let state = AppState::build(
        Config::for_data_dir(data_dir, None),
        clock.clone(),
        Transport::memory().0,
    )
    .unwrap();
    let mut ctx = tera::Context::new();
    ctx.insert("name", HOSTILE_NAME);
    ctx.insert("link", "http://127.0.0.1/salasana/uusi/x");
    ctx.insert("minutes", &60);
    let queued = mail::queue(
        &mut state.pool.get().unwrap(),
        &state.templates,
        now,
        Envelope {
            to_email: HOSTILE_ADDRESS,
            to_name: HOSTILE_NAME,
            language: Lang::Fi,
            user_id: None,
            dedupe_key: "browser-test:hostile-recipient".into(),
            template: "password_reset",
            context: ctx,
        },
    )
    .unwrap();
    assert!(queued);
    let mailer = Mailer {
        pool: state.pool.clone(),
        transport: Transport::Files(data_dir.join("mail")),
        clock,
        from: state.config.mail_from.clone(),
    };
    let report = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(mailer.deliver_due(10))
        .unwrap();
    assert_eq!(
        report.failed, 1,
        "the hostile address must fail: {report:?}"
    );
}

/// `tests/smtp_server.py` on a free port, storing what it receives in `maildir`; killed when
/// dropped.
struct Smtp {
    child: Child,
    port: u16,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_smtp(maildir: &Path) -> Smtp {
    let port = free_port();
    let mut child = Command::new("python3")
        .arg(repo().join("tests/smtp_server.py"))
        .args(["--port", &port.to_string(), "--maildir"])
        .arg(maildir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting python3 tests/smtp_server.py (pip install aiosmtpd)");
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "tests/smtp_server.py did not start (is aiosmtpd installed? pip install aiosmtpd)"
    );
    Smtp { child, port }
}

fn start_server(data_dir: &Path, port: u16, password: &str, smtp: &Smtp) -> Server {
    let log = data_dir.join("server.log");
    let file = std::fs::File::create(&log).unwrap();
    let child = kirjaamo(data_dir, port, password)
        .arg("serve")
        .env(
            "KIRJAAMO_SMTP_URL",
            format!("smtp://127.0.0.1:{}", smtp.port),
        )
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .expect("starting the kirjaamo server");
    let mut server = Server { child, log };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if health(port) == Some(200) {
            return server;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("the server exited ({status}):\n{}", server.log_tail());
        }
        assert!(
            Instant::now() < deadline,
            "the server did not answer /healthz within 120 s:\n{}",
            server.log_tail()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn journeys_axe_keyboard_and_hostile_content_in_chromium() {
    if !enabled() {
        return;
    }
    let chromium =
        std::env::var("KIRJAAMO_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: apt-get install chromium chromium-driver"
    );
    let scripts = repo().join("tests/browser");
    if !scripts.join("node_modules").is_dir() {
        let mut npm = Command::new("npm");
        npm.arg("ci")
            .arg("--no-audit")
            .arg("--no-fund")
            .current_dir(&scripts);
        println!("{}", run_ok(npm, "npm ci in tests/browser"));
    }

    let password =
        std::env::var("KIRJAAMO_DEMO_PASSWORD").unwrap_or_else(|_| DEFAULT_DEMO_PASSWORD.into());
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();

    let mut demo = kirjaamo(dir.path(), port, &password);
    demo.arg("demo");
    println!("{}", run_ok(demo, "kirjaamo demo"));
    let mut hostile = kirjaamo(dir.path(), port, &password);
    hostile
        .args([
            "user",
            "add",
            "--email",
            HOSTILE_EMAIL,
            "--name",
            HOSTILE_NAME,
        ])
        .args(["--role", "trainee"])
        .env("KIRJAAMO_NEW_PASSWORD", &password)
        .stdin(Stdio::null());
    println!(
        "{}",
        run_ok(hostile, "kirjaamo user add (the hostile name)")
    );

    // The demo world has no county coordinator: roles.test.mjs walks that role's day too.
    let mut county = kirjaamo(dir.path(), port, &password);
    county
        .args(["user", "add", "--email", COUNTY_EMAIL])
        .args(["--name", "Kerttu Kirjaamiskoordinaattori"])
        .args(["--role", "county-coordinator:vantaa-kerava"])
        .env("KIRJAAMO_NEW_PASSWORD", &password)
        .stdin(Stdio::null());
    println!(
        "{}",
        run_ok(county, "kirjaamo user add (a county coordinator)")
    );

    seed_failed_mail(dir.path());

    let maildir = dir.path().join("received-mail");
    let smtp = start_smtp(&maildir);
    let server = start_server(dir.path(), port, &password, &smtp);

    // KIRJAAMO_BROWSER_ONLY=roles,everyday runs only the files whose names contain one of them.
    let only: Vec<String> = std::env::var("KIRJAAMO_BROWSER_ONLY")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let file_name = |p: &Path| {
        p.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    };
    let mut tests: Vec<PathBuf> = std::fs::read_dir(&scripts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .filter(|p| only.is_empty() || only.iter().any(|o| file_name(p).contains(o.as_str())))
        .collect();
    assert!(
        !tests.is_empty(),
        "no test file matches KIRJAAMO_BROWSER_ONLY={only:?}"
    );
    tests.sort();
    let out = Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .args(&tests)
        .current_dir(&scripts)
        .env(
            "KIRJAAMO_BROWSER_BASE_URL",
            format!("http://127.0.0.1:{port}"),
        )
        .env("KIRJAAMO_DEMO_PASSWORD", &password)
        .env("KIRJAAMO_BROWSER_HOSTILE_EMAIL", HOSTILE_EMAIL)
        .env("KIRJAAMO_BROWSER_MAILDIR", &maildir)
        .env("KIRJAAMO_BROWSER_COURSES", repo().join("courses"))
        // Journey 4 runs the lapse check from the command line against the server's data.
        .env("KIRJAAMO_BROWSER_CLI", BIN)
        .env("KIRJAAMO_BROWSER_DATA_DIR", dir.path())
        .env("KIRJAAMO_CHROMIUM", &chromium)
        .output()
        .expect("running node --test in tests/browser");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    assert!(
        out.status.success(),
        "the browser tests failed ({}); their output is above. The server's log ends:\n{}",
        out.status,
        server.log_tail()
    );
}
