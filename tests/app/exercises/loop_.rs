//! The whole loop, as the people would do it: two trainees write (a draft, the checker), submit
//! and review each other, assess themselves, the trainer assesses from the desk, the lesson
//! and the course complete, and every e-mail is queued.

use super::*;
use diesel::prelude::*;
use kirjaamo::db::schema::{completions, lesson_progress, lessons};

#[actix_web::test]
async fn two_trainees_review_each_other_the_trainer_assesses_and_the_course_completes() {
    let (app, cohort) = world();
    let mut a = app.signed_in(A).await;
    let mut b = app.signed_in(B).await;
    let lesson_url = format!("/ryhmat/{cohort}/{LESSON}");

    // The lesson shows the case, the task and the rubric, and an empty writing form.
    let page = a.get(&lesson_url).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Aino (84 v.) kertoo pärjäävänsä kotona"));
    assert!(page.body.contains("Asiakkaan oma näkemys erottuu"));
    assert!(page.body.contains(r#"name="action" value="submit""#));
    assert!(
        !page.body.contains("Havaitsin, että jääkaapissa"),
        "no model before submitting"
    );
    // The lesson cannot be marked read: the exercise decides.
    assert_eq!(
        a.post(&format!("{lesson_url}/luettu"), &[]).await.status,
        400
    );

    // A draft is kept; "check" shows what a trainer would point out, with the reasons.
    let draft = "Asiakas oli hankala. KH käy. On sovittu uusi käynti.";
    let res = super::write(&mut a, cohort, "save", draft).await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location(), format!("{lesson_url}#harjoitus"));
    let page = a.get(&lesson_url).await;
    assert!(page.body.contains("Luonnos tallennettu."), "the notice");
    assert!(
        page.body.contains("Asiakas oli hankala. KH käy."),
        "the draft is back"
    );
    let res = super::write(&mut a, cohort, "check", draft).await;
    assert_eq!(res.location(), format!("{lesson_url}?vinkit=1#harjoitus"));
    let hints = a.get(&res.location()).await.body;
    for expected in [
        "Tarkistimen huomiot",
        "Leimaava sana</strong>: <q>hankala</q>",
        "Sana leimaa asiakasta. Kuvaa, mitä tapahtui.",
        "Avaamaton lyhenne</strong>: <q>KH</q>",
        "Kuka teki?</strong>: <q>On sovittu uusi käynti.</q>",
        "Asiakkaan oma näkemys ei näy.",
    ] {
        assert!(hints.contains(expected), "hint {expected:?} in {hints}");
    }

    // A submits: nobody else has, so there is nobody to review yet.
    submit(&mut a, cohort, GOOD).await;
    let page = a.get(&lesson_url).await.body;
    assert!(page.contains("Kirjaus lähetetty."), "the notice");
    assert!(
        page.contains("Havaitsin, että jääkaapissa oli vähän ruokaa."),
        "the model shows"
    );
    assert!(page.contains("Mallissa Ainon näkemys ja havainto ovat erillään."));
    assert_eq!(assignment_of(&app, A), None);

    // B submits: each gets the other's entry, and both are told (once a day at most).
    submit(
        &mut b,
        cohort,
        "Aino kertoo voivansa hyvin.\nHavaitsin, että hän käveli tukea ottaen.",
    )
    .await;
    let (ra, rb) = (
        assignment_of(&app, A).unwrap(),
        assignment_of(&app, B).unwrap(),
    );
    for who in [A, B] {
        let mails = mails_to(&app, who);
        assert_eq!(mails.len(), 1, "{who}: {mails:?}");
        assert!(
            mails[0]
                .0
                .starts_with("Vertaisen kirjaus odottaa arviotasi"),
            "{mails:?}"
        );
        assert!(mails[0].1.contains("/harjoitukset"));
        assert!(
            mails[0].1.contains("/harjoitukset/peru-tilaus/"),
            "an unsubscribe link"
        );
    }

    // A reviews B's entry: the page shows the entry but not whose it is.
    let page = a.get(&format!("/harjoitukset/arvioi/{ra}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Aino kertoo voivansa hyvin."));
    assert!(
        !page.body.contains("Kalle Kakkonen"),
        "the writer is anonymous"
    );
    // Every criterion and a sentence are needed; nothing is stored otherwise.
    let res = review(&mut a, ra, &["2"], "Hyvä.").await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Valitse taso jokaiselle kriteerille."));
    assert!(res
        .body
        .contains("Kirjoita palautteeseen vähintään yksi kokonainen lause."));
    let res = review(
        &mut a,
        ra,
        &["2", "1"],
        "Ainon oma näkemys näkyy hyvin. Kirjoittaisin vielä, mitä sovitte jatkosta.",
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location(), "/harjoitukset");
    // Once sent, the review is final.
    let again = review(
        &mut a,
        ra,
        &["0", "0"],
        "Toinen yritys lähettää sama arvio uudelleen.",
    )
    .await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("Olet jo lähettänyt tämän arvion."));
    let arrived = mails_to(&app, B);
    assert!(
        arrived
            .iter()
            .any(|(s, t)| s.starts_with("Kirjauksesi sai vertaisarvion")
                && t.contains(&format!("{lesson_url}#palaute"))),
        "{arrived:?}"
    );

    // B reviews A's entry; A sees it anonymously, with the levels' names.
    let res = review(
        &mut b,
        rb,
        &["1", "2"],
        "Havainnot ja arvio erottuvat selvästi toisistaan.",
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = a.get(&lesson_url).await.body;
    assert!(page.contains("Vertaisarvio 1"));
    assert!(page.contains("Havainnot ja arvio erottuvat selvästi toisistaan."));
    assert!(page.contains("Osittain"), "the level's name");
    assert!(
        !page.contains("Kalle Kakkonen"),
        "the reviewer is anonymous"
    );

    // The self-assessment.
    let res = a
        .post(&lesson_url, &[("action", "self"), ("r0", "2"), ("r1", "2")])
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location(), format!("{lesson_url}#itsearvio"));

    // Not done yet: the trainer's assessment is required too. The desk lists both entries,
    // oldest first, with their writers.
    let lesson_id: i64 = lessons::table
        .filter(lessons::slug.eq(LESSON))
        .select(lessons::id)
        .first(&mut app.conn())
        .unwrap();
    let a_id = user_id(&app, A).unwrap();
    let done = |app: &TestApp| -> bool {
        lesson_progress::table
            .find((a_id, lesson_id))
            .select(lesson_progress::done_at)
            .first::<Option<chrono::NaiveDateTime>>(&mut app.conn())
            .optional()
            .unwrap()
            .flatten()
            .is_some()
    };
    assert!(!done(&app));
    // An hour and a half later (within everyone's session) the trainer opens the desk.
    app.clock.advance(chrono::Duration::minutes(90));
    let mut t = app.signed_in(TRAINER).await;
    let desk = t.get("/keskustelut/valmentaja").await.body;
    let first = desk
        .find("Tiina Trainee")
        .unwrap_or_else(|| panic!("A's entry on the desk: {desk}"));
    let second = desk.find("Kalle Kakkonen").expect("B's entry on the desk");
    assert!(first < second, "oldest first");
    assert!(desk.contains("1 h"), "the waiting time");
    let entry = entry_of(&app, A).unwrap();
    let page = t.get(&format!("/harjoitukset/vastaus/{entry}")).await.body;
    assert!(
        page.contains("Tiina Trainee") && page.contains("Kalle Kakkonen"),
        "names for the trainer"
    );
    // A quote must come from the entry.
    let bad = t
        .post(
            &format!("/harjoitukset/vastaus/{entry}"),
            &[
                ("r0", "2"),
                ("r1", "1"),
                ("quote", "Asiakas on hankala."),
                ("comment", "Hyvä kirjaus, jossa asiakkaan ääni kuuluu."),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .body
        .contains("Lainauksen pitää olla kirjauksen viimeisimmästä versiosta."));
    let res = t
        .post(
            &format!("/harjoitukset/vastaus/{entry}"),
            &[
                ("r0", "2"),
                ("r1", "1"),
                ("quote", "Havaitsin, että jääkaapissa oli vähän ruokaa."),
                (
                    "comment",
                    "Hyvä kirjaus, jossa Ainon ääni kuuluu. Kirjoita arvio omaksi lauseekseen.",
                ),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(mails_to(&app, A)
        .iter()
        .any(|(s, _)| s.starts_with("Valmentaja arvioi kirjauksesi")));
    assert!(
        done(&app),
        "self, peer and trainer done: the lesson is done"
    );
    let page = a.get(&lesson_url).await.body;
    assert!(page.contains("<blockquote class=\"quote\"><p>Havaitsin, että jääkaapissa oli vähän ruokaa.</p></blockquote>"));
    assert!(page.contains("Valmentajan arvio: Ville Valmentaja"));
    assert!(
        !t.get("/keskustelut/valmentaja")
            .await
            .body
            .contains("Tiina Trainee"),
        "off the desk"
    );

    // The last lesson read completes the course: certificate, membership, e-mails.
    let res = a
        .post(&format!("/ryhmat/{cohort}/lukeminen/luettu"), &[])
        .await;
    assert_eq!(res.status, 303);
    let completed: i64 = completions::table
        .filter(completions::user_id.eq(a_id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(completed, 1);

    // A may revise once; both versions show, and the revision goes back to the trainer.
    let revised = format!("{GOOD}\nArvioin, että Aino tarvitsee apua asiointiin.");
    submit(&mut a, cohort, &revised).await;
    let page = a.get(&lesson_url).await.body;
    assert!(page.contains("Ensimmäinen versio") && page.contains("Korjattu versio"));
    assert!(!page.contains(r#"value="submit""#), "no third version");
    let third = super::write(
        &mut a,
        cohort,
        "submit",
        "Kolmas versio, jota ei voi enää lähettää.",
    )
    .await;
    assert_eq!(third.status, 400);
    assert!(third.body.contains("Kirjausta voi korjata vain kerran."));
    assert!(
        t.get("/keskustelut/valmentaja")
            .await
            .body
            .contains("Tiina Trainee"),
        "back on the desk"
    );
}

#[actix_web::test]
async fn the_exercise_pages_speak_swedish() {
    let (app, cohort) = world();
    let mut a = app.signed_in(A).await;
    assert_eq!(
        a.post("/tili/kieli", &[("language", "sv")]).await.status,
        303
    );
    let page = a.get(&format!("/ryhmat/{cohort}/{LESSON}")).await.body;
    assert!(page.contains("<html lang=\"sv\">"));
    for sv in [
        "Dokumentationsövning",
        "Bedömningskriterier",
        "Skriv anteckningen",
        "Skicka in för bedömning",
    ] {
        assert!(page.contains(sv), "{sv}");
    }
    let res = super::write(
        &mut a,
        cohort,
        "submit",
        "Asiakas 131052-308T kertoo voivansa hyvin.",
    )
    .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains(
        "Skriv inte uppgifter som identifierar klienter: texten innehåller en personbeteckning."
    ));
    submit(&mut a, cohort, GOOD).await;
    let page = a.get(&format!("/ryhmat/{cohort}/{LESSON}")).await.body;
    assert!(
        page.contains("Anteckningen inskickad."),
        "the notice in Swedish"
    );
    assert!(page.contains("Självbedömning") && page.contains("Modellanteckning"));
    assert!(a
        .get("/harjoitukset")
        .await
        .body
        .contains("Mina anteckningar"));
}

#[actix_web::test]
async fn a_submission_sent_twice_is_made_once() {
    let (app, cohort) = world();
    let mut a = app.signed_in(A).await;
    let url = format!("/ryhmat/{cohort}/{LESSON}");
    let page = a.get(&url).await.body;
    let marker = "name=\"idempotency_key\" value=\"";
    let at = page.find(marker).expect("the form carries a key") + marker.len();
    let key = page[at..].split('"').next().unwrap().to_string();
    let fields = [
        ("action", "submit"),
        ("body", GOOD),
        ("idempotency_key", key.as_str()),
    ];
    let first = a.post(&url, &fields).await;
    let second = a.post(&url, &fields).await;
    assert_eq!((first.status, second.status), (303, 303));
    assert_eq!(first.location(), second.location());
    use kirjaamo::db::schema_exercises::exercise_versions as ev;
    let versions: i64 = ev::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(versions, 1, "one version, not a revision");
}
