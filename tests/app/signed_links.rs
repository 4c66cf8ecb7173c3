//! Signed links and device cookies name an account by id *and* creation (issue 15): SQLite gives
//! a new account the id of a deleted one, and a link mailed to the deleted person must never
//! open the new person's account.

use crate::support::{TestApp, PASSWORD};
use kirjaamo::discussions::unsubscribe::{self, Unsubscribe};
use kirjaamo::privacy::erasure::{delete_account, DeletedBy};
use std::net::SocketAddr;

#[actix_web::test]
async fn a_link_or_device_cookie_of_a_deleted_account_opens_nothing_of_the_next_one() {
    let app = TestApp::new();
    app.user(
        "admin@example.fi",
        "Aino Admin",
        Some(kirjaamo::accounts::Role::Admin),
    );
    let old = app.user("lahtija@example.fi", "Liisa Lähtijä", None);
    let secret = app.state.config.secret.clone();
    let now = app.clock.now();
    // Liisa's mails carry an unsubscribe link; her laptop knows her account.
    let stamp = unsubscribe::stamp_for(&mut app.conn(), old.id).unwrap();
    let token =
        unsubscribe::unsubscribe_token(&secret, Unsubscribe::All { user_id: old.id }, stamp, now);
    let mut laptop = app.browser().await;
    laptop.peer = SocketAddr::from(([198, 51, 100, 5], 40000));
    let res = laptop
        .post(
            "/login",
            &[("email", "lahtija@example.fi"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303);
    laptop.post("/logout", &[]).await;
    // The link works while she is here.
    let page = laptop
        .get(&format!("/keskustelut/peru-tilaus/{token}"))
        .await;
    assert_eq!(page.status, 200);

    // She deletes her account; a second later someone new joins.
    delete_account(
        &mut app.conn(),
        &secret,
        old.id,
        &DeletedBy::Themselves,
        now,
    )
    .unwrap();
    app.clock.advance(chrono::Duration::seconds(1));
    let new = app.user("tulija@example.fi", "Tuomas Tulija", None);
    if !app.state.config.database_url.starts_with("postgres") {
        assert_eq!(
            new.id, old.id,
            "SQLite reuses the id (the case this guards)"
        );
    }

    // Her link opens nothing, and changes nothing for him.
    let mut b = app.browser().await;
    let gone = b.get(&format!("/keskustelut/peru-tilaus/{token}")).await;
    assert_eq!(gone.status, 410);
    let res = b
        .post(&format!("/keskustelut/peru-tilaus/{token}"), &[])
        .await;
    assert_eq!(res.status, 410);
    let (mode, _) = kirjaamo::discussions::email_mode::settings(&mut app.conn(), new.id).unwrap();
    assert_ne!(mode, "off", "the new person's mail setting is untouched");

    // Her laptop's device cookie does not vouch for him: guesses hold his account, and the
    // laptop is held with everyone else.
    for i in 0..6u8 {
        let mut g = app.browser().await;
        g.peer = SocketAddr::from(([203, 0, 113, i + 1], 40000));
        g.post(
            "/login",
            &[
                ("email", "tulija@example.fi"),
                ("password", "arvaus-arvaus"),
            ],
        )
        .await;
    }
    let res = laptop
        .post(
            "/login",
            &[("email", "tulija@example.fi"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 429);
}
