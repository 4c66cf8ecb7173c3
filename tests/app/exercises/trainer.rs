//! The trainer's side: hiding an unhelpful review with a reason, publishing an assessed entry
//! as an example (only with the writer's consent, withdrawn with it), the cohort's figures
//! with the accessible chart, who may see what, and the writer's data (download, deletion).

use super::*;
use diesel::prelude::*;

/// Both trainees have submitted and reviewed each other; returns A's entry.
async fn reviewed(app: &TestApp, cohort: i64) -> i64 {
    let mut a = app.signed_in(A).await;
    let mut b = app.signed_in(B).await;
    submit(&mut a, cohort, GOOD).await;
    submit(&mut b, cohort, GOOD).await;
    let (ra, rb) = (
        assignment_of(app, A).unwrap(),
        assignment_of(app, B).unwrap(),
    );
    assert_eq!(
        review(
            &mut a,
            ra,
            &["2", "2"],
            "Selkeä kirjaus, jossa Ainon ääni kuuluu hyvin."
        )
        .await
        .status,
        303
    );
    assert_eq!(
        review(
            &mut b,
            rb,
            &["0", "1"],
            "Turha kirjaus, en jaksanut lukea tätä loppuun."
        )
        .await
        .status,
        303
    );
    entry_of(app, A).unwrap()
}

