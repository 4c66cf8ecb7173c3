//! Sign-in throttling that stops guessing, not people (issue 15): a shared office signs in
//! freely, guesses at one account slow that account only, its owner's known browser still signs
//! in, client addresses come from forwarding headers only behind a trusted proxy, and the other
//! limits (password reset, feedback) hold a target, never a whole office. Reset links die when
//! the password changes another way.

use crate::support::{link_in, Browser, TestApp, PASSWORD};
use diesel::prelude::*;
use kirjaamo::accounts::{rate_limit, Role};
use kirjaamo::i18n::{format::time_of_day, Lang};
use std::net::SocketAddr;

const MAIJA: &str = "maija@example.fi";
const VILLE: &str = "ville@example.fi";

fn at(ip: [u8; 4]) -> SocketAddr {
    SocketAddr::from((ip, 40000))
}

async fn browser_at(app: &TestApp, ip: [u8; 4]) -> Browser {
    let mut b = app.browser().await;
    b.peer = at(ip);
    b
}

async fn sign_in(
    b: &mut Browser,
    email: &str,
    password: &str,
) -> crate::support::browser::Response {
    b.post("/login", &[("email", email), ("password", password)])
        .await
}

/// Fills a per-address bucket up to its limit, as that many failures would.
fn fill(app: &TestApp, bucket: &str, limit: rate_limit::Limit) {
    let mut conn = app.conn();
    let now = app.clock.now();
    rate_limit::hit(&mut conn, bucket, limit, now).unwrap();
    diesel::update(
        kirjaamo::db::schema::rate_limits::table
            .filter(kirjaamo::db::schema::rate_limits::bucket.eq(bucket)),
    )
    .set(kirjaamo::db::schema::rate_limits::hits.eq(limit.max))
    .execute(&mut conn)
    .unwrap();
}

fn retry_after(res: &crate::support::browser::Response) -> i64 {
    res.header("retry-after")
        .parse()
        .unwrap_or_else(|_| panic!("no Retry-After: {:?}", res.headers))
}

#[actix_web::test]
async fn three_hundred_people_sign_in_from_one_office_address() {
    let app = TestApp::new();
    let office = [192, 0, 2, 10];
    // One hash for all (argon2 is slow on purpose): app.user reuses it.
    for i in 0..300 {
        app.user(
            &format!("tyontekija{i}@kunta.example.fi"),
            &format!("Työntekijä {i}"),
            None,
        );
    }
    app.user("admin@kunta.example.fi", "Aino Admin", Some(Role::Admin));
    for i in 0..300 {
        let email = format!("tyontekija{i}@kunta.example.fi");
        let mut b = browser_at(&app, office).await;
        // Every tenth mistypes first, as people do on a Monday morning.
        if i % 10 == 0 {
            let typo = sign_in(&mut b, &email, "testisalasana-2025").await;
            assert_eq!(typo.status, 401, "typo of person {i}");
        }
        let res = sign_in(&mut b, &email, PASSWORD).await;
        assert_eq!(res.status, 303, "person {i} was not let in: {}", res.body);
    }
    // The admin too, from the same address, after all of them.
    let mut admin = browser_at(&app, office).await;
    assert_eq!(
        sign_in(&mut admin, "admin@kunta.example.fi", PASSWORD)
            .await
            .status,
        303
    );
    assert_eq!(admin.get("/hallinta/posti").await.status, 200);
}

