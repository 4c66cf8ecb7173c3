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
        kirjaamo::accounts::session::issue(&forged_claims, b"not-the-secret-not-the-secret-xx")
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