#[actix_web::test]
async fn a_trainer_hides_an_unhelpful_review_with_a_reason() {
    let (app, cohort) = world();
    let entry = reviewed(&app, cohort).await;
    let rb = assignment_of(&app, B).unwrap();
    let mut t = app.signed_in(TRAINER).await;
    let res = t
        .post(
            &format!("/harjoitukset/arviot/{rb}/piilota"),
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Kirjoita syy."));
    let res = t
        .post(
            &format!("/harjoitukset/arviot/{rb}/piilota"),
            &[(
                "reason",
                "Arvio ei kerro, mitä kirjauksessa voisi parantaa.",
            )],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        res.location(),
        format!("/harjoitukset/vastaus/{entry}#arviot")
    );
    let mut a = app.signed_in(A).await;
    let page = a.get(&format!("/ryhmat/{cohort}/{LESSON}")).await.body;
    assert!(
        !page.contains("Turha kirjaus"),
        "the hidden review is not shown"
    );
    assert!(page.contains("Valmentaja piilotti yhden vertaisarvion: Arvio ei kerro, mitä kirjauksessa voisi parantaa."));
    // The trainee cannot hide reviews; the trainer can show it again.
    assert_eq!(
        a.post(&format!("/harjoitukset/arviot/{rb}/palauta"), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        t.post(&format!("/harjoitukset/arviot/{rb}/palauta"), &[])
            .await
            .status,
        303
    );
    assert!(a
        .get(&format!("/ryhmat/{cohort}/{LESSON}"))
        .await
        .body
        .contains("Turha kirjaus"));
}

#[actix_web::test]
async fn an_example_is_published_only_with_consent_and_leaves_with_it() {
    let (app, cohort) = world();
    let entry = reviewed(&app, cohort).await;
    let mut t = app.signed_in(TRAINER).await;
    let assess = [
        ("r0", "2"),
        ("r1", "2"),
        (
            "comment",
            "Erinomainen esimerkki asiakkaan äänen kirjaamisesta.",
        ),
    ];
    assert_eq!(
        t.post(&format!("/harjoitukset/vastaus/{entry}"), &assess)
            .await
            .status,
        303
    );
    let form = format!("/harjoitukset/vastaus/{entry}/julkaise");
    let res = t.get(&form).await;
    assert_eq!(res.status, 400, "no consent yet");
    assert!(res
        .body
        .contains("Kirjoittaja ei ole antanut lupaa julkaisuun."));
    let mut a = app.signed_in(A).await;
    let lesson_url = format!("/ryhmat/{cohort}/{LESSON}");
    assert_eq!(
        a.post(&lesson_url, &[("action", "consent"), ("consent", "1")])
            .await
            .status,
        303
    );
    let page = t.get(&form).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Aino kertoo pärjäävänsä kotona"),
        "the entry to edit"
    );
    assert!(
        page.body.contains("Erinomainen esimerkki"),
        "the feedback to edit"
    );
    // The published copy is checked too.
    let res = t
        .post(
            &form,
            &[
                ("title", "Kotikäynti"),
                ("entry_text", "Kirjoittaja Tiina, puh. 040 123 4567"),
                ("feedback", "Hyvä."),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("tekstissä on puhelinnumero"));
    let res = t
        .post(
            &form,
            &[
                ("title", "Esimerkki: kotikäynnin kirjaus"),
                ("entry_text", GOOD),
                (
                    "feedback",
                    "**Asiakkaan ääni** kuuluu: Ainon toive on kirjattu omaksi lauseekseen.",
                ),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let public = res.location();
    let mut anon = app.browser().await;
    let page = anon.get(&public).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Esimerkki: kotikäynnin kirjaus"));
    assert!(page.body.contains("<strong>Asiakkaan ääni</strong>"));
    assert!(!page.body.contains("Tiina"), "no names");
    let index = anon.get("/tietopankki").await.body;
    assert!(
        index.contains("Esimerkkikirjaukset") && index.contains(&public),
        "{index}"
    );
    let found = anon.get("/tietopankki?q=kotik%C3%A4ynnin").await.body;
    assert!(found.contains(&public), "search finds it");
    // The writer withdraws consent: the example goes offline at once.
    assert_eq!(
        a.post(&lesson_url, &[("action", "consent"), ("consent", "0")])
            .await
            .status,
        303
    );
    assert_eq!(anon.get(&public).await.status, 404);
    assert!(!anon
        .get("/tietopankki?q=kotik%C3%A4ynnin")
        .await
        .body
        .contains(&public));
}

#[actix_web::test]
async fn the_cohorts_figures_show_where_documentation_is_weakest() {
    let (app, cohort) = world();
    reviewed(&app, cohort).await;
    let mut t = app.signed_in(TRAINER).await;
    let page = t.get(&format!("/harjoitukset/ryhma/{cohort}")).await;
    assert_eq!(page.status, 200);
    let body = page.body;
    assert!(body.contains(r#"role="img" aria-labelledby="chart-0-title chart-0-desc""#));
    assert!(
        body.contains("Asiakkaan oma näkemys erottuu (2 arviota)"),
        "the chart's description"
    );
    assert!(body.contains("Heikoimmin onnistunut kriteeri: Asiakkaan oma näkemys erottuu."));
    assert!(body.contains("Tiina Trainee") && body.contains("Kalle Kakkonen"));
    assert!(body.contains("2 / 2"), "submitted / trainees");
    // Trainees do not see the cohort's entries; another cohort's trainer sees nothing.
    let mut a = app.signed_in(A).await;
    assert_eq!(
        a.get(&format!("/harjoitukset/ryhma/{cohort}")).await.status,
        403
    );
    let entry_b = entry_of(&app, B).unwrap();
    assert_eq!(
        a.get(&format!("/harjoitukset/vastaus/{entry_b}"))
            .await
            .status,
        404
    );
    app.user(
        "other-trainer@example.fi",
        "Olli Muu",
        Some(kirjaamo::accounts::Role::Trainer),
    );
    let mut o = app.signed_in("other-trainer@example.fi").await;
    assert_eq!(
        o.get(&format!("/harjoitukset/ryhma/{cohort}")).await.status,
        404
    );
    assert_eq!(
        o.get(&format!("/harjoitukset/vastaus/{entry_b}"))
            .await
            .status,
        404
    );
    // A review page is only its reviewer's.
    let rb = assignment_of(&app, B).unwrap();
    assert_eq!(
        a.get(&format!("/harjoitukset/arvioi/{rb}")).await.status,
        404
    );
}

#[actix_web::test]
async fn the_writers_data_is_in_the_download_and_goes_with_the_account() {
    let (app, cohort) = world();
    reviewed(&app, cohort).await;
    let mut a = app.signed_in(A).await;
    let data = a.get("/tili/omat-tiedot").await.body;
    let json: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(json["exercises"]["entries"][0]["versions"][0]["text"], GOOD);
    assert!(json["exercises"]["reviews_written"][0]["comment"]
        .as_str()
        .unwrap()
        .contains("Ainon ääni kuuluu"));
    let a_id = user_id(&app, A).unwrap();
    kirjaamo::privacy::erasure::delete_account(
        &mut app.conn(),
        &app.state.config.secret,
        a_id,
        &kirjaamo::privacy::erasure::DeletedBy::Themselves,
        app.clock.now(),
    )
    .unwrap();
    let left: i64 = ee::table
        .filter(ee::user_id.eq(a_id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(left, 0, "the entries are gone");
    // B's entry keeps A's review (without a name), as discussions keep posts.
    let kept: Vec<(Option<i64>, String)> = er::table
        .filter(er::kind.eq("peer"))
        .filter(er::status.eq("done"))
        .select((er::reviewer_id, er::comment))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].0, None);
}
