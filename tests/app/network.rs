//! Completion, certificates and the expert networks: completion once and atomically (also
//! twenty at once), the placement queue, public certificate verification, trainings held,
//! reach and blind spots against hand-computed figures, scoping, and the CSV export.

use crate::support::TestApp;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{
    audit_log, certificates, completions, enrolments, memberships, outbox_messages, placements,
    users,
};
use kirjaamo::learning::completion::{self, Outcome};
use kirjaamo::mail::Messaging;

pub fn organisation(app: &TestApp, name: &str, county: &str, staff: i32) -> i64 {
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

/// Puts the fixture trainee into an organisation and has them do every lesson.
pub async fn graduate(app: &TestApp, org: Option<i64>) -> (i64, i64) {
    crate::courses::publish_fixture(app);
    let cohort = crate::courses::cohort(app);
    diesel::update(users::table.filter(users::email.eq("trainee@example.fi")))
        .set(users::organisation_id.eq(org))
        .execute(&mut app.conn())
        .unwrap();
    let mut b = app.signed_in("trainee@example.fi").await;
    let first = b
        .post(
            &format!("/ryhmat/{cohort}/mita-kirjaaminen-on/tarkistus"),
            &[("c0", "1")],
        )
        .await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(
        first.location(),
        format!("/ryhmat/{cohort}/mita-kirjaaminen-on#tarkistus"),
        "not the last lesson: back to the lesson with its result"
    );
    b.post(&format!("/ryhmat/{cohort}/asiakirjatyypit/luettu"), &[])
        .await;
    b.post(&format!("/ryhmat/{cohort}/harjoitus/luettu"), &[])
        .await;
    // The last lesson: two checks whose right answers the fixture defines.
    let checks: String = kirjaamo::db::schema::lessons::table
        .filter(kirjaamo::db::schema::lessons::slug.eq("asiakkaan-osallisuus"))
        .select(kirjaamo::db::schema::lessons::checks_json)
        .first(&mut app.conn())
        .unwrap();
    let checks: Vec<serde_json::Value> = serde_json::from_str(&checks).unwrap();
    let mut fields = Vec::new();
    for (i, c) in checks.iter().enumerate() {
        for right in c["correct"].as_array().unwrap() {
            fields.push((format!("c{i}"), right.to_string()));
        }
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = b
        .post(
            &format!("/ryhmat/{cohort}/asiakkaan-osallisuus/tarkistus"),
            &refs,
        )
        .await;
    assert_eq!(
        res.status, 303,
        "the last lesson completes the course: {}",
        res.body
    );
    assert_eq!(res.location(), format!("/ryhmat/{cohort}/"));
    let enrolment: i64 = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort))
        .select(enrolments::id)
        .first(&mut app.conn())
        .unwrap();
    (cohort, enrolment)
}

macro_rules! count {
    ($app:expr, $table:path) => {{
        use $table as t;
        t::table
            .count()
            .get_result::<i64>(&mut $app.conn())
            .unwrap()
    }};
}