#[actix_web::test]
async fn guesses_from_many_addresses_slow_one_account_and_its_owner_still_signs_in() {
    let app = TestApp::new();
    app.user(MAIJA, "Maija Meikäläinen", None);
    app.user(VILLE, "Ville Virtanen", None);
    // Maija's own laptop has signed in before; she signs out for the night.
    let mut laptop = browser_at(&app, [198, 51, 100, 20]).await;
    assert_eq!(sign_in(&mut laptop, MAIJA, PASSWORD).await.status, 303);
    laptop.post("/logout", &[]).await;
    assert!(laptop.cookies.contains_key("kirjaamo_device"));

    // Twenty wrong passwords for her, each from another address.
    let mut statuses = Vec::new();
    let mut held = None;
    for i in 0..20u8 {
        let mut guesser = browser_at(&app, [203, 0, 113, i + 1]).await;
        let res = sign_in(&mut guesser, MAIJA, &format!("arvaus-numero-{i}")).await;
        statuses.push(res.status);
        if res.status == 429 {
            held = Some(res);
        }
    }
    assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let held = held.unwrap();
    let wait = retry_after(&held);
    assert!((1..=30).contains(&wait), "{wait}");
    let until = app.clock.now() + chrono::Duration::seconds(wait);
    assert!(
        held.body.contains(&format!(
            "Voit yrittää uudelleen klo {}",
            time_of_day(Lang::Fi, until)
        )),
        "{}",
        held.body
    );

    // A browser that has never signed in to her account waits like the guessers…
    let mut new_phone = browser_at(&app, [198, 51, 100, 21]).await;
    assert_eq!(sign_in(&mut new_phone, MAIJA, PASSWORD).await.status, 429);
    // …but her own laptop signs in, whatever strangers do.
    let res = sign_in(&mut laptop, MAIJA, PASSWORD).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(laptop.get("/tili").await.status, 200);

    // No other account is slowed, not even from the guessers' addresses.
    let mut colleague = browser_at(&app, [203, 0, 113, 1]).await;
    assert_eq!(sign_in(&mut colleague, VILLE, PASSWORD).await.status, 303);

    // Not a lock: once the delay has passed, the right password works from anywhere.
    app.clock.advance(chrono::Duration::seconds(wait));
    assert_eq!(sign_in(&mut new_phone, MAIJA, PASSWORD).await.status, 303);
}

#[actix_web::test]
async fn the_delay_grows_with_each_failure_and_is_forgotten_after_a_day() {
    let app = TestApp::new();
    app.user(MAIJA, "Maija Meikäläinen", None);
    let mut guesser = browser_at(&app, [203, 0, 113, 7]).await;
    for _ in 0..5 {
        assert_eq!(
            sign_in(&mut guesser, MAIJA, "väärin-väärin").await.status,
            401
        );
    }
    let first = retry_after(&sign_in(&mut guesser, MAIJA, "väärin-väärin").await);
    app.clock.advance(chrono::Duration::seconds(first));
    assert_eq!(
        sign_in(&mut guesser, MAIJA, "väärin-väärin").await.status,
        401
    );
    let second = retry_after(&sign_in(&mut guesser, MAIJA, "väärin-väärin").await);
    assert_eq!((first, second), (30, 60));
    app.clock.advance(chrono::Duration::seconds(second));
    assert_eq!(
        sign_in(&mut guesser, MAIJA, "väärin-väärin").await.status,
        401
    );
    assert_eq!(
        retry_after(&sign_in(&mut guesser, MAIJA, "väärin-väärin").await),
        120
    );
    // A day without failures: the count starts again (five tries before any delay).
    app.clock.advance(chrono::Duration::hours(25));
    for _ in 0..4 {
        assert_eq!(
            sign_in(&mut guesser, MAIJA, "väärin-väärin").await.status,
            401
        );
    }
    assert_eq!(sign_in(&mut guesser, MAIJA, PASSWORD).await.status, 303);
}

#[actix_web::test]
async fn a_known_browser_is_limited_on_its_own_failures() {
    let app = TestApp::new();
    app.user(MAIJA, "Maija Meikäläinen", None);
    let mut laptop = browser_at(&app, [198, 51, 100, 20]).await;
    assert_eq!(sign_in(&mut laptop, MAIJA, PASSWORD).await.status, 303);
    laptop.post("/logout", &[]).await;
    // Someone at the laptop guesses: the laptop's own failures hold the laptop.
    for _ in 0..5 {
        assert_eq!(sign_in(&mut laptop, MAIJA, "arvaan-vain").await.status, 401);
    }
    let res = sign_in(&mut laptop, MAIJA, PASSWORD).await;
    assert_eq!(res.status, 429);
    assert!(retry_after(&res) > 0);
    // They did not count against the account: a new browser signs in.
    let mut other = browser_at(&app, [198, 51, 100, 30]).await;
    assert_eq!(sign_in(&mut other, MAIJA, PASSWORD).await.status, 303);
}

