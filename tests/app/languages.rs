//! Swedish (and English) pages show Swedish names and texts where they exist, and mark the
//! Finnish content they show as Finnish (`lang="fi"`), so a screen reader reads it as such.

use crate::support::TestApp;
use crate::surveys::{create_survey, member, pairs, region_survey, world, COORD_A};

#[actix_web::test]
async fn surveys_show_their_title_and_introduction_in_the_readers_language() {
    let app = world();
    member(&app, "sara@example.fi", "Sara Svensson", "helsinki");
    let mut coord = app.signed_in(COORD_A).await;

    // The new-survey form comes with the ready-made survey's texts in all three languages.
    let form = coord.get("/kyselyt/uusi").await;
    assert!(form
        .body
        .contains(r#"value="Enkät om den regionala koordineringen""#));
    assert!(form
        .body
        .contains(r#"value="Feedback on the regional coordination work""#));

    // A translation is optional, but one that is too long is refused, the input kept.
    let mut f = region_survey(&app, true, "Tapaamisia oli riittävästi.");
    f.push(("intro".into(), "Kerro meille.\nKiitos!".into()));
    let long = "x".repeat(201);
    let mut bad = f.clone();
    bad.push(("title_sv".into(), long.clone()));
    let res = coord.post("/kyselyt", &pairs(&bad)).await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Käännetty otsikko saa olla enintään 200 merkkiä"));
    assert!(res.body.contains(&long));

    f.push(("title_sv".into(), "Höstenkät 2026".into()));
    f.push(("intro_sv".into(), "Berätta för oss.".into()));
    let id = create_survey(&mut coord, &pairs(&f)).await;

    let mut sara = app.signed_in("sara@example.fi").await;
    let fi = sara.get(&format!("/kyselyt/{id}")).await.body;
    assert!(fi.contains("<h1>Syyskysely 2026</h1>"), "{fi}");
    assert!(fi.contains("Kerro meille.\nKiitos!"));
    sara.post("/tili/kieli", &[("language", "sv")]).await;
    let sv = sara.get(&format!("/kyselyt/{id}")).await.body;
    assert!(sv.contains("<h1>Höstenkät 2026</h1>"), "{sv}");
    assert!(sv.contains("<title>Höstenkät 2026"));
    assert!(sv.contains(">Berätta för oss.</p>"));
    // The statement has no Swedish text: it is shown in Finnish, marked as Finnish.
    assert!(sv.contains(r#"<span lang="fi">Tapaamisia oli riittävästi.</span>"#));
    assert!(sara.get("/kyselyt").await.body.contains("Höstenkät 2026"));
    // No English title: the Finnish one, marked; in the page title without markup.
    sara.post("/tili/kieli", &[("language", "en")]).await;
    let en = sara.get(&format!("/kyselyt/{id}")).await.body;
    assert!(
        en.contains(r#"<h1><span lang="fi">Syyskysely 2026</span></h1>"#),
        "{en}"
    );
    assert!(en.contains("<title>Syyskysely 2026"));
    assert!(en.contains(r#"<p class="lead answer-text" lang="fi">Kerro meille."#));
}

#[actix_web::test]
async fn finnish_course_content_on_a_swedish_page_is_marked_finnish() {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    trainee.post("/tili/kieli", &[("language", "sv")]).await;
    let lesson = trainee
        .get(&format!("/ryhmat/{cohort}/mita-kirjaaminen-on"))
        .await
        .body;
    assert!(lesson.contains(r#"<html lang="sv">"#));
    assert!(
        lesson.contains(r#"<h1 id="lesson-title" lang="fi">Mitä kirjaaminen on?</h1>"#),
        "{lesson}"
    );
    assert!(lesson.contains(r#"<div class="lesson-body" lang="fi">"#));
    let outline = trainee.get(&format!("/ryhmat/{cohort}/")).await.body;
    assert!(outline.contains(r#"<p class="lead" lang="fi">Esimerkkivalmennus</p>"#));
    // The same pages in Finnish carry no marks.
    trainee.post("/tili/kieli", &[("language", "fi")]).await;
    let lesson = trainee
        .get(&format!("/ryhmat/{cohort}/mita-kirjaaminen-on"))
        .await
        .body;
    assert!(lesson.contains(r#"<h1 id="lesson-title">Mitä kirjaaminen on?</h1>"#));
    assert!(!lesson.contains(r#"<div class="lesson-body" lang="fi">"#));
}
