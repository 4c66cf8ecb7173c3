//! Surveys: answering once and editing within the window, anonymity and the small-group rule,
//! means and distributions against hand-computed figures, scoping by region and county, the
//! end-of-course survey, the current-state assessment and the coordinators' overview — through
//! the real application and database.

use crate::support::{password_hash, Browser, TestApp};
use diesel::prelude::*;
use kirjaamo::accounts::{self, NewAccount, Role};
use kirjaamo::db::schema_surveys::{survey_answers as sa, survey_responses as sr, surveys as sv};
use kirjaamo::i18n::Lang;
use kirjaamo::network::{self, NewOrganisation};
use kirjaamo::surveys::{self, results, Audience};

pub const COORD_A: &str = "coord-a@example.fi";
const COORD_B: &str = "coord-b@example.fi";

/// The app with coordinator A (Socca) and B (Pikassos).
pub fn world() -> TestApp {
    let app = TestApp::new();
    app.user(
        COORD_A,
        "Aila Aluekoordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user(
        COORD_B,
        "Bertta Pirkanmaalta",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("pikassos"),
        }),
    );
    app
}

/// An organisation of the county (made once).
fn organisation(app: &TestApp, county: &str) -> i64 {
    let county_id = app.county_id(county);
    let name = format!("Sosiaalipalvelut {county}");
    let mut conn = app.conn();
    match network::find_organisation(&mut conn, county_id, &name).unwrap() {
        Some(o) => o.id,
        None => {
            network::create_organisation(
                &mut conn,
                NewOrganisation {
                    name: &name,
                    county_id,
                    kind: "public",
                    staff_count: 400,
                },
                app.clock.now(),
            )
            .unwrap()
            .id
        }
    }
}

/// A documentation expert working in `county`, a member of its region's network.
pub(crate) fn member(app: &TestApp, email: &str, name: &str, county: &str) -> i64 {
    let org = organisation(app, county);
    let mut conn = app.conn();
    let user = accounts::create_user(
        &mut conn,
        NewAccount {
            email,
            name,
            language: Lang::Fi,
            organisation_id: Some(org),
            password_hash: Some(password_hash()),
        },
        app.clock.now(),
    )
    .unwrap();
    let place = network::county_place(&mut conn, app.county_id(county)).unwrap();
    network::membership::join_region(
        &mut conn,
        user.id,
        place.region_id,
        place.county_id,
        org,
        app.clock.now(),
    )
    .unwrap();
    user.id
}

/// Coordinator A creates a survey through the form; returns its id.
pub async fn create_survey(b: &mut Browser, fields: &[(&str, &str)]) -> i64 {
    let res = b.post("/kyselyt", fields).await;
    assert_eq!(res.status, 303, "{}", res.body);
    res.location()
        .trim_start_matches("/kyselyt/")
        .trim_end_matches("/tulokset")
        .parse()
        .unwrap()
}

pub fn question_ids(app: &TestApp, survey: i64) -> Vec<(i64, bool)> {
    surveys::questions(&mut app.conn(), survey)
        .unwrap()
        .iter()
        .map(|q| (q.id, q.is_likert()))
        .collect()
}

pub fn region_survey(app: &TestApp, anonymous: bool, likert: &str) -> Vec<(String, String)> {
    let mut f = vec![
        ("title".to_string(), "Syyskysely 2026".to_string()),
        (
            "audience".into(),
            format!("network:region:{}", app.region_id("socca")),
        ),
        ("template".into(), "custom".into()),
        ("opens_on".into(), "2026-11-20".into()),
        ("closes_on".into(), "2026-12-10".into()),
        ("likert_fi".into(), likert.to_string()),
        ("open_fi".into(), "Mitä muuta haluat sanoa?".into()),
    ];
    if anonymous {
        f.push(("anonymous".into(), "on".into()));
    }
    f
}

