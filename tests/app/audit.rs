//! The audit log, visible: every kind of accountable event is recorded with its area (exports,
//! API reads, transfers, role changes, imports, deletions); admins read all of it at
//! `/hallinta/loki`, coordinators only their own area's; filters by action, actor, area and
//! Helsinki day; keyset pages; CSV with formulas neutralised, the export itself logged.

use crate::support::{Browser, TestApp};
use diesel::prelude::*;
use kirjaamo::accounts::audit::{self, Area};
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::audit_log;

/// (action, region, county) of every entry, oldest first.
fn entries(app: &TestApp) -> Vec<(String, Option<i64>, Option<i64>)> {
    audit_log::table
        .order(audit_log::id)
        .select((
            audit_log::action,
            audit_log::region_id,
            audit_log::county_id,
        ))
        .load(&mut app.conn())
        .unwrap()
}

fn has(app: &TestApp, action: &str, region: Option<i64>, county: Option<i64>) -> bool {
    entries(app)
        .iter()
        .any(|e| e.0 == action && e.1 == region && e.2 == county)
}

/// Coordinators of Socca (Kaisa) and Pikassos (Pekka), an admin, and in Socca a graduate.
async fn world() -> TestApp {
    let app = TestApp::new();
    app.user(
        "kaisa@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user(
        "pekka@example.fi",
        "Pekka Pikassos",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("pikassos"),
        }),
    );
    app.user("admin@example.fi", "Anna Admin", Some(Role::Admin));
    let org = crate::network::organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 500);
    crate::network::graduate(&app, Some(org)).await;
    app
}

