//! Cohorts: the whole application flow (apply, confirm, manager approves, coordinator accepts,
//! trainee sets a password and sees the course), links that fail clearly, capacity and the
//! waitlist, bulk invitation by CSV, and coordinators kept to their own region.

use crate::support::{link_in, TestApp};
use actix_web::test::TestRequest;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{applications, cohorts, enrolment_events, enrolments, users};

pub fn coordinator(app: &TestApp) {
    app.user(
        "kaisa@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
}

pub fn organisation(app: &TestApp, name: &str, county: &str) -> i64 {
    kirjaamo::network::create_organisation(
        &mut app.conn(),
        kirjaamo::network::NewOrganisation {
            name,
            county_id: app.county_id(county),
            kind: "public",
            staff_count: 120,
        },
        app.clock.now(),
    )
    .unwrap()
    .id
}

/// Creates an open cohort of the fixture course through the coordinator's form.
pub async fn open_cohort(app: &TestApp, capacity: &str, manager: bool) -> i64 {
    crate::courses::publish_fixture(app);
    let course_id: i64 = kirjaamo::db::schema::courses::table
        .select(kirjaamo::db::schema::courses::id)
        .first(&mut app.conn())
        .unwrap();
    let mut b = app.signed_in("kaisa@example.fi").await;
    let today = app.clock.today();
    let mut fields = vec![
        ("course_id", course_id.to_string()),
        ("name", "Kevät 2027, Socca".to_string()),
        ("region_id", app.region_id("socca").to_string()),
        (
            "starts_on",
            (today + chrono::Duration::days(30)).to_string(),
        ),
        ("ends_on", (today + chrono::Duration::days(60)).to_string()),
        ("capacity", capacity.to_string()),
        ("applications_open_on", today.to_string()),
        (
            "applications_close_on",
            (today + chrono::Duration::days(14)).to_string(),
        ),
        ("work_hours", "16".to_string()),
        ("description", "Neljän viikon verkkovalmennus.".to_string()),
    ];
    if manager {
        fields.push(("manager_approval_required", "on".to_string()));
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/hallinta/ryhmat", &refs).await;
    assert_eq!(res.status, 303, "{}", res.body);
    cohorts::table
        .select(cohorts::id)
        .order(cohorts::id.desc())
        .first(&mut app.conn())
        .unwrap()
}

pub fn path_of(app: &TestApp, link: &str) -> String {
    link.trim_start_matches(&app.state.config.base_url)
        .to_string()
}

/// Applies and confirms; with `manager`, the manager approves too. Returns the application id.
pub async fn ready_application(
    app: &TestApp,
    cohort: i64,
    name: &str,
    email: &str,
    org: i64,
    manager: bool,
) -> i64 {
    let mut b = app.browser().await;
    let org = org.to_string();
    let res = b
        .post(
            &format!("/haku/{cohort}"),
            &[
                ("name", name),
                ("email", email),
                ("organisation_id", &org),
                ("manager_name", "Eila Esihenkilö"),
                ("manager_email", "eila@example.fi"),
                ("motivation", "Haluan kehittää kirjaamista."),
            ],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let (_, _, text) = app
        .outbox()
        .into_iter()
        .rev()
        .find(|(to, _, _)| to == email)
        .unwrap();
    let confirm = path_of(app, &link_in(&text, "/vahvista/").unwrap());
    assert_eq!(b.post(&confirm, &[]).await.status, 200);
    let id: i64 = applications::table
        .filter(applications::email.eq(email))
        .select(applications::id)
        .order(applications::id.desc())
        .first(&mut app.conn())
        .unwrap();
    if manager {
        let (_, _, text) = app
            .outbox()
            .into_iter()
            .rev()
            .find(|(to, s, _)| to == "eila@example.fi" && s.contains(name))
            .unwrap();
        let link = path_of(app, &link_in(&text, "/esihenkilo/").unwrap());
        let mut m = app.browser().await;
        assert_eq!(m.post(&link, &[("decision", "approve")]).await.status, 200);
    }
    id
}

#[actix_web::test]
async fn apply_confirm_manager_approves_coordinator_accepts_trainee_starts() {
    let app = TestApp::new();
    coordinator(&app);
    let org = organisation(&app, "Vantaan sosiaalipalvelut", "vantaa-kerava");
    let cohort = open_cohort(&app, "20", true).await;

    // The open cohort is listed publicly, with nothing of the course content.
    let mut applicant = app.browser().await;
    let list = applicant.get("/haku").await;
    assert!(list.body.contains("Kevät 2027, Socca"));
    let form = applicant.get(&format!("/haku/{cohort}")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Vantaan sosiaalipalvelut"));
    assert!(!form.body.contains("Kenelle kirjaus kirjoitetaan"));

    // Bad input: the form again with the problems, nothing saved.
    let bad = applicant
        .post(
            &format!("/haku/{cohort}"),
            &[("name", ""), ("email", "ei-osoite"), ("manager_email", "x")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Tarkista sähköpostiosoite"));
    assert!(bad.body.contains("Kirjoita esihenkilösi nimi"));
    assert_eq!(
        applications::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        0
    );

    let org_s = org.to_string();
    let sent = applicant
        .post(
            &format!("/haku/{cohort}"),
            &[
                ("name", "Anna Äänekoski"),
                ("email", "anna@example.fi"),
                ("organisation_id", &org_s),
                ("manager_name", "Eila Esihenkilö"),
                ("manager_email", "eila@example.fi"),
                (
                    "motivation",
                    "Organisaatiossamme ei ole vielä asiantuntijaa.",
                ),
            ],
        )
        .await;
    assert_eq!(sent.status, 200);
    assert!(sent.body.contains("anna@example.fi"));
    let (to, subject, text) = app.outbox().last().cloned().unwrap();
    assert_eq!(
        (to.as_str(), subject.as_str()),
        ("anna@example.fi", "Vahvista hakemuksesi: Kevät 2027, Socca")
    );
    let confirm = path_of(&app, &link_in(&text, "/vahvista/").unwrap());

    // Opening the link changes nothing (mail scanners open links); the button confirms.
    let page = applicant.get(&confirm).await;
    assert!(page.body.contains("Vahvista hakemus"));
    assert_eq!(app.outbox().len(), 1);
    let done = applicant.post(&confirm, &[]).await;
    assert!(done.body.contains("Sähköpostiosoitteesi on vahvistettu"));
    let (to, subject, text) = app.outbox().last().cloned().unwrap();
    assert_eq!(to, "eila@example.fi");
    assert!(subject.contains("Anna Äänekoski"));
    assert!(
        text.contains("16 tuntia"),
        "the manager is told the work time: {text}"
    );
    let manager_link = path_of(&app, &link_in(&text, "/esihenkilo/").unwrap());

    let mut manager = app.browser().await;
    let mpage = manager.get(&manager_link).await;
    assert!(
        mpage.body.contains("Anna Äänekoski") && mpage.body.contains("Hyväksyn osallistumisen")
    );
    let approved = manager
        .post(
            &manager_link,
            &[("decision", "approve"), ("note", "Työaika järjestyy.")],
        )
        .await;
    assert_eq!(approved.status, 200);
    assert!(approved.body.contains("Hyväksyit, että Anna Äänekoski osallistuu valmennukseen ja käyttää siihen työaikaa noin 16 tuntia."));
    let again = manager
        .post(&manager_link, &[("decision", "decline")])
        .await;
    assert_eq!(again.status, 409, "the link works once");
    assert!(again.body.contains("Olet jo vastannut"));

    // The coordinator's queue: steps done, and the organisation has no expert yet.
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let queue = kaisa
        .get(&format!("/hallinta/ryhmat/{cohort}/hakemukset"))
        .await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("Anna Äänekoski"));
    assert!(queue
        .body
        .contains("Organisaatiossa ei ole aktiivista kirjaamisasiantuntijaa"));
    let id: i64 = applications::table
        .select(applications::id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        kaisa
            .post(&format!("/hallinta/hakemukset/{id}/hyvaksy"), &[])
            .await
            .status,
        303
    );

    // The account exists, is enrolled, and got a set-your-password link.
    let (to, subject, text) = app.outbox().last().cloned().unwrap();
    assert_eq!(to, "anna@example.fi");
    assert_eq!(subject, "Tervetuloa valmennukseen: Kevät 2027, Socca");
    let set_password = path_of(&app, &link_in(&text, "/salasana/uusi/").unwrap());
    let mut anna = app.browser().await;
    let page = anna.get(&set_password).await;
    assert!(page.body.contains("Aseta salasana"));
    let done = anna
        .post(
            &set_password,
            &[
                ("password", "annan oma salasana"),
                ("password_again", "annan oma salasana"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    let home = anna.get("/").await;
    assert!(home.body.contains("Kevät 2027, Socca"));
    assert!(home.body.contains("0/4 oppituntia tehty"));
    assert_eq!(
        anna.get(&format!("/ryhmat/{cohort}/mita-kirjaaminen-on"))
            .await
            .status,
        200
    );
    let (org_of_user,): (Option<i64>,) = users::table
        .filter(users::email.eq("anna@example.fi"))
        .select((users::organisation_id,))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(org_of_user, Some(org));
}

#[actix_web::test]
async fn links_fail_clearly_when_tampered_or_expired() {
    let app = TestApp::new();
    coordinator(&app);
    let org = organisation(&app, "Helsingin sosiaalipalvelut", "helsinki");
    let cohort = open_cohort(&app, "", true).await;
    let mut b = app.browser().await;
    let org_s = org.to_string();
    b.post(
        &format!("/haku/{cohort}"),
        &[
            ("name", "Pekka"),
            ("email", "pekka@example.fi"),
            ("organisation_id", &org_s),
            ("manager_name", "Eila"),
            ("manager_email", "eila@example.fi"),
        ],
    )
    .await;
    let confirm = path_of(&app, &link_in(&app.outbox()[0].2, "/vahvista/").unwrap());
    let tampered = format!("{}x", confirm);
    let res = b.get(&tampered).await;
    assert_eq!(res.status, 410);
    assert!(res.body.contains("Linkki on virheellinen"));
    assert_eq!(b.post(&tampered, &[]).await.status, 410);
    // A confirmation token is no manager token.
    let token = confirm.trim_start_matches("/vahvista/");
    assert_eq!(b.get(&format!("/esihenkilo/{token}")).await.status, 410);
    b.post(&confirm, &[]).await;
    let manager = path_of(
        &app,
        &link_in(&app.outbox().last().unwrap().2, "/esihenkilo/").unwrap(),
    );
    app.clock.advance(chrono::Duration::days(15));
    let late = b.post(&manager, &[("decision", "approve")]).await;
    assert_eq!(late.status, 410);
    assert!(late.body.contains("Linkki on vanhentunut"));
    let decided: Option<String> = applications::table
        .select(applications::manager_decision)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(decided, None, "nothing changed");
}

#[actix_web::test]
async fn capacity_is_enforced_and_the_waitlist_is_promoted_in_order() {
    let app = TestApp::new();
    coordinator(&app);
    let org = organisation(&app, "Keravan palvelut", "vantaa-kerava");
    let cohort = open_cohort(&app, "1", false).await;
    let first = ready_application(
        &app,
        cohort,
        "Eka Ensimmäinen",
        "eka@example.fi",
        org,
        false,
    )
    .await;
    let second =
        ready_application(&app, cohort, "Toka Toinen", "toka@example.fi", org, false).await;
    let third = ready_application(
        &app,
        cohort,
        "Kolmas Kolmonen",
        "kolmas@example.fi",
        org,
        false,
    )
    .await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    assert_eq!(
        kaisa
            .post(&format!("/hallinta/hakemukset/{first}/hyvaksy"), &[])
            .await
            .status,
        303
    );
    let full = kaisa
        .post(&format!("/hallinta/hakemukset/{second}/hyvaksy"), &[])
        .await;
    assert_eq!(full.status, 409);
    assert!(full.body.contains("Valmennusryhmä on täynnä"));
    // Third waitlisted before second: order is by waitlisting.
    kaisa
        .post(&format!("/hallinta/hakemukset/{third}/jonoon"), &[])
        .await;
    app.clock.advance(chrono::Duration::minutes(1));
    kaisa
        .post(&format!("/hallinta/hakemukset/{second}/jonoon"), &[])
        .await;
    assert!(app
        .outbox()
        .iter()
        .any(|(to, s, _)| to == "kolmas@example.fi" && s.starts_with("Olet varasijalla")));

    let enrolment: i64 = enrolments::table
        .select(enrolments::id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        kaisa
            .post(
                &format!("/hallinta/ryhmat/{cohort}/osallistujat/{enrolment}/peru"),
                &[]
            )
            .await
            .status,
        303
    );
    let decisions: Vec<(String, String)> = applications::table
        .order(applications::id)
        .select((applications::email, applications::decision))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        decisions,
        vec![
            ("eka@example.fi".into(), "accepted".into()),
            ("toka@example.fi".into(), "waitlisted".into()),
            ("kolmas@example.fi".into(), "accepted".into())
        ]
    );
    // Withdrawal and re-enrolment keep their history; the seat is taken now.
    let back = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/osallistujat/{enrolment}/palauta"),
            &[],
        )
        .await;
    assert_eq!(back.status, 409);
    let history: Vec<String> = enrolment_events::table
        .filter(enrolment_events::enrolment_id.eq(enrolment))
        .order(enrolment_events::id)
        .select(enrolment_events::status)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(history, vec!["active", "withdrawn"]);
    let page = kaisa.get(&format!("/hallinta/ryhmat/{cohort}")).await;
    assert!(page.body.contains("Eka Ensimmäinen") && page.body.contains("Poistunut"));
}

fn multipart(csv: &str) -> (String, String) {
    let boundary = "----kirjaamo-test-boundary";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kutsu.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n");
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[actix_web::test]
async fn a_csv_with_bad_rows_invites_nobody_and_a_good_one_everybody() {
    let app = TestApp::new();
    coordinator(&app);
    organisation(&app, "Itä-Uudenmaan sosiaalipalvelut", "ita-uusimaa");
    organisation(&app, "Pirkanmaan palvelut", "pirkanmaa");
    let cohort = open_cohort(&app, "10", true).await;
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let token = kaisa.csrf_token();
    let bad = "\u{feff}nimi;sähköposti;organisaatio\nLiisa Laine;liisa@example.fi;Itä-Uudenmaan sosiaalipalvelut\nMatti Virhe;ei-osoite;Itä-Uudenmaan sosiaalipalvelut\nPia Pirkanmaa;pia@example.fi;Pirkanmaan palvelut\n";
    let (ct, body) = multipart(bad);
    let url = format!("/hallinta/ryhmat/{cohort}/kutsu?csrf_token={token}");
    let preview = kaisa
        .send(
            TestRequest::post()
                .uri(&url)
                .insert_header(("content-type", ct.as_str()))
                .set_payload(body),
        )
        .await;
    assert_eq!(preview.status, 400, "{}", preview.body);
    assert!(preview.body.contains("Tarkista sähköpostiosoite"), "row 3");
    assert!(
        preview.body.contains("Organisaatiota ei löydy"),
        "row 4: another region's organisation"
    );
    let confirm = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/kutsu/vahvista"),
            &[("csv", bad)],
        )
        .await;
    assert_eq!(confirm.status, 400);
    assert_eq!(
        enrolments::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        0,
        "all or nothing"
    );
    assert_eq!(
        users::table
            .filter(users::email.eq("liisa@example.fi"))
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        0
    );

    let good = "Liisa Laine,liisa@example.fi,Itä-Uudenmaan sosiaalipalvelut\nMatti Meikäläinen,matti@example.fi,itä-uudenmaan sosiaalipalvelut\n";
    let (ct, body) = multipart(good);
    let preview = kaisa
        .send(
            TestRequest::post()
                .uri(&url)
                .insert_header(("content-type", ct.as_str()))
                .set_payload(body),
        )
        .await;
    assert_eq!(preview.status, 200);
    assert!(preview.body.contains("Kutsu 2 henkilöä"));
    let done = kaisa
        .post(
            &format!("/hallinta/ryhmat/{cohort}/kutsu/vahvista"),
            &[("csv", good)],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(
        enrolments::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        2
    );
    let invites: Vec<String> = app
        .outbox()
        .into_iter()
        .filter(|(_, s, _)| s.starts_with("Tervetuloa valmennukseen"))
        .map(|(to, _, _)| to)
        .collect();
    assert_eq!(invites, vec!["liisa@example.fi", "matti@example.fi"]);
}

#[actix_web::test]
async fn coordinators_manage_only_their_own_region() {
    let app = TestApp::new();
    coordinator(&app);
    app.user(
        "pekka@example.fi",
        "Pekka Poske",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("poske"),
        }),
    );
    let cohort = open_cohort(&app, "", true).await;
    let mut pekka = app.signed_in("pekka@example.fi").await;
    for path in [
        format!("/hallinta/ryhmat/{cohort}"),
        format!("/hallinta/ryhmat/{cohort}/hakemukset"),
        format!("/hallinta/ryhmat/{cohort}/muokkaa"),
    ] {
        assert_eq!(pekka.get(&path).await.status, 404, "{path}");
    }
    let list = pekka.get("/hallinta/ryhmat").await;
    assert!(!list.body.contains("Kevät 2027, Socca"));
    let course_id: i64 = kirjaamo::db::schema::courses::table
        .select(kirjaamo::db::schema::courses::id)
        .first(&mut app.conn())
        .unwrap();
    let course = course_id.to_string();
    let socca = app.region_id("socca").to_string();
    let res = pekka
        .post(
            "/hallinta/ryhmat",
            &[
                ("course_id", &course),
                ("name", "Varastettu"),
                ("region_id", &socca),
                ("work_hours", "10"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Voit perustaa ryhmän vain omalle alueellesi"));
    let mut trainee = app.browser().await;
    assert_eq!(trainee.get("/hallinta/ryhmat").await.status, 303);
}

/// The queue's "no expert yet" mark follows the network: an organisation has an expert when an
/// active membership names it. The demo's experts of earlier cohorts (Helmi Heikkinen of the
/// City of Helsinki) have memberships but no completed enrolment here; the queue used to count
/// only completed basic enrolments and so marked Helsinki as having no expert.
#[actix_web::test]
async fn an_organisation_with_a_network_member_has_an_expert_in_the_queue() {
    use kirjaamo::cohorts::applications::organisation_has_expert;
    use kirjaamo::db::schema::{memberships, organisations};
    let app = TestApp::new();
    let dir = app.state.config.courses_dir.clone();
    crate::courses::copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("courses/kirjaamisvalmennus"),
        &dir.join("kirjaamisvalmennus"),
    );
    kirjaamo::app::publish_courses(&app.state).unwrap();
    kirjaamo::demo::seed(&mut app.conn(), crate::support::PASSWORD, app.clock.now()).unwrap();
    let org = |name: &str| -> i64 {
        organisations::table
            .filter(organisations::name.eq(name))
            .select(organisations::id)
            .first(&mut app.conn())
            .unwrap()
    };
    let helsinki = org("Helsingin kaupungin sosiaali-, terveys- ja pelastustoimiala");
    let helmi_org: Option<i64> = memberships::table
        .inner_join(users::table)
        .filter(users::email.eq("helmi.heikkinen@demo.kirjaamo.test"))
        .select(memberships::organisation_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(helmi_org, Some(helsinki), "Helmi is an expert for Helsinki");
    assert!(organisation_has_expert(&mut app.conn(), helsinki).unwrap());
    assert!(
        !organisation_has_expert(&mut app.conn(), org("Hoivakoti Kuusikko Oy")).unwrap(),
        "the care home has nobody in the network"
    );
    // Lapsed experts do not count, as in the registry's blind spots.
    diesel::update(memberships::table.filter(memberships::organisation_id.eq(helsinki)))
        .set(memberships::status.eq("lapsed"))
        .execute(&mut app.conn())
        .unwrap();
    assert!(!organisation_has_expert(&mut app.conn(), helsinki).unwrap());
}

#[actix_web::test]
async fn creating_a_cohort_says_so_once_on_the_next_page() {
    let app = TestApp::new();
    coordinator(&app);
    let id = open_cohort(&app, "20", false).await;
    let mut b = app.signed_in("kaisa@example.fi").await;
    let page = b.get(&format!("/hallinta/ryhmat/{id}")).await;
    assert!(!page.body.contains("Valmennusryhmä on luotu."));
    let course_id: i64 = kirjaamo::db::schema::courses::table
        .select(kirjaamo::db::schema::courses::id)
        .first(&mut app.conn())
        .unwrap();
    let today = app.clock.today();
    let starts = (today + chrono::Duration::days(30)).to_string();
    let ends = (today + chrono::Duration::days(60)).to_string();
    let closes = (today + chrono::Duration::days(14)).to_string();
    let res = b
        .post(
            "/hallinta/ryhmat",
            &[
                ("course_id", &course_id.to_string()),
                ("name", "Syksy 2027, Socca"),
                ("region_id", &app.region_id("socca").to_string()),
                ("starts_on", &starts),
                ("ends_on", &ends),
                ("capacity", "12"),
                ("applications_open_on", &today.to_string()),
                ("applications_close_on", &closes),
                ("work_hours", "16"),
                ("description", "Verkkovalmennus."),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let next = b.get(&res.location()).await;
    assert!(
        next.body
            .contains(r#"role="alert">Valmennusryhmä on luotu.</div>"#),
        "{}",
        next.body
    );
    assert!(next.body.contains("Syksy 2027, Socca"));
    // Shown once: a reload does not repeat it.
    let again = b.get(&res.location()).await;
    assert!(!again.body.contains("Valmennusryhmä on luotu."));
}
