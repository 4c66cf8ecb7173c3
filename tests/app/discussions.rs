//! Discussions: cohort isolation, questions and answers, moderation rights, hostile
//! Markdown, notifications (immediate, digest, unsubscribe), the answer bank, search, paging,
//! unread markers — through the real application and database.

use crate::support::{link_in, Browser, TestApp};
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::cohorts::{self, NewCohort};
use kirjaamo::db::schema::{courses, outbox_messages as om, users};
use kirjaamo::db::schema_discussions::{
    discussion_posts as dp, discussion_subscriptions as dsub, discussion_threads as dt,
};
use kirjaamo::discussions::{self, posting};
use kirjaamo::mail::Messaging;

const LESSON: &str = "mita-kirjaaminen-on";

/// The fixture course, a cohort in Socca (trainee@ and trainer@) and the app.
fn world() -> (TestApp, i64) {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    (app, cohort)
}

/// Another cohort of the same course, in Pikassos, with its own trainee and trainer.
fn other_cohort(app: &TestApp) -> i64 {
    let course_id: i64 = courses::table
        .filter(courses::slug.eq("demo-course"))
        .select(courses::id)
        .first(&mut app.conn())
        .unwrap();
    let c = cohorts::create(
        &mut app.conn(),
        NewCohort {
            course_id,
            name: "Syksy 2026, Pikassos",
            region_id: Some(app.region_id("pikassos")),
            work_hours: 20,
            ..Default::default()
        },
        app.clock.now(),
    )
    .unwrap();
    let trainee = app.user("other@example.fi", "Olli Muualta", None);
    let trainer = app.user("trainer2@example.fi", "Tuula Toinen", Some(Role::Trainer));
    cohorts::enrol(&mut app.conn(), c.id, trainee.id, app.clock.now()).unwrap();
    cohorts::add_trainer(&mut app.conn(), c.id, trainer.id).unwrap();
    c.id
}

/// A second trainee of the cohort.
fn second_trainee(app: &TestApp, cohort: i64) {
    let u = app.user("trainee2@example.fi", "Kalle Kakkonen", None);
    cohorts::enrol(&mut app.conn(), cohort, u.id, app.clock.now()).unwrap();
}

