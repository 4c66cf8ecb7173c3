//! Irreversible actions are confirmed: the confirmation page says what will happen and changes
//! nothing; its button does it; cancel leads back. Role changes, removing a trainee, an admin's
//! account deletion, and an admin handing a transferred county back to its region.

use crate::support::{link_in, TestApp};
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{
    audit_log, counties, enrolment_events, enrolments, role_assignments, users,
};

fn roles_of(app: &TestApp, user: i64) -> Vec<String> {
    role_assignments::table
        .filter(role_assignments::user_id.eq(user))
        .select(role_assignments::role)
        .load(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn role_changes_are_confirmed_first() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Anna Admin", Some(Role::Admin));
    let heli = app.user("heli@example.fi", "Heli Helsinki", None);
    let helsinki = app.county_id("helsinki");
    let mut admin = app.signed_in("admin@example.fi").await;
    let page = admin.get(&format!("/hallinta/kayttajat/{}", heli.id)).await;
    assert!(page.body.contains(&format!(
        "action=\"/hallinta/kayttajat/{}/roolit\"",
        heli.id
    )));
    let confirm = admin
        .get(&format!(
            "/hallinta/kayttajat/{}/roolit?role=county_coordinator&region_id=&county_id={helsinki}",
            heli.id
        ))
        .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm.body.contains("Vahvista roolin antaminen"));
    assert!(confirm.body.contains("Heli Helsinki"));
    assert!(confirm.body.contains("Helsingin kaupunki"));
    assert!(confirm.body.contains("istuntonsa päättyvät"));
    assert!(confirm
        .body
        .contains(&format!("href=\"/hallinta/kayttajat/{}\"", heli.id)));
    assert!(
        roles_of(&app, heli.id).is_empty(),
        "the page changes nothing"
    );
    // A coordinator's role without its area: the user page again, the problem named.
    let bad = admin
        .get(&format!(
            "/hallinta/kayttajat/{}/roolit?role=regional_coordinator&region_id=&county_id=",
            heli.id
        ))
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Valitse rooli ja sen alue."));
    assert!(bad
        .body
        .contains("<option value=\"regional_coordinator\" selected>"));
    // The button does it.
    let role = format!("county_coordinator:{helsinki}");
    let done = admin
        .post(
            &format!("/hallinta/kayttajat/{}/roolit", heli.id),
            &[
                ("role", "county_coordinator"),
                ("county_id", &helsinki.to_string()),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(roles_of(&app, heli.id), vec!["county_coordinator"]);
    // Taking it away: confirmed too.
    let page = admin.get(&format!("/hallinta/kayttajat/{}", heli.id)).await;
    let revoke = format!(
        "/hallinta/kayttajat/{}/roolit/poista?role=county_coordinator%3A{helsinki}",
        heli.id
    );
    assert!(
        page.body.contains(&revoke.replace('&', "&amp;")),
        "{}",
        page.body
    );
    let confirm = admin.get(&revoke).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Vahvista roolin poistaminen"));
    assert_eq!(roles_of(&app, heli.id), vec!["county_coordinator"]);
    let done = admin
        .post(
            &format!("/hallinta/kayttajat/{}/roolit/poista", heli.id),
            &[("role", &role)],
        )
        .await;
    assert_eq!(done.status, 303);
    assert!(roles_of(&app, heli.id).is_empty());
    // Not for others.
    let mut heli_b = app.signed_in("heli@example.fi").await;
    assert_eq!(heli_b.get(&revoke).await.status, 403);
}

#[actix_web::test]
async fn removing_a_trainee_is_confirmed_and_logged() {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    app.user(
        "kaisa@example.fi",
        "Kaisa",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let enrolment: i64 = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort))
        .select(enrolments::id)
        .first(&mut app.conn())
        .unwrap();
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let show = kaisa.get(&format!("/hallinta/ryhmat/{cohort}")).await;
    let url = format!("/hallinta/ryhmat/{cohort}/osallistujat/{enrolment}/peru");
    assert!(
        show.body.contains(&format!("href=\"{url}\"")),
        "{}",
        show.body
    );
    let confirm = kaisa.get(&url).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm.body.contains("Poista ryhmästä"));
    assert!(confirm.body.contains("trainee@example.fi"));
    assert!(confirm.body.contains("Paikka vapautuu ryhmästä."));
    let status: String = enrolments::table
        .find(enrolment)
        .select(enrolments::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "active", "the page changes nothing");
    // Another region's coordinator does not even see it.
    app.user(
        "pekka@example.fi",
        "Pekka",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("pikassos"),
        }),
    );
    let mut pekka = app.signed_in("pekka@example.fi").await;
    assert_eq!(pekka.get(&url).await.status, 404);
    let done = kaisa.post(&url, &[("note", "Vaihtoi työpaikkaa")]).await;
    assert_eq!(done.status, 303);
    let status: String = enrolments::table
        .find(enrolment)
        .select(enrolments::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "withdrawn");
    let note: String = enrolment_events::table
        .filter(enrolment_events::enrolment_id.eq(enrolment))
        .order(enrolment_events::id.desc())
        .select(enrolment_events::note)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(note, "Vaihtoi työpaikkaa");
    let region: Option<i64> = audit_log::table
        .filter(audit_log::action.eq("enrolment.withdraw"))
        .select(audit_log::region_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(region, Some(app.region_id("socca")));
    // Now the page says there is nothing to do.
    let again = kaisa.get(&url).await;
    assert!(again.body.contains("Valmennettava ei ole enää ryhmässä."));
}

