//! Redirects and odd bytes (issue 15): a redirect target never leaves the site, control
//! characters and NUL anywhere never give a 500 (a NUL in the address is a 400 page; in a form,
//! the form names it), a path that does not parse is the normal 404
//! page on every route, HEAD is answered like GET on every GET route, and a client that sends
//! its body slowly is cut off (tested over a real socket).

use crate::route_matrix::{concrete, table};
use crate::support::{Browser, TestApp, PASSWORD};
use kirjaamo::accounts::Role;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// The fixture world the role × route matrix uses; returns the app, a cohort and the values
/// for the route placeholders. (A route that signs the browser out is left out of the loops.)
fn world() -> (TestApp, i64, Vec<(String, String)>) {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    app.user(
        "coord-a@example.fi",
        "Coordinator A",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user("admin@example.fi", "Admin", Some(Role::Admin));
    let mut extra = crate::discussions::matrix_fixture(&app, cohort);
    extra.extend(crate::surveys::matrix_fixture(&app, cohort));
    (app, cohort, extra)
}

fn is_html(res: &crate::support::browser::Response) -> bool {
    res.header("content-type").starts_with("text/html")
}

#[actix_web::test]
async fn a_redirect_target_with_control_characters_or_whitespace_goes_home() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut signed = app.signed_in("maija@example.fi").await;
    for next in [
        "%2F%09%2Fevil.invalid",
        "%2F%0A%2Fevil.invalid",
        "%2F%0D%2Fevil.invalid",
        "%2F%0B%2Fx",
        "%2F%20%2Fevil.invalid",
        "%2F%C2%A0%2Fevil.invalid",
        "%2F%5Cevil.invalid",
        "%2F%2Fevil.invalid",
        "https%3A%2F%2Fevil.invalid",
    ] {
        let res = signed.get(&format!("/login?next={next}")).await;
        assert_eq!(res.status, 303, "{next}");
        assert_eq!(res.location(), "/", "{next}");
    }
    // A fair target is kept.
    let res = signed.get("/login?next=%2Ftili%3Fx%3D1").await;
    assert_eq!(res.location(), "/tili?x=1");

    // The same at sign-in and at the language switch (a form value this time).
    let mut b = app.browser().await;
    let res = b
        .post(
            "/login",
            &[
                ("email", "maija@example.fi"),
                ("password", PASSWORD),
                ("next", "/\t/evil.invalid"),
            ],
        )
        .await;
    assert_eq!((res.status, res.location().as_str()), (303, "/"));
    for next in ["/\u{b}/x", "/\t/evil.invalid", "/ä/\r\n"] {
        let res = b.post("/kieli", &[("lang", "sv"), ("next", next)]).await;
        assert_eq!(res.status, 303, "{next:?}");
        assert_eq!(res.location(), "/", "{next:?}");
    }
}

#[actix_web::test]
async fn a_nul_in_the_address_is_a_400_page_and_in_a_form_a_named_problem() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Aino Admin", Some(Role::Admin));
    let mut b = app.browser().await;
    for path in [
        "/login?next=%2F%00",
        "/tietopankki?q=a%00b",
        "/tietopankki/%00/x",
        "/haku/%00",
    ] {
        let res = b.get(path).await;
        assert_eq!(res.status, 400, "{path}");
        assert!(is_html(&res), "{path}: {}", res.header("content-type"));
        assert!(res.body.contains("nollamerkki"), "{path}: {}", res.body);
    }
    // In a form value the handler names the problem and shows the form again.
    let res = b.post("/kieli", &[("lang", "sv"), ("next", "/\0")]).await;
    assert_eq!((res.status, res.location().as_str()), (303, "/"));
    let res = b.post("/palaute", &[("message", "Hei\0 maailma")]).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("<form") && res.body.contains("role=\"alert\""));
    assert!(app.outbox().is_empty(), "nothing was sent");
}