/// The fixture trainee, placed in `org`, with every lesson done but the course not yet
/// completed. Returns the enrolment.
fn every_lesson_done(app: &TestApp, org: i64) -> i64 {
    crate::courses::publish_fixture(app);
    let cohort = crate::courses::cohort(app);
    let uid: i64 = users::table
        .filter(users::email.eq("trainee@example.fi"))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap();
    diesel::update(users::table.find(uid))
        .set(users::organisation_id.eq(Some(org)))
        .execute(&mut app.conn())
        .unwrap();
    let ids: Vec<i64> = kirjaamo::db::schema::lessons::table
        .select(kirjaamo::db::schema::lessons::id)
        .load(&mut app.conn())
        .unwrap();
    for id in ids {
        use kirjaamo::db::schema::lesson_progress as lp;
        diesel::insert_into(lp::table)
            .values((
                lp::user_id.eq(uid),
                lp::lesson_id.eq(id),
                lp::done_at.eq(Some(app.clock.now())),
                lp::answers_json.eq("{}"),
                lp::updated_at.eq(app.clock.now()),
            ))
            .execute(&mut app.conn())
            .unwrap();
    }
    enrolments::table
        .filter(enrolments::cohort_id.eq(cohort))
        .select(enrolments::id)
        .first(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn completing_the_last_lesson_makes_an_expert_once() {
    let app = TestApp::new();
    app.user(
        "kaisa@example.fi",
        "Kaisa",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let org = organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 500);
    let (cohort, enrolment) = graduate(&app, Some(org)).await;
    let status: String = enrolments::table
        .find(enrolment)
        .select(enrolments::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "completed");
    let (region, county, status): (i64, Option<i64>, String) = memberships::table
        .select((
            memberships::region_id,
            memberships::county_id,
            memberships::status,
        ))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        (region, county, status.as_str()),
        (
            app.region_id("socca"),
            Some(app.county_id("helsinki")),
            "active"
        )
    );
    let version: String = completions::table
        .select(completions::course_version)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(version, "2026.1");
    let subjects: Vec<(String, String)> = outbox_messages::table
        .select((outbox_messages::recipient_email, outbox_messages::subject))
        .load(&mut app.conn())
        .unwrap();
    assert!(subjects.contains(&(
        "trainee@example.fi".into(),
        "Onnittelut! Suoritit valmennuksen Esimerkkivalmennus".into()
    )));
    assert!(subjects.contains(&(
        "kaisa@example.fi".into(),
        "Uusi kirjaamisasiantuntija: Tiina Trainee".into()
    )));

    // The cohort page congratulates and links the certificate.
    let mut b = app.signed_in("trainee@example.fi").await;
    let page = b.get(&format!("/ryhmat/{cohort}/")).await;
    assert!(
        page.body.contains("Onnittelut, suoritit valmennuksen!"),
        "{}",
        &page.body[page.body.find("<main").unwrap_or(0)..]
    );

    // Again: nothing more.
    let before = (
        count!(app, completions),
        count!(app, certificates),
        count!(app, memberships),
        count!(app, outbox_messages),
    );
    let msg = Messaging {
        templates: &app.state.templates,
        base_url: "http://x",
        secret: &app.state.config.secret,
    };
    assert_eq!(
        completion::complete_if_done(&mut app.conn(), &msg, enrolment, app.clock.now()).unwrap(),
        Outcome::AlreadyCompleted
    );
    let after = (
        count!(app, completions),
        count!(app, certificates),
        count!(app, memberships),
        count!(app, outbox_messages),
    );
    assert_eq!(before, after);
}

#[actix_web::test]
async fn twenty_simultaneous_completions_give_one_of_each() {
    let app = TestApp::new();
    let org = organisation(&app, "Vantaan palvelut", "vantaa-kerava", 100);
    let enrolment = every_lesson_done(&app, org);
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let state = app.state.clone();
            let now = app.clock.now();
            std::thread::spawn(move || {
                let mut conn = state.pool.get().unwrap();
                let msg = Messaging {
                    templates: &state.templates,
                    base_url: "http://x",
                    secret: &state.config.secret,
                };
                completion::complete_if_done(&mut conn, &msg, enrolment, now).unwrap()
            })
        })
        .collect();
    let outcomes: Vec<Outcome> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Completed { .. }))
            .count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(count!(app, completions), 1);
    assert_eq!(count!(app, certificates), 1);
    assert_eq!(count!(app, memberships), 1);
    let mails: i64 = outbox_messages::table
        .filter(outbox_messages::template.eq("completion"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(mails, 1);
}

#[actix_web::test]
async fn a_graduate_without_a_county_waits_to_be_placed() {
    let app = TestApp::new();
    graduate(&app, None).await;
    assert_eq!(count!(app, memberships), 0);
    assert_eq!(count!(app, placements), 1);
}

#[actix_web::test]
async fn certificates_verify_publicly_and_show_only_the_certificate() {
    let app = TestApp::new();
    let org = organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 500);
    graduate(&app, Some(org)).await;
    let code: String = certificates::table
        .select(certificates::code)
        .first(&mut app.conn())
        .unwrap();
    let mut anon = app.browser().await;
    let page = anon.get(&format!("/todistus/{code}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Tiina Trainee")
            && page.body.contains("Esimerkkivalmennus")
            && page.body.contains(&code)
    );
    assert!(page.body.contains("Tämä todistus on aito"));
    assert!(
        !page.body.contains("trainee@example.fi"),
        "no e-mail address on a public page"
    );
    let lower = anon
        .get(&format!("/todistus/{}", code.to_lowercase()))
        .await;
    assert_eq!(lower.status, 200, "codes are forgiving of case");
    assert_eq!(anon.get("/todistus/AAAAA-BBBBB").await.status, 404);
}

