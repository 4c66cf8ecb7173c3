//! The outbox: queued once, delivered once, retried, failed visibly. The SMTP tests run
//! against a real server (aiosmtpd) when `KIRJAAMO_TEST_SMTP=1`; they say so when skipped.

use crate::support::{pg, TestApp};
use kirjaamo::i18n::Lang;
use kirjaamo::mail::transport::Transport;
use kirjaamo::mail::worker::Mailer;
use kirjaamo::mail::{self, Envelope};
use std::collections::HashSet;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};

fn envelope(to: &str, key: &str) -> Envelope<'static> {
    let mut ctx = tera::Context::new();
    ctx.insert("name", "Maija");
    ctx.insert("link", "https://kirjaamo.example/x");
    ctx.insert("minutes", &60);
    Envelope {
        to_email: Box::leak(to.to_string().into_boxed_str()),
        to_name: "Maija Meikäläinen",
        language: Lang::Fi,
        user_id: None,
        dedupe_key: key.to_string(),
        template: "password_reset",
        context: ctx,
    }
}

fn queue_n(app: &TestApp, n: usize, to: impl Fn(usize) -> String) {
    let mut conn = app.conn();
    for i in 0..n {
        mail::queue(
            &mut conn,
            &app.state.templates,
            app.clock.now(),
            envelope(&to(i), &format!("test:{i}")),
        )
        .unwrap();
    }
}

#[actix_web::test]
async fn the_same_message_is_queued_once() {
    let app = TestApp::new();
    let mut conn = app.conn();
    assert!(mail::queue(
        &mut conn,
        &app.state.templates,
        app.clock.now(),
        envelope("a@example.fi", "k1")
    )
    .unwrap());
    assert!(!mail::queue(
        &mut conn,
        &app.state.templates,
        app.clock.now(),
        envelope("a@example.fi", "k1")
    )
    .unwrap());
    assert_eq!(mail::status(&mut conn).unwrap().pending, 1);
}

#[actix_web::test]
async fn messages_are_rendered_per_language_and_escaped() {
    let app = TestApp::new();
    let mut ctx = tera::Context::new();
    ctx.insert("name", "<b>Maija</b>");
    ctx.insert("link", "https://kirjaamo.example/x");
    ctx.insert("minutes", &60);
    for (lang, subject) in [
        (Lang::Fi, "Uusi salasana Kirjaamoon"),
        (Lang::Sv, "Nytt lösenord till Kirjaamo"),
        (Lang::En, "A new password for Kirjaamo"),
    ] {
        let r = mail::render(&app.state.templates, lang, "password_reset", &ctx).unwrap();
        assert_eq!(r.subject, subject);
        assert!(
            r.html.contains("&lt;b&gt;Maija&lt;&#x2F;b&gt;"),
            "{}",
            r.html
        );
        assert!(r
            .html
            .contains(&format!(r#"<html lang="{}">"#, lang.code())));
    }
}

#[actix_web::test]
async fn delivered_messages_are_marked_sent_and_not_sent_again() {
    let app = TestApp::new();
    queue_n(&app, 3, |i| format!("p{i}@example.fi"));
    let mailer = app.state.mailer();
    let r = mailer.deliver_due(10).await.unwrap();
    assert_eq!(r.sent, 3);
    assert_eq!(mailer.deliver_due(10).await.unwrap().sent, 0);
    assert_eq!(app.sent.lock().unwrap().len(), 3);
    let s = mail::status(&mut app.conn()).unwrap();
    assert_eq!((s.pending, s.sent, s.failed), (0, 3, 0));
}

#[actix_web::test]
async fn the_default_transport_writes_eml_files_a_newcomer_can_read() {
    let app = TestApp::new();
    queue_n(&app, 1, |_| "maija@example.fi".into());
    let dir = app.dir.path().join("mail");
    let mailer = Mailer {
        transport: Transport::Files(dir.clone()),
        ..app.state.mailer()
    };
    assert_eq!(mailer.deliver_due(10).await.unwrap().sent, 1);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].extension().unwrap() == "eml");
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        raw.contains("To: =?utf-8?") || raw.contains("To: \"Maija"),
        "{raw}"
    );
    assert!(raw.contains("Message-ID: <"));
}

// ---- against a real SMTP server ----

pub(crate) struct SmtpServer {
    child: Child,
    pub(crate) port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    pub(crate) fn enabled() -> bool {
        let on = std::env::var("KIRJAAMO_TEST_SMTP").is_ok_and(|v| v == "1");
        if !on {
            eprintln!("skipped: set KIRJAAMO_TEST_SMTP=1 (needs python3 with aiosmtpd) to run the SMTP tests");
        }
        on
    }