#[actix_web::test]
async fn odd_values_in_paths_queries_and_forms_never_give_a_500_or_a_plain_text_page() {
    let (app, cohort, extra) = world();
    let mut failures = Vec::new();
    for email in [None, Some("admin@example.fi"), Some("trainee@example.fi")] {
        // One browser per role (signing in is slow on purpose); a route that signs it out
        // leaves the rest to be tried anonymously, which must not fail either.
        let mut b: Browser = match email {
            Some(e) => app.signed_in(e).await,
            None => {
                let mut b = app.browser().await;
                b.get("/login").await;
                b
            }
        };
        for (method, path, _) in table() {
            if path == "/logout" {
                continue;
            }
            // Every placeholder filled with something that is not an id.
            let odd_path = {
                let mut p = path.clone();
                while let (Some(a), Some(b)) = (p.find('{'), p.find('}')) {
                    if b < a {
                        break;
                    }
                    p.replace_range(a..=b, "ei-numero%0B");
                }
                p
            };
            let fair_path = concrete(&path, cohort, &extra);
            let query = "q=%0B%01x&next=%0B%2F&jalkeen=%0B&alue=%0B&maakunta=x&vastaa=%01";
            let odd_fields = [
                ("title", "\u{b}\u{1}"),
                ("body", "\u{1}\u{b}\u{7f}\u{0}"),
                ("notes", "a\u{0}b"),
                ("motivation", "\u{0}"),
                ("name", "\u{b}"),
                ("email", "a\u{b}@example.fi"),
                ("next", "/\u{b}/x"),
                ("message", "\u{1b}[31m"),
                ("reason", "\u{b}"),
            ];
            let requests = if method == "GET" {
                vec![
                    b.get(&odd_path).await,
                    b.get(&format!("{fair_path}?{query}")).await,
                ]
            } else {
                vec![
                    b.post(&odd_path, &odd_fields).await,
                    b.post(&fair_path, &odd_fields).await,
                ]
            };
            for (i, res) in requests.iter().enumerate() {
                let what = format!(
                    "{method} {} as {email:?}",
                    if i == 0 { &odd_path } else { &fair_path }
                );
                if res.status >= 500 {
                    failures.push(format!("{what}: {}", res.status));
                }
                let api = path.starts_with("/api/");
                if res.status >= 400 && !api && !is_html(res) {
                    failures.push(format!(
                        "{what}: {} as {}",
                        res.status,
                        res.header("content-type")
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // A letter where an id goes is the normal 404 page.
    let mut b = app.signed_in("admin@example.fi").await;
    for path in [
        "/keskustelut/ketju/abc",
        "/hallinta/ryhmat/abc",
        "/ryhmat/abc/",
        "/haku/12abc",
        "/hallinta/kayttajat/1.5",
    ] {
        let res = b.get(path).await;
        assert_eq!(res.status, 404, "{path}");
        assert!(is_html(&res), "{path}");
        assert!(res.body.contains("<html lang=\"fi\""), "{path}");
    }
}

#[actix_web::test]
async fn head_is_answered_like_get_on_every_get_route() {
    let (app, cohort, extra) = world();
    let mut failures = Vec::new();
    for email in [None, Some("admin@example.fi")] {
        let mut b: Browser = match email {
            Some(e) => app.signed_in(e).await,
            None => app.browser().await,
        };
        for (method, path, _) in table() {
            if method != "GET" {
                continue;
            }
            let url = concrete(&path, cohort, &extra);
            let get = b.get(&url).await.status;
            let head = b
                .send(
                    actix_web::test::TestRequest::default()
                        .method(actix_web::http::Method::HEAD)
                        .uri(&url),
                )
                .await
                .status;
            if head != get {
                failures.push(format!("HEAD {url} as {email:?}: {head}, GET gave {get}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A real server on a free port for the socket tests.
async fn real_server(app: &TestApp) -> (u16, actix_web::dev::ServerHandle) {
    let state = app.state.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .wrap(actix_web::middleware::from_fn(kirjaamo::web::frame::frame))
            .configure(kirjaamo::app::configure(state.clone()))
            .default_service(actix_web::web::to(kirjaamo::web::pages::not_found))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (port, handle)
}

#[actix_web::test]
async fn head_over_a_real_socket_has_no_body() {
    let app = TestApp::new();
    let (port, handle) = real_server(&app).await;
    let raw = actix_web::rt::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(b"HEAD /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    })
    .await
    .unwrap();
    handle.stop(false).await;
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head
        .to_ascii_lowercase()
        .contains("content-type: text/html"));
    assert!(body.is_empty(), "HEAD sent a body: {body:?}");
}

#[actix_web::test]
async fn a_body_sent_slowly_is_cut_off_like_slow_headers() {
    let app = TestApp::with_config(|c| c.body_timeout_secs = 2);
    let (port, handle) = real_server(&app).await;
    let result = actix_web::rt::task::spawn_blocking(move || {
        let trickle = |content_type: &str| -> (Duration, String) {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_millis(300)))
                .unwrap();
            let started = Instant::now();
            s.write_all(
                format!(
                    "POST /palaute HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n\
                     Content-Length: 1000\r\n\r\nmessage="
                )
                .as_bytes(),
            )
            .unwrap();
            let mut out = Vec::new();
            // One byte every 300 ms, as a slowloris client does, until the server answers
            // and closes (or 20 s pass).
            while started.elapsed() < Duration::from_secs(20) {
                if s.write_all(b"a").is_err() {
                    break;
                }
                let mut buf = [0u8; 4096];
                match s.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => out.extend_from_slice(&buf[..n]),
                    Err(e)
                        if e.kind() == std::io::ErrorKind::WouldBlock
                            || e.kind() == std::io::ErrorKind::TimedOut => {}
                    Err(_) => break,
                }
            }
            (
                started.elapsed(),
                String::from_utf8_lossy(&out).into_owned(),
            )
        };
        (
            trickle("application/x-www-form-urlencoded"),
            trickle("multipart/form-data; boundary=x"),
        )
    })
    .await
    .unwrap();
    handle.stop(false).await;
    for (elapsed, answer) in [result.0, result.1] {
        assert!(
            elapsed < Duration::from_secs(15),
            "the connection stayed open for {elapsed:?}"
        );
        assert!(
            answer.starts_with("HTTP/1.1 408") || answer.starts_with("HTTP/1.1 4"),
            "{answer}"
        );
    }
}
