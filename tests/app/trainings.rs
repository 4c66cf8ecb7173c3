//! An expert holds a training: plan → invitations → sign-ins on the day (30 phones, two
//! duplicates) → feedback → reach, as each person would do it in a browser; corrections and
//! deletions by the expert and the area's coordinator; figures that cannot be inflated; the
//! running totals against a rebuild after random sequences of changes; a person leaving never
//! rewrites the past; the iCalendar feeds; the names' retention and data download; a flood of
//! sign-ins from one address.

use crate::support::TestApp;
use chrono::NaiveDate;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{audit_log, trainings_held, users};
use kirjaamo::db::schema_trainings::training_attendances;
use kirjaamo::network::registry::Scope;
use kirjaamo::network::trainings::{self, recount, Actor, Draft};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Moves the test clock to a Helsinki wall-clock time.
fn set_helsinki(app: &TestApp, local: &str) {
    let local = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    app.clock.set(kirjaamo::i18n::format::from_helsinki(local));
}

/// Kaisa coordinates Socca; the fixture trainee graduated into an organisation in Helsinki
/// with `staff` people. Returns the organisation.
async fn expert_with_organisation(app: &TestApp, staff: i32) -> i64 {
    app.user(
        "kaisa@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let org = crate::network::organisation(app, "Helsingin sosiaalipalvelut", "helsinki", staff);
    crate::network::graduate(app, Some(org)).await;
    org
}

fn expert_id(app: &TestApp) -> i64 {
    users::table
        .filter(users::email.eq("trainee@example.fi"))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap()
}

fn assert_totals_agree(app: &TestApp) {
    let diff = recount::compare(&mut app.conn()).unwrap();
    assert!(
        diff.is_empty(),
        "running totals differ from the rows:\n{}",
        diff.join("\n")
    );
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/koulutukset/")
        .split(['/', '#', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn an_expert_plans_holds_and_logs_a_training_with_thirty_phones() {
    let app = TestApp::new();
    let org = expert_with_organisation(&app, 300).await;
    let org_s = org.to_string();
    let mut expert = app.signed_in("trainee@example.fi").await;

    // The expert's page leads to planning.
    let page = expert.get("/asiantuntija").await;
    assert!(page.body.contains("/asiantuntija/koulutukset/uusi"));
    let form = expert.get("/asiantuntija/koulutukset/uusi").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Helsingin sosiaalipalvelut"));

    // A plan with a problem comes back with the input kept and the problem named.
    let bad = expert
        .post(
            "/asiantuntija/koulutukset/uusi",
            &[
                ("organisation_id", &org_s),
                ("unit", "Aikuissosiaalityö"),
                ("held_on", "2026-11-01"),
                ("starts", "13:00"),
                ("place", "Kokoushuone Aurora"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .body
        .contains("Valitse koulutuspäivä: tänään tai myöhemmin"));
    assert!(bad.body.contains("Valitse teema listasta."));
    assert!(bad.body.contains("value=\"Kokoushuone Aurora\""));
    assert_eq!(
        trainings_held::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        0
    );

    let planned = expert
        .post(
            "/asiantuntija/koulutukset/uusi",
            &[
                ("organisation_id", &org_s),
                ("unit", "Aikuissosiaalityö"),
                ("held_on", "2026-12-10"),
                ("starts", "13:00"),
                ("ends", "14:30"),
                ("themes", "structured"),
                ("themes", "client-centred"),
                ("place", "Kokoushuone Aurora"),
                ("planned_size", "30"),
            ],
        )
        .await;
    assert_eq!(planned.status, 303, "{}", planned.body);
    let id = id_from(&planned.location());
    let t = trainings::find(&mut app.conn(), id).unwrap();
    assert_eq!(t.status, "planned");
    assert_eq!(t.themes, "client-centred,structured", "in course order");
    // 13.00 in Helsinki in December is 11.00 UTC.
    assert_eq!(
        t.starts_at.unwrap().format("%H:%M").to_string(),
        "11:00",
        "stored in UTC"
    );
    let code = t.code.clone().unwrap();
    let page = expert.get(&planned.location()).await;
    assert!(
        page.body.contains("Koulutus on suunniteltu."),
        "one-time notice"
    );
    assert!(page.body.contains(&code));
    assert!(page.body.contains("10.12.2026 klo 13.00"));
    assert!(page.body.contains("<svg") && page.body.contains("QR-koodi ilmoittautumissivulle"));
    assert!(page
        .body
        .contains("Osallistumiskoodi avautuu koulutuspäivänä 10.12.2026."));

    // Invitations go through the outbox, each address once.
    let sent = expert
        .post(
            &format!("/koulutukset/{id}/kutsu"),
            &[
                ("emails", "anna@example.fi,\nBO@example.fi"),
                ("language", "fi"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303);
    let again = expert
        .post(
            &format!("/koulutukset/{id}/kutsu"),
            &[("emails", "anna@example.fi"), ("language", "fi")],
        )
        .await;
    assert_eq!(again.status, 303);
    let invites: Vec<_> = app
        .outbox()
        .into_iter()
        .filter(|(_, s, _)| s.starts_with("Kutsu kirjaamiskoulutukseen"))
        .collect();
    assert_eq!(invites.len(), 2, "{invites:?}");
    assert!(invites[0].2.contains("10.12.2026 klo 13.00–14.30"));
    assert!(invites[0].2.contains("Kokoushuone Aurora"));
    let bad_invite = expert
        .post(
            &format!("/koulutukset/{id}/kutsu"),
            &[("emails", "not an address"), ("language", "fi")],
        )
        .await;
    let shown = expert.get(&bad_invite.location()).await;
    assert!(shown.body.contains("Kutsuja ei lähetetty"));

    // Before the day the code takes no sign-ins.
    let mut early = app.browser().await;
    let before = early
        .get(&format!("/osallistu/{}", code.to_lowercase()))
        .await;
    assert_eq!(before.status, 200);
    assert!(before
        .body
        .contains("Ilmoittautuminen avautuu koulutuspäivänä 10.12.2026."));
    let refused = early
        .post(
            &format!("/osallistu/{code}"),
            &[
                ("name", "Ennakko Eila"),
                ("unit", "Kotihoito"),
                ("profession", "nurse"),
            ],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("Ilmoittautumista ei tallennettu."));

    // The day, 13.05 in Helsinki: thirty phones sign in (the expert signs in again: weeks
    // have passed).
    set_helsinki(&app, "2026-12-10 13:05");
    let mut expert = app.signed_in("trainee@example.fi").await;
    let units = ["Kotihoito", "Aikuissosiaalityö", "Perhepalvelut"];
    let professions = [
        "social-worker",
        "social-counsellor",
        "practical-nurse",
        "instructor",
    ];
    let mut phones = Vec::new();
    for i in 0..30 {
        let mut phone = app.browser().await;
        let form = phone.get(&format!("/osallistu/{code}")).await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("Ilmoittaudu"));
        let name = format!("Osallistuja {i} Äänekoski");
        let res = phone
            .post(
                &format!("/osallistu/{code}"),
                &[
                    ("name", &name),
                    ("unit", units[i % 3]),
                    ("profession", professions[i % 4]),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "phone {i}: {}", res.body);
        assert!(res.location().starts_with("/osallistu/palaute/"));
        let thanks = phone.get(&res.location()).await;
        assert!(thanks
            .body
            .contains("Kiitos, olet ilmoittautunut koulutukseen."));
        phones.push((phone, res.location()));
    }
    // Two duplicates: the same phone again (typed differently), and another phone with the
    // same name and unit. Each is told, and nothing changes.
    let dup = phones[0]
        .0
        .post(
            &format!("/osallistu/{code}"),
            &[
                ("name", "  osallistuja 0   ÄÄNEKOSKI "),
                ("unit", "kotihoito"),
                ("profession", "nurse"),
            ],
        )
        .await;
    assert_eq!(dup.status, 409);
    assert!(dup
        .body
        .contains("Olet jo ilmoittautunut tähän koulutukseen"));
    assert!(
        dup.body.contains("Anna palautetta koulutuksesta"),
        "their earlier sign-in on this phone"
    );
    let mut other = app.browser().await;
    let dup2 = other
        .post(
            &format!("/osallistu/{code}"),
            &[
                ("name", "Osallistuja 1 Äänekoski"),
                ("unit", "Aikuissosiaalityö"),
                ("profession", "social-counsellor"),
            ],
        )
        .await;
    assert_eq!(dup2.status, 409);
    // An empty name is named next to the field.
    let empty = other
        .post(
            &format!("/osallistu/{code}"),
            &[
                ("name", " "),
                ("unit", "Kotihoito"),
                ("profession", "nurse"),
            ],
        )
        .await;
    assert_eq!(empty.status, 400);
    assert!(
        empty.body.contains("Kirjoita nimesi.") && empty.body.contains("aria-invalid=\"true\"")
    );
    let counted: i64 = training_attendances::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(counted, 30);
    let t = trainings::find(&mut app.conn(), id).unwrap();
    assert_eq!(
        (t.status.as_str(), t.counting.as_str(), t.participants),
        ("held", "counted", 30)
    );
    assert_totals_agree(&app);

    // Six of them give feedback.
    let survey = kirjaamo::surveys::training::of_training(&mut app.conn(), id)
        .unwrap()
        .unwrap();
    let questions = kirjaamo::surveys::questions(&mut app.conn(), survey.id).unwrap();
    let likert = questions.iter().find(|q| q.is_likert()).unwrap().id;
    let open = questions.iter().find(|q| !q.is_likert()).unwrap().id;
    for (i, (phone, link)) in phones.iter_mut().take(6).enumerate() {
        let page = phone.get(link).await;
        assert!(page.body.contains("Palaute koulutuksesta"));
        let value = (3 + i % 3).to_string();
        let res = phone
            .post(
                link,
                &[
                    (&format!("q{likert}") as &str, &value as &str),
                    (&format!("t{open}"), "Esimerkit omasta työstä"),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        let after = phone.get(&res.location()).await;
        assert!(after.body.contains("Kiitos palautteesta!"));
    }
    assert_eq!(
        kirjaamo::surveys::training::responses(&mut app.conn(), survey.id).unwrap(),
        6
    );

    // The expert sees who came, and the feedback.
    let page = expert.get(&format!("/koulutukset/{id}")).await;
    assert!(page.body.contains("Ilmoittautuneita 30."), "{}", page.body);
    assert!(page.body.contains("Osallistuja 29 Äänekoski"));
    assert!(page.body.contains("Vastauksia 6."));
    let results = expert
        .get(&format!("/kyselyt/{}/tulokset", survey.id))
        .await;
    assert_eq!(results.status, 200);
    assert!(results.body.contains("Esimerkit omasta työstä"));
    // The list of names leaves the system only audit-logged.
    let csv = expert
        .get(&format!("/koulutukset/{id}/osallistujat.csv"))
        .await;
    assert!(csv
        .body
        .contains("Osallistuja 8 Äänekoski;Perhepalvelut;Sosiaalityöntekijä"));
    assert_eq!(
        audit_log::table
            .filter(audit_log::action.eq("training.attendance.export"))
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        1
    );

    // The expert closes the code: nobody more gets in.
    let closed = expert
        .post(&format!("/koulutukset/{id}/koodi"), &[("action", "close")])
        .await;
    assert_eq!(closed.status, 303);
    let mut late = app.browser().await;
    let late_res = late
        .post(
            &format!("/osallistu/{code}"),
            &[
                ("name", "Myöhäinen Matti"),
                ("unit", "Kotihoito"),
                ("profession", "nurse"),
            ],
        )
        .await;
    assert_eq!(late_res.status, 410);
    assert!(late_res
        .body
        .contains("Kouluttaja on sulkenut ilmoittautumisen."));

    // The coordinator's reach counts people, once each, separate from reported numbers.
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let view = kaisa.get("/verkosto").await;
    assert!(
        view.body.contains("Vuonna 2026 tavoitettuja henkilöitä on 30 (jokainen laskettu kerran ilmoittautumisista), ja kouluttajat ovat lisäksi ilmoittaneet 0 osallistumiskertaa. Organisaatioiden henkilöstöä on 300: tavoittavuus 10,0\u{a0}%."),
        "{}",
        view.body
    );
    assert!(view.body.contains("2026 Q4"));
    let reach = kaisa.get("/verkosto/tavoittavuus").await;
    assert_eq!(reach.status, 200);
    // Professions: i % 4 == 0 are social workers (8 of 30).
    assert!(reach
        .body
        .contains("<th scope=\"row\">Sosiaalityöntekijä</th><td>8</td>"));
    assert!(reach.body.contains("Helsingin sosiaalipalvelut"));
    // The coordinator sees the names too; another region's coordinator does not.
    assert!(kaisa
        .get(&format!("/koulutukset/{id}"))
        .await
        .body
        .contains("Osallistuja 3 Äänekoski"));
    app.user(
        "pekka@example.fi",
        "Pekka",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("poske"),
        }),
    );
    let mut pekka = app.signed_in("pekka@example.fi").await;
    assert_eq!(pekka.get(&format!("/koulutukset/{id}")).await.status, 404);
    assert_eq!(
        pekka
            .get(&format!("/koulutukset/{id}/osallistujat.csv"))
            .await
            .status,
        404
    );

    // The next day it stays closed.
    set_helsinki(&app, "2026-12-11 08:00");
    let mut next = app.browser().await;
    let gone = next.get(&format!("/osallistu/{code}")).await;
    assert_eq!(gone.status, 410);
    assert!(gone
        .body
        .contains("Kouluttaja on sulkenut ilmoittautumisen tähän koulutukseen."));
    assert_totals_agree(&app);
}

#[actix_web::test]
async fn a_flood_of_sign_ins_from_one_address_is_refused_and_changes_nothing() {
    let app = TestApp::new();
    let org = expert_with_organisation(&app, 50).await;
    let uid = expert_id(&app);
    let draft = Draft {
        organisation_id: org,
        held_on: Some(day("2026-11-23")),
        starts: chrono::NaiveTime::from_hms_opt(12, 0, 0),
        themes: vec!["archiving".into()],
        ..Default::default()
    };
    let id = trainings::plan(
        &mut app.conn(),
        uid,
        &draft,
        day("2026-11-23"),
        app.clock.now(),
    )
    .unwrap();
    let code = trainings::find(&mut app.conn(), id).unwrap().code.unwrap();
    let mut script = app.browser().await;
    let limit = kirjaamo::web::attendance::SIGN_INS_PER_ADDRESS.max;
    for i in 0..limit {
        // Every one of them bad input: refused, nothing stored.
        let res = script
            .post(
                &format!("/osallistu/{code}"),
                &[("name", ""), ("unit", "x"), ("profession", "nurse")],
            )
            .await;
        assert_eq!(res.status, 400, "attempt {i}");
    }
    let res = script
        .post(
            &format!("/osallistu/{code}"),
            &[
                ("name", "Oikea Osallistuja"),
                ("unit", "Kotihoito"),
                ("profession", "nurse"),
            ],
        )
        .await;
    assert_eq!(res.status, 429);
    assert!(res.body.contains("liian monta ilmoittautumista"));
    assert_eq!(
        training_attendances::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        0
    );
    // Someone else, elsewhere, still signs in.
    let mut phone = app.browser().await;
    let ok = phone
        .post(
            &format!("/osallistu/{code}"),
            &[
                ("name", "Oikea Osallistuja"),
                ("unit", "Kotihoito"),
                ("profession", "nurse"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    // The next day (in Helsinki: 22.30 UTC is already tomorrow) the code has expired.
    set_helsinki(&app, "2026-11-24 00:30");
    let mut tomorrow = app.browser().await;
    let gone = tomorrow.get(&format!("/osallistu/{code}")).await;
    assert_eq!(gone.status, 410);
    assert!(gone.body.contains("Koulutuspäivä on ohi"));
    let refused = tomorrow
        .post(
            &format!("/osallistu/{code}"),
            &[
                ("name", "Huominen Hanna"),
                ("unit", "Kotihoito"),
                ("profession", "nurse"),
            ],
        )
        .await;
    assert_eq!(refused.status, 410);
    assert!(refused.body.contains("Ilmoittautumista ei tallennettu."));
    assert_eq!(
        training_attendances::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        1
    );
}

#[actix_web::test]
async fn figures_can_be_corrected_and_cannot_be_inflated() {
    let app = TestApp::new();
    let org = expert_with_organisation(&app, 40).await;
    let org_s = org.to_string();
    let mut expert = app.signed_in("trainee@example.fi").await;
    // A number above the staff asks for confirmation and changes nothing until given.
    let fields = |n: &'static str, confirm: bool| {
        let mut v = vec![
            ("organisation_id", org_s.clone()),
            ("held_on", "2026-11-20".to_string()),
            ("theme", "archiving".to_string()),
            ("participants", n.to_string()),
        ];
        if confirm {
            v.push(("confirm_over_staff", "1".to_string()));
        }
        v
    };
    let f = fields("10000", false);
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let asked = expert.post("/asiantuntija/koulutukset", &refs).await;
    assert_eq!(asked.status, 400);
    assert!(asked
        .body
        .contains("Osallistujia on enemmän kuin organisaation henkilöstöä"));
    assert!(asked.body.contains("name=\"confirm_over_staff\""));
    assert_eq!(
        trainings_held::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        0
    );
    let f = fields("10000", true);
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = expert.post("/asiantuntija/koulutukset", &refs).await;
    assert_eq!(saved.status, 303);
    let mine = expert.get(&saved.location()).await;
    assert!(mine.body.contains("Koulutus on kirjattu."));
    assert!(mine.body.contains("yli henkilöstön"));
    let id: i64 = trainings_held::table
        .select(trainings_held::id)
        .first(&mut app.conn())
        .unwrap();

    // The coordinator sees the region above 100 % only with the flag and the reason.
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let view = kaisa.get("/verkosto").await;
    assert!(view.body.contains("yli 100 %: katso selitys"));
    assert!(view
        .body
        .contains("Se johtuu ilmoitetuista osallistumiskerroista"));
    assert!(view.body.contains("Tarkistettavat kirjaukset"));
    let overview = kaisa.get("/hallinta/yleiskuva").await;
    assert!(
        overview.body.contains("yli 100 %: katso selitys"),
        "{}",
        overview.body
    );

    // The coordinator corrects it (audit-logged); the flag goes with the inflated number.
    let correct = kaisa
        .post(
            &format!("/koulutukset/{id}/muokkaa"),
            &[
                ("organisation_id", &org_s),
                ("held_on", "2026-11-20"),
                ("themes", "archiving"),
                ("participants", "12"),
            ],
        )
        .await;
    assert_eq!(correct.status, 303, "{}", correct.body);
    let t = trainings::find(&mut app.conn(), id).unwrap();
    assert_eq!((t.participants, t.over_staff), (12, false));
    let logged: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("training.correct"))
        .select(audit_log::details)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        logged,
        vec!["10000 -> 12 participants (reported), held on 2026-11-20"]
    );
    let view = kaisa.get("/verkosto").await;
    assert!(!view.body.contains("yli 100 %: katso selitys"));
    assert_totals_agree(&app);

    // The expert corrects their own; a colleague without a role in the area cannot.
    let own = expert
        .post(
            &format!("/koulutukset/{id}/muokkaa"),
            &[
                ("organisation_id", &org_s),
                ("held_on", "2026-11-19"),
                ("themes", "archiving"),
                ("participants", "14"),
            ],
        )
        .await;
    assert_eq!(own.status, 303);
    app.user("other@example.fi", "Olli Other", None);
    let mut other = app.signed_in("other@example.fi").await;
    assert_eq!(
        other
            .get(&format!("/koulutukset/{id}/muokkaa"))
            .await
            .status,
        404
    );
    assert_eq!(
        other
            .post(&format!("/koulutukset/{id}/poista"), &[("confirm", "1")])
            .await
            .status,
        404
    );
    // Deleting asks for the confirmation, then takes the training out of the figures.
    let unconfirmed = expert.post(&format!("/koulutukset/{id}/poista"), &[]).await;
    assert_eq!(unconfirmed.status, 400);
    assert!(trainings::find(&mut app.conn(), id).is_ok());
    let deleted = expert
        .post(&format!("/koulutukset/{id}/poista"), &[("confirm", "1")])
        .await;
    assert_eq!(deleted.status, 303);
    assert!(trainings::find(&mut app.conn(), id).is_err());
    assert!(recount::stored(&mut app.conn())
        .unwrap()
        .trainings
        .is_empty());
    assert_totals_agree(&app);
}

/// A small deterministic generator, so a failing sequence can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[actix_web::test]
async fn the_running_totals_always_agree_with_a_rebuild() {
    let app = TestApp::new();
    let org = expert_with_organisation(&app, 60).await;
    let org2 = crate::network::organisation(&app, "Helsingin perhepalvelut", "helsinki", 20);
    let uid = expert_id(&app);
    let secret = app.state.config.secret.clone();
    let coordinator = kirjaamo::accounts::principal_for(
        &mut app.conn(),
        users::table
            .filter(users::email.eq("kaisa@example.fi"))
            .select(users::id)
            .first(&mut app.conn())
            .unwrap(),
        users::table
            .filter(users::email.eq("kaisa@example.fi"))
            .select(users::session_version)
            .first(&mut app.conn())
            .unwrap(),
    )
    .unwrap()
    .unwrap();
    let days = [
        "2025-12-30",
        "2026-01-02",
        "2026-03-31",
        "2026-04-01",
        "2026-11-23",
        "2026-11-23",
    ];
    let people = ["Aino", "Bo", "Cecilia", "Daniel", "Eero", "Fanny"];
    let units = ["Kotihoito", "Lastensuojelu"];
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut ids: Vec<i64> = Vec::new();
    for step in 0..160 {
        let mut conn = app.conn();
        let now = app.clock.now();
        let today = day("2026-11-23");
        let o = if rng.below(3) == 0 { org2 } else { org };
        match rng.below(6) {
            0 => {
                let d = Draft {
                    organisation_id: o,
                    held_on: Some(day(days[rng.below(5)])),
                    themes: vec!["structured".into()],
                    participants: Some(1 + rng.below(30) as i32),
                    confirm_over_staff: true,
                    ..Default::default()
                };
                ids.push(trainings::log(&mut conn, uid, &d, today, now).unwrap());
            }
            1 => {
                let d = Draft {
                    organisation_id: o,
                    held_on: Some(today),
                    starts: chrono::NaiveTime::from_hms_opt(8, 0, 0),
                    themes: vec!["archiving".into()],
                    ..Default::default()
                };
                ids.push(trainings::plan(&mut conn, uid, &d, today, now).unwrap());
            }
            2 | 3 if !ids.is_empty() => {
                // Sign-ins to a training whose code is open today (others are refused).
                let id = ids[rng.below(ids.len())];
                let t = trainings::find(&mut conn, id).unwrap();
                if let Some(code) = t.code {
                    let form = trainings::attendance::SignInForm {
                        name: people[rng.below(people.len())].into(),
                        unit: units[rng.below(2)].into(),
                        profession: trainings::PROFESSIONS[rng.below(3)].into(),
                    };
                    let _ = trainings::attendance::sign_in(
                        &mut conn, &secret, &code, &form, today, now,
                    );
                }
            }
            4 if !ids.is_empty() => {
                // A correction: another day (maybe another year or quarter), organisation,
                // or number; by the expert or the coordinator.
                let id = ids[rng.below(ids.len())];
                let t = trainings::find(&mut conn, id).unwrap();
                let counted = t.counting == "counted" && t.participants > 0;
                let d = Draft {
                    organisation_id: if rng.below(2) == 0 { org } else { org2 },
                    held_on: Some(day(days[rng.below(days.len())])),
                    themes: vec!["multiprofessional".into()],
                    participants: (!counted && t.status == "held")
                        .then(|| 1 + rng.below(90) as i32),
                    confirm_over_staff: true,
                    ..Default::default()
                };
                let actor = if rng.below(2) == 0 {
                    Actor::Expert(uid)
                } else {
                    Actor::Coordinator(&coordinator)
                };
                let _ = trainings::correct(&mut conn, &actor, id, &d, today, now);
            }
            5 if !ids.is_empty() => {
                let i = rng.below(ids.len());
                if rng.below(2) == 0 {
                    trainings::delete(&mut conn, &Actor::Expert(uid), ids.remove(i), now).unwrap();
                } else {
                    // Or one sign-in removed.
                    let a: Option<i64> = training_attendances::table
                        .filter(training_attendances::training_id.eq(ids[i]))
                        .select(training_attendances::id)
                        .first(&mut conn)
                        .optional()
                        .unwrap();
                    if let Some(a) = a {
                        trainings::attendance::remove(
                            &mut conn,
                            &Actor::Expert(uid),
                            ids[i],
                            a,
                            now,
                        )
                        .unwrap();
                    }
                }
            }
            _ => {}
        }
        drop(conn);
        let diff = recount::compare(&mut app.conn()).unwrap();
        assert!(diff.is_empty(), "after step {step}:\n{}", diff.join("\n"));
    }
    let stored = recount::stored(&mut app.conn()).unwrap();
    assert!(
        !stored.trainings.is_empty() && !stored.people.is_empty(),
        "the run did something"
    );
    // A rebuild from the raw rows gives exactly what was kept running.
    recount::rebuild(&mut app.conn()).unwrap();
    assert_eq!(recount::stored(&mut app.conn()).unwrap(), stored);
}

#[actix_web::test]
async fn a_person_leaving_never_rewrites_the_past() {
    let app = TestApp::new();
    let org = expert_with_organisation(&app, 200).await;
    let uid = expert_id(&app);
    let today = day("2026-11-23");
    let now = app.clock.now();
    for (d, n) in [("2026-02-10", 12), ("2026-10-01", 25)] {
        let draft = Draft {
            organisation_id: org,
            held_on: Some(day(d)),
            themes: vec!["client-centred".into()],
            participants: Some(n),
            notes: "Tiina Trainee piti tämän".into(),
            ..Default::default()
        };
        trainings::log(&mut app.conn(), uid, &draft, today, now).unwrap();
    }
    let planned = Draft {
        organisation_id: org,
        held_on: Some(today),
        starts: chrono::NaiveTime::from_hms_opt(8, 0, 0),
        themes: vec!["structured".into()],
        ..Default::default()
    };
    let id = trainings::plan(&mut app.conn(), uid, &planned, today, now).unwrap();
    let code = trainings::find(&mut app.conn(), id).unwrap().code.unwrap();
    // Three colleagues, and the expert herself signed in under her own name.
    for name in ["Aila", "Bertta", "Cilla", "tiina  trainee"] {
        let form = trainings::attendance::SignInForm {
            name: name.into(),
            unit: "Kotihoito".into(),
            profession: "nurse".into(),
        };
        trainings::attendance::sign_in(
            &mut app.conn(),
            &app.state.config.secret,
            &code,
            &form,
            today,
            now,
        )
        .unwrap();
    }
    let scope = Scope::Region(app.region_id("socca"));
    let figures = |app: &TestApp| {
        let mut c = app.conn();
        (
            kirjaamo::network::registry::registry_counts(&mut c, scope).unwrap(),
            kirjaamo::network::reach::reach(&mut c, scope, 2026, kirjaamo::i18n::Lang::Fi).unwrap(),
            kirjaamo::network::reach::quarterly::quarters(&mut c, scope, today, 8).unwrap(),
            kirjaamo::network::reach::breakdowns::by_profession(&mut c, scope, 2026).unwrap(),
            kirjaamo::network::registry::registry(&mut c, scope, kirjaamo::i18n::Lang::Fi)
                .unwrap()
                .len(),
        )
    };
    let before = figures(&app);
    assert_eq!(before.0, (1, 1));
    assert_eq!(
        (before.1.people, before.1.reported, before.1.trainings),
        (4, 37, 3)
    );

    kirjaamo::privacy::erasure::delete_account(
        &mut app.conn(),
        &app.state.config.secret,
        uid,
        &kirjaamo::privacy::erasure::DeletedBy::Themselves,
        app.clock.now(),
    )
    .unwrap();

    assert_eq!(
        figures(&app),
        before,
        "the region's figures are what they were"
    );
    assert_totals_agree(&app);
    // The facts stay, unnamed.
    let kept: Vec<(Option<i64>, String)> = trainings_held::table
        .select((trainings_held::user_id, trainings_held::notes))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(kept.len(), 3);
    assert!(kept
        .iter()
        .all(|(u, notes)| u.is_none() && notes.is_empty()));
    // Her own sign-in lost its name (as her data download would have found it); the others not.
    let names: Vec<String> = training_attendances::table
        .order(training_attendances::id)
        .select(training_attendances::name)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(names, vec!["Aila", "Bertta", "Cilla", ""]);
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let view = kaisa.get("/verkosto").await;
    assert!(view.body.contains("Poistettu asiantuntija"));
    assert!(!view.body.contains("Tiina Trainee"));
    let page = kaisa.get(&format!("/koulutukset/{id}")).await;
    assert_eq!(page.status, 200, "the area's coordinator still sees it");
    assert!(page.body.contains("Poistettu asiantuntija"));
    // The lapse check runs past the unnamed membership.
    let msg = app.state.messaging();
    kirjaamo::network::refresher::check(&mut app.conn(), &msg, today, now, true).unwrap();
}

#[actix_web::test]
async fn the_calendar_feeds_parse_with_helsinki_times() {
    use icalendar::{Calendar, CalendarComponent, Component, EventLike};
    let app = TestApp::new();
    let org = expert_with_organisation(&app, 100).await;
    let uid = expert_id(&app);
    let today = day("2026-11-23");
    for (d, h) in [("2026-12-10", 9), ("2027-06-15", 9)] {
        let draft = Draft {
            organisation_id: org,
            unit: "Perhepalvelut; pohjoinen, itä".into(),
            held_on: Some(day(d)),
            starts: chrono::NaiveTime::from_hms_opt(h, 0, 0),
            ends: chrono::NaiveTime::from_hms_opt(h + 1, 30, 0),
            themes: vec!["secondary-use".into()],
            place: "Sali 3".into(),
            ..Default::default()
        };
        trainings::plan(&mut app.conn(), uid, &draft, today, app.clock.now()).unwrap();
    }
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let view = kaisa.get("/verkosto").await;
    assert!(
        view.body.contains("Sali 3"),
        "the calendar list of the area"
    );
    let feed_path = |body: &str| {
        let body = body.replace("&#x2F;", "/");
        let start = body.find("/kalenteri/").unwrap();
        let end = start + body[start..].find(".ics").unwrap() + 4;
        body[start..end].to_string()
    };
    let area = feed_path(&view.body);
    let mut outlook = app.browser().await;
    let res = outlook.get(&area).await;
    assert_eq!(res.status, 200);
    assert!(res.header("content-type").starts_with("text/calendar"));
    let cal: Calendar = res.body.parse().expect("a valid iCalendar feed");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0].get_summary(),
        Some("Kirjaamiskoulutus: Asiakastiedon toisiokäyttö")
    );
    assert_eq!(events[0].get_location(), Some("Sali 3"));
    assert!(events[0]
        .get_description()
        .unwrap()
        .contains("Perhepalvelut; pohjoinen, itä"));
    // 9.00 in Helsinki, in winter (UTC+2) and in summer (UTC+3).
    for (e, utc_hour) in [(events[0], 7), (events[1], 6)] {
        let raw = e.properties().get("DTSTART").unwrap();
        assert_eq!(raw.params().get("TZID").unwrap().value(), "Europe/Helsinki");
        let local = chrono::NaiveDateTime::parse_from_str(raw.value(), "%Y%m%dT%H%M%S").unwrap();
        assert_eq!(
            local.format("%H:%M").to_string(),
            "09:00",
            "Helsinki wall-clock time"
        );
        assert_eq!(
            kirjaamo::i18n::format::from_helsinki(local)
                .format("%H")
                .to_string(),
            format!("{utc_hour:02}")
        );
    }
    assert!(res.body.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Helsinki"));

    // The expert's own feed.
    let mut expert = app.signed_in("trainee@example.fi").await;
    let own = feed_path(&expert.get("/asiantuntija").await.body);
    let res = outlook.get(&own).await;
    let cal: Calendar = res.body.parse().unwrap();
    assert_eq!(
        cal.components
            .iter()
            .filter(|c| matches!(c, CalendarComponent::Event(_)))
            .count(),
        2
    );
    // A forged or damaged link shows nothing.
    let forged = area.replace("/kalenteri/", "/kalenteri/x");
    assert_eq!(outlook.get(&forged).await.status, 404);
    // A coordinator who loses the area loses the feed.
    let kaisa_id: i64 = users::table
        .filter(users::email.eq("kaisa@example.fi"))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap();
    diesel::delete(
        kirjaamo::db::schema::role_assignments::table
            .filter(kirjaamo::db::schema::role_assignments::user_id.eq(kaisa_id)),
    )
    .execute(&mut app.conn())
    .unwrap();
    assert_eq!(outlook.get(&area).await.status, 404);
}

#[actix_web::test]
async fn names_are_erased_after_the_retention_period_and_found_in_the_data_download() {
    let app = TestApp::new();
    let org = expert_with_organisation(&app, 100).await;
    let uid = expert_id(&app);
    let today = day("2026-11-23");
    let draft = Draft {
        organisation_id: org,
        held_on: Some(today),
        starts: chrono::NaiveTime::from_hms_opt(8, 0, 0),
        themes: vec!["archiving".into()],
        ..Default::default()
    };
    let id = trainings::plan(&mut app.conn(), uid, &draft, today, app.clock.now()).unwrap();
    let code = trainings::find(&mut app.conn(), id).unwrap().code.unwrap();
    // A colleague with an account in the same organisation signs in under their own name.
    let colleague = app.user("maija@example.fi", "Maija Meikäläinen", None);
    diesel::update(users::table.find(colleague.id))
        .set(users::organisation_id.eq(Some(org)))
        .execute(&mut app.conn())
        .unwrap();
    for name in ["maija  MEIKÄLÄINEN", "Matti Meikäläinen"] {
        let form = trainings::attendance::SignInForm {
            name: name.into(),
            unit: "Kotihoito".into(),
            profession: "practical-nurse".into(),
        };
        trainings::attendance::sign_in(
            &mut app.conn(),
            &app.state.config.secret,
            &code,
            &form,
            today,
            app.clock.now(),
        )
        .unwrap();
    }
    let mut maija = app.signed_in("maija@example.fi").await;
    let data = maija.get("/tili/omat-tiedot").await;
    let v: serde_json::Value = serde_json::from_str(&data.body).unwrap();
    let mine = v["training_sign_ins"].as_array().unwrap();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["name"], "maija MEIKÄLÄINEN");
    assert!(!data.body.contains("Matti"));
    assert_eq!(
        audit_log::table
            .filter(audit_log::action.eq("training.attendance.export"))
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        1
    );

    let before = recount::stored(&mut app.conn()).unwrap();
    let job = kirjaamo::network::trainings::privacy::RetentionJob {
        pool: app.state.pool.clone(),
        clock: app.clock.clone(),
        years: app.state.config.attendance_retention_years,
    };
    assert_eq!(job.run_once().unwrap(), 0, "kept for five years");
    app.clock.advance(chrono::Duration::days(5 * 365 + 2));
    assert_eq!(job.run_once().unwrap(), 2);
    assert_eq!(job.run_once().unwrap(), 0, "once");
    let names: Vec<(String, String, String)> = training_attendances::table
        .select((
            training_attendances::name,
            training_attendances::unit,
            training_attendances::profession,
        ))
        .load(&mut app.conn())
        .unwrap();
    assert!(names
        .iter()
        .all(|(n, u, p)| n.is_empty() && u.is_empty() && p == "practical-nurse"));
    assert_eq!(
        recount::stored(&mut app.conn()).unwrap(),
        before,
        "the figures stay"
    );
    assert_totals_agree(&app);
    let data = maija.get("/tili/omat-tiedot").await;
    assert!(!data.body.contains("MEIKÄLÄINEN"));
}

#[actix_web::test]
async fn experts_reach_the_kits_and_the_handout_is_public() {
    let app = TestApp::new();
    expert_with_organisation(&app, 100).await;
    let mut expert = app.signed_in("trainee@example.fi").await;
    let home = expert.get("/asiantuntija").await;
    assert!(home
        .body
        .contains("/valmennuspaketit/demo-course/perusteet"));
    let index = expert.get("/valmennuspaketit").await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("Kirjaamisen perusteet") && index.body.contains("3 diaa"));
    let guide = expert.get("/valmennuspaketit/demo-course/perusteet").await;
    assert_eq!(guide.status, 200);
    assert!(guide.body.contains("Kulku (50 minuuttia)"));
    assert!(guide.body.contains("<strong>asiakkaan oman äänen</strong>"));
    assert!(guide.body.contains("Miten asiakkaan näkemys näkyy"));
    // The guide's link to a lesson leads to the lesson's public summary.
    let link = expert
        .get("/valmennuspaketit/demo-course/mita-kirjaaminen-on")
        .await;
    assert_eq!(link.status, 303);
    assert_eq!(
        link.location(),
        "/tietopankki/demo-course/mita-kirjaaminen-on"
    );
    let slides = expert
        .get("/valmennuspaketit/demo-course/perusteet/diat")
        .await;
    assert_eq!(slides.status, 200);
    assert_eq!(
        slides.body.matches("<section class=\"slide").count(),
        4,
        "a title slide and three"
    );
    assert!(!slides.body.contains("<script"));
    // The handout is public; the guide is not.
    let mut anon = app.browser().await;
    let handout = anon.get("/tietopankki/moniste/demo-course/perusteet").await;
    assert_eq!(handout.status, 200);
    assert!(handout.body.contains("CC BY 4.0"));
    assert_eq!(
        anon.get("/valmennuspaketit/demo-course/perusteet")
            .await
            .status,
        303
    );
    assert_eq!(
        anon.get("/tietopankki/moniste/demo-course/ei-ole")
            .await
            .status,
        404
    );
}
