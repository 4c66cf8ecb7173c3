//! A session that ends mid-writing loses nothing: the post without a valid session keeps the
//! text (if the form's rescue token is right), the writer signs in, and the text is back in
//! the form. A text with identifying details is not kept but shown back to copy.

use super::*;
use crate::support::PASSWORD;

/// The rescue fields of the lesson page's writing form.
fn rescue_fields(page: &str) -> (String, String) {
    let field = |name: &str| {
        let marker = format!(r#"name="{name}" value=""#);
        let start = page
            .find(&marker)
            .unwrap_or_else(|| panic!("{name} in the form"))
            + marker.len();
        page[start..].split('"').next().unwrap().to_string()
    };
    (field("rescue"), field("rescue_user"))
}

#[actix_web::test]
async fn an_entry_sent_after_the_session_ended_comes_back_after_signing_in() {
    let (app, cohort) = world();
    let mut a = app.signed_in(A).await;
    let lesson_url = format!("/ryhmat/{cohort}/{LESSON}");
    let page = a.get(&lesson_url).await.body;
    let (token, user) = rescue_fields(&page);
    // Three hours of writing: the session's idle time has run out.
    app.clock.advance(chrono::Duration::hours(3));
    let text = "Aino kertoo, että hän haluaa asua kotona.\nKirjoitin tätä pitkään.";
    let res = a
        .post(
            &lesson_url,
            &[
                ("action", "submit"),
                ("body", text),
                ("rescue", &token),
                ("rescue_user", &user),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(
        res.location().starts_with("/login?next="),
        "{}",
        res.location()
    );
    assert_eq!(entry_of(&app, A), None, "nothing was submitted");
    let login = a.get(&res.location()).await.body;
    assert!(
        login.contains("kirjoittamasi teksti on tallessa"),
        "the notice"
    );
    let res = a
        .post(
            "/login",
            &[
                ("email", A),
                ("password", PASSWORD),
                ("next", &format!("{lesson_url}#harjoitus")),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let page = a.get(&lesson_url).await.body;
    assert!(page.contains("Tekstisi on palautettu lomakkeelle"));
    assert!(
        page.contains("Kirjoitin tätä pitkään."),
        "the text is back in the form"
    );
    // Submitting it clears the rescued copy.
    submit(&mut a, cohort, text).await;
    assert!(!a
        .get(&lesson_url)
        .await
        .body
        .contains("Tekstisi on palautettu lomakkeelle"));
}

#[actix_web::test]
async fn without_the_forms_token_nothing_is_kept_and_identifying_text_is_only_shown_back() {
    let (app, cohort) = world();
    let mut a = app.signed_in(A).await;
    let lesson_url = format!("/ryhmat/{cohort}/{LESSON}");
    let (token, user) = rescue_fields(&a.get(&lesson_url).await.body);
    app.clock.advance(chrono::Duration::hours(3));
    // Another site cannot plant a text: a wrong token keeps nothing.
    let res = a
        .post(
            &lesson_url,
            &[
                ("action", "save"),
                ("body", "Istutettu teksti"),
                ("rescue", "x"),
                ("rescue_user", &user),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location(), "/login");
    let other = user_id(&app, B).unwrap().to_string();
    let res = a
        .post(
            &lesson_url,
            &[
                ("action", "save"),
                ("body", "Istutettu teksti"),
                ("rescue", &token),
                ("rescue_user", &other),
            ],
        )
        .await;
    assert_eq!(res.location(), "/login");
    // An identity code is not kept anywhere: the page shows the text to copy.
    let res = a
        .post(
            &lesson_url,
            &[
                ("action", "submit"),
                ("body", "Aino 131052-308T kertoo voivansa hyvin."),
                ("rescue", &token),
                ("rescue_user", &user),
            ],
        )
        .await;
    assert_eq!(res.status, 401);
    assert!(res.body.contains("Tekstiäsi ei tallennettu"));
    assert!(res.body.contains("Aino 131052-308T kertoo voivansa hyvin."));
    use diesel::prelude::*;
    use kirjaamo::db::schema_exercises::exercise_rescues as xr;
    let kept: i64 = xr::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(kept, 0);
}
