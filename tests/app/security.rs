//! CSRF, forged tokens, escaping, headers and error pages (quality.md).

use crate::support::{TestApp, PASSWORD};
use kirjaamo::accounts::Role;

#[actix_web::test]
async fn post_without_a_valid_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut b = app.browser().await;
    b.get("/login").await;
    let missing = b
        .post_raw(
            "/login",
            &[("email", "maija@example.fi"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(missing.status, 403);
    assert!(missing.body.contains("Lomake on vanhentunut"));
    assert!(!b.cookies.contains_key("kirjaamo_session"));

    // A token of another browser is foreign here.
    let mut other = app.browser().await;
    other.get("/login").await;
    let foreign = other.csrf_token();
    let res = b
        .post_raw(
            "/login",
            &[
                ("email", "maija@example.fi"),
                ("password", PASSWORD),
                ("csrf_token", &foreign),
            ],
        )
        .await;
    assert_eq!(res.status, 403);

    // A signed-in user's language stays as it was.
    let mut signed = app.signed_in("maija@example.fi").await;
    let res = signed.post_raw("/tili/kieli", &[("language", "sv")]).await;
    assert_eq!(res.status, 403);
    assert!(signed
        .get("/tili")
        .await
        .body
        .contains(r#"<html lang="fi">"#));
}

#[actix_web::test]
async fn a_foreign_origin_is_refused_even_with_a_token() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut b = app.signed_in("maija@example.fi").await;
    b.extra_headers
        .push(("Origin".into(), "https://evil.example".into()));
    let res = b.post("/tili/kieli", &[("language", "sv")]).await;
    assert_eq!(res.status, 403);
}

#[actix_web::test]
async fn forged_session_cookies_are_anonymous() {
    let app = TestApp::new();
    let u = app.user("maija@example.fi", "Maija", Some(Role::Admin));
    let forged_claims =
        kirjaamo::accounts::session::Claims::new(u.id, u.session_version, app.clock.now());
    let wrong_key =
        kirjaamo::accounts::session::SessionKey::new(b"not-the-secret-not-the-secret-xx")
            .issue(&forged_claims)
            .unwrap();
    for cookie in [wrong_key.as_str(), "garbage", "a.b.c", ""] {
        let mut b = app.browser().await;
        b.cookies.insert("kirjaamo_session".into(), cookie.into());
        let res = b.get("/hallinta/posti").await;
        assert_eq!(res.status, 303, "{cookie:?} must not sign anyone in");
    }
}

#[actix_web::test]
async fn user_supplied_names_are_escaped() {
    let app = TestApp::new();
    app.user(
        "x@example.fi",
        "<script>alert(1)</script> Äänekoski Åbo",
        None,
    );
    let mut b = app.signed_in("x@example.fi").await;
    let home = b.get("/").await;
    assert!(!home.body.contains("<script>alert(1)</script>"));
    assert!(home
        .body
        .contains("&lt;script&gt;alert(1)&lt;/script&gt; Äänekoski Åbo"));
}

#[actix_web::test]
async fn security_headers_on_pages_errors_and_assets() {
    let app = TestApp::new();
    let mut b = app.browser().await;
    let css = b
        .get("/")
        .await
        .body
        .split("href=\"/assets/css/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    for (path, status) in [
        ("/", 200),
        ("/no-such-page", 404),
        (format!("/assets/css/{css}").as_str(), 200),
    ] {
        let res = b.get(path).await;
        assert_eq!(res.status, status, "{path}");
        let csp = res.header("content-security-policy");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(res.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(res.header("referrer-policy"), "same-origin", "{path}");
        assert!(!res.header("x-request-id").is_empty(), "{path}");
    }
    let asset = b.get(&format!("/assets/css/{css}")).await;
    assert!(asset.header("cache-control").contains("immutable"));
    assert!(asset.header("content-type").starts_with("text/css"));
    let refused = b.post_raw("/palaute", &[("message", "x")]).await;
    assert_eq!(refused.status, 403);
    assert!(refused
        .header("content-security-policy")
        .contains("frame-ancestors 'none'"));
}

#[actix_web::test]
async fn error_pages_show_a_request_id_and_nothing_internal() {
    let app = TestApp::new();
    let mut b = app.browser().await;
    let nf = b.get("/ei/tallaista").await;
    assert_eq!(nf.status, 404);
    assert!(nf.body.contains("Sivua ei löydy"));
    assert!(nf.body.contains(&nf.header("x-request-id")));
    let wrong_method = b.post("/healthz", &[]).await;
    assert_eq!(wrong_method.status, 405);
    assert!(wrong_method.body.contains("Toiminto ei ole sallittu"));
    // The same inside a scope of routes (`RouteTable::apply` groups paths by their first
    // segment): the scope's own path, a wrong method, and a path under it that names nothing.
    assert_eq!(b.get("/tietopankki").await.status, 200);
    let scoped = b.post("/tietopankki", &[]).await;
    assert_eq!(scoped.status, 405);
    assert!(scoped.body.contains("Toiminto ei ole sallittu"));
    let deeper = b.get("/tietopankki/a/b/c").await;
    assert_eq!(deeper.status, 404);
    assert!(deeper.body.contains("Sivua ei löydy"));
    let huge = "x".repeat(2 * 1024 * 1024);
    let too_big = b.post("/palaute", &[("message", &huge)]).await;
    assert_eq!(too_big.status, 413);
    for res in [&nf, &wrong_method, &too_big] {
        for leak in ["diesel", "src/", "panicked", "SELECT", "actix"] {
            assert!(!res.body.contains(leak), "{leak} leaked");
        }
    }
}

#[actix_web::test]
async fn login_redirect_returns_to_the_page_asked_for_and_never_off_site() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut b = app.browser().await;
    let res = b.get("/tili").await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location(), "/login?next=%2Ftili");
    let evil = b
        .post(
            "/login",
            &[
                ("email", "maija@example.fi"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(evil.location(), "/");
}

/// Every table's row count and every user's session version, language and password hash:
/// what a refused request must leave exactly as it was.
fn fingerprint(app: &TestApp) -> Vec<String> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn();
    let tables = [
        "users",
        "role_assignments",
        "account_tokens",
        "audit_log",
        "outbox_messages",
        "cohorts",
        "applications",
        "enrolments",
        "enrolment_events",
        "cohort_trainers",
        "lesson_progress",
        "completions",
        "certificates",
        "memberships",
        "placements",
        "trainings_held",
        "announcements",
        "network_transfers",
        "api_tokens",
        "organisations",
        "discussion_threads",
        "discussion_posts",
        "discussion_revisions",
        "discussion_reports",
        "discussion_subscriptions",
        "discussion_settings",
        "answer_bank",
    ];
    let mut out: Vec<String> = tables
        .iter()
        .map(|t| {
            let c: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {t}"))
                .get_result(&mut conn)
                .unwrap();
            format!("{t}: {}", c.n)
        })
        .collect();
    use kirjaamo::db::schema::users as u;
    let users: Vec<(i64, i32, String, Option<String>, bool)> = u::table
        .order(u::id)
        .select((
            u::id,
            u::session_version,
            u::language,
            u::password_hash,
            u::active,
        ))
        .load(&mut conn)
        .unwrap();
    out.extend(users.into_iter().map(|r| format!("user {r:?}")));
    out
}

/// CSRF on EVERY non-GET route of `route_matrix.txt` (generated from the table, so a new route
/// is covered the day it is added): for the role that may act on it, a missing token and a
/// token of another browser both get 403, and nothing in the database changes.
#[actix_web::test]
async fn every_non_get_route_refuses_a_missing_or_foreign_csrf_token() {
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
    app.user(
        "coord-b@example.fi",
        "Coordinator B",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("pikassos"),
        }),
    );
    app.user("admin@example.fi", "Admin", Some(Role::Admin));
    let extra = crate::discussions::matrix_fixture(&app, cohort);
    let emails = [
        None,
        Some("trainee@example.fi"),
        Some("trainer@example.fi"),
        Some("coord-a@example.fi"),
        Some("coord-b@example.fi"),
        Some("admin@example.fi"),
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    let exempt = kirjaamo::web::csrf::EXEMPT_ROUTE;
    for (method, path, expected) in crate::route_matrix::table() {
        if method == "GET" || path.starts_with("/api/") {
            continue;
        }
        if (method.as_str(), path.as_str()) == exempt {
            // The one-click unsubscribe: tested below, with and without a signed token.
            continue;
        }
        // The first signed-in role that gets past authorisation with a good token (not 403
        // or 404); else the admin.
        let who = (1..emails.len())
            .find(|&i| !matches!(expected[i], 403 | 404))
            .unwrap_or(5);
        let url = crate::route_matrix::concrete(&path, cohort, &extra);
        for foreign in [false, true] {
            let mut b = match emails[who] {
                Some(e) => app.signed_in(e).await,
                None => {
                    let mut b = app.browser().await;
                    b.get("/login").await;
                    b
                }
            };
            let mut fields: Vec<(&str, &str)> = vec![("body", "x"), ("title", "x")];
            let token;
            if foreign {
                let mut other = app.browser().await;
                other.get("/login").await;
                token = other.csrf_token();
                fields.push(("csrf_token", &token));
            }
            let before = fingerprint(&app);
            let res = b.post_raw(&url, &fields).await;
            checked += 1;
            if fingerprint(&app) != before {
                failures.push(format!(
                    "{method} {path}: a refused request changed the database"
                ));
            }
            if res.status != 403 {
                failures.push(format!(
                    "{method} {path} as {} with {} token: expected 403, got {}",
                    [
                        "anonymous",
                        "trainee",
                        "trainer",
                        "coordinator_a",
                        "coordinator_b",
                        "admin"
                    ][who],
                    if foreign { "a foreign" } else { "no" },
                    res.status
                ));
            }
        }
    }
    let non_get = kirjaamo::web::routes::all()
        .into_iter()
        .filter(|(m, p)| m != "GET" && !p.starts_with("/api/"))
        .filter(|(m, p)| (m.as_str(), p.as_str()) != exempt)
        .count();
    assert!(non_get > 40, "only {non_get} non-GET routes?");
    assert!(
        kirjaamo::web::routes::all()
            .iter()
            .any(|(m, p)| (m.as_str(), p.as_str()) == exempt),
        "the CSRF-exempt route {exempt:?} is not a route any more"
    );
    assert_eq!(checked, 2 * non_get, "every non-GET route, twice");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// alg none, a stripped signature and a tampered payload (another user id under the real
/// signature) sign nobody in; an expired token neither.
#[actix_web::test]
async fn forged_and_expired_session_tokens_are_anonymous() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let app = TestApp::new();
    let admin = app.user("admin@example.fi", "Admin", Some(Role::Admin));
    let trainee = app.user("t@example.fi", "Trainee", None);
    let mut real = app.signed_in("t@example.fi").await;
    assert_eq!(real.get("/tili").await.status, 200);
    let jwt = real.cookies["kirjaamo_session"].clone();
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["sub"], trainee.id);
    claims["sub"] = admin.id.into();
    claims["ver"] = admin.session_version.into();
    let tampered = b64.encode(serde_json::to_vec(&claims).unwrap());
    let none_header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let forged = [
        format!("{}.{tampered}.{}", parts[0], parts[2]),
        format!("{none_header}.{tampered}."),
        format!("{none_header}.{}.", parts[1]),
        format!("{}.{}.", parts[0], parts[1]),
        format!("{}.{}", parts[0], parts[1]),
    ];
    for cookie in forged {
        let mut b = app.browser().await;
        b.cookies.insert("kirjaamo_session".into(), cookie.clone());
        assert_eq!(b.get("/hallinta/posti").await.status, 303, "{cookie}");
        assert_eq!(b.get("/tili").await.status, 303, "{cookie}");
    }
    // The real token expires: 13 hours later it is worthless (absolute expiry 12 h).
    let expired_claims = kirjaamo::accounts::session::Claims::new(
        trainee.id,
        trainee.session_version,
        app.clock.now() - chrono::Duration::hours(13),
    );
    let expired = app.state.session_key.issue(&expired_claims).unwrap();
    let mut b = app.browser().await;
    b.cookies.insert("kirjaamo_session".into(), expired);
    assert_eq!(b.get("/tili").await.status, 303);
}

/// A signed link for one purpose is worthless for another, and a tampered one is refused.
#[actix_web::test]
async fn signed_links_of_another_purpose_or_tampered_are_refused() {
    let app = TestApp::new();
    let now = app.clock.now();
    let secret = &app.state.config.secret;
    let unsubscribe = kirjaamo::accounts::tokens::sign(
        secret,
        kirjaamo::discussions::unsubscribe::UNSUBSCRIBE_PURPOSE,
        "1",
        (now + chrono::Duration::days(1)).and_utc().timestamp(),
    );
    let mut b = app.browser().await;
    for path in ["/esihenkilo", "/vahvista", "/salasana/uusi"] {
        let res = b.get(&format!("{path}/{unsubscribe}")).await;
        assert!(
            matches!(res.status, 400 | 404 | 410),
            "{path} took an unsubscribe token: {}",
            res.status
        );
    }
    let mut tampered = unsubscribe.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let res = b.get(&format!("/keskustelut/peru-tilaus/{tampered}")).await;
    assert_eq!(res.status, 410);
}

/// Redirects, 403, 405 and 413 answers carry the security headers too.
#[actix_web::test]
async fn security_headers_on_redirects_and_every_error() {
    let app = TestApp::new();
    app.user("t@example.fi", "Trainee", None);
    let mut anon = app.browser().await;
    let redirect = anon.get("/tili").await;
    let mut trainee = app.signed_in("t@example.fi").await;
    let forbidden = trainee.get("/hallinta/posti").await;
    let not_allowed = trainee.post("/healthz", &[]).await;
    let too_big = trainee
        .post("/palaute", &[("message", &"x".repeat(2 * 1024 * 1024))])
        .await;
    let csrf = trainee.post_raw("/tili/kieli", &[("language", "sv")]).await;
    for (what, res, status) in [
        ("redirect", &redirect, 303),
        ("403", &forbidden, 403),
        ("405", &not_allowed, 405),
        ("413", &too_big, 413),
        ("csrf", &csrf, 403),
    ] {
        assert_eq!(res.status, status, "{what}");
        let csp = res.header("content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{what}: {csp}"
        );
        assert_eq!(res.header("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(res.header("referrer-policy"), "same-origin", "{what}");
        assert!(res.header("cache-control").contains("no-store"), "{what}");
        for leak in [
            "diesel", "src/", "panicked", "SELECT", "actix", "/work/", ".rs",
        ] {
            assert!(!res.body.contains(leak), "{what}: {leak} leaked");
        }
    }
}