#[actix_web::test]
async fn failures_from_one_address_hold_new_browsers_there_and_nobody_else() {
    let app = TestApp::new();
    app.user(MAIJA, "Maija Meikäläinen", None);
    app.user(VILLE, "Ville Virtanen", None);
    let office = [192, 0, 2, 10];
    // Ville signed in at the office yesterday.
    let mut villes = browser_at(&app, office).await;
    assert_eq!(sign_in(&mut villes, VILLE, PASSWORD).await.status, 303);
    villes.post("/logout", &[]).await;
    // A guessing machine inside the office network reaches the address's failure limit.
    fill(
        &app,
        "password-fail-ip:192.0.2.10",
        rate_limit::PASSWORD_FAILURES_PER_ADDRESS,
    );
    let mut fresh = browser_at(&app, office).await;
    let res = sign_in(&mut fresh, MAIJA, PASSWORD).await;
    assert_eq!(res.status, 429);
    assert!(retry_after(&res) <= 15 * 60);
    assert!(res
        .body
        .contains("Liian monta epäonnistunutta kirjautumisyritystä"));
    // A browser known to its account is not held by the address.
    assert_eq!(sign_in(&mut villes, VILLE, PASSWORD).await.status, 303);
    // Maija from home is not held either.
    let mut home = browser_at(&app, [198, 51, 100, 40]).await;
    assert_eq!(sign_in(&mut home, MAIJA, PASSWORD).await.status, 303);
    // The window passes.
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(sign_in(&mut fresh, MAIJA, PASSWORD).await.status, 303);
}

async fn via_proxy(app: &TestApp, proxy: [u8; 4], header: &str, value: &str) -> Browser {
    let mut b = browser_at(app, proxy).await;
    b.extra_headers.push((header.into(), value.into()));
    b
}

#[actix_web::test]
async fn behind_a_trusted_proxy_clients_are_told_apart_and_a_header_from_anyone_else_is_ignored() {
    let app = TestApp::with_config(|c| {
        c.trusted_proxies = kirjaamo::net::parse_ranges("10.0.0.0/8, 2001:db8:ffff::/48").unwrap()
    });
    app.user(MAIJA, "Maija Meikäläinen", None);
    let proxy = [10, 0, 0, 2];
    // Client A (198.51.100.1) has reached the failure limit; client B (198.51.100.2) has not.
    fill(
        &app,
        "password-fail-ip:198.51.100.1",
        rate_limit::PASSWORD_FAILURES_PER_ADDRESS,
    );
    let mut a = via_proxy(&app, proxy, "X-Forwarded-For", "198.51.100.1").await;
    assert_eq!(sign_in(&mut a, MAIJA, PASSWORD).await.status, 429);
    let mut b = via_proxy(&app, proxy, "X-Forwarded-For", "198.51.100.2").await;
    assert_eq!(sign_in(&mut b, MAIJA, PASSWORD).await.status, 303);
    // A client's own forged entry sits left of what the proxy appended: it changes nothing.
    let mut a_forging =
        via_proxy(&app, proxy, "X-Forwarded-For", "198.51.100.2, 198.51.100.1").await;
    assert_eq!(sign_in(&mut a_forging, MAIJA, PASSWORD).await.status, 429);
    // Two proxies of ours in a row, and the standard Forwarded header, work alike.
    let mut b_twice = via_proxy(&app, proxy, "X-Forwarded-For", "198.51.100.2, 10.0.0.7").await;
    assert_eq!(sign_in(&mut b_twice, MAIJA, PASSWORD).await.status, 303);
    let mut a_fwd = via_proxy(&app, proxy, "Forwarded", "for=198.51.100.1;proto=https").await;
    assert_eq!(sign_in(&mut a_fwd, MAIJA, PASSWORD).await.status, 429);

    // Not through the proxy: the header is ignored. A held client cannot claim to be B…
    fill(
        &app,
        "password-fail-ip:203.0.113.9",
        rate_limit::PASSWORD_FAILURES_PER_ADDRESS,
    );
    let mut spoofer = browser_at(&app, [203, 0, 113, 9]).await;
    spoofer
        .extra_headers
        .push(("X-Forwarded-For".into(), "198.51.100.2".into()));
    assert_eq!(sign_in(&mut spoofer, MAIJA, PASSWORD).await.status, 429);
    // …and nobody can get A held by claiming to be A.
    let mut framer = browser_at(&app, [203, 0, 113, 10]).await;
    framer
        .extra_headers
        .push(("X-Forwarded-For".into(), "198.51.100.1".into()));
    assert_eq!(sign_in(&mut framer, MAIJA, PASSWORD).await.status, 303);
}