fn id_after(location: &str, prefix: &str) -> i64 {
    let rest = location
        .split(prefix)
        .nth(1)
        .unwrap_or_else(|| panic!("{prefix} in {location}"));
    rest.chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// Starts a thread through the lesson's discussion area; returns its id.
pub async fn ask(b: &mut Browser, cohort: i64, kind: &str, title: &str, body: &str) -> i64 {
    let res = b
        .post(
            &format!("/ryhmat/{cohort}/{LESSON}/keskustelu"),
            &[
                ("kind", kind),
                ("title", title),
                ("body", body),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    id_after(&res.location(), "/keskustelut/ketju/")
}

/// Replies in a thread (to an answer when `parent` is given); returns the new post's id.
pub async fn reply(b: &mut Browser, thread: i64, body: &str, parent: Option<i64>) -> i64 {
    let parent = parent.map(|p| p.to_string()).unwrap_or_default();
    let res = b
        .post(
            &format!("/keskustelut/ketju/{thread}"),
            &[("body", body), ("parent_id", &parent), ("action", "send")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    id_after(&res.location(), "#v")
}

fn messaging(
    app: &TestApp,
) -> (
    std::sync::Arc<kirjaamo::templates::Templates>,
    String,
    Vec<u8>,
) {
    (
        app.state.templates.clone(),
        app.state.config.base_url.clone(),
        app.state.config.secret.clone(),
    )
}

fn send_digests(app: &TestApp) -> usize {
    let (t, base, secret) = messaging(app);
    let msg = Messaging {
        templates: &t,
        base_url: &base,
        secret: &secret,
    };
    kirjaamo::discussions::digest::send_digests(
        &mut app.conn(),
        &msg,
        app.clock.now(),
        app.state.config.digest_hour,
    )
    .unwrap()
}

/// The next 07.00 in Helsinki (the default digest hour) after the test clock's now.
pub fn next_digest_morning(app: &TestApp) -> chrono::NaiveDateTime {
    let slot =
        kirjaamo::discussions::digest::digest_slot(app.clock.now(), app.state.config.digest_hour);
    slot + chrono::Duration::days(1)
}

/// Outbox messages to `email`: (subject, text).
fn mails_to(app: &TestApp, email: &str) -> Vec<(String, String)> {
    om::table
        .filter(om::recipient_email.eq(email))
        .order(om::id)
        .select((om::subject, om::body_text))
        .load(&mut app.conn())
        .unwrap()
}

/// The route matrix's fixture: a question by the cohort's trainee with an answer by its
/// trainer. Returns the placeholders `{thread}` and `{post}` (the answer).
pub fn matrix_fixture(app: &TestApp, cohort: i64) -> Vec<(String, String)> {
    let mut conn = app.conn();
    let principal = |conn: &mut kirjaamo::db::AnyConnection, email: &str| {
        let id: i64 = users::table
            .filter(users::email.eq(email))
            .select(users::id)
            .first(conn)
            .unwrap();
        discussions::principal_of(conn, id).unwrap().unwrap()
    };
    let trainee = principal(&mut conn, "trainee@example.fi");
    let trainer = principal(&mut conn, "trainer@example.fi");
    let lesson: i64 = kirjaamo::db::schema::lessons::table
        .filter(kirjaamo::db::schema::lessons::slug.eq(LESSON))
        .select(kirjaamo::db::schema::lessons::id)
        .first(&mut conn)
        .unwrap();
    let (t, base, secret) = messaging(app);
    let msg = Messaging {
        templates: &t,
        base_url: &base,
        secret: &secret,
    };
    let now = app.clock.now();
    let new = posting::NewThread {
        lesson_id: lesson,
        kind: "question",
        title: "Kysymys",
        body: "Miten kirjaan?",
    };
    let thread = posting::start_thread(&mut conn, Some(&msg), &trainee, cohort, new, now).unwrap();
    let post = posting::reply(&mut conn, Some(&msg), &trainer, thread, None, "Näin.", now).unwrap();
    vec![
        ("{thread}".into(), thread.to_string()),
        ("{post}".into(), post.to_string()),
    ]
}

#[actix_web::test]
async fn another_cohorts_trainee_sees_nothing_even_by_guessing_ids() {
    let (app, cohort) = world();
    other_cohort(&app);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let thread = ask(
        &mut trainee,
        cohort,
        "question",
        "Salainen kysymys",
        "Luottamuksellinen sisältö",
    )
    .await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let answer = reply(&mut trainer, thread, "Valmentajan vastaus", None).await;

    let mut other = app.signed_in("other@example.fi").await;
    let mut other_trainer = app.signed_in("trainer2@example.fi").await;
    for b in [&mut other, &mut other_trainer] {
        for path in [
            format!("/keskustelut/ketju/{thread}"),
            format!("/keskustelut/ketju/{thread}?jalkeen=0"),
            format!("/keskustelut/ryhma/{cohort}"),
            format!("/keskustelut/ryhma/{cohort}?q=Luottamuksellinen"),
            format!("/ryhmat/{cohort}/{LESSON}/keskustelu"),
            format!("/keskustelut/viesti/{answer}/muokkaa"),
            format!("/keskustelut/viesti/{answer}/historia"),
            format!("/keskustelut/viesti/{answer}/ilmoita"),
            format!("/keskustelut/viesti/{answer}/piilota"),
            format!("/keskustelut/ketju/{thread}/vastauspankki"),
            format!("/hallinta/ryhmat/{cohort}/keskustelut"),
        ] {
            let res = b.get(&path).await;
            assert_eq!(res.status, 404, "GET {path}");
            assert!(!res.body.contains("Luottamuksellinen"), "{path}");
        }
        for (path, fields) in [
            (
                format!("/keskustelut/ketju/{thread}"),
                vec![("body", "Hei")],
            ),
            (
                format!("/keskustelut/ketju/{thread}/seuranta"),
                vec![("follow", "1")],
            ),
            (
                format!("/keskustelut/ketju/{thread}/moderointi"),
                vec![("action", "lock")],
            ),
            (format!("/keskustelut/viesti/{answer}/paras"), vec![]),
            (
                format!("/keskustelut/viesti/{answer}/ilmoita"),
                vec![("reason", "x")],
            ),
            (
                format!("/keskustelut/viesti/{answer}/piilota"),
                vec![("reason", "x")],
            ),
            (
                format!("/keskustelut/viesti/{answer}/muokkaa"),
                vec![("body", "x")],
            ),
            (
                format!("/ryhmat/{cohort}/{LESSON}/keskustelu"),
                vec![("kind", "question"), ("title", "x"), ("body", "x")],
            ),
        ] {
            let res = b.post(&path, &fields).await;
            assert_eq!(res.status, 404, "POST {path}");
        }
        // Guessing every id nearby finds nothing either.
        for id in 1..=thread + 5 {
            let res = b.get(&format!("/keskustelut/ketju/{id}")).await;
            assert!(
                res.status == 404 || !res.body.contains("Luottamuksellinen"),
                "thread {id}"
            );
        }
        // Their own lists and the trainer's desk show nothing of the other cohort.
        let index = b.get("/keskustelut").await;
        assert!(!index.body.contains("Syksy 2026, Socca"));
    }
    let desk = other_trainer.get("/keskustelut/valmentaja").await;
    assert_eq!(desk.status, 200);
    assert!(!desk.body.contains("Salainen kysymys"));
    // Nothing changed.
    let (locked, best): (bool, Option<i64>) = dt::table
        .find(thread)
        .select((dt::locked, dt::best_post_id))
        .first(&mut app.conn())
        .unwrap();
    assert!(!locked && best.is_none());
}

#[actix_web::test]
async fn a_question_waits_in_the_queue_until_a_trainer_answers_and_replies_stay_one_level_deep() {
    let (app, cohort) = world();
    second_trainee(&app, cohort);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let thread = ask(
        &mut trainee,
        cohort,
        "question",
        "Mihin kirjaan asiakkaan toiveen?",
        "Asiakas toivoi **kotikäyntiä**.",
    )
    .await;
    app.clock.advance(chrono::Duration::hours(27));
    // Sessions end after hours: everyone signs in again.
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let desk = trainer.get("/keskustelut/valmentaja").await;
    assert!(
        desk.body.contains("Mihin kirjaan asiakkaan toiveen?"),
        "{}",
        desk.body
    );
    assert!(
        desk.body.contains("1 vrk") && desk.body.contains("3 h"),
        "waiting time"
    );

    // A trainee's reply does not answer the question; a trainer's does.
    let mut trainee2 = app.signed_in("trainee2@example.fi").await;
    let peer = reply(&mut trainee2, thread, "Minäkin mietin tätä.", None).await;
    let answered: Option<chrono::NaiveDateTime> = dt::table
        .find(thread)
        .select(dt::answered_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(answered.is_none());
    let answer = reply(&mut trainer, thread, "Palvelusuunnitelmaan.", None).await;
    let desk = trainer.get("/keskustelut/valmentaja").await;
    assert!(!desk.body.contains("Mihin kirjaan asiakkaan toiveen?"));

    // A reply to a reply goes under the same answer.
    let r1 = reply(&mut trainee, thread, "Kiitos!", Some(answer)).await;
    let r2 = reply(&mut trainee2, thread, "Samaa mieltä.", Some(r1)).await;
    let parents: Vec<(i64, Option<i64>)> = dp::table
        .filter(dp::id.eq_any([peer, answer, r1, r2]))
        .order(dp::id)
        .select((dp::id, dp::parent_id))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        parents,
        vec![
            (peer, None),
            (answer, None),
            (r1, Some(answer)),
            (r2, Some(answer))
        ]
    );
    let page = trainee.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert_eq!(page.status, 200);
    let pos = |s: &str| page.body.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(
        pos("Minäkin mietin") < pos("Palvelusuunnitelmaan") && pos("Kiitos!") < pos("Samaa mieltä")
    );
    assert!(page.body.contains("<strong>kotikäyntiä</strong>"));

    // The asker marks the best answer; another trainee may not.
    let res = trainee2
        .post(&format!("/keskustelut/viesti/{answer}/paras"), &[])
        .await;
    assert_eq!(res.status, 403);
    let res = trainee
        .post(&format!("/keskustelut/viesti/{answer}/paras"), &[])
        .await;
    assert_eq!(res.status, 303);
    let res = trainee
        .post(&format!("/keskustelut/viesti/{r1}/paras"), &[])
        .await;
    assert_eq!(res.status, 400, "a reply is not an answer");
    let best: Option<i64> = dt::table
        .find(thread)
        .select(dt::best_post_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(best, Some(answer));

    // The coordinators' figures: one question, answered after 27 hours.
    app.user(
        "coord@example.fi",
        "Kaija Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let mut coord = app.signed_in("coord@example.fi").await;
    let stats = coord
        .get(&format!("/hallinta/ryhmat/{cohort}/keskustelut"))
        .await;
    assert_eq!(stats.status, 200);
    assert!(stats.body.contains("100 %"), "{}", stats.body);
    assert!(stats.body.contains("27 h 0 min"));
    let figures = kirjaamo::discussions::stats::cohort_stats(&mut app.conn(), cohort).unwrap();
    assert_eq!(
        (figures.questions, figures.answered, figures.median_minutes),
        (1, 1, Some(27 * 60))
    );
}

#[actix_web::test]
async fn preview_renders_the_text_and_saves_nothing() {
    let (app, cohort) = world();
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let res = trainee
        .post(
            &format!("/ryhmat/{cohort}/{LESSON}/keskustelu"),
            &[
                ("kind", "discussion"),
                ("title", "Äänekoski Åbo"),
                ("body", "Tämä on _esikatselu_."),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(res.body.contains("<em>esikatselu</em>"));
    assert!(res.body.contains(r#"value="Äänekoski Åbo""#));
    assert!(res.body.contains("Tämä on _esikatselu_.</textarea>"));
    let n: i64 = dt::table
        .filter(dt::kind.ne("prompt"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(n, 0);
    // Errors show the form again with a summary.
    let res = trainee
        .post(
            &format!("/ryhmat/{cohort}/{LESSON}/keskustelu"),
            &[
                ("kind", "question"),
                ("title", ""),
                ("body", "a\u{0}b"),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains(r#"role="alert""#));
    let huge = "x".repeat(20_001);
    let res = trainee
        .post(
            &format!("/ryhmat/{cohort}/{LESSON}/keskustelu"),
            &[("kind", "question"), ("title", "Pitkä"), ("body", &huge)],
        )
        .await;
    assert_eq!(res.status, 400);
    let res = trainee
        .post(
            &format!("/ryhmat/{cohort}/{LESSON}/keskustelu"),
            &[("kind", "question"), ("title", "a\u{202e}b"), ("body", "x")],
        )
        .await;
    assert_eq!(res.status, 400, "bidi overrides in a title");
    // Round trip.
    let thread = ask(
        &mut trainee,
        cohort,
        "discussion",
        "Äänekoski Åbo",
        "Äänekoski Åbo",
    )
    .await;
    let (title, body): (String, String) = dt::table
        .inner_join(dp::table.on(dp::thread_id.eq(dt::id)))
        .filter(dt::id.eq(thread))
        .select((dt::title, dp::body_markdown))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        (title.as_str(), body.as_str()),
        ("Äänekoski Åbo", "Äänekoski Åbo")
    );
}

#[actix_web::test]
async fn authors_edit_for_thirty_minutes_trainers_always_and_trainers_see_the_history() {
    let (app, cohort) = world();
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let thread = ask(
        &mut trainee,
        cohort,
        "question",
        "Alkuperäinen otsikko",
        "Ensimmäinen versio",
    )
    .await;
    let opening: i64 = dt::table
        .find(thread)
        .select(dt::opening_post_id)
        .first::<Option<i64>>(&mut app.conn())
        .unwrap()
        .unwrap();
    let form = trainee
        .get(&format!("/keskustelut/viesti/{opening}/muokkaa"))
        .await;
    assert_eq!(form.status, 200);
    let res = trainee
        .post(
            &format!("/keskustelut/viesti/{opening}/muokkaa"),
            &[
                ("title", "Korjattu otsikko"),
                ("body", "Toinen versio"),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    app.clock.advance(chrono::Duration::minutes(31));
    let res = trainee
        .post(
            &format!("/keskustelut/viesti/{opening}/muokkaa"),
            &[("title", "Myöhässä"), ("body", "Kolmas versio")],
        )
        .await;
    assert_eq!(res.status, 403);
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let res = trainer
        .post(
            &format!("/keskustelut/viesti/{opening}/muokkaa"),
            &[
                ("title", "Korjattu otsikko"),
                ("body", "Valmentajan korjaama versio"),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        trainee
            .get(&format!("/keskustelut/viesti/{opening}/historia"))
            .await
            .status,
        403
    );
    let history = trainer
        .get(&format!("/keskustelut/viesti/{opening}/historia"))
        .await;
    assert_eq!(history.status, 200);
    for text in [
        "Ensimmäinen versio",
        "Toinen versio",
        "Valmentajan korjaama versio",
        "Alkuperäinen otsikko",
    ] {
        assert!(history.body.contains(text), "{text}");
    }
    let page = trainee.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert!(page.body.contains("Korjattu otsikko") && page.body.contains("muokattu"));
}

#[actix_web::test]
async fn trainees_cannot_moderate_and_a_hidden_post_shows_its_reason_only_to_its_author() {
    let (app, cohort) = world();
    second_trainee(&app, cohort);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainee2 = app.signed_in("trainee2@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let thread = ask(&mut trainee, cohort, "discussion", "Keskustelu", "Aloitus").await;
    let rude = reply(&mut trainee2, thread, "Asiaton viesti", None).await;

    for (path, fields) in [
        (
            format!("/keskustelut/ketju/{thread}/moderointi"),
            vec![("action", "pin")],
        ),
        (
            format!("/keskustelut/ketju/{thread}/moderointi"),
            vec![("action", "lock")],
        ),
        (
            format!("/keskustelut/viesti/{rude}/piilota"),
            vec![("reason", "Ei")],
        ),
        (format!("/keskustelut/viesti/{rude}/palauta"), vec![]),
    ] {
        assert_eq!(trainee.post(&path, &fields).await.status, 403, "{path}");
    }
    assert_eq!(
        trainee
            .get(&format!("/keskustelut/viesti/{rude}/piilota"))
            .await
            .status,
        403
    );

    // Anyone may report a post to the trainers, who see it on their desk.
    let res = trainee
        .post(
            &format!("/keskustelut/viesti/{rude}/ilmoita"),
            &[("reason", "Loukkaava")],
        )
        .await;
    assert_eq!(res.status, 303);
    let desk = trainer.get("/keskustelut/valmentaja").await;
    assert!(desk.body.contains("Loukkaava") && desk.body.contains("Asiaton viesti"));
    // A trainer hides it with a reason (which settles the report).
    let res = trainer
        .post(
            &format!("/keskustelut/viesti/{rude}/piilota"),
            &[("reason", "")],
        )
        .await;
    assert_eq!(res.status, 400, "a reason is required");
    let res = trainer
        .post(
            &format!("/keskustelut/viesti/{rude}/piilota"),
            &[("reason", "Asiaton kielenkäyttö")],
        )
        .await;
    assert_eq!(res.status, 303);
    let desk = trainer.get("/keskustelut/valmentaja").await;
    assert!(!desk.body.contains("Loukkaava"));

    let author_view = trainee2.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert!(author_view.body.contains("Asiaton kielenkäyttö"));
    assert!(author_view.body.contains("Asiaton viesti"));
    let other_view = trainee.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert!(!other_view.body.contains("Asiaton viesti"));
    assert!(!other_view.body.contains("Asiaton kielenkäyttö"));
    assert!(!other_view.body.contains("Kalle Kakkonen"));
    assert!(other_view.body.contains("Viesti on piilotettu."));
    assert_eq!(
        trainee
            .get(&format!("/keskustelut/viesti/{rude}/ilmoita"))
            .await
            .status,
        404
    );
    let search = trainee
        .get(&format!("/keskustelut/ryhma/{cohort}?q=asiaton"))
        .await;
    assert!(
        !search.body.contains("Asiaton viesti"),
        "hidden from search"
    );
    let res = trainer
        .post(&format!("/keskustelut/viesti/{rude}/palauta"), &[])
        .await;
    assert_eq!(res.status, 303);
    assert!(trainee
        .get(&format!("/keskustelut/ketju/{thread}"))
        .await
        .body
        .contains("Asiaton viesti"));

    // Hiding the opening post hides the thread from all but its author and the trainers.
    let opening: Option<i64> = dt::table
        .find(thread)
        .select(dt::opening_post_id)
        .first(&mut app.conn())
        .unwrap();
    let res = trainer
        .post(
            &format!("/keskustelut/viesti/{}/piilota", opening.unwrap()),
            &[("reason", "Väärä ryhmä")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        trainee2
            .get(&format!("/keskustelut/ketju/{thread}"))
            .await
            .status,
        404
    );
    assert!(!trainee2
        .get(&format!("/keskustelut/ryhma/{cohort}"))
        .await
        .body
        .contains(">Keskustelu<"));
    let own = trainee.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert_eq!(own.status, 200);
    assert!(own.body.contains("Väärä ryhmä"));
    trainer
        .post(
            &format!("/keskustelut/viesti/{}/palauta", opening.unwrap()),
            &[],
        )
        .await;

    // Locking: trainees can no longer reply, trainers can; pinning lists it first.
    let res = trainer
        .post(
            &format!("/keskustelut/ketju/{thread}/moderointi"),
            &[("action", "lock")],
        )
        .await;
    assert_eq!(res.status, 303);
    let res = trainee2
        .post(
            &format!("/keskustelut/ketju/{thread}"),
            &[("body", "Vielä yksi")],
        )
        .await;
    assert_eq!(res.status, 400);
    reply(&mut trainer, thread, "Lukitaan tähän.", None).await;
    let other = ask(&mut trainee2, cohort, "discussion", "Uudempi ketju", "x").await;
    trainer
        .post(
            &format!("/keskustelut/ketju/{thread}/moderointi"),
            &[("action", "pin")],
        )
        .await;
    let list = trainee
        .get(&format!("/ryhmat/{cohort}/{LESSON}/keskustelu"))
        .await;
    let first = list
        .body
        .find(&format!("/keskustelut/ketju/{thread}\""))
        .unwrap();
    let second = list
        .body
        .find(&format!("/keskustelut/ketju/{other}\""))
        .unwrap();
    assert!(first < second, "the pinned thread comes first");
}

/// Hostile Markdown: each comes out with only allowlisted tags, attributes and URL schemes.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<p onmouseover=alert(1)>x</p>",
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a]( javascript:alert(1))",
    "[a](jav&#x09;ascript:alert(1))",
    "[a](&#106;avascript:alert(1))",
    "[a](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[a](DATA:text/html,<script>alert(1)</script>)",
    "[a](vbscript:msgbox(1))",
    "<a href=\"javascript:alert(1)\">a</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">a</a>",
    "[a]: javascript:alert(1)\n\n[b][a]",
    "<https://example.fi/ok> and <javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](https://evil.example/x.png \"t\")",
    "<svg onload=alert(1)><circle r=10></circle></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<form action=\"https://evil.example\"><input name=x><button>Go</button></form>",
    "<style>body{display:none}</style>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<div onclick=\"alert(1)\">x</div>",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<<script>script>alert(1)<</script>/script>",
    "```\n<script>alert(1)</script>\n```",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "<textarea><script>alert(1)</script></textarea>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "[x](https://example.fi \"title\" onmouseover=alert(1))",
    "| a | b |\n|:--|--:|\n| <img src=x onerror=alert(1)> | [c](javascript:x) |",
    "- [ ] <input type=checkbox onclick=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "<a href=\"https://example.fi\" target=\"_blank\" class=\"x\" id=\"y\">ok</a>",
];

const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
];

fn unescape(s: &str) -> String {
    let mut out = s
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'");
    // Numeric references: decode so "&#106;avascript" is seen as what it is.
    let re = regex::Regex::new(r"&#(x?)([0-9a-fA-F]+);?").unwrap();
    out = re
        .replace_all(&out, |c: &regex::Captures| {
            let n = if c[1].is_empty() {
                c[2].parse::<u32>().ok()
            } else {
                u32::from_str_radix(&c[2], 16).ok()
            };
            n.and_then(char::from_u32)
                .map(String::from)
                .unwrap_or_default()
        })
        .to_string();
    out
}

/// Checks one fragment of sanitised post HTML; returns the problems found.
fn problems(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let tag = regex::Regex::new(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>").unwrap();
    let scheme = regex::Regex::new(r"^([a-z][a-z0-9+.-]*):").unwrap();
    let attr = regex::Regex::new(r#"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)"#)
        .unwrap();
    for c in tag.captures_iter(html) {
        let name = c[2].to_ascii_lowercase();
        if !ALLOWED_TAGS.contains(&name.as_str()) {
            found.push(format!("tag <{name}>"));
        }
        for a in attr.captures_iter(&c[3]) {
            let key = a[1].to_ascii_lowercase();
            let value = unescape(a[2].trim_matches(|c| c == '"' || c == '\''));
            let ok_attr = matches!(
                (name.as_str(), key.as_str()),
                ("a", "href") | ("a", "rel") | ("ol", "start")
            );
            if !ok_attr {
                found.push(format!("attribute {key} on <{name}>"));
            }
            if key == "href" {
                // As a browser reads it: tabs, newlines and other control characters removed.
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                let v = v.to_ascii_lowercase();
                let allowed = match scheme.captures(&v) {
                    Some(s) => matches!(&s[1], "http" | "https" | "mailto"),
                    None => true,
                };
                if !allowed {
                    found.push(format!("href {value}"));
                }
            }
        }
    }
    let lower = unescape(&html.to_ascii_lowercase());
    for bad in ["javascript:", "vbscript:", "data:text"] {
        // Inside tags only: the text of a post may mention anything.
        for c in tag.captures_iter(&lower) {
            if c[3].contains(bad) {
                found.push(format!("{bad} in a tag"));
            }
        }
    }
    found
}

/// The post bodies on a page.
fn post_bodies(page: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"(?s)<div class="post-body">(.*?)</div>"#).unwrap();
    re.captures_iter(page).map(|c| c[1].to_string()).collect()
}

#[actix_web::test]
async fn hostile_markdown_comes_out_with_only_allowlisted_tags_and_schemes() {
    let (app, cohort) = world();
    app.user("admin@example.fi", "Admin", Some(Role::Admin));
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let corpus = HOSTILE.join("\n\n");
    let title = "<script>alert('otsikko')</script> \"><img src=x onerror=alert(1)>";
    let thread = ask(&mut trainee, cohort, "question", title, &corpus).await;
    for (i, payload) in HOSTILE.iter().enumerate() {
        let id = reply(&mut trainee, thread, payload, None).await;
        let stored: String = dp::table
            .find(id)
            .select(dp::body_html)
            .first(&mut app.conn())
            .unwrap();
        let p = problems(&stored);
        assert!(
            p.is_empty(),
            "payload {i} {payload:?} stored as {stored:?}: {p:?}"
        );
    }
    // The preview goes through the same sanitiser.
    let preview = trainee
        .post(
            &format!("/keskustelut/ketju/{thread}"),
            &[("body", &corpus), ("action", "preview")],
        )
        .await;
    assert_eq!(preview.status, 200);
    let bodies = post_bodies(&preview.body);
    assert_eq!(bodies.len(), 1);
    assert!(
        problems(&bodies[0]).is_empty(),
        "preview: {:?}",
        problems(&bodies[0])
    );

    let tags = regex::Regex::new(r"<[^>]+>").unwrap();
    let handler = regex::Regex::new(r"\son[a-z]+\s*=").unwrap();
    for email in [
        "trainee@example.fi",
        "trainer@example.fi",
        "admin@example.fi",
    ] {
        let mut b = app.signed_in(email).await;
        let page = b.get(&format!("/keskustelut/ketju/{thread}")).await;
        assert_eq!(page.status, 200);
        let bodies = post_bodies(&page.body);
        assert_eq!(bodies.len(), HOSTILE.len() + 1, "as {email}");
        for body in &bodies {
            let p = problems(body);
            assert!(p.is_empty(), "as {email}: {body:?}: {p:?}");
        }
        // Nowhere on the page: event handlers or script in any tag, the title only as text.
        for t in tags.find_iter(&page.body) {
            let t = t.as_str().to_ascii_lowercase();
            // The one script of the site's own, from its content-hashed asset (CSP: 'self').
            if t.starts_with(r#"<script src="/assets/js/forms."#) && t.ends_with(r#".js" defer>"#) {
                continue;
            }
            assert!(!handler.is_match(&t), "{t}");
            for bad in [
                "<script",
                "<iframe",
                "<svg",
                "<math",
                "<object",
                "<embed",
                "<style",
                "javascript:",
            ] {
                assert!(!t.contains(bad), "{t}");
            }
        }
        assert!(page.body.contains("&lt;script&gt;alert("));
        for list in [
            format!("/keskustelut/ryhma/{cohort}"),
            format!("/ryhmat/{cohort}/{LESSON}/keskustelu"),
        ] {
            let l = b.get(&list).await;
            assert!(!l.body.contains("<script>alert('otsikko')"), "{list}");
            assert!(!l.body.contains("<img src=x"), "{list}");
        }
    }
    // E-mail carries the text escaped in HTML and plain in text.
    let html: Vec<String> = om::table
        .select(om::body_html)
        .load(&mut app.conn())
        .unwrap();
    assert!(!html.is_empty());
    for h in html {
        assert!(!h.to_ascii_lowercase().contains("<script"), "{h}");
        assert!(!h.contains("<img"), "{h}");
    }
}

#[actix_web::test]
async fn followers_get_posts_at_once_or_in_a_daily_digest_never_their_own_and_never_twice() {
    let (app, cohort) = world();
    second_trainee(&app, cohort);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainee2 = app.signed_in("trainee2@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let res = trainee2
        .post("/keskustelut/asetukset", &[("email_mode", "daily")])
        .await;
    assert_eq!(res.status, 303);
    assert!(trainee2
        .get("/keskustelut")
        .await
        .body
        .contains(r#"value="daily" checked"#));

    // The question reaches the cohort's trainer (who follows new questions), not the asker.
    let thread = ask(
        &mut trainee,
        cohort,
        "question",
        "Kysymys kaikille",
        "Mitä mieltä olette?",
    )
    .await;
    assert_eq!(mails_to(&app, "trainer@example.fi").len(), 1);
    assert!(
        mails_to(&app, "trainee@example.fi").is_empty(),
        "not their own post"
    );
    let (subject, text) = &mails_to(&app, "trainer@example.fi")[0];
    assert_eq!(subject, "Uusi viesti: Kysymys kaikille");
    assert!(
        text.contains("Mitä mieltä olette?")
            && text.contains(&format!("/keskustelut/ketju/{thread}"))
    );

    // trainee2 replies (and follows automatically, digest mode): the asker, who has read the
    // thread, hears at once; the trainer has not read the question yet and is not sent a
    // second e-mail about the same thread (one per unread stretch, and the first says so).
    reply(&mut trainee2, thread, "Hyvä kysymys.", None).await;
    assert_eq!(mails_to(&app, "trainee@example.fi").len(), 1);
    assert!(mails_to(&app, "trainee@example.fi")[0].1.contains(
        "Tästä ketjusta ei tule uutta sähköpostia ennen kuin olet käynyt lukemassa sen."
    ));
    assert_eq!(
        mails_to(&app, "trainer@example.fi").len(),
        1,
        "not read yet"
    );
    assert!(mails_to(&app, "trainee2@example.fi").is_empty());
    // Having read it, the trainer hears of the next post.
    assert_eq!(
        trainer
            .get(&format!("/keskustelut/ketju/{thread}"))
            .await
            .status,
        200
    );
    reply(&mut trainee2, thread, "Vielä tarkennus.", None).await;
    assert_eq!(mails_to(&app, "trainer@example.fi").len(), 2);
    assert_eq!(
        mails_to(&app, "trainee@example.fi").len(),
        1,
        "the asker has not read the first reply yet"
    );
    reply(&mut trainer, thread, "Valmentaja vastaa.", None).await;
    reply(&mut trainee, thread, "Kiitos vastauksesta.", None).await;
    assert!(
        mails_to(&app, "trainee2@example.fi").is_empty(),
        "waits for the digest"
    );

    // The posts came after this morning's 07.00 (Helsinki): they wait for tomorrow's.
    assert_eq!(send_digests(&app), 0);
    app.clock.set(next_digest_morning(&app));
    let mut trainer = app.signed_in("trainer@example.fi").await;
    // One digest with both posts; running it again sends nothing.
    assert_eq!(send_digests(&app), 1);
    let digests = mails_to(&app, "trainee2@example.fi");
    assert_eq!(digests.len(), 1);
    assert!(digests[0].0.contains("2 uutta viestiä"), "{}", digests[0].0);
    assert!(
        digests[0].1.contains("Valmentaja vastaa.")
            && digests[0].1.contains("Kiitos vastauksesta.")
    );
    assert_eq!(send_digests(&app), 0);
    // A new post the same day waits for tomorrow's digest.
    reply(&mut trainer, thread, "Vielä lisäys.", None).await;
    assert_eq!(send_digests(&app), 0);
    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(send_digests(&app), 1);
    assert_eq!(send_digests(&app), 0);
    assert_eq!(mails_to(&app, "trainee2@example.fi").len(), 2);
    // Sessions end after hours: sign in again.
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let mut trainee2 = app.signed_in("trainee2@example.fi").await;

    // Delivery: each queued message goes out once, however often the worker runs.
    let queued = app.outbox().len();
    app.state.mailer().deliver_due(100).await.unwrap();
    app.state.mailer().deliver_due(100).await.unwrap();
    assert_eq!(app.sent.lock().unwrap().len(), queued);

    // Unsubscribing from a thread: the link's page changes nothing; its button does.
    let last = mails_to(&app, "trainee@example.fi").pop().unwrap();
    let link = link_in(&last.1, "/keskustelut/peru-tilaus/").unwrap();
    let path = link.replace(&app.state.config.base_url, "");
    let mut anon = app.browser().await;
    let page = anon.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Kysymys kaikille"));
    let following = |app: &TestApp| -> bool {
        let uid: i64 = users::table
            .filter(users::email.eq("trainee@example.fi"))
            .select(users::id)
            .first(&mut app.conn())
            .unwrap();
        dsub::table
            .find((thread, uid))
            .select(dsub::following)
            .first(&mut app.conn())
            .unwrap()
    };
    assert!(following(&app), "a GET changes nothing");
    let done = anon.post(&path, &[]).await;
    assert_eq!(done.status, 200);
    assert!(!following(&app));
    let before = mails_to(&app, "trainee@example.fi").len();
    reply(&mut trainer, thread, "Tätä et enää saa.", None).await;
    assert_eq!(mails_to(&app, "trainee@example.fi").len(), before);
    // A forged or altered token is refused.
    assert_eq!(
        anon.get("/keskustelut/peru-tilaus/forged.123.abc")
            .await
            .status,
        410
    );
    let tampered = format!("{}x", path);
    assert_eq!(anon.post(&tampered, &[]).await.status, 410);

    // The digest's link stops all discussion e-mail.
    let digest = mails_to(&app, "trainee2@example.fi").pop().unwrap();
    let all = link_in(&digest.1, "/keskustelut/peru-tilaus/")
        .unwrap()
        .replace(&app.state.config.base_url, "");
    assert_eq!(anon.post(&all, &[]).await.status, 200);
    assert!(trainee2
        .get("/keskustelut")
        .await
        .body
        .contains(r#"value="off" checked"#));
    reply(&mut trainer, thread, "Ja vielä yksi.", None).await;
    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(send_digests(&app), 0);
    assert_eq!(mails_to(&app, "trainee2@example.fi").len(), 2);
}

#[actix_web::test]
async fn hidden_posts_and_former_members_are_left_out_of_notifications() {
    let (app, cohort) = world();
    second_trainee(&app, cohort);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainee2 = app.signed_in("trainee2@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    trainee
        .post("/keskustelut/asetukset", &[("email_mode", "daily")])
        .await;
    let thread = ask(&mut trainee, cohort, "discussion", "Ketju", "Aloitus").await;
    let bad = reply(&mut trainee2, thread, "Poistettava viesti", None).await;
    trainer
        .post(
            &format!("/keskustelut/viesti/{bad}/piilota"),
            &[("reason", "Asiaton")],
        )
        .await;
    app.clock.set(next_digest_morning(&app));
    assert_eq!(send_digests(&app), 0, "the only post was hidden");
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainee2 = app.signed_in("trainee2@example.fi").await;
    // A trainee who leaves the cohort hears nothing more of it.
    let uid: i64 = users::table
        .filter(users::email.eq("trainee@example.fi"))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap();
    trainee
        .post("/keskustelut/asetukset", &[("email_mode", "immediate")])
        .await;
    let enrolment: i64 = kirjaamo::db::schema::enrolments::table
        .filter(kirjaamo::db::schema::enrolments::user_id.eq(uid))
        .select(kirjaamo::db::schema::enrolments::id)
        .first(&mut app.conn())
        .unwrap();
    kirjaamo::cohorts::set_status(
        &mut app.conn(),
        enrolment,
        "withdrawn",
        None,
        "",
        app.clock.now(),
    )
    .unwrap();
    reply(&mut trainee2, thread, "Näkyvä viesti", None).await;
    assert!(mails_to(&app, "trainee@example.fi").is_empty());
}

#[actix_web::test]
async fn a_trainer_publishes_an_answered_question_anonymised_and_withdraws_it() {
    let (app, cohort) = world();
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let thread = ask(
        &mut trainee,
        cohort,
        "question",
        "Tiinan kysymys säilytysajoista",
        "Olen Tiina Trainee Vantaalta. Kuinka kauan asiakirjoja säilytetään?",
    )
    .await;
    assert_eq!(
        trainer
            .get(&format!("/keskustelut/ketju/{thread}/vastauspankki"))
            .await
            .status,
        400,
        "not answered yet"
    );
    reply(
        &mut trainer,
        thread,
        "Säilytysajat määräytyvät asiakastietolain liitteen mukaan.",
        None,
    )
    .await;
    assert_eq!(
        trainee
            .get(&format!("/keskustelut/ketju/{thread}/vastauspankki"))
            .await
            .status,
        403
    );
    let form = trainer
        .get(&format!("/keskustelut/ketju/{thread}/vastauspankki"))
        .await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Kuinka kauan asiakirjoja säilytetään?"));
    assert!(form.body.contains("asiakastietolain liitteen mukaan"));
    // Preview first, then publish the edited, anonymised text.
    let fields = [
        (
            "title",
            "Kuinka kauan sosiaalihuollon asiakirjoja säilytetään?",
        ),
        ("question", "Kuinka kauan asiakirjoja säilytetään?"),
        (
            "answer",
            "Säilytysajat määräytyvät **asiakastietolain** liitteen mukaan.",
        ),
    ];
    let mut preview = fields.to_vec();
    preview.push(("action", "preview"));
    let res = trainer
        .post(
            &format!("/keskustelut/ketju/{thread}/vastauspankki"),
            &preview,
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(res.body.contains("<strong>asiakastietolain</strong>"));
    let mut send = fields.to_vec();
    send.push(("action", "send"));
    let res = trainer
        .post(&format!("/keskustelut/ketju/{thread}/vastauspankki"), &send)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let url = res.location();
    assert!(url.starts_with("/tietopankki/vastaukset/"));

    let mut anon = app.browser().await;
    let page = anon.get(&url).await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Kuinka kauan sosiaalihuollon asiakirjoja säilytetään?"));
    assert!(page.body.contains("<strong>asiakastietolain</strong>"));
    for private in ["Tiina", "Vantaalta", "Ville Valmentaja"] {
        assert!(!page.body.contains(private), "{private} is not shown");
    }
    let index = anon.get("/tietopankki").await;
    assert!(
        index.body.contains(&format!(r#"href="{url}""#)),
        "listed under its theme"
    );
    let found = anon.get("/tietopankki?q=s%C3%A4ilytysajat").await;
    assert!(
        found.body.contains(&format!(r#"href="{url}""#)),
        "found by search"
    );

    // Withdrawn: offline and out of search.
    let res = trainer
        .post(
            &format!("/keskustelut/ketju/{thread}/vastauspankki/poista"),
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(anon.get(&url).await.status, 404);
    assert!(!anon
        .get("/tietopankki?q=s%C3%A4ilytysajat")
        .await
        .body
        .contains(&url));
    assert!(!anon.get("/tietopankki").await.body.contains(&url));
    // Published again: back under the same address.
    let res = trainer
        .post(&format!("/keskustelut/ketju/{thread}/vastauspankki"), &send)
        .await;
    assert_eq!(res.location(), url);
    assert_eq!(anon.get(&url).await.status, 200);
}

#[actix_web::test]
async fn search_within_a_cohort_matches_words_literally_and_only_there() {
    let (app, cohort) = world();
    let other = other_cohort(&app);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut outsider = app.signed_in("other@example.fi").await;
    ask(
        &mut trainee,
        cohort,
        "question",
        "Kanta-arkisto",
        "Milloin asiakirja siirtyy KANTA-arkistoon?",
    )
    .await;
    ask(
        &mut trainee,
        cohort,
        "discussion",
        "Prosentit",
        "Noin 50% kirjauksista on myöhässä.",
    )
    .await;
    ask(
        &mut outsider,
        other,
        "question",
        "Kanta muualla",
        "Toisen ryhmän kanta-kysymys",
    )
    .await;
    let res = trainee
        .get(&format!("/keskustelut/ryhma/{cohort}?q=kanta+arkisto"))
        .await;
    assert_eq!(res.status, 200);
    assert!(res.body.contains("siirtyy KANTA-arkistoon"));
    assert!(!res.body.contains("Toisen ryhmän"));
    let res = trainee
        .get(&format!("/keskustelut/ryhma/{cohort}?q=%25"))
        .await;
    assert!(
        res.body.contains("50% kirjauksista") && !res.body.contains("siirtyy KANTA"),
        "% is a character"
    );
    let res = trainee
        .get(&format!("/keskustelut/ryhma/{cohort}?q=%3Cscript%3E"))
        .await;
    assert!(res.body.contains("&lt;script&gt;") && !res.body.contains("<script>"));
}

#[actix_web::test]
async fn long_threads_and_lists_page_by_keyset_and_unread_markers_follow_reading() {
    let (app, cohort) = world();
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let thread = ask(&mut trainee, cohort, "discussion", "Pitkä ketju", "Alku").await;
    let uid = |email: &str| -> i64 {
        users::table
            .filter(users::email.eq(email))
            .select(users::id)
            .first(&mut app.conn())
            .unwrap()
    };
    let trainer = discussions::principal_of(&mut app.conn(), uid("trainer@example.fi"))
        .unwrap()
        .unwrap();
    let (t, base, secret) = messaging(&app);
    let msg = Messaging {
        templates: &t,
        base_url: &base,
        secret: &secret,
    };
    let mut ids = Vec::new();
    for i in 0..120 {
        ids.push(
            posting::reply(
                &mut app.conn(),
                Some(&msg),
                &trainer,
                thread,
                None,
                &format!("Vastaus numero {i}."),
                app.clock.now(),
            )
            .unwrap(),
        );
    }
    // Unread for the trainee until read to the end.
    let list = trainee.get(&format!("/keskustelut/ryhma/{cohort}")).await;
    assert!(list.body.contains("thread-unread"));
    let p1 = trainee.get(&format!("/keskustelut/ketju/{thread}")).await;
    assert!(p1.body.contains("Vastaus numero 0.") && p1.body.contains("Vastaus numero 49."));
    assert!(!p1.body.contains("Vastaus numero 50."));
    let next = format!("/keskustelut/ketju/{thread}?jalkeen={}", ids[49]);
    assert!(p1.body.contains(&next), "a keyset link to the next page");
    assert!(trainee
        .get(&format!("/keskustelut/ryhma/{cohort}"))
        .await
        .body
        .contains("thread-unread"));
    let p2 = trainee.get(&next).await;
    assert!(p2.body.contains("Vastaus numero 50.") && p2.body.contains("Vastaus numero 99."));
    let p3 = trainee
        .get(&format!("/keskustelut/ketju/{thread}?jalkeen={}", ids[99]))
        .await;
    assert!(p3.body.contains("Vastaus numero 119.") && !p3.body.contains("jalkeen="));
    assert!(!trainee
        .get(&format!("/keskustelut/ryhma/{cohort}"))
        .await
        .body
        .contains("thread-unread"));
    // A reply lands on the page that shows it.
    let mut tr = app.signed_in("trainer@example.fi").await;
    let res = tr
        .post(
            &format!("/keskustelut/ketju/{thread}"),
            &[("body", "Myöhäinen"), ("parent_id", &ids[70].to_string())],
        )
        .await;
    assert_eq!(
        res.location().split('#').next().unwrap(),
        format!("/keskustelut/ketju/{thread}?jalkeen={}", ids[70] - 1)
    );

    // Thread lists: 30 a page, by last activity.
    for i in 0..35 {
        ask(
            &mut trainee,
            cohort,
            "discussion",
            &format!("Ketju {i:02}"),
            "x",
        )
        .await;
        app.clock.advance(chrono::Duration::seconds(1));
    }
    let l1 = trainee
        .get(&format!("/ryhmat/{cohort}/{LESSON}/keskustelu"))
        .await;
    assert!(l1.body.contains("Ketju 34") && !l1.body.contains("Ketju 04<"));
    let re = regex::Regex::new(r#"\?ennen=([0-9]+\.[0-9]+)""#).unwrap();
    let cursor = re.captures(&l1.body).expect("a next-page link")[1].to_string();
    let l2 = trainee
        .get(&format!(
            "/ryhmat/{cohort}/{LESSON}/keskustelu?ennen={cursor}"
        ))
        .await;
    assert!(l2.body.contains("Ketju 04<") && !l2.body.contains("Ketju 34<"));
    assert!(l2.body.contains("Pitkä ketju"));
}

#[actix_web::test]
async fn the_lessons_prompt_heads_its_discussion_and_is_listed_once_written_in() {
    let (app, cohort) = world();
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let lesson_page = trainee.get(&format!("/ryhmat/{cohort}/{LESSON}")).await;
    assert!(lesson_page
        .body
        .contains(&format!("/ryhmat/{cohort}/{LESSON}/keskustelu")));
    for b in [&mut trainee, &mut trainer] {
        let area = b
            .get(&format!("/ryhmat/{cohort}/{LESSON}/keskustelu"))
            .await;
        assert_eq!(area.status, 200);
        // The prompt heads the lesson's discussion, inviting the first reply.
        let prompt_at = area
            .body
            .find("Mikä teidän työssänne on kirjaamisen tärkein tehtävä?")
            .unwrap_or_else(|| panic!("{}", area.body));
        let threads_at = area.body.find(r#"id="threads-h""#).unwrap();
        assert!(prompt_at < threads_at, "the prompt comes first");
        assert!(area.body.contains("Kirjoita ensimmäinen vastaus"));
    }
    // An empty prompt is no thread yet: the cohort's list has none.
    let list = trainee.get(&format!("/keskustelut/ryhma/{cohort}")).await;
    assert!(
        list.body.contains("Ryhmässä ei ole vielä keskusteluja."),
        "{}",
        list.body
    );
    let prompts: Vec<(i64, bool)> = dt::table
        .filter(dt::cohort_id.eq(cohort))
        .filter(dt::kind.eq("prompt"))
        .select((dt::id, dt::pinned))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(prompts.len(), 1, "once, however often it is opened");
    assert!(!prompts[0].1, "a prompt is not pinned");
    let prompt = prompts[0].0;
    assert!(!list
        .body
        .contains(&format!("/keskustelut/ketju/{prompt}\"")));
    let page = trainee.get(&format!("/keskustelut/ketju/{prompt}")).await;
    assert!(page
        .body
        .contains("Mikä teidän työssänne on kirjaamisen tärkein tehtävä?"));
    reply(
        &mut trainee,
        prompt,
        "Asiakkaan oikeuksien turvaaminen.",
        None,
    )
    .await;
    // Written in, it joins the cohort's list; its own lesson shows it at the top only.
    let list = trainer.get(&format!("/keskustelut/ryhma/{cohort}")).await;
    assert!(list
        .body
        .contains(&format!("/keskustelut/ketju/{prompt}\"")));
    let area = trainer
        .get(&format!("/ryhmat/{cohort}/{LESSON}/keskustelu"))
        .await;
    assert!(
        area.body.contains("Lue 1 vastaus ja kirjoita omasi"),
        "{}",
        area.body
    );
    assert_eq!(
        area.body
            .matches(&format!("/keskustelut/ketju/{prompt}\""))
            .count(),
        1,
        "not again in the list below"
    );
    // Coordinators over the cohort read but do not write.
    app.user(
        "coord@example.fi",
        "K",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let mut coord = app.signed_in("coord@example.fi").await;
    let page = coord.get(&format!("/keskustelut/ketju/{prompt}")).await;
    assert!(page.body.contains("Asiakkaan oikeuksien turvaaminen."));
    let res = coord
        .post(&format!("/keskustelut/ketju/{prompt}"), &[("body", "Hei")])
        .await;
    assert_eq!(res.status, 403);
}

/// The cohort's list opens with real threads: what a trainer pinned, then everything written
/// in by newest activity (a prompt among them once answered); empty prompts not at all.
#[actix_web::test]
async fn the_cohort_list_shows_real_threads_by_activity() {
    let (app, cohort) = world();
    second_trainee(&app, cohort);
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainee2 = app.signed_in("trainee2@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    trainee
        .get(&format!("/ryhmat/{cohort}/{LESSON}/keskustelu"))
        .await;
    let prompt: i64 = dt::table
        .filter(dt::cohort_id.eq(cohort))
        .filter(dt::kind.eq("prompt"))
        .select(dt::id)
        .first(&mut app.conn())
        .unwrap();
    let older = ask(&mut trainee, cohort, "question", "Vanhempi kysymys", "x").await;
    let newer = ask(
        &mut trainee2,
        cohort,
        "discussion",
        "Uudempi keskustelu",
        "y",
    )
    .await;
    let pos = |body: &str, id: i64| body.find(&format!("/keskustelut/ketju/{id}\""));
    let list = trainee
        .get(&format!("/keskustelut/ryhma/{cohort}"))
        .await
        .body;
    assert!(
        pos(&list, newer) < pos(&list, older),
        "newest activity first"
    );
    assert!(
        pos(&list, prompt).is_none(),
        "the empty prompt is not listed"
    );
    // A reply to the prompt puts it first among the threads, not above them by force.
    reply(&mut trainee2, prompt, "Vastaan tehtävään.", None).await;
    let list = trainee
        .get(&format!("/keskustelut/ryhma/{cohort}"))
        .await
        .body;
    assert!(pos(&list, prompt) < pos(&list, newer));
    // Activity in the older question moves it up; a trainer's pin puts a thread on top.
    reply(&mut trainer, older, "Vastaus.", None).await;
    let list = trainee
        .get(&format!("/keskustelut/ryhma/{cohort}"))
        .await
        .body;
    assert!(pos(&list, older) < pos(&list, prompt));
    trainer
        .post(
            &format!("/keskustelut/ketju/{newer}/moderointi"),
            &[("action", "pin")],
        )
        .await;
    let list = trainee
        .get(&format!("/keskustelut/ryhma/{cohort}"))
        .await
        .body;
    assert!(pos(&list, newer) < pos(&list, older));
    assert!(list.contains("Kiinnitetty"));
}

#[actix_web::test]
async fn the_demo_world_has_discussions() {
    let app = TestApp::new();
    let dir = app.state.config.courses_dir.clone();
    std::fs::create_dir_all(&dir).unwrap();
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("courses");
    copy_dir(
        &real.join("kirjaamisvalmennus"),
        &dir.join("kirjaamisvalmennus"),
    );
    kirjaamo::app::publish_courses(&app.state).unwrap();
    kirjaamo::demo::seed(&mut app.conn(), crate::support::PASSWORD, app.clock.now()).unwrap();
    let threads: i64 = dt::table
        .filter(dt::kind.ne("prompt"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert!(threads >= 3, "{threads}");
    kirjaamo::demo::seed(&mut app.conn(), crate::support::PASSWORD, app.clock.now()).unwrap();
    let again: i64 = dt::table
        .filter(dt::kind.ne("prompt"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(threads, again, "idempotent");
    let mut trainer = app.signed_in(kirjaamo::demo::TRAINER).await;
    assert_eq!(trainer.get("/keskustelut/valmentaja").await.status, 200);
}

pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn the_hostile_markup_checker_catches_what_it_should() {
    for bad in [
        r#"<a href="javascript:alert(1)">x</a>"#,
        r#"<a href="&#106;avascript:alert(1)">x</a>"#,
        r#"<a href="java	script:alert(1)">x</a>"#,
        r#"<a href="data:text/html,x">x</a>"#,
        r#"<img src="x">"#,
        r#"<p onclick="x">y</p>"#,
        r#"<p style="color:red">y</p>"#,
        r#"<svg></svg>"#,
    ] {
        assert!(!problems(bad).is_empty(), "{bad}");
    }
    for good in [
        r#"<p><a href="https://example.fi/x" rel="noopener noreferrer nofollow">x</a></p>"#,
        r#"<a href="jav%09ascript:alert(1)">a relative link</a>"#,
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript: in text</p>",
        r#"<ol start="3"><li>x</li></ol>"#,
    ] {
        assert!(problems(good).is_empty(), "{good}: {:?}", problems(good));
    }
}