#[actix_web::test]
async fn trainings_held_make_reach_and_blind_spots_visible() {
    let app = TestApp::new();
    app.user(
        "kaisa@example.fi",
        "Kaisa",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user(
        "pekka@example.fi",
        "Pekka",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("poske"),
        }),
    );
    let home = organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 300);
    organisation(&app, "Itä-Uudenmaan palvelut", "ita-uusimaa", 100);
    organisation(&app, "Pieni yhdistys", "helsinki", 10);
    graduate(&app, Some(home)).await;
    let mut expert = app.signed_in("trainee@example.fi").await;
    let home_s = home.to_string();
    let bad = expert
        .post(
            "/asiantuntija/koulutukset",
            &[
                ("organisation_id", &home_s),
                ("held_on", "2030-01-01"),
                ("theme", "archiving"),
                ("participants", "-3"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("ei tulevaisuudessa") && bad.body.contains("Osallistujia pitää olla")
    );
    for (date, n) in [("2026-10-01", "25"), ("2026-11-02", "15")] {
        let ok = expert
            .post(
                "/asiantuntija/koulutukset",
                &[
                    ("organisation_id", &home_s),
                    ("held_on", date),
                    ("theme", "archiving"),
                    ("participants", n),
                    ("notes", "Tiimipalaveri"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303);
    }
    let mine = expert.get("/asiantuntija").await;
    assert!(mine.body.contains("Tiimipalaveri") && mine.body.contains("Asiakastiedon arkistointi"));

    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let view = kaisa.get("/verkosto").await;
    assert_eq!(view.status, 200);
    // 40 reported participations against a staff of 410 in Socca's organisations: the page
    // says they were reported, not counted people.
    assert!(view.body.contains("Vuonna 2026 tavoitettuja henkilöitä on 0 (jokainen laskettu kerran ilmoittautumisista), ja kouluttajat ovat lisäksi ilmoittaneet 40 osallistumiskertaa. Organisaatioiden henkilöstöä on 410: tavoittavuus 9,8\u{a0}%."), "{}", view.body);
    assert!(view.body.contains("2026 Q4"));
    assert!(
        view.body.contains(r#"role="img""#)
            && view.body.contains("<title id=\"participants-title\">")
    );
    // Blind spots: the two organisations without an expert, the larger first.
    let a = view.body.find("Itä-Uudenmaan palvelut").unwrap();
    let b = view.body.find("Pieni yhdistys").unwrap();
    assert!(a < b);
    assert!(view
        .body
        .contains("2 organisaatiossa ei ole aktiivista kirjaamisasiantuntijaa"));
    // The figures' sections (rendered once per figures version, put into the page after tera
    // has rendered the rest: `Ctx::render_with_parts`) sit in their place: after the coming
    // trainings, inside the main content, with no placeholder left over.
    assert!(!view.body.contains('\u{1}'));
    let upcoming = view.body.find(r#"id="upcoming-h""#).unwrap();
    assert!(upcoming < a && b < view.body.find("</main>").unwrap());
    // Scoping: another region's coordinator sees nothing of Socca.
    let mut pekka = app.signed_in("pekka@example.fi").await;
    assert_eq!(
        pekka
            .get(&format!("/verkosto?alue={}", app.region_id("socca")))
            .await
            .status,
        403
    );
    assert_eq!(
        pekka
            .get(&format!(
                "/verkosto/rekisteri.csv?alue={}",
                app.region_id("socca")
            ))
            .await
            .status,
        403
    );
    assert!(!pekka.get("/verkosto").await.body.contains("Tiina Trainee"));
}

#[actix_web::test]
async fn the_csv_export_neutralises_formulas_and_is_audit_logged() {
    let app = TestApp::new();
    app.user(
        "kaisa@example.fi",
        "Kaisa",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let org = organisation(&app, "=HYPERLINK(\"http://evil\")", "helsinki", 50);
    graduate(&app, Some(org)).await;
    diesel::update(users::table.filter(users::email.eq("trainee@example.fi")))
        .set(users::name.eq("@SUM(A1) Äänekoski"))
        .execute(&mut app.conn())
        .unwrap();
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let csv = kaisa.get("/verkosto/rekisteri.csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with('\u{feff}'),
        "a byte-order mark for Excel"
    );
    assert!(csv.body.contains("'@SUM(A1) Äänekoski;"));
    assert!(csv.body.contains("'=HYPERLINK"));
    let logged: i64 = audit_log::table
        .filter(audit_log::action.eq("registry.export.csv"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(logged, 1);
}

#[actix_web::test]
async fn a_county_network_is_handed_over_once_and_the_region_still_sees_it() {
    let app = TestApp::new();
    app.user(
        "kaisa@example.fi",
        "Kaisa",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user(
        "pekka@example.fi",
        "Pekka",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("poske"),
        }),
    );
    let helsinki = app.county_id("helsinki").to_string();
    let mut pekka = app.signed_in("pekka@example.fi").await;
    let refused = pekka
        .post(
            "/verkosto/siirto",
            &[
                ("county_id", &helsinki),
                ("email", "heli@example.fi"),
                ("name", "Heli"),
            ],
        )
        .await;
    assert_ne!(refused.status, 200);
    assert_eq!(
        pekka
            .get(&format!(
                "/verkosto/siirto/vahvista?county_id={helsinki}&email=heli%40example.fi&name=Heli"
            ))
            .await
            .status,
        403,
        "another region's coordinator cannot even preview it"
    );
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    // The form leads to a page that says what will happen, and nothing happens yet.
    let confirm = kaisa
        .get(&format!(
            "/verkosto/siirto/vahvista?county_id={helsinki}&email=Heli%40Example.fi&name=Heli+Helsinki"
        ))
        .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm.body.contains("Vahvista verkoston siirto"));
    assert!(confirm.body.contains("Helsingin kaupunki"));
    assert!(confirm.body.contains("0 asiantuntijaa"), "{}", confirm.body);
    assert!(
        confirm
            .body
            .contains("Osoitteella heli@example.fi ei ole Kirjaamon tunnusta"),
        "an account will be created, and the page says so: {}",
        confirm.body
    );
    assert!(confirm.body.contains(&format!(
        "href=\"/verkosto/siirto?county_id={helsinki}&amp;email=Heli%40Example.fi&amp;name=Heli+Helsinki\""
    )) || confirm.body.contains("Peruuta"));
    let created: i64 = users::table
        .filter(users::email.eq("heli@example.fi"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(created, 0, "the confirmation page changes nothing");
    let done = kaisa
        .post(
            "/verkosto/siirto",
            &[
                ("county_id", &helsinki),
                ("email", "heli@example.fi"),
                ("name", "Heli Helsinki"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/verkosto/siirto");
    let after = kaisa.get("/verkosto/siirto").await;
    assert!(after.body.contains("Verkosto on siirretty"));
    let again = kaisa
        .post(
            "/verkosto/siirto",
            &[
                ("county_id", &helsinki),
                ("email", "other@example.fi"),
                ("name", "Other"),
            ],
        )
        .await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("on jo siirretty"));
    let mails = app.outbox();
    let to_heli = mails
        .iter()
        .find(|(to, _, _)| to == "heli@example.fi")
        .unwrap();
    assert_eq!(
        to_heli.1,
        "Sinusta tuli kirjaamiskoordinaattori: Helsingin kaupunki"
    );
    assert!(mails.iter().any(
        |(to, s, _)| to == "kaisa@example.fi" && s == "Verkosto siirretty: Helsingin kaupunki"
    ));
    let logged: i64 = audit_log::table
        .filter(audit_log::action.eq("registry.transfer"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(logged, 1);
    // Heli sets a password from the link and manages the county; Kaisa still sees it.
    let link = crate::support::link_in(&to_heli.2, "/salasana/uusi/").unwrap();
    let path = link
        .trim_start_matches(&app.state.config.base_url)
        .to_string();
    let mut heli = app.browser().await;
    heli.post(
        &path,
        &[
            ("password", "helin salasana 2026"),
            ("password_again", "helin salasana 2026"),
        ],
    )
    .await;
    let q = format!("/verkosto?maakunta={helsinki}");
    assert_eq!(heli.get(&q).await.status, 200);
    assert_eq!(
        heli.get(&format!("/verkosto/tiedotteet?maakunta={helsinki}"))
            .await
            .status,
        200
    );
    let seen = kaisa.get(&q).await;
    assert_eq!(seen.status, 200, "the region still sees the county");
    assert!(
        !seen
            .body
            .contains(&format!("/verkosto/tiedotteet?maakunta={helsinki}")),
        "and is not sent where it may no longer go"
    );
    assert_eq!(
        kaisa
            .get(&format!("/verkosto/tiedotteet?maakunta={helsinki}"))
            .await
            .status,
        403,
        "but no longer manages it"
    );
}

#[actix_web::test]
async fn announcements_reach_members_by_mail_and_on_their_home_page() {
    let app = TestApp::new();
    app.user(
        "kaisa@example.fi",
        "Kaisa",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let org = organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 500);
    graduate(&app, Some(org)).await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let empty = kaisa
        .post("/verkosto/tiedotteet", &[("title", " "), ("body", "x")])
        .await;
    assert_eq!(empty.status, 400);
    let sent = kaisa
        .post("/verkosto/tiedotteet", &[("title", "Verkostotapaaminen 3.2."), ("body", "Tervetuloa **etäkokoukseen**! <script>alert(1)</script> [x](javascript:alert(1))")])
        .await;
    assert_eq!(sent.status, 200);
    assert!(sent.body.contains("Tiedote lähetettiin yhdelle jäsenelle"));
    let (to, subject, _) = app.outbox().last().cloned().unwrap();
    assert_eq!(
        (to.as_str(), subject.as_str()),
        ("trainee@example.fi", "Verkostotapaaminen 3.2.")
    );
    let mut member = app.signed_in("trainee@example.fi").await;
    let home = member.get("/").await;
    assert!(
        home.body.contains("Verkostotapaaminen 3.2.")
            && home.body.contains("<strong>etäkokoukseen</strong>")
    );
    assert!(!home.body.contains("<script>alert(1)") && !home.body.contains("javascript:"));
}

#[actix_web::test]
async fn the_registry_api_needs_a_token_and_logs_every_read() {
    let app = TestApp::new();
    app.user(
        "kaisa@example.fi",
        "Kaisa",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let org = organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 500);
    graduate(&app, Some(org)).await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let page = kaisa
        .post(
            "/verkosto/api-avaimet",
            &[("name", "Helsingin HR-järjestelmä")],
        )
        .await;
    assert_eq!(page.status, 200);
    let token = page
        .body
        .split("<code class=\"token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(token.starts_with("kirjaamo_"));
    let mut client = app.browser().await;
    assert_eq!(client.get("/api/v1/registry").await.status, 401);
    client
        .extra_headers
        .push(("Authorization".into(), "Bearer kirjaamo_wrong".into()));
    assert_eq!(client.get("/api/v1/registry").await.status, 401);
    client.extra_headers = vec![("Authorization".into(), format!("Bearer {token}"))];
    let res = client.get("/api/v1/registry").await;
    assert_eq!(res.status, 200);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["experts"][0]["email"], "trainee@example.fi");
    assert_eq!(v["scope"]["kind"], "region");
    let logged: i64 = audit_log::table
        .filter(audit_log::action.eq("registry.export.api"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(logged, 1);
    let id: i64 = kirjaamo::db::schema::api_tokens::table
        .select(kirjaamo::db::schema::api_tokens::id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        kaisa
            .post(&format!("/verkosto/api-avaimet/{id}/poista"), &[])
            .await
            .status,
        303
    );
    assert_eq!(
        client.get("/api/v1/registry").await.status,
        401,
        "a revoked token no longer works"
    );
    let spec = client.get("/api/v1/openapi.json").await;
    assert!(spec.body.contains("\"openapi\":\"3.1.0\""));
}

/// The child half of the crash test: completes inside a transaction, says so, and waits to be
/// killed before committing. Does nothing unless the parent started it.
#[test]
fn crash_child_completes_and_waits_to_be_killed() {
    let (Ok(url), Ok(enrolment)) = (
        std::env::var("KIRJAAMO_CRASH_CHILD_DB"),
        std::env::var("KIRJAAMO_CRASH_CHILD_ENROLMENT"),
    ) else {
        return;
    };
    let enrolment: i64 = enrolment.parse().unwrap();
    let templates = kirjaamo::templates::Templates::load().unwrap();
    let mut conn = kirjaamo::db::establish(&url).unwrap();
    let msg = Messaging {
        templates: &templates,
        base_url: "http://x",
        secret: b"crash-test-secret-crash-test-secret",
    };
    let _ = kirjaamo::db::write_tx(&mut conn, |c| {
        let outcome =
            completion::complete_in_tx(c, &msg, enrolment, chrono::Utc::now().naive_utc())?;
        assert!(matches!(outcome, Outcome::Completed { .. }));
        println!("INSIDE-TRANSACTION");
        use std::io::Write;
        std::io::stdout().flush().unwrap();
        std::thread::sleep(std::time::Duration::from_secs(120));
        Ok::<_, kirjaamo::AppError>(())
    });
}

#[actix_web::test]
async fn a_process_killed_mid_completion_leaves_all_or_nothing() {
    if crate::support::pg::admin_url().is_some() {
        eprintln!("skipped on PostgreSQL: the crash test uses a SQLite file database");
        return;
    }
    let app = TestApp::new();
    let org = organisation(&app, "Vantaan palvelut", "vantaa-kerava", 100);
    let enrolment = every_lesson_done(&app, org);
    let outbox_before: i64 = outbox_messages::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();

    // A separate process does the whole completion inside its transaction, then is killed (-9)
    // before it can commit.
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "network::crash_child_completes_and_waits_to_be_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("KIRJAAMO_CRASH_CHILD_DB", &app.state.config.database_url)
        .env("KIRJAAMO_CRASH_CHILD_ENROLMENT", enrolment.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0,
            "the child ended before completing"
        );
        if line.contains("INSIDE-TRANSACTION") {
            break;
        }
    }
    std::process::Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status()
        .unwrap();
    let _ = child.wait();

    // Nothing of it happened.
    let status: String = enrolments::table
        .find(enrolment)
        .select(enrolments::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "active");
    assert_eq!(count!(app, completions), 0);
    assert_eq!(count!(app, certificates), 0);
    assert_eq!(count!(app, memberships), 0);
    assert_eq!(
        outbox_messages::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        outbox_before
    );
    // And the next attempt completes it whole.
    let msg = Messaging {
        templates: &app.state.templates,
        base_url: "http://x",
        secret: &app.state.config.secret,
    };
    assert!(matches!(
        completion::complete_if_done(&mut app.conn(), &msg, enrolment, app.clock.now()).unwrap(),
        Outcome::Completed { .. }
    ));
    assert_eq!(
        (
            count!(app, completions),
            count!(app, certificates),
            count!(app, memberships)
        ),
        (1, 1, 1)
    );
}
