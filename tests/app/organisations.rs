//! Organisations maintenance: coordinators create and edit only in their own area (another
//! area's organisation is a 404), bad input is refused with a message and changes nothing, the
//! CSV import previews every row's problems and is all or nothing, updates an existing
//! organisation by county and name, and every change is audit-logged.

use crate::support::browser::Response;
use crate::support::{Browser, TestApp};
use actix_web::test::TestRequest;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{audit_log, organisations};

/// Kaisa coordinates Socca, Pekka Pikassos; Pirjo is the county coordinator of Pirkanmaa.
fn people(app: &TestApp) {
    app.user(
        "kaisa@example.fi",
        "Kaisa Socca",
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
    app.user(
        "pirjo@example.fi",
        "Pirjo Pirkanmaa",
        Some(Role::CountyCoordinator {
            county_id: app.county_id("pirkanmaa"),
        }),
    );
    app.user("admin@example.fi", "Ylläpitäjä", Some(Role::Admin));
    app.user("tiina@example.fi", "Tiina Valmennettava", None);
}

fn organisation(app: &TestApp, name: &str, county: &str, staff: i32) -> i64 {
    kirjaamo::network::create_organisation(
        &mut app.conn(),
        kirjaamo::network::NewOrganisation {
            name,
            county_id: app.county_id(county),
            kind: "public",
            staff_count: staff,
        },
        app.clock.now(),
    )
    .unwrap()
    .id
}

type Row = (String, i64, String, i32, bool);

fn all_organisations(app: &TestApp) -> Vec<Row> {
    organisations::table
        .order(organisations::id)
        .select((
            organisations::name,
            organisations::county_id,
            organisations::kind,
            organisations::staff_count,
            organisations::active,
        ))
        .load(&mut app.conn())
        .unwrap()
}

/// (action, subject, details) of every audit entry about organisations.
fn audit(app: &TestApp) -> Vec<(String, String, String)> {
    audit_log::table
        .filter(audit_log::action.like("organisation.%"))
        .order(audit_log::id)
        .select((audit_log::action, audit_log::subject, audit_log::details))
        .load(&mut app.conn())
        .unwrap()
}

fn form<'a>(
    name: &'a str,
    county: &'a str,
    kind: &'a str,
    staff: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("county_id", county),
        ("kind", kind),
        ("staff_count", staff),
    ]
}

async fn upload(b: &mut Browser, bytes: &[u8]) -> Response {
    let boundary = "----kirjaamo-test-boundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"organisaatiot.csv\"\r\nContent-Type: text/csv\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let url = format!(
        "/hallinta/organisaatiot/tuonti?csrf_token={}",
        b.csrf_token()
    );
    b.send(
        TestRequest::post()
            .uri(&url)
            .insert_header((
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body),
    )
    .await
}

