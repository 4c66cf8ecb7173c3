//! The everyday path of each role: Helsinki time and local numbers on the pages, in the CSV and
//! the API (validated against its own OpenAPI document), the notice after each action, a form
//! too large coming back to its page, the trainer's home, the overview's charts and the admin's
//! user page — each asserted as the person sees it on the next page.

use crate::support::TestApp;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{outbox_messages, users};

fn coordinator(app: &TestApp) {
    app.user(
        "kaisa@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
}

/// 13.05 in Helsinki in winter, 14.05 in summer: the fixed clock at 11.05 UTC.
fn at_utc(app: &TestApp, date: &str) {
    let t =
        chrono::NaiveDateTime::parse_from_str(&format!("{date} 11:05"), "%Y-%m-%d %H:%M").unwrap();
    app.clock.set(t);
}

#[actix_web::test]
async fn a_post_shows_helsinki_time_in_the_readers_language_with_the_offset() {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    at_utc(&app, "2026-12-06");
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let thread = crate::discussions::ask(
        &mut trainee,
        cohort,
        "question",
        "Milloin kirjataan?",
        "Heti tapaamisen jälkeen?",
    )
    .await;
    let page = trainee.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert!(
        page.body
            .contains(r#"<time datetime="2026-12-06T13:05:00+02:00">6.12.2026 klo 13.05</time>"#),
        "{}",
        page.body
    );
    assert!(!page.body.contains("11.05"), "never the UTC time");
    // The trainer's desk names the same time.
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let desk = trainer.get("/keskustelut/valmentaja").await;
    assert!(desk.body.contains("6.12.2026 13.05"), "{}", desk.body);
    // In Swedish, and in summer time (UTC+3).
    diesel::update(users::table.filter(users::email.eq("trainee@example.fi")))
        .set(users::language.eq("sv"))
        .execute(&mut app.conn())
        .unwrap();
    at_utc(&app, "2027-06-15");
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let thread = crate::discussions::ask(
        &mut trainee,
        cohort,
        "question",
        "Sommarfråga",
        "När dokumenterar man?",
    )
    .await;
    let page = trainee.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert!(
        page.body
            .contains(r#"<time datetime="2027-06-15T14:05:00+03:00">15.6.2027 kl. 14.05</time>"#),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn the_api_answers_as_its_openapi_document_says() {
    let app = TestApp::new();
    coordinator(&app);
    let org = crate::network::organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 500);
    crate::network::graduate(&app, Some(org)).await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let page = kaisa
        .post("/verkosto/api-avaimet", &[("name", "HR-järjestelmä")])
        .await;
    let token = page
        .body
        .split("<code class=\"token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let mut client = app.browser().await;
    let spec: serde_json::Value =
        serde_json::from_str(&client.get("/api/v1/openapi.json").await.body).unwrap();
    client.extra_headers = vec![("Authorization".into(), format!("Bearer {token}"))];
    let res = client.get("/api/v1/registry").await;
    assert_eq!(res.status, 200);
    let body: serde_json::Value = serde_json::from_str(&res.body).unwrap();

    // The 200 response's schema, resolved inside the document itself.
    let mut schema = spec.clone();
    schema["$ref"] = spec["paths"]["/registry"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"]["$ref"]
        .clone();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?} in {body}");
    // The validator does notice a time without its zone (what the API gave before).
    let mut zoneless = body.clone();
    zoneless["experts"][0]["joined_at"] = "2026-11-23T09:00:00".into();
    assert!(!validator.is_valid(&zoneless));
    assert_eq!(body["experts"][0]["joined_at"], "2026-11-23T11:00:00+02:00");
    assert_eq!(body["generated_at"], "2026-11-23T11:00:00+02:00");

    // The key list shows Helsinki time, to the minute.
    let keys = kaisa.get("/verkosto/api-avaimet").await;
    assert!(keys.body.contains("23.11.2026 klo 11.00"), "{}", keys.body);
    assert!(!keys.body.contains("09:00:00"));
    // The registry CSV carries the offset.
    let csv = kaisa.get("/verkosto/rekisteri.csv").await;
    assert!(
        csv.body.contains(";2026-11-23T11:00:00+02:00;"),
        "{}",
        csv.body
    );
}

#[actix_web::test]
async fn figures_use_a_decimal_comma_and_a_county_without_staff_has_no_data() {
    let app = TestApp::new();
    coordinator(&app);
    crate::network::organisation(&app, "Helsingin palvelut", "helsinki", 12_000);
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let page = kaisa.get("/verkosto").await;
    assert_eq!(page.status, 200);
    // Staff with a no-break space between thousands; counties with no staff figures say so.
    assert!(page.body.contains("<td>12\u{a0}000</td>"), "{}", page.body);
    assert!(page.body.contains("<td>0,0\u{a0}%</td>"));
    assert!(page.body.contains("ei tietoa"));
    assert!(page
        .body
        .contains("Itä-Uudenmaan hyvinvointialue ei tietoa"));
    // The overview shows the same, with the network page's charts and their tables.
    let overview = kaisa.get("/hallinta/yleiskuva").await;
    assert_eq!(overview.status, 200);
    for needle in [
        r#"<title id="participants-title">"#,
        r#"<title id="reach-title">"#,
        r#"role="img""#,
        "<caption id=\"trainings-caption\">",
        "<caption id=\"reach-caption\">",
        "ei tietoa",
    ] {
        assert!(
            overview.body.contains(needle),
            "{needle} in {}",
            overview.body
        );
    }
    // In Swedish.
    diesel::update(users::table.filter(users::email.eq("kaisa@example.fi")))
        .set(users::language.eq("sv"))
        .execute(&mut app.conn())
        .unwrap();
    let page = kaisa.get("/verkosto").await;
    assert!(page.body.contains("uppgift saknas"));
    assert!(page.body.contains("0,0\u{a0}%"));
}

#[actix_web::test]
async fn a_form_too_large_comes_back_to_its_page_naming_the_limit() {
    let app = TestApp::new();
    app.user("tiina@example.fi", "Tiina", None);
    let mut b = app.signed_in("tiina@example.fi").await;
    let sent_before: i64 = outbox_messages::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    let huge = "ä".repeat(1024 * 1024);
    b.extra_headers = vec![(
        "Referer".into(),
        format!("{}/palaute", app.state.config.base_url),
    )];
    let res = b.post("/palaute", &[("message", &huge)]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location(), "/palaute");
    let page = b.get("/palaute").await;
    assert!(
        page.body.contains(
            "Lomake oli liian suuri lähetettäväksi: enintään 1 Mt. Mitään ei tallennettu."
        ),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(r#"class="alert alert-error notice" role="alert""#));
    assert!(
        page.body.contains("data-restore-drafts"),
        "the page puts the typed text back"
    );
    let sent_after: i64 = outbox_messages::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(sent_before, sent_after, "nothing was sent");
    // Without a page to go back to: the error page names the limit.
    b.extra_headers.clear();
    let res = b.post("/palaute", &[("message", &huge)]).await;
    assert_eq!(res.status, 413);
    assert!(res.body.contains("(enintään 1 Mt)"));
    // Under the limit but over the field's own: the form again, the text kept.
    let long = "kirjaus ".repeat(700);
    let res = b.post("/palaute", &[("message", &long)]).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains(long.trim()));
}

#[actix_web::test]
async fn a_csv_over_the_limit_comes_back_to_the_upload_form_naming_the_limit() {
    let app = TestApp::new();
    crate::cohorts::coordinator(&app);
    let cohort = crate::cohorts::open_cohort(&app, "10", false).await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let boundary = "----kirjaamo-test";
    let csv = "Maija Meikäläinen;maija@example.fi;Organisaatio\n".repeat(12_000);
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"iso.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let token = kaisa.csrf_token();
    let res = kaisa
        .send(
            actix_web::test::TestRequest::post()
                .uri(&format!(
                    "/hallinta/ryhmat/{cohort}/kutsu?csrf_token={}",
                    url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
                ))
                .insert_header((
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                ))
                .set_payload(body),
        )
        .await;
    assert_eq!(res.status, 413);
    assert!(res
        .body
        .contains("Tiedosto on liian suuri: enintään 512\u{a0}kt. Mitään ei tallennettu."));
    assert!(res
        .body
        .contains(r#"<input id="file" name="file" type="file""#));
}

#[actix_web::test]
async fn the_trainers_home_lists_their_cohorts_with_progress_and_waiting_questions() {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    trainee
        .post(&format!("/ryhmat/{cohort}/asiakirjatyypit/luettu"), &[])
        .await;
    crate::discussions::ask(&mut trainee, cohort, "question", "Kysymys", "Miten?").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let home = trainer.get("/").await;
    assert!(!home.body.contains("Et ole vielä mukana"), "{}", home.body);
    assert!(home.body.contains("Valmentamasi ryhmät"));
    assert!(home.body.contains("Syksy 2026, Socca"));
    assert!(home.body.contains("1 valmennettava"));
    assert!(home.body.contains("1 kysymys odottaa vastaustasi"));
    assert!(home.body.contains("Tiina Trainee"));
    assert!(
        home.body.contains("25,0\u{a0}%"),
        "mean progress, 1 of 4 lessons"
    );
    // The trainee list is reachable from the home page and from the navigation.
    let link = format!(r#"href="/hallinta/ryhmat/{cohort}""#);
    assert!(home.body.contains(&link));
    assert!(home.body.contains(r#"<a href="/hallinta/ryhmat""#));
    let list = trainer.get("/hallinta/ryhmat").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&link));
    assert!(
        !list.body.contains("/hallinta/ryhmat/uusi"),
        "trainers open no cohorts"
    );
    let roster = trainer.get(&format!("/hallinta/ryhmat/{cohort}")).await;
    assert_eq!(roster.status, 200);
    assert!(roster.body.contains("Tiina Trainee"));
    // The course page leads there too.
    let course = trainer.get(&format!("/ryhmat/{cohort}/")).await;
    assert!(course.body.contains(&link));
}

#[actix_web::test]
async fn the_admins_user_page_names_roles_in_words_and_every_change_says_so() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Anna Admin", Some(Role::Admin));
    let person = app.user("kaisa@example.fi", "Kaisa", None);
    let mut admin = app.signed_in("admin@example.fi").await;
    let url = format!("/hallinta/kayttajat/{}", person.id);
    let res = admin
        .post(
            &format!("{url}/roolit"),
            &[
                ("role", "regional_coordinator"),
                ("region_id", &app.region_id("socca").to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let page = admin.get(&url).await;
    assert!(page.body.contains(r#"role="alert">Rooli on annettu."#));
    assert!(page.body.contains("Aluekoordinaattori, Socca"));
    // The form value stays in the hidden field; the page never shows it.
    assert!(!page.body.contains("<code>"));
    assert!(page
        .body
        .contains("/roolit/poista?role=regional_coordinator"));
    assert!(!page.body.contains("Roolisi"));
    assert!(page.body.contains("<h2>Roolit</h2>"));
    let res = admin.post(&format!("{url}/tila"), &[("active", "0")]).await;
    let page = admin.get(&res.location()).await;
    assert!(page.body.contains("Käyttäjä on poistettu käytöstä"));
}

#[actix_web::test]
async fn every_cohort_action_answers_on_the_next_page() {
    let app = TestApp::new();
    crate::cohorts::coordinator(&app);
    app.user("tuula@example.fi", "Tuula Valmentaja", Some(Role::Trainer));
    let cohort = crate::cohorts::open_cohort(&app, "10", false).await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    // An unknown trainer: the page again, the address kept, the problem beside the field.
    let res = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/valmentajat"),
            &[("email", "ei.ole@example.fi")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains(r#"value="ei.ole@example.fi" aria-invalid="true""#));
    assert!(res.body.contains("Osoitteella ei löydy valmentajaa."));
    let res = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/valmentajat"),
            &[("email", "tuula@example.fi")],
        )
        .await;
    assert_eq!(res.status, 303);
    let page = kaisa.get(&res.location()).await;
    assert!(page
        .body
        .contains(r#"role="alert">Valmentaja on lisätty ryhmään.</div>"#));
    assert!(page.body.contains("Tuula Valmentaja"));

    // Invitations by CSV: the next page counts them.
    let csv = "Maija Meikäläinen;maija@example.fi;Keravan palvelut\nMatti Meikäläinen;matti@example.fi;Keravan palvelut\n";
    crate::cohorts::organisation(&app, "Keravan palvelut", "vantaa-kerava");
    let res = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/kutsu/vahvista"),
            &[("csv", csv)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = kaisa.get(&res.location()).await;
    assert!(page
        .body
        .contains(r#"role="alert">2 henkilöä on kutsuttu ryhmään.</div>"#));

    // Organisations saved and imported.
    let res = kaisa
        .post(
            "/hallinta/organisaatiot",
            &[
                ("name", "Porvoon palvelut"),
                ("county_id", &app.county_id("ita-uusimaa").to_string()),
                ("kind", "public"),
                ("staff_count", "80"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = kaisa.get(&res.location()).await;
    assert!(page
        .body
        .contains(r#"role="alert">Organisaatio on lisätty.</div>"#));
}

#[actix_web::test]
async fn a_coordinators_home_leads_to_their_work_not_to_an_empty_cohort_list() {
    let app = TestApp::new();
    crate::cohorts::coordinator(&app);
    app.user("tiina@example.fi", "Tiina Trainee", None);
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let home = kaisa.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("<h2 id=\"work-h\">Työsi</h2>"));
    assert!(home.body.contains(r#"<a href="/verkosto">Verkosto:"#));
    assert!(home
        .body
        .contains(r#"<a href="/hallinta/ryhmat">Valmennusryhmät:"#));
    assert!(
        !home.body.contains("Et ole vielä mukana"),
        "a coordinator is not told they are in no cohort"
    );
    // Each of those links opens for them.
    for path in [
        "/hallinta/yleiskuva",
        "/verkosto",
        "/hallinta/ryhmat",
        "/hallinta/loki",
    ] {
        assert_eq!(kaisa.get(path).await.status, 200, "{path}");
    }
    // A trainee's home still says where they stand.
    let mut tiina = app.signed_in("tiina@example.fi").await;
    let home = tiina.get("/").await;
    assert!(home.body.contains("Et ole vielä mukana"));
    assert!(!home.body.contains("work-h"));
}