fn body_between<'a>(body: &'a str, from: &str, to: &str) -> &'a str {
    let start = body.find(from).map_or(0, |i| i + from.len());
    let rest = &body[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

#[actix_web::test]
async fn every_accountable_event_is_recorded_with_its_area() {
    let app = world().await;
    let (socca, pikassos) = (app.region_id("socca"), app.region_id("pikassos"));
    let helsinki = app.county_id("helsinki");
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    // An export.
    assert_eq!(kaisa.get("/verkosto/rekisteri.csv").await.status, 200);
    // An API token and a read with it.
    let page = kaisa
        .post("/verkosto/api-avaimet", &[("name", "HR-järjestelmä")])
        .await;
    let token = body_between(&page.body, "<code class=\"token\">", "<").to_string();
    let mut client = app.browser().await;
    client
        .extra_headers
        .push(("Authorization".into(), format!("Bearer {token}")));
    assert_eq!(client.get("/api/v1/registry").await.status, 200);
    // An import.
    let csv = "Hoivakoti Helmi Oy;helsinki;yksityinen;45\n";
    let res = kaisa
        .post("/hallinta/organisaatiot/tuonti/vahvista", &[("csv", csv)])
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    // A transfer.
    let h = helsinki.to_string();
    let res = kaisa
        .post(
            "/verkosto/siirto",
            &[
                ("county_id", &h),
                ("email", "heli@example.fi"),
                ("name", "Heli"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    // A role change and a deletion by the admin.
    let someone = app.user("someone@example.fi", "Joku Muu", None);
    let mut admin = app.signed_in("admin@example.fi").await;
    let res = admin
        .post(
            &format!("/hallinta/kayttajat/{}/roolit", someone.id),
            &[
                ("role", "regional_coordinator"),
                ("region_id", &pikassos.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let res = admin
        .post(
            &format!("/hallinta/kayttajat/{}/poista", someone.id),
            &[("reason", "Pyysi poistoa")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);

    assert!(has(&app, "registry.export.csv", Some(socca), None));
    assert!(has(&app, "api.token.create", Some(socca), None));
    assert!(has(&app, "registry.export.api", Some(socca), None));
    assert!(has(&app, "organisation.import", Some(socca), None));
    assert!(has(
        &app,
        "organisation.create",
        Some(socca),
        Some(helsinki)
    ));
    assert!(has(&app, "registry.transfer", Some(socca), Some(helsinki)));
    assert!(
        has(&app, "role.grant", Some(socca), Some(helsinki)),
        "the transfer's role: {:?}",
        entries(&app)
    );
    assert!(has(&app, "role.grant", Some(pikassos), None));
    assert!(has(&app, "user.delete", None, None));
    // An expert's deletion belongs to their network's area.
    let expert: i64 = kirjaamo::db::schema::users::table
        .filter(kirjaamo::db::schema::users::email.eq("trainee@example.fi"))
        .select(kirjaamo::db::schema::users::id)
        .first(&mut app.conn())
        .unwrap();
    let res = admin
        .post(
            &format!("/hallinta/kayttajat/{expert}/poista"),
            &[("reason", "Pyysi poistoa")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(has(&app, "user.delete", Some(socca), Some(helsinki)));
}

#[actix_web::test]
async fn admins_read_everything_and_coordinators_their_own_area() {
    let app = world().await;
    let helsinki = app.county_id("helsinki");
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    kaisa.get("/verkosto/rekisteri.csv").await;
    let h = helsinki.to_string();
    kaisa
        .post(
            "/verkosto/siirto",
            &[
                ("county_id", &h),
                ("email", "heli@example.fi"),
                ("name", "Heli Helsinki"),
            ],
        )
        .await;
    let mut pekka = app.signed_in("pekka@example.fi").await;
    pekka.get("/verkosto/rekisteri.csv").await;
    let conn = &mut app.conn();
    audit::record(conn, None, "user.deactivate", "user:1", "", app.clock.now()).unwrap();

    let page = kaisa.get("/hallinta/loki").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Tapahtumaloki"));
    assert!(page.body.contains("Asiantuntijarekisteri viety (CSV)"));
    assert!(page
        .body
        .contains("Verkosto siirretty kirjaamiskoordinaattorille"));
    assert!(
        page.body.contains("23.11.2026 klo 11.00"),
        "the time in Helsinki: {}",
        page.body
    );
    let rows = body_between(&page.body, "<tbody>", "</tbody>");
    assert!(
        !rows.contains("Pekka Pikassos") && !rows.contains("Käyttäjätili poistettu käytöstä"),
        "nothing of another region or without an area"
    );
    // Another region's filter is refused, as on the network pages.
    let other = kaisa
        .get(&format!(
            "/hallinta/loki?paikka=alue-{}",
            app.region_id("pikassos")
        ))
        .await;
    assert_eq!(other.status, 403);

    let page = pekka.get("/hallinta/loki").await;
    assert!(page.body.contains("Pekka Pikassos"));
    assert!(!page.body.contains("Kaisa Koordinaattori"));

    // The county coordinator reads the county's entries only.
    let link = app
        .outbox()
        .into_iter()
        .find(|(to, _, _)| to == "heli@example.fi")
        .unwrap()
        .2;
    let link = crate::support::link_in(&link, "/salasana/uusi/").unwrap();
    let mut heli = app.browser().await;
    heli.post(
        link.trim_start_matches(&app.state.config.base_url),
        &[
            ("password", "helin salasana 2026"),
            ("password_again", "helin salasana 2026"),
        ],
    )
    .await;
    let page = heli.get("/hallinta/loki").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let rows = body_between(&page.body, "<tbody>", "</tbody>");
    assert!(rows.contains("Verkosto siirretty kirjaamiskoordinaattorille"));
    assert!(
        !rows.contains("Asiantuntijarekisteri viety (CSV)"),
        "the region's own entries are not the county's"
    );

    let mut admin = app.signed_in("admin@example.fi").await;
    let page = admin.get("/hallinta/loki").await;
    for text in [
        "Pekka Pikassos",
        "Kaisa Koordinaattori",
        "Käyttäjätili poistettu käytöstä",
        "Järjestelmä",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    // Trainees and trainers have no log.
    let mut trainee = app.signed_in("trainee@example.fi").await;
    assert_eq!(trainee.get("/hallinta/loki").await.status, 403);
    assert_eq!(trainee.get("/hallinta/loki.csv").await.status, 403);
}

#[actix_web::test]
async fn filters_by_action_actor_area_and_helsinki_day() {
    let app = world().await;
    let helsinki = app.county_id("helsinki");
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    kaisa.get("/verkosto/rekisteri.csv").await;
    let h = helsinki.to_string();
    kaisa
        .post(
            "/verkosto/siirto",
            &[
                ("county_id", &h),
                ("email", "heli@example.fi"),
                ("name", "Heli"),
            ],
        )
        .await;
    // 22.30 UTC is already the next day in Helsinki.
    app.clock.set(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(22, 30, 0)
            .unwrap(),
    );
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let mut admin = app.signed_in("admin@example.fi").await;
    let mut pekka = app.signed_in("pekka@example.fi").await;
    pekka.get("/verkosto/rekisteri.csv").await;
    let only = |b: &str, text: &str| b.matches(text).count();

    let page = kaisa.get("/hallinta/loki?toiminto=registry.transfer").await;
    assert_eq!(page.status, 200);
    assert_eq!(only(&page.body, "<time datetime="), 1, "{}", page.body);

    let page = admin.get("/hallinta/loki?tekija=PIKASSOS").await;
    assert_eq!(only(&page.body, "<time datetime="), 1);
    assert!(page.body.contains("Pekka Pikassos"));

    let page = kaisa
        .get(&format!("/hallinta/loki?paikka=maakunta-{helsinki}"))
        .await;
    let rows = body_between(&page.body, "<tbody>", "</tbody>");
    assert!(rows.contains("Verkosto siirretty"));
    assert!(!rows.contains("Asiantuntijarekisteri viety"), "{rows}");

    let page = admin
        .get("/hallinta/loki?alkaen=2026-11-24&asti=2026-11-24")
        .await;
    assert_eq!(only(&page.body, "<time datetime="), 1, "{}", page.body);
    assert!(page.body.contains("24.11.2026 klo 0.30"), "{}", page.body);
    let page = admin.get("/hallinta/loki?asti=2026-11-23").await;
    assert!(page.body.contains("23.11.2026 klo 11.00"));
    assert!(!page.body.contains("24.11.2026 klo"), "{}", page.body);

    // Bad input: the problem beside its field, the input kept.
    let page = admin.get("/hallinta/loki?alkaen=23.11.2026").await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("id=\"alkaen-error\""));
    assert!(page.body.contains("Anna päivämäärä muodossa vvvv-kk-pp."));
    assert!(page.body.contains("value=\"23.11.2026\""));
    let page = admin
        .get("/hallinta/loki?alkaen=2026-11-24&asti=2026-11-01")
        .await;
    assert_eq!(page.status, 400);
    assert!(page
        .body
        .contains("Loppupäivä ei voi olla ennen alkupäivää."));
    let page = admin.get("/hallinta/loki?paikka=alue-x").await;
    assert_eq!(page.status, 400);
    let page = admin.get("/hallinta/loki?tekija=%27%22%3Cscript%3E").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>"));
    // A NUL is refused before any query: a clear 400, never a 500.
    let page = admin.get("/hallinta/loki?tekija=%00x").await;
    assert_eq!(page.status, 400);
}

#[actix_web::test]
async fn pages_by_keyset_reach_every_entry_once() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Anna Admin", Some(Role::Admin));
    let socca = app.region_id("socca");
    for i in 0..120 {
        audit::record_in(
            &mut app.conn(),
            Area::region(socca),
            None,
            "registry.export.csv",
            "region:1",
            &format!("entry {i:03};"),
            app.clock.now(),
        )
        .unwrap();
    }
    let mut admin = app.signed_in("admin@example.fi").await;
    let mut seen: Vec<String> = Vec::new();
    let mut url = "/hallinta/loki?toiminto=registry.export.csv".to_string();
    let mut pages = 0;
    loop {
        let page = admin.get(&url).await;
        assert_eq!(page.status, 200);
        pages += 1;
        for part in page.body.split("entry ").skip(1) {
            seen.push(part[..3].to_string());
        }
        let Some(at) = page.body.find("ennen=") else {
            break;
        };
        let id: String = page.body[at + 6..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        url = format!("/hallinta/loki?toiminto=registry.export.csv&ennen={id}");
        assert!(pages < 10);
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 120, "every entry once");
    assert_eq!(seen.len(), 120, "and none twice");
    assert_eq!(seen.first().unwrap(), "119", "newest first");
}

#[actix_web::test]
async fn the_csv_export_is_neutralised_in_the_page_language_and_logged() {
    let app = world().await;
    let mut kaisa: Browser = app.signed_in("kaisa@example.fi").await;
    kaisa
        .post(
            "/verkosto/api-avaimet",
            &[("name", "=HYPERLINK(\"http://evil\")")],
        )
        .await;
    let csv = kaisa
        .get("/hallinta/loki.csv?toiminto=api.token.create")
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains("Aika;Tekijä;Toiminto;"), "{}", csv.body);
    assert!(csv.body.contains("API-avain luotu;api.token.create"));
    assert!(csv.body.contains(";\"'=HYPERLINK"), "{}", csv.body);
    assert!(csv.body.contains("2026-11-23T11:00:00+02:00"));
    let logged: (Option<i64>, String) = audit_log::table
        .filter(audit_log::action.eq("audit.export.csv"))
        .select((audit_log::region_id, audit_log::details))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(logged, (Some(app.region_id("socca")), "1 rows".to_string()));
    // In Swedish the page and the words are Swedish.
    kaisa
        .post("/kieli", &[("lang", "sv"), ("next", "/hallinta/loki")])
        .await;
    let page = kaisa.get("/hallinta/loki").await;
    assert!(page.body.contains("Händelselogg"));
    assert!(page.body.contains("API-nyckel skapad"));
    assert!(page.body.contains("Händelseloggen exporterad (CSV)"));
    assert!(page.body.contains("23.11.2026 kl. 11.00"), "{}", page.body);
}