#[actix_web::test]
async fn coordinators_create_and_edit_only_in_their_own_area() {
    let app = TestApp::new();
    people(&app);
    let helsinki = app.county_id("helsinki").to_string();
    let ita_uusimaa = app.county_id("ita-uusimaa").to_string();
    let pirkanmaa = app.county_id("pirkanmaa").to_string();
    let tampere = organisation(&app, "Tampereen kaupunki", "pirkanmaa", 900);

    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    assert_eq!(kaisa.get("/hallinta/organisaatiot/uusi").await.status, 200);
    let res = kaisa
        .post(
            "/hallinta/organisaatiot",
            &form(
                "Äänekoski Åbo sosiaalipalvelut",
                &helsinki,
                "private",
                "1 200",
            ),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id: i64 = organisations::table
        .filter(organisations::name.eq("Äänekoski Åbo sosiaalipalvelut"))
        .select(organisations::id)
        .first(&mut app.conn())
        .expect("the name round-trips exactly");
    let list = kaisa.get("/hallinta/organisaatiot").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Äänekoski Åbo sosiaalipalvelut"));
    assert!(list.body.contains("Helsingin kaupunki") && list.body.contains("Yksityinen"));
    // The staff count as a Finn writes it: a non-breaking space between thousands.
    assert!(list.body.contains("1\u{a0}200"), "{}", list.body);
    assert!(
        !list.body.contains("Tampereen kaupunki"),
        "another region's organisation is not listed"
    );

    // Pekka (Pikassos) can neither see nor change it, nor create in Socca.
    let mut pekka = app.signed_in("pekka@example.fi").await;
    let edit = format!("/hallinta/organisaatiot/{id}/muokkaa");
    assert_eq!(pekka.get(&edit).await.status, 404);
    let before = all_organisations(&app);
    let res = pekka
        .post(&edit, &form("Kaapattu", &pirkanmaa, "public", "1"))
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(all_organisations(&app), before);
    let list = pekka.get("/hallinta/organisaatiot").await;
    assert!(!list.body.contains("Äänekoski"));
    assert!(list.body.contains("Tampereen kaupunki"));
    let res = pekka
        .post(
            "/hallinta/organisaatiot",
            &form("Pekan organisaatio", &helsinki, "public", "10"),
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Valitse hyvinvointialue omalta alueeltasi"));
    // A filter by another area's county shows nothing.
    let res = pekka
        .get(&format!("/hallinta/organisaatiot?county={helsinki}"))
        .await;
    assert!(!res.body.contains("Äänekoski") && !res.body.contains("Tampereen"));

    // Kaisa moves it inside Socca, but not out of it.
    let res = kaisa
        .post(
            &edit,
            &[
                ("name", "Äänekoski Åbo sosiaalipalvelut"),
                ("county_id", &ita_uusimaa),
                ("kind", "education"),
                ("staff_count", "1300"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let moved = all_organisations(&app)
        .into_iter()
        .find(|o| o.0.starts_with("Äänekoski"))
        .unwrap();
    assert_eq!(
        moved,
        (
            "Äänekoski Åbo sosiaalipalvelut".to_string(),
            app.county_id("ita-uusimaa"),
            "education".to_string(),
            1300,
            true
        )
    );
    let before = all_organisations(&app);
    let res = kaisa
        .post(
            &edit,
            &form(
                "Äänekoski Åbo sosiaalipalvelut",
                &pirkanmaa,
                "education",
                "1300",
            ),
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Valitse hyvinvointialue omalta alueeltasi"));
    assert_eq!(all_organisations(&app), before);
    // Unticking "active" deactivates.
    let res = kaisa
        .post(
            &edit,
            &form(
                "Äänekoski Åbo sosiaalipalvelut",
                &ita_uusimaa,
                "education",
                "1300",
            ),
        )
        .await;
    assert_eq!(res.status, 303);
    assert!(kaisa
        .get("/hallinta/organisaatiot")
        .await
        .body
        .contains("Ei käytössä"));

    // The county coordinator of Pirkanmaa reaches Pirkanmaa only.
    let mut pirjo = app.signed_in("pirjo@example.fi").await;
    assert_eq!(pirjo.get(&edit).await.status, 404);
    let res = pirjo
        .get(&format!("/hallinta/organisaatiot/{tampere}/muokkaa"))
        .await;
    assert_eq!(res.status, 200);
    assert!(res.body.contains("Tampereen kaupunki"));
    let res = pirjo
        .post(
            &format!("/hallinta/organisaatiot/{tampere}/muokkaa"),
            &[
                ("name", "Tampereen kaupunki"),
                ("county_id", &pirkanmaa),
                ("kind", "public"),
                ("staff_count", "950"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let res = pirjo
        .post(
            "/hallinta/organisaatiot",
            &form("Pirjon organisaatio", &ita_uusimaa, "public", "10"),
        )
        .await;
    assert_eq!(res.status, 400);

    // The admin sees every area and filters by county; trainees are refused.
    let mut admin = app.signed_in("admin@example.fi").await;
    let all = admin.get("/hallinta/organisaatiot").await;
    assert!(all.body.contains("Äänekoski") && all.body.contains("Tampereen kaupunki"));
    let one = admin
        .get(&format!("/hallinta/organisaatiot?county={pirkanmaa}"))
        .await;
    assert!(!one.body.contains("Äänekoski") && one.body.contains("Tampereen kaupunki"));
    let mut tiina = app.signed_in("tiina@example.fi").await;
    assert_eq!(tiina.get("/hallinta/organisaatiot").await.status, 403);
    assert_eq!(tiina.get(&edit).await.status, 403);

    // Every change is in the audit log, with what changed.
    let log = audit(&app);
    let subject = format!("organisation:{id}");
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|(a, s, _)| (a.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("organisation.create", subject.as_str()),
            ("organisation.update", subject.as_str()),
            ("organisation.update", subject.as_str()),
            (
                "organisation.update",
                format!("organisation:{tampere}").as_str()
            ),
        ]
    );
    let moved: serde_json::Value = serde_json::from_str(&log[1].2).unwrap();
    assert_eq!(
        moved["changes"]["county_id"],
        serde_json::json!([app.county_id("helsinki"), app.county_id("ita-uusimaa")])
    );
    assert_eq!(
        moved["changes"]["staff_count"],
        serde_json::json!([1200, 1300])
    );
    assert_eq!(
        moved["changes"]["kind"],
        serde_json::json!(["private", "education"])
    );
    let deactivated: serde_json::Value = serde_json::from_str(&log[2].2).unwrap();
    assert_eq!(
        deactivated["changes"]["active"],
        serde_json::json!([true, false])
    );
    assert!(deactivated["changes"].get("name").is_none());
}

#[actix_web::test]
async fn bad_input_gets_a_message_and_changes_nothing() {
    let app = TestApp::new();
    people(&app);
    let helsinki = app.county_id("helsinki").to_string();
    let existing = organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 5000);
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let long = "x".repeat(201);
    let huge = "ä".repeat(600_000);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            form("Uusi", &helsinki, "public", "-5"),
            "Henkilöstömäärä ei voi olla negatiivinen",
        ),
        (
            form("Uusi", &helsinki, "public", "99999999999999999999"),
            "Henkilöstömäärän pitää olla kokonaisluku",
        ),
        (
            form("Uusi", &helsinki, "public", "2147483648"),
            "Henkilöstömäärän pitää olla kokonaisluku",
        ),
        (
            form("Uusi", &helsinki, "public", "12,5"),
            "Henkilöstömäärän pitää olla kokonaisluku",
        ),
        (
            form("Uusi", &helsinki, "public", ""),
            "Kirjoita henkilöstömäärä",
        ),
        (
            form("   ", &helsinki, "public", "1"),
            "Kirjoita organisaation nimi",
        ),
        (
            form(&long, &helsinki, "public", "1"),
            "Kirjoita organisaation nimi",
        ),
        (
            form(&huge, &helsinki, "public", "1"),
            "Kirjoita organisaation nimi",
        ),
        (
            form("Nul\0Oy", &helsinki, "public", "1"),
            "Nimessä on merkkejä, joita ei voi käyttää",
        ),
        (
            form("Rivi\nvaihto", &helsinki, "public", "1"),
            "Nimessä on merkkejä, joita ei voi käyttää",
        ),
        (
            form("Evil\u{202e}Oy", &helsinki, "public", "1"),
            "Nimessä on merkkejä, joita ei voi käyttää",
        ),
        (
            form("Uusi", &helsinki, "säätiö", "1"),
            "Valitse organisaation tyyppi",
        ),
        (
            form("Uusi", "", "public", "1"),
            "Valitse hyvinvointialue omalta alueeltasi",
        ),
        (
            form("Uusi", "999999", "public", "1"),
            "Valitse hyvinvointialue omalta alueeltasi",
        ),
        (
            form("HELSINGIN SOSIAALIPALVELUT", &helsinki, "public", "1"),
            "Hyvinvointialueella on jo samanniminen organisaatio",
        ),
    ];
    let before = all_organisations(&app);
    for (fields, message) in &cases {
        let res = kaisa.post("/hallinta/organisaatiot", fields).await;
        let shown = &fields[0].1.chars().take(40).collect::<String>();
        assert!(
            res.status == 400 || res.status == 413,
            "{shown:?}: {}",
            res.status
        );
        if res.status == 400 {
            assert!(res.body.contains(message), "{shown:?}: expected {message}");
            assert!(
                res.body.contains("<form"),
                "{shown:?}: the form is shown again"
            );
        }
        // The same over the existing organisation.
        let res = kaisa
            .post(
                &format!("/hallinta/organisaatiot/{existing}/muokkaa"),
                fields,
            )
            .await;
        if fields[0].1 == "HELSINGIN SOSIAALIPALVELUT" {
            // Its own name in another case is no duplicate of itself.
            assert_eq!(res.status, 303, "renaming to its own name in capitals");
            kaisa
                .post(
                    &format!("/hallinta/organisaatiot/{existing}/muokkaa"),
                    &[
                        ("name", "Helsingin sosiaalipalvelut"),
                        ("county_id", &helsinki),
                        ("kind", "public"),
                        ("staff_count", "5000"),
                        ("active", "on"),
                    ],
                )
                .await;
            continue;
        }
        assert!(
            res.status == 400 || res.status == 413,
            "{shown:?}: {}",
            res.status
        );
        if res.status == 400 {
            assert!(res.body.contains(message), "edit {shown:?}: {message}");
        }
    }
    assert_eq!(all_organisations(&app), before, "nothing changed");
    // Only the rename there and back was logged.
    let log = audit(&app);
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log.iter().all(|(a, _, _)| a == "organisation.update"));

    // The Swedish page shows the Swedish message.
    let res = kaisa.post("/tili/kieli", &[("language", "sv")]).await;
    assert_eq!(res.status, 303);
    let res = kaisa
        .post(
            "/hallinta/organisaatiot",
            &form("Uusi", &helsinki, "public", "-1"),
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Personalantalet kan inte vara negativt"));
}

#[actix_web::test]
async fn csv_import_previews_row_problems_and_is_all_or_nothing() {
    let app = TestApp::new();
    people(&app);
    organisation(
        &app,
        "Itä-Uudenmaan hyvinvointialue, sosiaalipalvelut",
        "ita-uusimaa",
        800,
    );
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    assert_eq!(
        kaisa.get("/hallinta/organisaatiot/tuonti").await.status,
        200
    );
    let before = all_organisations(&app);

    let bad = "\u{feff}nimi;hyvinvointialue;tyyppi;henkilöstö\n\
        Hoivakoti Helmi Oy;Helsingin kaupunki;yksityinen;45\n\
        Negatiivinen Oy;helsinki;yksityinen;-3\n\
        Säätiö;helsinki;säätiö;10\n\
        Tampereen kaupunki;Pirkanmaan hyvinvointialue;julkinen;900\n\
        Kuvitteellinen;Atlantis;julkinen;1\n\
        Hoivakoti helmi oy;helsinki;private;46\n\
        Ylivuoto Oy;helsinki;muu;99999999999\n\
        Nul\0Oy;helsinki;muu;1\n\
        Kolme;helsinki;muu\n";
    let res = upload(&mut kaisa, bad.as_bytes()).await;
    assert_eq!(res.status, 400, "{}", res.body);
    for message in [
        "Henkilöstömäärä ei voi olla negatiivinen",
        "Tuntematon tyyppi",
        "Hyvinvointialue ei kuulu alueeseesi",
        "Hyvinvointialuetta ei tunneta",
        "Sama organisaatio on tiedostossa jo aiemmin",
        "Henkilöstömäärän pitää olla kokonaisluku",
        "Nimessä on merkkejä, joita ei voi käyttää",
        "Rivillä pitää olla neljä saraketta",
        "Korjaa tiedoston virheet",
    ] {
        assert!(res.body.contains(message), "preview shows {message:?}");
    }
    assert!(
        !res.body.contains("tuonti/vahvista"),
        "no confirm button for a file with problems"
    );
    // Confirming the bad file anyway saves nothing, not even its good first row.
    let res = kaisa
        .post("/hallinta/organisaatiot/tuonti/vahvista", &[("csv", bad)])
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(all_organisations(&app), before, "all or nothing");
    assert!(audit(&app).is_empty());

    // A comma-separated file without a header: one new, one update (the name in another case).
    let good = "Hoivakoti Helmi Oy,Helsingin kaupunki,yksityinen,45\n\
        \"itä-uudenmaan hyvinvointialue, sosiaalipalvelut\",ita-uusimaa,julkinen,\"1 250\"\n\
        Laurea-ammattikorkeakoulu,vantaa-kerava,oppilaitos,120\n";
    let res = upload(&mut kaisa, good.as_bytes()).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.contains("uusia 2, päivitettäviä 1, ennallaan 0"));
    assert!(res.body.contains("Päivitetään") && res.body.contains("ennen: 800"));
    assert!(res.body.contains("Tallenna 3 muutosta"));
    let res = kaisa
        .post("/hallinta/organisaatiot/tuonti/vahvista", &[("csv", good)])
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let after = all_organisations(&app);
    assert_eq!(after.len(), 3);
    assert_eq!(
        after[0],
        (
            "Itä-Uudenmaan hyvinvointialue, sosiaalipalvelut".to_string(),
            app.county_id("ita-uusimaa"),
            "public".to_string(),
            1250,
            true
        ),
        "updated, the stored name kept"
    );
    assert!(after.contains(&(
        "Hoivakoti Helmi Oy".to_string(),
        app.county_id("helsinki"),
        "private".to_string(),
        45,
        true
    )));
    assert!(after.contains(&(
        "Laurea-ammattikorkeakoulu".to_string(),
        app.county_id("vantaa-kerava"),
        "education".to_string(),
        120,
        true
    )));
    let log = audit(&app);
    let actions: Vec<&str> = log.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "organisation.create",
            "organisation.update",
            "organisation.create",
            "organisation.import"
        ]
    );
    let update: serde_json::Value = serde_json::from_str(&log[1].2).unwrap();
    assert_eq!(update["source"], "import");
    assert_eq!(
        update["changes"]["staff_count"],
        serde_json::json!([800, 1250])
    );
    let summary: serde_json::Value = serde_json::from_str(&log[3].2).unwrap();
    assert_eq!(summary["created"], 2);
    assert_eq!(summary["updated"], 1);

    // The same file again changes nothing and offers nothing to save.
    let res = upload(&mut kaisa, good.as_bytes()).await;
    assert_eq!(res.status, 200);
    assert!(res.body.contains("ennallaan 3"));
    assert!(!res.body.contains("tuonti/vahvista"));

    // Another region's coordinator cannot import into Socca.
    let mut pekka = app.signed_in("pekka@example.fi").await;
    let res = upload(&mut pekka, good.as_bytes()).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Hyvinvointialue ei kuulu alueeseesi"));
    let res = pekka
        .post("/hallinta/organisaatiot/tuonti/vahvista", &[("csv", good)])
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(all_organisations(&app), after);
}

#[actix_web::test]
async fn csv_files_that_cannot_be_read_are_refused_clearly() {
    let app = TestApp::new();
    people(&app);
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    // Latin-1 "Hämeenlinna" is not UTF-8.
    let res = upload(&mut kaisa, b"H\xe4meenlinna;helsinki;julkinen;1\n").await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Tallenna tiedosto UTF-8-muodossa"));
    let res = upload(&mut kaisa, b"").await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Tiedostossa ei ole yhtään organisaatiota"));
    let big = "Iso Oy;helsinki;muu;1\n".repeat(20_000);
    let res = upload(&mut kaisa, big.as_bytes()).await;
    assert_eq!(res.status, 413);
    assert!(res
        .body
        .contains("Tiedosto on liian suuri: enintään 256\u{a0}kt. Mitään ei tallennettu."));
    assert!(res.body.contains(r#"type="file""#), "the upload form again");
    let many = (0..2001)
        .map(|i| format!("Yritys {i};helsinki;muu;1\n"))
        .collect::<String>();
    let res = upload(&mut kaisa, many.as_bytes()).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Tiedostossa on liikaa rivejä"));
    // The trainee gets no further than the door.
    let mut tiina = app.signed_in("tiina@example.fi").await;
    let res = upload(&mut tiina, b"A;helsinki;muu;1\n").await;
    assert_eq!(res.status, 403);
    assert!(all_organisations(&app).is_empty());
}