#[actix_web::test]
async fn a_reset_link_dies_when_the_password_is_changed_another_way() {
    let app = TestApp::new();
    app.user(MAIJA, "Maija Meikäläinen", None);
    let mut anon = app.browser().await;
    assert_eq!(
        anon.post("/salasana/unohtunut", &[("email", MAIJA)])
            .await
            .status,
        200
    );
    let (_, _, text) = app.outbox().pop().unwrap();
    let link = link_in(&text, "/salasana/uusi/").unwrap();
    let path = link.trim_start_matches("http://localhost:8080");
    assert_eq!(anon.get(path).await.status, 200, "the link works at first");
    // Maija remembers her password after all and changes it on her account page.
    let mut me = app.signed_in(MAIJA).await;
    let res = me
        .post(
            "/tili/salasana",
            &[
                ("current", PASSWORD),
                ("password", "uusi-pitkä-salasana-1"),
                ("password_again", "uusi-pitkä-salasana-1"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    // The mailed link no longer sets a password.
    assert_eq!(anon.get(path).await.status, 410);
    let res = anon
        .post(
            path,
            &[
                ("password", "hyökkääjän-salasana-1"),
                ("password_again", "hyökkääjän-salasana-1"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    let mut check = app.browser().await;
    assert_eq!(
        sign_in(&mut check, MAIJA, "hyökkääjän-salasana-1")
            .await
            .status,
        401
    );
    assert_eq!(
        sign_in(&mut check, MAIJA, "uusi-pitkä-salasana-1")
            .await
            .status,
        303
    );
}

#[actix_web::test]
async fn a_reset_link_signs_the_browser_in_and_makes_it_known() {
    let app = TestApp::new();
    app.user(MAIJA, "Maija Meikäläinen", None);
    // Someone is guessing; Maija has forgotten her password and resets it.
    for i in 0..8u8 {
        let mut g = browser_at(&app, [203, 0, 113, i + 1]).await;
        sign_in(&mut g, MAIJA, "arvaus-arvaus").await;
    }
    let mut me = app.browser().await;
    me.post("/salasana/unohtunut", &[("email", MAIJA)]).await;
    let (_, _, text) = app.outbox().pop().unwrap();
    let link = link_in(&text, "/salasana/uusi/").unwrap();
    let path = link.trim_start_matches("http://localhost:8080");
    let res = me
        .post(
            path,
            &[
                ("password", "uusi-pitkä-salasana-2"),
                ("password_again", "uusi-pitkä-salasana-2"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    me.post("/logout", &[]).await;
    // The account is still held for strangers, but this browser is now hers.
    assert_eq!(
        sign_in(&mut me, MAIJA, "uusi-pitkä-salasana-2")
            .await
            .status,
        303
    );
}

#[actix_web::test]
async fn feedback_is_limited_per_sender_and_per_address_not_per_office() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Aino Admin", Some(Role::Admin));
    let office = [192, 0, 2, 10];
    let mut b = browser_at(&app, office).await;
    for i in 0..rate_limit::FEEDBACK_PER_SENDER.max {
        let res = b
            .post("/palaute", &[("message", &format!("Palaute numero {i}"))])
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
    }
    assert_eq!(app.outbox().len(), 5);
    let res = b
        .post(
            "/palaute",
            &[("message", "Vielä yksi ajatus saavutettavuudesta")],
        )
        .await;
    assert_eq!(res.status, 429);
    assert!(retry_after(&res) > 0);
    assert!(res.body.contains("Palautteita on lähetetty liian monta"));
    assert!(
        res.body.contains("Vielä yksi ajatus saavutettavuudesta"),
        "the message is kept"
    );
    assert_eq!(app.outbox().len(), 5, "no mail after the limit");
    // A colleague at the same address sends theirs.
    let mut colleague = browser_at(&app, office).await;
    assert_eq!(
        colleague
            .post("/palaute", &[("message", "Kiitos kurssista")])
            .await
            .status,
        200
    );
    // A flood from one address with fresh cookies each time is held by the address limit.
    fill(
        &app,
        "feedback-ip:203.0.113.50",
        rate_limit::FEEDBACK_PER_ADDRESS,
    );
    let mut flooder = browser_at(&app, [203, 0, 113, 50]).await;
    assert_eq!(
        flooder
            .post("/palaute", &[("message", "roskaa")])
            .await
            .status,
        429
    );
    assert_eq!(app.outbox().len(), 6);
}
