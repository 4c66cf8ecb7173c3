//! The privacy guard: an identity code (valid check character, old and 2023 century signs), a
//! phone number or an e-mail address in an exercise text or a discussion post is refused with
//! a message naming it, the text stays in the form, and nothing is stored.

use super::*;
use diesel::prelude::*;
use kirjaamo::db::schema_discussions::{discussion_posts as dp, discussion_threads as dt};
use kirjaamo::db::schema_exercises::exercise_versions as ev;

fn stored_texts(app: &TestApp) -> Vec<String> {
    let mut texts: Vec<String> = ee::table.select(ee::draft).load(&mut app.conn()).unwrap();
    texts.extend(
        ev::table
            .select(ev::body)
            .load::<String>(&mut app.conn())
            .unwrap(),
    );
    texts.extend(
        er::table
            .select(er::comment)
            .load::<String>(&mut app.conn())
            .unwrap(),
    );
    texts
}

#[actix_web::test]
async fn identifying_details_in_an_entry_are_refused_and_nothing_is_stored() {
    let (app, cohort) = world();
    let mut a = app.signed_in(A).await;
    for (text, message) in [
        (
            "Aino (131052-308T) kertoo pärjäävänsä.",
            "tekstissä on henkilötunnus",
        ),
        (
            "Aino (131052A308T) kertoo pärjäävänsä.",
            "tekstissä on henkilötunnus",
        ),
        (
            "Aino (131052Y308T) kertoo pärjäävänsä.",
            "tekstissä on henkilötunnus",
        ),
        (
            "Ainon tytär, puh. 040 123 4567, soitti.",
            "tekstissä on puhelinnumero",
        ),
        (
            "Ainon tytär (tytar@example.fi) soitti.",
            "tekstissä on sähköpostiosoite",
        ),
    ] {
        for action in ["save", "check", "submit"] {
            let res = super::write(&mut a, cohort, action, text).await;
            assert_eq!(res.status, 400, "{action} {text}");
            assert!(
                res.body
                    .contains("Älä kirjoita tunnistettavia asiakastietoja"),
                "{text}"
            );
            assert!(res.body.contains(message), "{text}: {message}");
            assert!(
                res.body.contains(text),
                "the text stays in the form: {text}"
            );
            assert!(res.body.contains(r#"aria-invalid="true""#));
        }
    }
    assert!(
        stored_texts(&app).iter().all(|t| t.is_empty()),
        "{:?}",
        stored_texts(&app)
    );
    assert_eq!(assignment_of(&app, A), None);
    // Codes with a wrong check character or an impossible date are not identity codes.
    let res = super::write(
        &mut a,
        cohort,
        "save",
        "Arkistotunnus 131052-308S ja 321052-308T.",
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
}

#[actix_web::test]
async fn reviews_and_assessments_are_guarded_too() {
    let (app, cohort) = world();
    let mut a = app.signed_in(A).await;
    let mut b = app.signed_in(B).await;
    submit(&mut a, cohort, GOOD).await;
    submit(&mut b, cohort, GOOD).await;
    let ra = assignment_of(&app, A).unwrap();
    let res = review(
        &mut a,
        ra,
        &["1", "1"],
        "Hyvä, mutta soita minulle numeroon 050 765 4321 niin kerron lisää.",
    )
    .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("tekstissä on puhelinnumero"));
    assert!(
        res.body.contains("050 765 4321"),
        "the text stays in the form"
    );
    let mut t = app.signed_in(TRAINER).await;
    let entry = entry_of(&app, A).unwrap();
    let res = t
        .post(
            &format!("/harjoitukset/vastaus/{entry}"),
            &[
                ("r0", "1"),
                ("r1", "1"),
                (
                    "comment",
                    "Kysy lisää: valmentaja@example.fi, vastaan mielelläni.",
                ),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("tekstissä on sähköpostiosoite"));
    assert!(stored_texts(&app)
        .iter()
        .all(|t| !t.contains('@') && !t.contains("050")));
}

#[actix_web::test]
async fn discussion_threads_replies_and_edits_are_guarded() {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let url = format!("/ryhmat/{cohort}/mita-kirjaaminen-on/keskustelu");
    let res = trainee
        .post(
            &url,
            &[
                ("kind", "question"),
                ("title", "Saako tämän kirjata?"),
                (
                    "body",
                    "Asiakkaan henkilötunnus on 131052-308T, voiko sen kirjata?",
                ),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Älä kirjoita tunnistettavia asiakastietoja: tekstissä on henkilötunnus."));
    assert!(
        res.body.contains("voiko sen kirjata?"),
        "the text stays in the form"
    );
    let n: i64 = dt::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(n, 0, "nothing stored");
    let thread = crate::discussions::ask(
        &mut trainee,
        cohort,
        "question",
        "Lyhenteet",
        "Saako lyhenteitä käyttää?",
    )
    .await;
    let res = trainee
        .post(
            &format!("/keskustelut/ketju/{thread}"),
            &[
                ("body", "Soita minulle: +358 40 123 4567"),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("tekstissä on puhelinnumero"));
    let post: i64 = dp::table
        .filter(dp::thread_id.eq(thread))
        .select(dp::id)
        .first(&mut app.conn())
        .unwrap();
    let res = trainee
        .post(
            &format!("/keskustelut/viesti/{post}/muokkaa"),
            &[
                ("title", "Lyhenteet"),
                ("body", "Kirjoita minulle osoitteeseen tiina@example.fi"),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("tekstissä on sähköpostiosoite"));
    let bodies: Vec<String> = dp::table
        .select(dp::body_markdown)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(bodies, vec!["Saako lyhenteitä käyttää?".to_string()]);
}
