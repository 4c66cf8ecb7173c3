//! Stopping a server: on SIGTERM `/readyz` fails at once while requests are still served; a
//! request in flight (here a slow upload) finishes; then the process exits cleanly. Runs the
//! real binary on SQLite (the drill `benches/drills/sigterm.sh` does the same with a post).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kirjaamo");

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One request on a fresh connection; the whole response, or None if nobody answered.
fn request(port: u16, raw: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(raw.as_bytes()).ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn status(response: &str) -> Option<u16> {
    response.split_whitespace().nth(1)?.parse().ok()
}

fn get(port: u16, path: &str) -> Option<String> {
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn sigterm_fails_readiness_first_and_lets_the_request_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    std::fs::create_dir_all(dir.path().join("courses")).unwrap();
    let mut cmd = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("KIRJAAMO_") {
            cmd.env_remove(k);
        }
    }
    let child = cmd
        .arg("serve")
        .env("KIRJAAMO_DATA_DIR", dir.path())
        .env("KIRJAAMO_COURSES_DIR", dir.path().join("courses"))
        .env("KIRJAAMO_BIND", format!("127.0.0.1:{port}"))
        .env("KIRJAAMO_DRAIN_SECS", "2")
        .env("KIRJAAMO_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while get(port, "/readyz").and_then(|r| status(&r)) != Some(200) {
        assert!(Instant::now() < deadline, "the server did not become ready");
        std::thread::sleep(Duration::from_millis(100));
    }

    // The sign-in form: its pre-session cookie and CSRF token.
    let form = get(port, "/login").unwrap();
    let cookie = form
        .lines()
        .filter_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .map(|c| c.split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let token = form
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a CSRF token on the sign-in page")
        .to_string();
    let body = format!(
        "csrf_token={token}&email=nobody%40example.fi&password=wrong-password-123&note={}",
        "x".repeat(2000)
    );
    // A slow client: headers and half the body now, the rest after SIGTERM.
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        slow,
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
         Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    slow.write_all(first.as_bytes()).unwrap();
    slow.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let pid = server.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    // From now on readiness fails (while the server still answers), until it stops listening.
    let since = Instant::now();
    let mut not_ready = 0;
    while let Some(r) = get(port, "/readyz") {
        let code = status(&r);
        if since.elapsed() > Duration::from_millis(300) {
            assert_eq!(code, Some(503), "readiness after SIGTERM: {r}");
            not_ready += 1;
        }
        let h = get(port, "/healthz").and_then(|r| status(&r));
        assert!(matches!(h, Some(200) | None), "alive while draining: {h:?}");
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "the server kept listening"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        not_ready >= 5,
        "readiness answered 503 while draining ({not_ready} times)"
    );

    // The listener is closed; the request in flight still completes.
    slow.write_all(rest.as_bytes()).unwrap();
    let mut response = String::new();
    slow.read_to_string(&mut response).unwrap();
    assert_eq!(
        status(&response),
        Some(401),
        "the slow sign-in finished: {response}"
    );
    assert!(response.contains("</html>"), "a whole page");

    let deadline = Instant::now() + Duration::from_secs(25);
    loop {
        if let Some(exit) = server.0.try_wait().unwrap() {
            assert!(exit.success(), "a clean exit: {exit}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(100));
    }
}