#[actix_web::test]
async fn an_admins_deletion_is_confirmed_with_a_reason() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Anna Admin", Some(Role::Admin));
    let gone = app.user("poistuva@example.fi", "Pia Poistuva", None);
    let mut admin = app.signed_in("admin@example.fi").await;
    let url = format!("/hallinta/kayttajat/{}/poista", gone.id);
    let confirm = admin.get(&url).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Poista käyttäjä Pia Poistuva"));
    assert!(confirm.body.contains("Poistoa ei voi perua."));
    assert!(confirm.body.contains("0 ilmoittautumista"));
    let missing = admin.post(&url, &[("reason", "  ")]).await;
    assert_eq!(missing.status, 400);
    assert!(missing.body.contains("Kirjoita poiston syy."));
    assert!(
        missing.body.contains("Poista käyttäjä Pia Poistuva"),
        "the same page again"
    );
    let left: i64 = users::table
        .filter(users::id.eq(gone.id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(left, 1);
    let done = admin.post(&url, &[("reason", "Pyysi poistoa")]).await;
    assert_eq!(done.status, 303);
    let page = admin.get(&done.location()).await;
    assert!(page
        .body
        .contains("Käyttäjä ja hänen henkilötietonsa on poistettu."));
    // The only admin cannot be deleted, and the page says so instead of offering it.
    let me: i64 = users::table
        .filter(users::email.eq("admin@example.fi"))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap();
    let own = admin.get(&format!("/hallinta/kayttajat/{me}/poista")).await;
    assert!(own.body.contains("ainoa ylläpitäjä"));
    assert!(!own.body.contains("name=\"reason\""));
}

#[actix_web::test]
async fn an_admin_hands_a_county_back_to_its_region() {
    let app = TestApp::new();
    app.user(
        "kaisa@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user("admin@example.fi", "Anna Admin", Some(Role::Admin));
    let helsinki = app.county_id("helsinki");
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    // A mistyped address: an account is created for it.
    let res = kaisa
        .post(
            "/verkosto/siirto",
            &[
                ("county_id", &helsinki.to_string()),
                ("email", "hleli@example.fi"),
                ("name", "Heli Helsinki"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let invite = app
        .outbox()
        .into_iter()
        .find(|(to, _, _)| to == "hleli@example.fi")
        .unwrap();
    let invite = link_in(&invite.2, "/salasana/uusi/").unwrap();
    let invite = invite
        .trim_start_matches(&app.state.config.base_url)
        .to_string();
    let mut admin = app.signed_in("admin@example.fi").await;
    let list = admin.get("/verkosto/siirto").await;
    let url = format!("/verkosto/siirto/{helsinki}/palauta");
    assert!(
        list.body.contains(&format!("href=\"{url}\"")),
        "{}",
        list.body
    );
    // Only admins.
    assert_eq!(kaisa.get(&url).await.status, 403);
    assert_eq!(kaisa.post(&url, &[]).await.status, 403);
    let confirm = admin.get(&url).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm
        .body
        .contains("Palauta verkosto alueelle: Helsingin kaupunki"));
    assert!(confirm.body.contains("hleli@example.fi"));
    assert!(confirm.body.contains("kutsulinkki lakkaa toimimasta"));
    let transferred: Option<chrono::NaiveDateTime> = counties::table
        .find(helsinki)
        .select(counties::transferred_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(transferred.is_some(), "the page changes nothing");
    let done = admin.post(&url, &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = admin.get(&done.location()).await;
    assert!(page.body.contains("Verkosto on palautettu alueelle."));
    let transferred: Option<chrono::NaiveDateTime> = counties::table
        .find(helsinki)
        .select(counties::transferred_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(transferred.is_none());
    let hleli: i64 = users::table
        .filter(users::email.eq("hleli@example.fi"))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap();
    assert!(roles_of(&app, hleli).is_empty(), "the role is gone");
    // The mistyped address cannot take the account into use any more.
    let mut stranger = app.browser().await;
    assert_eq!(stranger.get(&invite).await.status, 410);
    // The region manages it again and was told.
    let kaisa_mail = app
        .outbox()
        .into_iter()
        .filter(|(to, _, _)| to == "kaisa@example.fi")
        .map(|m| m.1)
        .collect::<Vec<_>>();
    assert!(
        kaisa_mail.contains(&"Verkosto palautettu hoidettavaksesi: Helsingin kaupunki".to_string()),
        "{kaisa_mail:?}"
    );
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    assert_eq!(
        kaisa
            .get(&format!("/verkosto/tiedotteet?maakunta={helsinki}"))
            .await
            .status,
        200
    );
    let logged: Option<i64> = audit_log::table
        .filter(audit_log::action.eq("registry.transfer_back"))
        .select(audit_log::county_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(logged, Some(helsinki));
    // Handed over again, this time to the right address, who takes it into use; handed back,
    // they are told too.
    kaisa
        .post(
            "/verkosto/siirto",
            &[
                ("county_id", &helsinki.to_string()),
                ("email", "heli@example.fi"),
                ("name", "Heli Helsinki"),
            ],
        )
        .await;
    let mail = app
        .outbox()
        .into_iter()
        .find(|(to, _, _)| to == "heli@example.fi")
        .unwrap();
    let link = link_in(&mail.2, "/salasana/uusi/").unwrap();
    let mut heli = app.browser().await;
    heli.post(
        link.trim_start_matches(&app.state.config.base_url),
        &[
            ("password", "helin salasana 2026"),
            ("password_again", "helin salasana 2026"),
        ],
    )
    .await;
    assert!(admin.get(&url).await.body.contains("heli@example.fi"));
    assert_eq!(admin.post(&url, &[]).await.status, 303);
    assert!(app.outbox().iter().any(|(to, s, _)| to == "heli@example.fi"
        && s == "Verkosto palautettu aluekoordinaattorille: Helsingin kaupunki"));
    // Not transferred now: nothing to hand back.
    assert_eq!(admin.get(&url).await.status, 409);
}
