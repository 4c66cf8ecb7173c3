//! The lesson page's cache of the published course (`learning::cache`): what it must never do
//! (serve a lesson a publish has replaced, on any server; show one trainee's progress, answers
//! or name to another) and how few statements the page sends.

use crate::courses::{cohort, publish_fixture};
use crate::support::{statements, TestApp};

/// Statements one request sends, after a first request warmed whatever may be warmed.
async fn statements_of(app: &TestApp, b: &mut crate::support::Browser, url: &str) -> usize {
    assert_eq!(b.get(url).await.status, 200, "{url}");
    let before = statements::sent(&app.state.config.database_url);
    let res = b.get(url).await;
    assert_eq!(res.status, 200, "{url}");
    statements::sent(&app.state.config.database_url) - before
}

#[actix_web::test]
async fn the_lesson_page_sends_few_statements() {
    statements::install();
    let app = TestApp::new();
    publish_fixture(&app);
    let cohort_id = cohort(&app);
    let mut b = app.signed_in("trainee@example.fi").await;
    let lesson = statements_of(
        &app,
        &mut b,
        &format!("/ryhmat/{cohort_id}/asiakkaan-osallisuus"),
    )
    .await;
    let home = statements_of(&app, &mut b, &format!("/ryhmat/{cohort_id}/")).await;
    let mut t = app.signed_in("trainer@example.fi").await;
    let trainer = statements_of(
        &app,
        &mut t,
        &format!("/ryhmat/{cohort_id}/asiakkaan-osallisuus"),
    )
    .await;
    eprintln!(
        "statements: trainee lesson {lesson}, trainee cohort home {home}, trainer lesson {trainer}"
    );
}
