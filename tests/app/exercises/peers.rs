//! Peer review in the database: a lapsed review goes to a faithful peer (and says so by
//! e-mail), a trainee who owes reviews may ask for one, the waiting-for-review mail comes at
//! most once a day, and the discussion e-mail setting and the unsubscribe link are honoured.

use super::*;
use diesel::prelude::*;
use kirjaamo::mail::Messaging;

fn run_job(app: &TestApp) -> usize {
    let msg = Messaging {
        templates: &app.state.templates,
        base_url: &app.state.config.base_url,
        secret: &app.state.config.secret,
    };
    kirjaamo::exercises::peers::expire_overdue(&mut app.conn(), &msg, app.clock.now()).unwrap()
}

fn statuses(app: &TestApp) -> Vec<(Option<i64>, i64, String)> {
    er::table
        .inner_join(ee::table)
        .filter(er::kind.eq("peer"))
        .order(er::id)
        .select((er::reviewer_id, ee::user_id, er::status))
        .load(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn a_lapsed_review_goes_to_a_peer_who_reviews() {
    let app = TestApp::new();
    publish(&app);
    let people = [
        (A, "Tiina Trainee"),
        (B, "Kalle Kakkonen"),
        ("c@example.fi", "Cecilia Kolmas"),
        ("d@example.fi", "Daniel Neljäs"),
    ];
    let cohort = cohort_with(&app, &people, TRAINER);
    for (email, _) in &people[..3] {
        let mut b = app.signed_in(email).await;
        submit(&mut b, cohort, GOOD).await;
    }
    // k = 1: A and B review each other; C arrived when both had one, so an open assignment
    // was split for C.
    let before = statuses(&app);
    assert_eq!(before.len(), 3, "{before:?}");
    assert!(before.iter().all(|(_, _, s)| s == "assigned"));
    // D writes, then every review but A's gets done.
    let mut d = app.signed_in("d@example.fi").await;
    submit(&mut d, cohort, GOOD).await;
    let a_id = user_id(&app, A).unwrap();
    for (email, _) in &people {
        if *email == A {
            continue;
        }
        if let Some(r) = er::table
            .filter(er::reviewer_id.eq(user_id(&app, email).unwrap()))
            .filter(er::status.eq("assigned"))
            .select(er::id)
            .first::<i64>(&mut app.conn())
            .optional()
            .unwrap()
        {
            let mut b = app.signed_in(email).await;
            let res = review(
                &mut b,
                r,
                &["1", "1"],
                "Näkemys erottuu hyvin, jatkosta voisi kertoa lisää.",
            )
            .await;
            assert_eq!(res.status, 303, "{}", res.body);
        }
    }
    let a_owes: Vec<i64> = er::table
        .filter(er::reviewer_id.eq(a_id))
        .filter(er::status.eq("assigned"))
        .select(er::id)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(a_owes.len(), 1);
    // Nothing lapses inside the window.
    app.clock.advance(chrono::Duration::days(6));
    assert_eq!(run_job(&app), 0);
    // After the window, A's review lapses and goes to someone who is not its author, not A,
    // and has not had the entry.
    app.clock.advance(chrono::Duration::days(2));
    let outbox_before = app.outbox().len();
    assert_eq!(run_job(&app), 1);
    assert_eq!(run_job(&app), 0, "a second run finds nothing");
    let (_, author, status): (Option<i64>, i64, String) = er::table
        .inner_join(ee::table)
        .filter(er::id.eq(a_owes[0]))
        .select((er::reviewer_id, ee::user_id, er::status))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "expired");
    let replacement: Vec<Option<i64>> = er::table
        .inner_join(ee::table)
        .filter(ee::user_id.eq(author))
        .filter(er::status.eq("assigned"))
        .select(er::reviewer_id)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(replacement.len(), 1, "the entry got a new reviewer");
    let r = replacement[0].unwrap();
    assert!(r != a_id && r != author);
    assert!(
        app.outbox().len() > outbox_before,
        "the new reviewer is told"
    );
    // A's page says the review went to someone else; A can no longer send it.
    let mut a = app.signed_in(A).await;
    let res = review(
        &mut a,
        a_owes[0],
        &["1", "1"],
        "Myöhässä lähetetty arvio, jota ei enää oteta.",
    )
    .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Tämän arvion aika päättyi"));
    // A still owes a review: A may ask for another entry, and gets one they have not had.
    let page = a.get(&format!("/ryhmat/{cohort}/{LESSON}")).await.body;
    assert!(page.contains("Hae arvioitava kirjaus"));
    let res = a
        .post(
            &format!("/ryhmat/{cohort}/{LESSON}"),
            &[("action", "request_review")],
        )
        .await;
    assert_eq!(res.status, 303);
    let open: i64 = er::table
        .filter(er::reviewer_id.eq(a_id))
        .filter(er::status.eq("assigned"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(open, 1);
}

#[actix_web::test]
async fn the_waiting_mail_comes_once_a_day_and_follows_the_e_mail_settings() {
    let app = TestApp::new();
    publish(&app);
    let people = [
        (A, "Tiina Trainee"),
        (B, "Kalle Kakkonen"),
        ("c@example.fi", "Cecilia Kolmas"),
        ("d@example.fi", "Daniel Neljäs"),
    ];
    let cohort = cohort_with(&app, &people, TRAINER);
    // B turns discussion e-mail off altogether: no exercise e-mail either.
    let mut b = app.signed_in(B).await;
    assert_eq!(
        b.post("/keskustelut/asetukset", &[("email_mode", "off")])
            .await
            .status,
        303
    );
    for (email, _) in &people {
        let mut x = app.signed_in(email).await;
        submit(&mut x, cohort, GOOD).await;
    }
    assert!(mails_to(&app, B).is_empty(), "{:?}", mails_to(&app, B));
    // A got assignments at two moments of the same day: one mail.
    let waiting: Vec<(String, String)> = mails_to(&app, A)
        .into_iter()
        .filter(|(s, _)| s.starts_with("Vertaisen kirjaus odottaa"))
        .collect();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    // The unsubscribe link asks first, then stops exercise mail.
    let link = crate::support::link_in(&waiting[0].1, "/harjoitukset/peru-tilaus/").unwrap();
    let path = link
        .trim_start_matches(&app.state.config.base_url)
        .to_string();
    let mut anon = app.browser().await;
    let page = anon.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Haluatko lopettaa"));
    assert!(
        !kirjaamo::exercises::notify::opted_out(&mut app.conn(), user_id(&app, A).unwrap())
            .unwrap()
    );
    let done = anon.post(&path, &[]).await;
    assert_eq!(done.status, 200);
    assert!(done
        .body
        .contains("Et saa enää sähköpostia kirjausharjoituksista."));
    assert!(
        kirjaamo::exercises::notify::opted_out(&mut app.conn(), user_id(&app, A).unwrap()).unwrap()
    );
    assert_eq!(
        anon.get("/harjoitukset/peru-tilaus/forged.token.x")
            .await
            .status,
        410
    );
    // A turns it back on from the exercises page.
    let mut a = app.signed_in(A).await;
    let res = a.post("/harjoitukset/sahkoposti", &[("mail", "on")]).await;
    assert_eq!(res.status, 303);
    assert!(
        !kirjaamo::exercises::notify::opted_out(&mut app.conn(), user_id(&app, A).unwrap())
            .unwrap()
    );
    let mine = a.get("/harjoitukset").await.body;
    assert!(mine.contains("Omat kirjaukseni") && mine.contains("Harjoitus: kotikäynti"));
}