pub fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[actix_web::test]
async fn a_member_answers_once_and_may_edit_until_the_window_closes() {
    let app = world();
    member(&app, "maija@example.fi", "Maija Meikäläinen", "helsinki");
    member(&app, "pekka@example.fi", "Pekka Pirkanmaa", "pirkanmaa");
    let mut coord = app.signed_in(COORD_A).await;
    let f = region_survey(&app, true, "Tapaamisia oli riittävästi.\nSain tukea.");
    let id = create_survey(&mut coord, &pairs(&f)).await;
    let qs = question_ids(&app, id);
    assert_eq!(qs.len(), 3);

    let mut maija = app.signed_in("maija@example.fi").await;
    let list = maija.get("/kyselyt").await;
    assert!(list.body.contains("Syyskysely 2026"), "{}", list.body);
    assert!(maija
        .get("/")
        .await
        .body
        .contains(&format!("/kyselyt/{id}")));
    let form = maija.get(&format!("/kyselyt/{id}")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Tapaamisia oli riittävästi."));
    let (q1, q2, q3) = (
        format!("q{}", qs[0].0),
        format!("q{}", qs[1].0),
        format!("t{}", qs[2].0),
    );
    let res = maija
        .post(
            &format!("/kyselyt/{id}"),
            &[(&q1, "4"), (&q2, "0"), (&q3, "Äänekoski Åbo")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let again = maija.get(&res.location()).await;
    assert!(again.body.contains("Vastauksesi on tallennettu"));
    // The form shows the stored answer, checked.
    assert!(again
        .body
        .contains(&format!(r#"id="{q1}-4" name="{q1}" value="4" checked"#)));
    assert!(again.body.contains("Äänekoski Åbo"));

    // Editing changes the one response; it does not add another.
    let res = maija
        .post(&format!("/kyselyt/{id}"), &[(&q1, "2"), (&q3, "Muutettu")])
        .await;
    assert_eq!(res.status, 303);
    let responses: i64 = sr::table
        .filter(sr::survey_id.eq(id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(responses, 1);
    let values: Vec<(i64, Option<i32>, String)> = sa::table
        .select((sa::question_id, sa::value, sa::text))
        .order(sa::question_id)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        values,
        vec![
            (qs[0].0, Some(2), String::new()),
            (qs[2].0, None, "Muutettu".into())
        ]
    );

    // Bad input: a value out of range, text on a plain statement, a foreign question.
    for bad in [
        vec![(q1.as_str(), "6")],
        vec![(q1.as_str(), "x")],
        vec![("t999999", "vieras")],
        vec![(q1.as_str(), "3"), (q1.as_str(), "4")],
    ] {
        let res = maija.post(&format!("/kyselyt/{id}"), &bad).await;
        assert_eq!(res.status, 400, "{bad:?}");
        assert!(res.body.contains("role=\"alert\""));
    }
    let huge = "a".repeat(5_001);
    let res = maija
        .post(&format!("/kyselyt/{id}"), &[(q3.as_str(), huge.as_str())])
        .await;
    assert_eq!(res.status, 400);
    let unchanged: Option<i32> = sa::table
        .filter(sa::question_id.eq(qs[0].0))
        .select(sa::value)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(unchanged, Some(2));

    // Outside the audience: nothing to see, nothing to answer.
    let mut pekka = app.signed_in("pekka@example.fi").await;
    assert!(!pekka.get("/kyselyt").await.body.contains("Syyskysely 2026"));
    assert_eq!(pekka.get(&format!("/kyselyt/{id}")).await.status, 404);
    assert_eq!(
        pekka
            .post(&format!("/kyselyt/{id}"), &[(&q1, "5")])
            .await
            .status,
        404
    );

    // After the window: 409, the answer stays as it was.
    app.clock.set(
        chrono::NaiveDate::from_ymd_opt(2026, 12, 11)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap(),
    );
    // Eighteen days on, the session has expired: sign in again.
    let mut maija = app.signed_in("maija@example.fi").await;
    let res = maija.post(&format!("/kyselyt/{id}"), &[(&q1, "5")]).await;
    assert_eq!(res.status, 409);
    assert!(res.body.contains("Vastausaika on päättynyt"));
    let still: Option<i32> = sa::table
        .filter(sa::question_id.eq(qs[0].0))
        .select(sa::value)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(still, Some(2));
}

/// Answers a survey as a fresh member of `county`.
pub async fn answer_as(
    app: &TestApp,
    n: usize,
    county: &str,
    survey: i64,
    fields: &[(String, String)],
) {
    let email = format!("vastaaja{n}@example.fi");
    member(app, &email, &format!("Vastaaja Numero{n}"), county);
    let mut b = app.signed_in(&email).await;
    let res = b.post(&format!("/kyselyt/{survey}"), &pairs(fields)).await;
    assert_eq!(res.status, 303, "{}", res.body);
}

#[actix_web::test]
async fn anonymous_results_name_nobody_and_hide_small_groups() {
    let app = world();
    let mut coord = app.signed_in(COORD_A).await;
    let f = region_survey(&app, true, "Sain apua.");
    let id = create_survey(&mut coord, &pairs(&f)).await;
    let qs = question_ids(&app, id);
    let answer = |v: &str, text: &str| {
        vec![
            (format!("q{}", qs[0].0), v.to_string()),
            (format!("t{}", qs[1].0), text.to_string()),
        ]
    };
    for n in 0..4 {
        answer_as(&app, n, "helsinki", id, &answer("4", &format!("Avoin {n}"))).await;
    }
    // Four answers: nothing is shown yet, not even the open answers.
    let page = coord.get(&format!("/kyselyt/{id}/tulokset")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Vastaajia on alle 5"), "{}", page.body);
    assert!(!page.body.contains("Avoin 0"));
    assert!(!page.body.contains("<svg"));

    // Five more in Helsinki (9), five in Itä-Uusimaa and two in Vantaa-Kerava.
    for n in 4..9 {
        answer_as(&app, n, "helsinki", id, &answer("5", &format!("Avoin {n}"))).await;
    }
    for n in 9..14 {
        answer_as(&app, n, "ita-uusimaa", id, &answer("2", "")).await;
    }
    for n in 14..16 {
        answer_as(&app, n, "vantaa-kerava", id, &answer("1", "")).await;
    }
    let page = coord.get(&format!("/kyselyt/{id}/tulokset")).await;
    assert!(page.body.contains("<svg"));
    assert!(page.body.contains("role=\"img\""));
    assert!(page.body.contains("Avoin 0") && page.body.contains("Avoin 8"));
    for n in 0..16 {
        assert!(
            !page.body.contains(&format!("Numero{n}")),
            "a respondent is named"
        );
    }
    // Vantaa-Kerava (2) is hidden, and so is the smallest shown group (Itä-Uusimaa, 5),
    // or Vantaa-Kerava's figures would be the total minus the rest.
    let survey = surveys::find(&mut app.conn(), id).unwrap();
    let r = results::results(&mut app.conn(), &survey, "fi").unwrap();
    assert_eq!(r.responses, 16);
    let rows: Vec<(String, bool)> = r.questions[0]
        .by_county
        .iter()
        .map(|g| (g.name.clone(), g.hidden))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Helsingin kaupunki".to_string(), false),
            ("Itä-Uudenmaan hyvinvointialue".to_string(), true),
            ("Vantaan ja Keravan hyvinvointialue".to_string(), true),
        ]
    );
    assert!(r.questions[0].by_county[1].dist.is_none());
    assert!(page.body.contains("alle 5 vastaajaa"));
    // The CSV names nobody and carries no figures for the hidden groups.
    let csv = coord.get(&format!("/kyselyt/{id}/tulokset.csv")).await;
    assert_eq!(csv.status, 200);
    assert!(csv
        .body
        .contains("Vantaan ja Keravan hyvinvointialue;1;Sain apua.;alle 5 vastausta"));
    assert!(!csv.body.contains("Numero"));
    // Nothing stored ties an answer to a person.
    let stored: Vec<(Option<i64>, Option<chrono::NaiveDateTime>)> = sr::table
        .filter(sr::survey_id.eq(id))
        .select((sr::user_id, sr::updated_at))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(stored.len(), 16);
    assert!(stored.iter().all(|(u, t)| u.is_none() && t.is_none()));
    // The respondent's own data download does not contain anonymous answers.
    let mut b = app.signed_in("vastaaja0@example.fi").await;
    let data = b.get("/tili/omat-tiedot").await;
    assert!(!data.body.contains("Avoin 0"));
}

#[actix_web::test]
async fn a_named_survey_names_respondents_beside_open_answers() {
    let app = world();
    let mut coord = app.signed_in(COORD_A).await;
    let f = region_survey(&app, false, "Sain apua.");
    let id = create_survey(&mut coord, &pairs(&f)).await;
    let qs = question_ids(&app, id);
    answer_as(
        &app,
        1,
        "helsinki",
        id,
        &[
            (format!("q{}", qs[0].0), "3".to_string()),
            (
                format!("t{}", qs[1].0),
                "Hyvä <script>alert(1)</script>\r\nToinen rivi.\r\n\r\nKolmas kappale.".to_string(),
            ),
        ],
    )
    .await;
    let page = coord.get(&format!("/kyselyt/{id}/tulokset")).await;
    // Escaped, and the line breaks kept (the page shows them with white-space: pre-line).
    assert!(
        page.body.contains(
            "Vastaaja Numero1:</strong> <span class=\"answer-text\">Hyvä &lt;script&gt;alert(1)&lt;&#x2F;script&gt;\r\nToinen rivi.\r\n\r\nKolmas kappale.</span>"
        ),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<br"), "no markup added");
    // A single respondent's group is still hidden in the breakdown (the rule is for all).
    let survey = surveys::find(&mut app.conn(), id).unwrap();
    let r = results::results(&mut app.conn(), &survey, "fi").unwrap();
    assert!(r.shown);
    assert_eq!(r.questions[0].dist.answers, 1);
    assert!(r.questions[0].by_county.iter().all(|g| g.hidden));
    let mut b = app.signed_in("vastaaja1@example.fi").await;
    assert!(b.get("/tili/omat-tiedot").await.body.contains("Sain apua."));
}

#[actix_web::test]
async fn means_and_distributions_match_hand_computed_figures() {
    let app = world();
    let mut coord = app.signed_in(COORD_A).await;
    let f = region_survey(&app, true, "Ensimmäinen väite.\nToinen väite.");
    let id = create_survey(&mut coord, &pairs(&f)).await;
    let qs = question_ids(&app, id);
    // Statement 1: 1, 2, 2, 4, 5, 5 and two "cannot say" -> 6 answers, mean 19/6 = 3.17.
    // Statement 2: 3, 3, 4, 4, 4, 4, 5, unanswered -> 7 answers, mean 27/7 = 3.86.
    let first = ["1", "2", "2", "4", "5", "5", "0", "0"];
    let second = ["3", "3", "4", "4", "4", "4", "5", ""];
    for (n, (a, b)) in first.iter().zip(second).enumerate() {
        let mut fields = vec![(format!("q{}", qs[0].0), a.to_string())];
        if !b.is_empty() {
            fields.push((format!("q{}", qs[1].0), b.to_string()));
        }
        answer_as(&app, n, "helsinki", id, &fields).await;
    }
    let survey = surveys::find(&mut app.conn(), id).unwrap();
    let r = results::results(&mut app.conn(), &survey, "fi").unwrap();
    assert_eq!(r.responses, 8);
    let d1 = &r.questions[0].dist;
    assert_eq!(d1.answers, 6);
    assert_eq!(d1.cannot_say, 2);
    assert_eq!(d1.counts, [1, 2, 0, 1, 2]);
    assert!((d1.mean.unwrap() - 19.0 / 6.0).abs() < 1e-12);
    let d2 = &r.questions[1].dist;
    assert_eq!(d2.answers, 7);
    assert_eq!(d2.cannot_say, 0);
    assert_eq!(d2.counts, [0, 0, 2, 4, 1]);
    assert!((d2.mean.unwrap() - 27.0 / 7.0).abs() < 1e-12);
    // One decimal with a comma in Finnish, a point in English; exact in the CSV.
    let page = coord.get(&format!("/kyselyt/{id}/tulokset")).await;
    assert!(page.body.contains("<td>3,2</td>"), "{}", page.body);
    assert!(page.body.contains("<td>3,9</td>"));
    let csv = coord.get(&format!("/kyselyt/{id}/tulokset.csv")).await;
    assert!(csv
        .body
        .contains("kaikki;;1;Ensimmäinen väite.;6;2;1;2;0;1;2;3,17"));
    assert!(csv
        .body
        .contains("kaikki;;2;Toinen väite.;7;0;0;0;2;4;1;3,86"));
    let res = coord.post("/tili/kieli", &[("language", "en")]).await;
    assert_eq!(res.status, 303);
    let page = coord.get(&format!("/kyselyt/{id}/tulokset")).await;
    assert!(page.body.contains("<td>3.2</td>"));
}

#[actix_web::test]
async fn coordinators_reach_only_their_own_region_or_county() {
    let app = world();
    let helsinki = app.county_id("helsinki");
    app.user(
        "hki@example.fi",
        "Hanna Helsinki",
        Some(Role::CountyCoordinator {
            county_id: helsinki,
        }),
    );
    let mut a = app.signed_in(COORD_A).await;
    let f = region_survey(&app, true, "Väite.");
    let id = create_survey(&mut a, &pairs(&f)).await;

    // B sees neither A's survey nor its results, and cannot address Socca.
    let mut b = app.signed_in(COORD_B).await;
    assert!(!b.get("/kyselyt").await.body.contains("Syyskysely 2026"));
    assert_eq!(b.get(&format!("/kyselyt/{id}/tulokset")).await.status, 404);
    assert_eq!(
        b.get(&format!("/kyselyt/{id}/tulokset.csv")).await.status,
        404
    );
    let res = b.post("/kyselyt", &pairs(&f)).await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Valitse vastaajat, joille voit lähettää kyselyn."));
    assert_eq!(b.get("/hallinta/yleiskuva?alue=1").await.status, 403);

    // The county coordinator addresses their county, not the region.
    let mut h = app.signed_in("hki@example.fi").await;
    let mut county = f.clone();
    county[1].1 = format!("network:county:{helsinki}");
    county[0].1 = "Helsingin kysely".into();
    let hid = create_survey(&mut h, &pairs(&county)).await;
    assert_eq!(h.post("/kyselyt", &pairs(&f)).await.status, 400);
    assert_eq!(h.get(&format!("/kyselyt/{id}/tulokset")).await.status, 404);
    assert_eq!(h.get(&format!("/kyselyt/{hid}/tulokset")).await.status, 200);
    // The regional coordinator of the county's region sees the county's survey.
    assert_eq!(a.get(&format!("/kyselyt/{hid}/tulokset")).await.status, 200);
    assert_eq!(b.get(&format!("/kyselyt/{hid}/tulokset")).await.status, 404);
    let overview = h.get("/hallinta/yleiskuva").await;
    assert_eq!(overview.status, 200);
    assert!(overview.body.contains("Helsingin kysely"));
    assert!(!overview.body.contains("Syyskysely 2026"));

    // Nothing an audience value says can widen it: an admin-only audience, a made-up cohort.
    let mut all = f.clone();
    all[1].1 = "all".into();
    assert_eq!(a.post("/kyselyt", &pairs(&all)).await.status, 400);
    all[1].1 = "cohort:999999".into();
    assert_eq!(a.post("/kyselyt", &pairs(&all)).await.status, 400);
    let made: i64 = sv::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(made, 2);
    // A trainee may not create surveys at all.
    let mut t = app
        .signed_in(&{
            app.user("t@example.fi", "Tero Trainee", None);
            "t@example.fi".to_string()
        })
        .await;
    assert_eq!(t.get("/kyselyt/uusi").await.status, 403);
    assert_eq!(t.post("/kyselyt", &pairs(&f)).await.status, 403);
}

#[actix_web::test]
async fn every_cohort_gets_an_end_of_course_survey_for_its_trainees() {
    let app = world();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let page = trainee.get(&format!("/ryhmat/{cohort}/")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Anna valmennuksesta loppupalautetta"),
        "{}",
        page.body
    );
    let survey: i64 = sv::table
        .filter(sv::kind.eq("course_feedback"))
        .filter(sv::cohort_id.eq(cohort))
        .select(sv::id)
        .first(&mut app.conn())
        .unwrap();
    // Looking again creates no second survey.
    trainee.get(&format!("/ryhmat/{cohort}/")).await;
    trainee.get("/kyselyt").await;
    let n: i64 = sv::table
        .filter(sv::kind.eq("course_feedback"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(n, 1);
    let qs = question_ids(&app, survey);
    assert_eq!(qs.iter().filter(|q| q.1).count(), 6);
    let res = trainee
        .post(
            &format!("/kyselyt/{survey}"),
            &[(&format!("q{}", qs[0].0), "5")],
        )
        .await;
    assert_eq!(res.status, 303);
    let page = trainee.get(&format!("/ryhmat/{cohort}/")).await;
    assert!(page.body.contains("Olet antanut loppupalautteen"));
    // The trainer is not asked; the cohort's coordinator sees the results, another does not.
    let mut trainer = app.signed_in("trainer@example.fi").await;
    assert_eq!(trainer.get(&format!("/kyselyt/{survey}")).await.status, 404);
    let mut a = app.signed_in(COORD_A).await;
    assert_eq!(
        a.get(&format!("/kyselyt/{survey}/tulokset")).await.status,
        200
    );
    let mut b = app.signed_in(COORD_B).await;
    assert_eq!(
        b.get(&format!("/kyselyt/{survey}/tulokset")).await.status,
        404
    );
    // The audience is the cohort's trainees.
    let s = surveys::find(&mut app.conn(), survey).unwrap();
    assert_eq!(s.audience(), Audience::Cohort(cohort));
    assert!(s.anonymous);
}

#[actix_web::test]
async fn the_assessment_is_one_per_county_and_year_and_compares_years() {
    let app = world();
    let helsinki = app.county_id("helsinki");
    let pirkanmaa = app.county_id("pirkanmaa");
    app.user(
        "hki@example.fi",
        "Hanna Helsinki",
        Some(Role::CountyCoordinator {
            county_id: helsinki,
        }),
    );

    // Last year's assessment, answered then.
    app.clock.set(
        chrono::NaiveDate::from_ymd_opt(2025, 6, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
    );
    let mut h = app.signed_in("hki@example.fi").await;
    let form = h.get(&format!("/kartoitus/{helsinki}")).await;
    assert_eq!(form.status, 200);
    let last_year: i64 = sv::table
        .filter(sv::year.eq(2025))
        .select(sv::id)
        .first(&mut app.conn())
        .unwrap();
    let q_last = question_ids(&app, last_year);
    let res = h
        .post(
            &format!("/kartoitus/{helsinki}"),
            &[(&format!("q{}", q_last[0].0), "2")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    app.clock.set(crate::support::t0());
    let mut h = app.signed_in("hki@example.fi").await;
    let mut a = app.signed_in(COORD_A).await;
    let mut b = app.signed_in(COORD_B).await;

    // This year: the county coordinator fills it in, the regional coordinator edits it.
    h.get(&format!("/kartoitus/{helsinki}")).await;
    let this_year: i64 = sv::table
        .filter(sv::year.eq(2026))
        .select(sv::id)
        .first(&mut app.conn())
        .unwrap();
    let qs = question_ids(&app, this_year);
    let open = qs.iter().find(|q| !q.1).unwrap().0;
    let res = h
        .post(
            &format!("/kartoitus/{helsinki}"),
            &[
                (&format!("q{}", qs[0].0), "3"),
                (&format!("t{open}"), "Kanta-arkistointi"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let res = a
        .post(
            &format!("/kartoitus/{helsinki}"),
            &[
                (&format!("q{}", qs[0].0), "4"),
                (&format!("t{open}"), "Kanta-arkistointi"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let responses: Vec<(String, Option<i64>)> = sr::table
        .filter(sr::survey_id.eq(this_year))
        .select((sr::respondent_key, sr::county_id))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        responses,
        vec![(format!("county:{helsinki}"), Some(helsinki))]
    );
    let form = h.get(&format!("/kartoitus/{helsinki}")).await;
    assert!(form
        .body
        .contains("Viimeksi tallentanut Aila Aluekoordinaattori"));

    // Others may not touch it; the county coordinator cannot fill in another county's.
    assert_eq!(b.get(&format!("/kartoitus/{helsinki}")).await.status, 404);
    let res = b
        .post(
            &format!("/kartoitus/{helsinki}"),
            &[(&format!("q{}", qs[0].0), "1")],
        )
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(h.get(&format!("/kartoitus/{pirkanmaa}")).await.status, 404);
    assert_eq!(
        h.post(
            &format!("/kartoitus/{pirkanmaa}"),
            &[(&format!("q{}", qs[0].0), "1")]
        )
        .await
        .status,
        404
    );
    let bad = h
        .post(
            &format!("/kartoitus/{helsinki}"),
            &[(&format!("q{}", qs[0].0), "9")],
        )
        .await;
    assert_eq!(bad.status, 400);

    // Side by side, with last year beside this year's figure.
    let cmp = a.get("/kartoitus").await;
    assert_eq!(cmp.status, 200);
    assert!(cmp.body.contains("Helsingin kaupunki"));
    assert!(cmp.body.contains("Itä-Uudenmaan hyvinvointialue"));
    assert!(
        cmp.body
            .contains("<td>4 <span class=\"meta\">(2025: 2)</span></td>"),
        "{}",
        cmp.body
    );
    assert!(cmp.body.contains("Kanta-arkistointi"));
    let old = a.get("/kartoitus?vuosi=2025").await;
    assert!(old.body.contains("<td>2</td>"));
    assert_eq!(a.get("/kartoitus?vuosi=2030").await.status, 404);
    let bcmp = b.get("/kartoitus").await;
    assert!(!bcmp.body.contains("Helsingin kaupunki"));
    assert_eq!(
        b.get(&format!("/kartoitus?maakunta={helsinki}"))
            .await
            .status,
        403
    );
}

#[actix_web::test]
async fn the_overview_brings_the_areas_figures_together() {
    let app = world();
    member(&app, "m1@example.fi", "Mira Yksi", "helsinki");
    member(&app, "m2@example.fi", "Mikko Kaksi", "vantaa-kerava");
    member(&app, "m3@example.fi", "Mauno Kolme", "pirkanmaa");
    // An organisation with nobody in the network: a blind spot of Socca.
    organisation(&app, "ita-uusimaa");
    let mut a = app.signed_in(COORD_A).await;
    let f = region_survey(&app, true, "Väite.");
    let id = create_survey(&mut a, &pairs(&f)).await;
    answer_as(
        &app,
        1,
        "helsinki",
        id,
        &[(format!("q{}", question_ids(&app, id)[0].0), "4".into())],
    )
    .await;

    let who = kirjaamo::discussions::principal_of(
        &mut app.conn(),
        accounts::model::find_by_email(&mut app.conn(), COORD_A)
            .unwrap()
            .unwrap()
            .id,
    )
    .unwrap()
    .unwrap();
    let socca = kirjaamo::network::registry::Scope::Region(app.region_id("socca"));
    let o = surveys::overview::overview(
        &mut app.conn(),
        &who,
        socca,
        app.clock.now(),
        kirjaamo::i18n::Lang::Fi,
    )
    .unwrap();
    // Helsinki and Vantaa-Kerava members plus the respondent (Helsinki); not Pirkanmaa's.
    assert_eq!(o.members, 3);
    assert_eq!(o.active_members, 3);
    assert_eq!(o.blind_spots, 1);
    assert_eq!(o.surveys.len(), 1);
    assert_eq!(o.surveys[0].responses, 1);
    assert_eq!(o.cohorts_running, 0);
    assert_eq!(o.applications_waiting, 0);
    let page = a.get("/hallinta/yleiskuva").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Syyskysely 2026"));
    assert!(
        page.body.contains("Verkoston jäsenet</a></dt><dd>3</dd>"),
        "{}",
        page.body
    );
    let mut t = app.signed_in("m1@example.fi").await;
    assert_eq!(t.get("/hallinta/yleiskuva").await.status, 403);
}

/// The placeholders of the route matrix: `{survey}`, the fixture cohort's end-of-course
/// survey (the trainee answers it, coordinator A manages it), and `{county}`, Helsinki.
pub fn matrix_fixture(app: &TestApp, cohort: i64) -> Vec<(String, String)> {
    let mut conn = app.conn();
    let c = kirjaamo::cohorts::find(&mut conn, cohort).unwrap();
    let s =
        surveys::course_feedback::ensure_course_feedback(&mut conn, &c, app.clock.now()).unwrap();
    vec![
        ("{survey}".into(), s.id.to_string()),
        ("{county}".into(), app.county_id("helsinki").to_string()),
    ]
}

#[actix_web::test]
async fn the_demo_survey_has_results_to_show_and_is_seeded_once() {
    let app = TestApp::new();
    kirjaamo::demo::seed(&mut app.conn(), crate::support::PASSWORD, app.clock.now()).unwrap();
    kirjaamo::demo::seed(&mut app.conn(), crate::support::PASSWORD, app.clock.now()).unwrap();
    let demo: Vec<i64> = sv::table
        .filter(sv::title.eq(surveys::demo::DEMO_SURVEY))
        .select(sv::id)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(demo.len(), 1);
    let mut c = app.signed_in(kirjaamo::demo::COORDINATOR).await;
    let page = c.get(&format!("/kyselyt/{}/tulokset", demo[0])).await;
    assert!(page.body.contains("<svg"), "{}", page.body);
    assert!(c.get("/kartoitus").await.body.contains("Kanta"));
}
