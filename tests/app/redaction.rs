//! Client data written into a post by mistake is removed for good: a moderator redacts the
//! post (text, every revision, the thread title, the answer-bank copy and its search entry,
//! reports quoting it, stored and unsent e-mails), the author asks for it from the post, and
//! afterwards no text column of any table holds the removed words.

use crate::discussions::{ask, reply};
use crate::privacy::found_in;
use crate::support::TestApp;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{audit_log, cohorts as cohort_t};
use kirjaamo::db::schema_discussions::answer_bank;

/// Sends the digests that will be due at the next daily digest hour (the clock itself stays,
/// so sessions stay fresh).
async fn send_digests(app: &TestApp) -> usize {
    let msg = app.state.messaging();
    kirjaamo::discussions::digest::send_digests(
        &mut app.conn(),
        &msg,
        crate::discussions::next_digest_morning(app),
        app.state.config.digest_hour,
    )
    .unwrap()
}

#[actix_web::test]
async fn a_redacted_post_leaves_no_trace_of_its_words() {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    let t2 = app.user("trainee2@example.fi", "Kalle Kakkonen", None);
    kirjaamo::cohorts::enrol(&mut app.conn(), cohort, t2.id, app.clock.now()).unwrap();
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainee2 = app.signed_in("trainee2@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    trainee2
        .post("/keskustelut/asetukset", &[("email_mode", "daily")])
        .await;

    // The question names a client in its title and text, and an edit keeps the first version.
    let thread = ask(
        &mut trainee,
        cohort,
        "question",
        "Miten kirjaan Meikäläisen käynnin?",
        "Asiakas Matti Meikäläinen soitti eilen.",
    )
    .await;
    let opening: i64 = kirjaamo::db::schema_discussions::discussion_threads::table
        .find(thread)
        .select(kirjaamo::db::schema_discussions::discussion_threads::opening_post_id)
        .first::<Option<i64>>(&mut app.conn())
        .unwrap()
        .unwrap();
    let res = trainee
        .post(
            &format!("/keskustelut/viesti/{opening}/muokkaa"),
            &[
                ("title", "Miten kirjaan Meikäläisen käynnin?"),
                ("body", "Asiakas (hetu 010101-123A) soitti eilen."),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    // The trainer heard of it by e-mail, and that e-mail went out.
    app.state.mailer().deliver_due(100).await.unwrap();
    let answer = reply(
        &mut trainer,
        thread,
        "Kirjaa vain se, mikä on tarpeen.",
        None,
    )
    .await;
    trainer
        .post(&format!("/keskustelut/viesti/{answer}/paras"), &[])
        .await;
    // The answer bank took a copy, as drafted from the question.
    let res = trainer
        .post(
            &format!("/keskustelut/ketju/{thread}/vastauspankki"),
            &[
                ("title", "Miten kirjaan Meikäläisen käynnin?"),
                ("question", "Asiakas (hetu 010101-123A) soitti eilen."),
                ("answer", "Kirjaa vain se, mikä on tarpeen."),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let bank_url = res.location();
    let mut anon = app.browser().await;
    assert_eq!(anon.get(&bank_url).await.status, 200);
    assert!(anon
        .get("/tietopankki?q=Meik%C3%A4l%C3%A4isen")
        .await
        .body
        .contains(&bank_url));

    // A reply names another client: trainee2 follows in daily mode, the trainer at once (not
    // yet sent); a report quotes it; the author asks for removal.
    trainee2
        .post(
            &format!("/keskustelut/ketju/{thread}/seuranta"),
            &[("follow", "1")],
        )
        .await;
    let slip = reply(
        &mut trainee,
        thread,
        "Lisäksi Kvarnström, 020202-456B, oli paikalla.",
        None,
    )
    .await;
    assert_eq!(send_digests(&app).await, 1);
    trainee2
        .post(
            &format!("/keskustelut/viesti/{slip}/ilmoita"),
            &[("reason", "Tässä on Kvarnströmin henkilötunnus")],
        )
        .await;
    let page = trainee.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert!(page
        .body
        .contains(&format!("/keskustelut/viesti/{slip}/poistopyynto")));
    let res = trainee
        .post(
            &format!("/keskustelut/viesti/{slip}/poistopyynto"),
            &[("reason", "Kirjoitin Kvarnströmin tiedot vahingossa")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let again = trainee
        .post(&format!("/keskustelut/viesti/{slip}/poistopyynto"), &[])
        .await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("Olet jo pyytänyt"));
    for word in ["Meikäläinen", "010101-123A", "Kvarnström", "020202-456B"] {
        assert!(!found_in(&app, word).is_empty(), "{word} is there before");
    }

    // The request reaches the trainer's desk; only moderators may redact.
    let desk = trainer.get("/keskustelut/valmentaja").await;
    assert!(desk.body.contains("Poistopyynnöt"));
    assert!(desk
        .body
        .contains(&format!("/keskustelut/viesti/{slip}/poista-teksti")));
    assert_eq!(
        trainee
            .get(&format!("/keskustelut/viesti/{slip}/poista-teksti"))
            .await
            .status,
        403
    );
    let form = trainer
        .get(&format!("/keskustelut/viesti/{slip}/poista-teksti"))
        .await;
    assert_eq!(form.status, 200);
    assert!(form
        .body
        .contains("Jo lähetettyjä sähköposteja ei voi perua"));
    // Without a reason: the form again, nothing removed.
    let res = trainer
        .post(
            &format!("/keskustelut/viesti/{slip}/poista-teksti"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(!found_in(&app, "020202-456B").is_empty());
    let res = trainer
        .post(
            &format!("/keskustelut/viesti/{slip}/poista-teksti"),
            &[("reason", "Asiakastietoja")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = trainer.get(&res.location()).await;
    assert!(page
        .body
        .contains("Viestin teksti ja sen aiemmat versiot on poistettu pysyvästi."));
    assert!(page
        .body
        .contains("Viestin teksti on poistettu pysyvästi 23.11.2026."));

    // The opening post: the sent e-mail is counted on the form; the title is replaced too.
    let form = trainer
        .get(&format!("/keskustelut/viesti/{opening}/poista-teksti"))
        .await;
    assert!(
        form.body
            .contains("Tästä viestistä on lähetetty yksi sähköposti-ilmoitus."),
        "{}",
        form.body
    );
    assert!(form.body.contains("name=\"title\""));
    let res = trainer
        .post(
            &format!("/keskustelut/viesti/{opening}/poista-teksti"),
            &[
                ("reason", "Asiakastietoja"),
                ("title", "Käynnin kirjaaminen"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = trainer.get(&res.location()).await;
    assert!(page
        .body
        .contains("vastauspankin kopio on poistettu julkaisusta"));
    assert!(page.body.contains("Käynnin kirjaaminen"));
    assert_eq!(anon.get(&bank_url).await.status, 404, "the copy is offline");
    assert!(!anon
        .get("/tietopankki?q=Meik%C3%A4l%C3%A4isen")
        .await
        .body
        .contains(&bank_url));
    let withdrawn: Option<chrono::NaiveDateTime> = answer_bank::table
        .select(answer_bank::withdrawn_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(withdrawn.is_some());

    // Nowhere any more: no table, no column, no stored e-mail.
    for word in [
        "Meikäläinen",
        "Meikäläisen",
        "010101-123A",
        "Kvarnström",
        "020202-456B",
    ] {
        assert_eq!(found_in(&app, word), Vec::<String>::new(), "{word}");
    }
    // What else was there stays: the answer, the people, the thread.
    assert!(!found_in(&app, "Kirjaa vain se, mikä on tarpeen").is_empty());
    let region: Option<i64> = cohort_t::table
        .find(cohort)
        .select(cohort_t::region_id)
        .first(&mut app.conn())
        .unwrap();
    let logged: Vec<(Option<i64>, String)> = audit_log::table
        .filter(audit_log::action.eq("post.redact"))
        .select((audit_log::region_id, audit_log::details))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(logged.len(), 2);
    assert!(logged
        .iter()
        .all(|(r, d)| *r == region && d.contains("Asiakastietoja")));
    // The request is handled; the desk no longer lists it.
    let desk = trainer.get("/keskustelut/valmentaja").await;
    assert!(desk.body.contains("Ei avoimia poistopyyntöjä."));
    // Twice: a clear refusal.
    assert_eq!(
        trainer
            .get(&format!("/keskustelut/viesti/{slip}/poista-teksti"))
            .await
            .status,
        409
    );
}

#[actix_web::test]
async fn the_areas_coordinator_and_an_admin_redact_others_may_not() {
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
    app.user(
        "pekka@example.fi",
        "Pekka",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("pikassos"),
        }),
    );
    app.user("admin@example.fi", "Anna Admin", Some(Role::Admin));
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let thread = ask(
        &mut trainee,
        cohort,
        "discussion",
        "Ajatuksia",
        "Ensimmäinen",
    )
    .await;
    let first = reply(&mut trainee, thread, "Asiakas Aaltonen", None).await;
    let second = reply(&mut trainee, thread, "Asiakas Bäckman", None).await;
    let mut pekka = app.signed_in("pekka@example.fi").await;
    assert_eq!(
        pekka
            .post(
                &format!("/keskustelut/viesti/{first}/poista-teksti"),
                &[("reason", "x")]
            )
            .await
            .status,
        404,
        "another region's coordinator does not even see it"
    );
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let res = kaisa
        .post(
            &format!("/keskustelut/viesti/{first}/poista-teksti"),
            &[("reason", "Asiakastietoja")],
        )
        .await;
    assert_eq!(res.status, 303);
    let mut admin = app.signed_in("admin@example.fi").await;
    let res = admin
        .post(
            &format!("/keskustelut/viesti/{second}/poista-teksti"),
            &[("reason", "Asiakastietoja")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert!(found_in(&app, "Aaltonen").is_empty());
    assert!(found_in(&app, "Bäckman").is_empty());
    // The author sees that it happened, and why.
    let page = trainee.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert_eq!(
        page.body
            .matches("Viestin teksti on poistettu pysyvästi")
            .count(),
        2
    );
    assert!(page.body.contains("Asiakastietoja"));
}
