//! Signing in and out, sessions revoked everywhere, password reset, the account page.

use crate::support::{link_in, TestApp, PASSWORD};
use kirjaamo::accounts::{self, Role};

#[actix_web::test]
async fn login_sets_a_safe_cookie_and_redirects() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut b = app.browser().await;
    b.get("/login").await;
    let token = b.csrf_token();
    let res = b
        .post_raw(
            "/login",
            &[
                ("email", " Maija@Example.fi "),
                ("password", PASSWORD),
                ("csrf_token", &token),
                ("next", "/tili"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location(), "/tili");
    let cookie = res
        .headers
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("kirjaamo_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    let page = b.get("/tili").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("maija@example.fi"));
    assert_eq!(page.header("cache-control"), "no-store");
}

#[actix_web::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut b = app.browser().await;
    let wrong = b
        .post(
            "/login",
            &[
                ("email", "maija@example.fi"),
                ("password", "väärä salasana tässä"),
            ],
        )
        .await;
    let unknown = b
        .post(
            "/login",
            &[
                ("email", "nobody@example.fi"),
                ("password", "väärä salasana tässä"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    let msg = "Sähköpostiosoite tai salasana on väärin.";
    assert!(wrong.body.contains(msg) && unknown.body.contains(msg));
    assert!(!b.cookies.contains_key("kirjaamo_session"));
}

#[actix_web::test]
async fn logout_revokes_the_token_everywhere() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut laptop = app.signed_in("maija@example.fi").await;
    let mut phone = app.signed_in("maija@example.fi").await;
    let stolen = laptop.cookies.clone();
    assert_eq!(phone.get("/tili").await.status, 200);
    laptop.post("/logout", &[]).await;
    // The copy of the old cookie (another server, another device) no longer works.
    let mut thief = app.browser().await;
    thief.cookies = stolen;
    assert_eq!(thief.get("/tili").await.status, 303);
    assert_eq!(phone.get("/tili").await.status, 303);
}

#[actix_web::test]
async fn password_change_and_role_change_end_other_sessions() {
    let app = TestApp::new();
    let u = app.user("ville@example.fi", "Ville", None);
    let mut a = app.signed_in("ville@example.fi").await;
    let mut other = app.signed_in("ville@example.fi").await;
    let bad = a
        .post(
            "/tili/salasana",
            &[
                ("current", "ei tämä ole oikea"),
                ("password", "uusi hyvä salasana"),
                ("password_again", "uusi hyvä salasana"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Nykyinen salasana on väärin"));
    let short = a
        .post(
            "/tili/salasana",
            &[
                ("current", PASSWORD),
                ("password", "lyhyt"),
                ("password_again", "lyhyt"),
            ],
        )
        .await;
    assert!(short.body.contains("vähintään 12 merkkiä"));
    let ok = a
        .post(
            "/tili/salasana",
            &[
                ("current", PASSWORD),
                ("password", "uusi hyvä salasana"),
                ("password_again", "uusi hyvä salasana"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    assert_eq!(a.get("/tili").await.status, 200, "this session carries on");
    assert_eq!(
        other.get("/tili").await.status,
        303,
        "the other session ended"
    );

    // A role change ends the sessions too: the next request sees the new rights.
    let mut c = a;
    accounts::roles::grant_role(&mut app.conn(), u.id, &Role::Admin, None, app.clock.now())
        .unwrap();
    assert_eq!(c.get("/tili").await.status, 303);
}

#[actix_web::test]
async fn deactivation_ends_the_session() {
    let app = TestApp::new();
    let u = app.user("maija@example.fi", "Maija", None);
    let mut b = app.signed_in("maija@example.fi").await;
    accounts::set_active(&mut app.conn(), u.id, false, None, app.clock.now()).unwrap();
    assert_eq!(b.get("/tili").await.status, 303);
    let again = b
        .post(
            "/login",
            &[("email", "maija@example.fi"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(again.status, 401);
}

#[actix_web::test]
async fn sessions_expire_when_idle_and_slide_while_used() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut b = app.signed_in("maija@example.fi").await;
    for _ in 0..5 {
        app.clock.advance(chrono::Duration::minutes(60));
        assert_eq!(
            b.get("/tili").await.status,
            200,
            "in use, the session slides"
        );
    }
    app.clock.advance(chrono::Duration::minutes(121));
    assert_eq!(b.get("/tili").await.status, 303, "idle too long");
}

#[actix_web::test]
async fn password_reset_by_a_single_use_link() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut stale = app.signed_in("maija@example.fi").await;
    let mut b = app.browser().await;
    let res = b
        .post("/salasana/unohtunut", &[("email", "maija@example.fi")])
        .await;
    assert_eq!(res.status, 200);
    let unknown = b
        .post("/salasana/unohtunut", &[("email", "nobody@example.fi")])
        .await;
    assert_eq!(
        unknown.body.replace("nobody", "maija"),
        res.body.replace("nobody", "maija"),
        "same answer for unknown addresses"
    );
    let mails = app.outbox();
    assert_eq!(mails.len(), 1);
    let (to, subject, text) = &mails[0];
    assert_eq!(to, "maija@example.fi");
    assert_eq!(subject, "Uusi salasana Kirjaamoon");
    let link = link_in(text, "/salasana/uusi/").unwrap();
    let path = link
        .trim_start_matches(&app.state.config.base_url)
        .to_string();

    assert_eq!(b.get(&path).await.status, 200);
    let mismatch = b
        .post(
            &path,
            &[
                ("password", "uusi salasana 2026"),
                ("password_again", "uusi salasana 2027"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, 400);
    let done = b
        .post(
            &path,
            &[
                ("password", "uusi salasana 2026"),
                ("password_again", "uusi salasana 2026"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(b.get("/tili").await.status, 200, "signed in by the link");
    assert_eq!(
        stale.get("/tili").await.status,
        303,
        "a reset ends every other session"
    );

    let reused = b.get(&path).await;
    assert_eq!(reused.status, 410);
    assert!(reused.body.contains("vanhentunut tai jo käytetty"));
    let mut fresh = app.browser().await;
    let ok = fresh
        .post(
            "/login",
            &[
                ("email", "maija@example.fi"),
                ("password", "uusi salasana 2026"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
}

#[actix_web::test]
async fn reset_links_expire() {
    let app = TestApp::new();
    app.user("maija@example.fi", "Maija", None);
    let mut b = app.browser().await;
    b.post("/salasana/unohtunut", &[("email", "maija@example.fi")])
        .await;
    let link = link_in(&app.outbox()[0].2, "/salasana/uusi/").unwrap();
    let path = link
        .trim_start_matches(&app.state.config.base_url)
        .to_string();
    app.clock.advance(chrono::Duration::minutes(61));
    let res = b
        .post(
            &path,
            &[
                ("password", "uusi salasana 2026"),
                ("password_again", "uusi salasana 2026"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("vanhentunut"));
}

#[actix_web::test]
async fn download_my_data_holds_profile_roles_and_mail() {
    let app = TestApp::new();
    app.user(
        "kaisa@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::Trainer),
    );
    let mut b = app.signed_in("kaisa@example.fi").await;
    b.post("/salasana/unohtunut", &[("email", "kaisa@example.fi")])
        .await;
    let res = b.get("/tili/omat-tiedot").await;
    assert_eq!(res.status, 200);
    assert!(res.header("content-disposition").contains("attachment"));
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["profile"]["email"], "kaisa@example.fi");
    assert_eq!(v["roles"][0]["role"], "trainer");
    assert_eq!(v["emails"][0]["subject"], "Uusi salasana Kirjaamoon");
    assert!(
        v["profile"].get("password_hash").is_none(),
        "no password hash in the export"
    );
    assert!(
        v.get("discussions").is_some(),
        "the discussions are part of the download"
    );
}

#[actix_web::test]
async fn language_setting_is_remembered_on_the_account() {
    let app = TestApp::new();
    app.user("anna@example.fi", "Anna", None);
    let mut b = app.signed_in("anna@example.fi").await;
    let res = b.post("/tili/kieli", &[("language", "sv")]).await;
    assert_eq!(res.status, 303);
    let page = b.get("/tili").await;
    assert!(page.body.contains(r#"<html lang="sv">"#));
    assert!(page.body.contains("Mitt konto"));
    let bad = b.post("/tili/kieli", &[("language", "de")]).await;
    assert_eq!(bad.status, 400);
}

#[actix_web::test]
async fn an_admin_gives_and_takes_roles_and_deactivates_users() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Aino Admin", Some(Role::Admin));
    let ville = app.user("ville@example.fi", "Ville", None);
    let mut ville_b = app.signed_in("ville@example.fi").await;
    let mut admin = app.signed_in("admin@example.fi").await;
    let list = admin.get("/hallinta/kayttajat?q=ville").await;
    assert!(
        list.body.contains("ville@example.fi") && !list.body.contains("admin@example.fi"),
        "{}",
        list.body
    );
    let url = format!("/hallinta/kayttajat/{}", ville.id);
    let bad = admin
        .post(
            &format!("{url}/roolit"),
            &[("role", "regional_coordinator"), ("region_id", "")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        admin
            .post(&format!("{url}/roolit"), &[("role", "trainer")])
            .await
            .status,
        303
    );
    assert_eq!(
        ville_b.get("/tili").await.status,
        303,
        "a role change ends the old sessions"
    );
    let socca = app.region_id("socca").to_string();
    assert_eq!(
        admin
            .post(
                &format!("{url}/roolit"),
                &[("role", "regional_coordinator"), ("region_id", &socca)]
            )
            .await
            .status,
        303
    );
    let roles = accounts::model::roles_of(&mut app.conn(), ville.id).unwrap();
    assert_eq!(
        roles.iter().map(|r| r.role.as_str()).collect::<Vec<_>>(),
        vec!["trainer", "regional_coordinator"]
    );
    assert_eq!(
        admin
            .post(&format!("{url}/roolit/poista"), &[("role", "trainer")])
            .await
            .status,
        303
    );
    assert_eq!(
        accounts::model::roles_of(&mut app.conn(), ville.id)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        admin
            .post(&format!("{url}/tila"), &[("active", "0")])
            .await
            .status,
        303
    );
    let again = app
        .browser()
        .await
        .post(
            "/login",
            &[("email", "ville@example.fi"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(again.status, 401, "a deactivated account cannot sign in");
    let mut fresh = app.signed_in("admin@example.fi").await;
    let me: i64 = accounts::model::find_by_email(&mut app.conn(), "admin@example.fi")
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(
        fresh
            .post(
                &format!("/hallinta/kayttajat/{me}/tila"),
                &[("active", "0")]
            )
            .await
            .status,
        400,
        "no locking yourself out"
    );
}