    pub(crate) fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    pub(crate) fn start_on(port: u16) -> SmtpServer {
        let maildir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_server.py"))
            .args(["--port", &port.to_string(), "--maildir"])
            .arg(maildir.path().join("box"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("starting python3 tests/smtp_server.py");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready");
        SmtpServer {
            child,
            port,
            maildir,
        }
    }

    fn url(port: u16) -> String {
        format!("smtp://127.0.0.1:{port}")
    }

    pub(crate) fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(rd) = std::fs::read_dir(self.maildir.path().join("box").join(sub)) {
                for e in rd {
                    out.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
                }
            }
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn smtp_mailer(app: &TestApp, port: u16) -> Mailer {
    let mut config = (*app.state.config).clone();
    config.smtp_url = Some(SmtpServer::url(port));
    Mailer {
        transport: Transport::from_config(&config).unwrap(),
        ..app.state.mailer()
    }
}

fn message_id(raw: &str) -> String {
    raw.lines()
        .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        .unwrap_or("")
        .to_string()
}

#[actix_web::test]
async fn smtp_down_then_up_delivers_exactly_once() {
    if !SmtpServer::enabled() {
        return;
    }
    let app = TestApp::new();
    queue_n(&app, 100, |i| format!("person{i}@example.fi"));
    let port = SmtpServer::free_port();
    let mailer = smtp_mailer(&app, port);
    let down = mailer.deliver_due(50).await.unwrap();
    assert_eq!(down.sent, 0);
    assert!(down.retried > 0);
    assert_eq!(
        mail::status(&mut app.conn()).unwrap().pending,
        100,
        "nothing lost while down"
    );

    let server = SmtpServer::start_on(port);
    // Retries are due after their backoff.
    app.clock.advance(chrono::Duration::minutes(10));
    let mut sent = 0;
    for _ in 0..5 {
        sent += mailer.deliver_due(50).await.unwrap().sent;
    }
    assert_eq!(sent, 100);
    let got = server.messages();
    assert_eq!(got.len(), 100);
    let ids: HashSet<String> = got.iter().map(|m| message_id(m)).collect();
    assert_eq!(ids.len(), 100, "100 distinct messages");
}

#[actix_web::test]
async fn a_temporary_answer_is_retried_and_a_permanent_one_fails_with_its_error() {
    if !SmtpServer::enabled() {
        return;
    }
    let app = TestApp::new();
    let server = SmtpServer::start_on(SmtpServer::free_port());
    let mut conn = app.conn();
    mail::queue(
        &mut conn,
        &app.state.templates,
        app.clock.now(),
        envelope("tempfail@example.fi", "t"),
    )
    .unwrap();
    mail::queue(
        &mut conn,
        &app.state.templates,
        app.clock.now(),
        envelope("permfail@example.fi", "p"),
    )
    .unwrap();
    mail::queue(
        &mut conn,
        &app.state.templates,
        app.clock.now(),
        envelope("ok@example.fi", "o"),
    )
    .unwrap();
    let mailer = smtp_mailer(&app, server.port);
    let r = mailer.deliver_due(10).await.unwrap();
    let errs: Vec<_> = mail::failed(&mut conn, 10)
        .unwrap()
        .into_iter()
        .map(|m| m.last_error)
        .collect();
    assert_eq!((r.sent, r.retried, r.failed), (1, 1, 1), "{errs:?}");
    let failed = mail::failed(&mut conn, 10).unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].recipient_email, "permfail@example.fi");
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("550"),
        "{:?}",
        failed[0].last_error
    );
    // The temporary one waits for its backoff, then keeps trying until it gives up.
    for _ in 0..kirjaamo::mail::worker::MAX_ATTEMPTS {
        app.clock.advance(chrono::Duration::hours(7));
        mailer.deliver_due(10).await.unwrap();
    }
    let s = mail::status(&mut conn).unwrap();
    assert_eq!((s.pending, s.sent, s.failed), (0, 1, 2));
    // An admin retries the failed ones.
    assert_eq!(
        mail::retry_failed(&mut conn, None, app.clock.now()).unwrap(),
        2
    );
    assert_eq!(mail::status(&mut conn).unwrap().pending, 2);
}

#[actix_web::test]
async fn a_name_with_a_newline_and_bcc_adds_no_header() {
    if !SmtpServer::enabled() {
        return;
    }
    let app = TestApp::new();
    let server = SmtpServer::start_on(SmtpServer::free_port());
    let mut e = envelope("maija@example.fi", "bcc");
    e.to_name = "Maija\r\nBcc: evil@example.com";
    mail::queue(&mut app.conn(), &app.state.templates, app.clock.now(), e).unwrap();
    smtp_mailer(&app, server.port)
        .deliver_due(10)
        .await
        .unwrap();
    let got = server.messages();
    assert_eq!(got.len(), 1);
    let headers = got[0].split("\n\n").next().unwrap().replace("\r", "");
    assert!(
        !headers
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
        "{headers}"
    );
}

#[actix_web::test]
async fn two_workers_on_one_postgresql_deliver_a_thousand_without_duplicates() {
    if !SmtpServer::enabled() {
        return;
    }
    if pg::admin_url().is_none() {
        eprintln!("skipped: set KIRJAAMO_TEST_DATABASE_URL to run the two-server outbox test on PostgreSQL");
        return;
    }
    let app = TestApp::new();
    let server = SmtpServer::start_on(SmtpServer::free_port());
    queue_n(&app, 1000, |i| format!("p{i}@example.fi"));
    // Two "servers": separate pools and transports on the same database.
    let a = smtp_mailer(&app, server.port);
    let b = Mailer {
        pool: kirjaamo::db::pool(&app.state.config.database_url, 4).unwrap(),
        ..smtp_mailer(&app, server.port)
    };
    let (ra, rb) = tokio::join!(a.deliver_due(25), b.deliver_due(25));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, 1000);
    assert!(
        ra.sent > 0 && rb.sent > 0,
        "both workers took a share: {} / {}",
        ra.sent,
        rb.sent
    );
    let got = server.messages();
    assert_eq!(got.len(), 1000);
    let ids: HashSet<String> = got.iter().map(|m| message_id(m)).collect();
    assert_eq!(ids.len(), 1000, "no duplicates");
}
