//! What the speed work must not change (never how fast: that is measured in `benches/`):
//! compressed answers are the same bytes, assets are cached only when their name says they
//! cannot change, the thread's counters agree with its posts however posts race, and
//! followers are told exactly as before.

use crate::support::TestApp;
use actix_web::http::header;
use actix_web::test as web_test;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{cohorts as cohorts_t, users};
use kirjaamo::db::schema_discussions::{
    discussion_posts as dp, discussion_subscriptions as dsub, discussion_threads as dt,
};
use kirjaamo::discussions::posting;
use std::io::Read;

/// One request through the real application; the raw answer (status, headers, bytes).
async fn raw(
    app: &TestApp,
    req: web_test::TestRequest,
) -> (u16, header::HeaderMap, actix_web::web::Bytes) {
    let service = web_test::init_service(
        actix_web::App::new()
            .wrap(actix_web::middleware::from_fn(kirjaamo::web::frame::frame))
            .configure(kirjaamo::app::configure(app.state.clone()))
            .default_service(actix_web::web::to(kirjaamo::web::pages::not_found)),
    )
    .await;
    let res = web_test::call_service(&service, req.to_request()).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, web_test::read_body(res).await)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn get(path: &str) -> web_test::TestRequest {
    web_test::TestRequest::get().uri(path)
}

#[actix_web::test]
async fn pages_are_gzipped_for_clients_that_take_it_and_read_the_same() {
    let app = TestApp::new();
    let (status, plain_headers, plain) = raw(&app, get("/login")).await;
    assert_eq!(status, 200);
    assert!(plain_headers.get(header::CONTENT_ENCODING).is_none());
    assert!(plain.len() > kirjaamo::web::compress::MIN_SIZE);
    let (status, headers, packed) = raw(
        &app,
        get("/login").insert_header((header::ACCEPT_ENCODING, "gzip, deflate, br")),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
    assert!(headers
        .get(header::VARY)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("Accept-Encoding"));
    assert!(packed.len() < plain.len() / 2);
    // The same page (its CSRF token and request id differ per request).
    let text = String::from_utf8(gunzip(&packed)).unwrap();
    assert!(text.contains("<form") && text.contains("name=\"csrf_token\""));
    assert!(text.ends_with("</html>\n") || text.trim_end().ends_with("</html>"));
    // A client that refuses gzip gets it plain.
    let (_, headers, _) = raw(
        &app,
        get("/login").insert_header((header::ACCEPT_ENCODING, "gzip;q=0, identity")),
    )
    .await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    // Small answers go as they are.
    let (_, headers, body) = raw(
        &app,
        get("/healthz").insert_header((header::ACCEPT_ENCODING, "gzip")),
    )
    .await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert!(body.len() < kirjaamo::web::compress::MIN_SIZE);
}

#[actix_web::test]
async fn hashed_assets_are_immutable_plain_names_revalidate_and_gzip_is_the_same_file() {
    let app = TestApp::new();
    let hashed = app.state.templates.assets.url("css/site.css");
    assert_ne!(hashed, "/assets/css/site.css", "the name carries a hash");
    let (status, headers, plain) = raw(&app, get(&hashed)).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers.get(header::CACHE_CONTROL).unwrap(),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers.get(header::VARY).unwrap(), "Accept-Encoding");
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert!(headers.get(header::SET_COOKIE).is_none());
    let etag = headers.get(header::ETAG).unwrap().clone();
    let on_disk =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/css/site.css")).unwrap();
    assert_eq!(plain.as_ref(), on_disk.as_slice());

    let (_, headers, packed) = raw(
        &app,
        get(&hashed).insert_header((header::ACCEPT_ENCODING, "gzip")),
    )
    .await;
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
    assert!(packed.len() < plain.len() / 2);
    assert_eq!(gunzip(&packed), on_disk);

    // The plain name: the same file, but a browser must ask again (its content may change).
    let (status, headers, body) = raw(&app, get("/assets/css/site.css")).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_ref(), on_disk.as_slice());
    assert_eq!(
        headers.get(header::CACHE_CONTROL).unwrap(),
        "public, no-cache"
    );
    let (status, headers, body) = raw(
        &app,
        get("/assets/css/site.css").insert_header((header::IF_NONE_MATCH, etag)),
    )
    .await;
    assert_eq!(status, 304);
    assert!(body.is_empty());
    assert!(headers.get(header::ETAG).is_some());
    // A name that is no asset is the ordinary 404 page, not cached.
    let (status, headers, _) = raw(&app, get("/assets/css/ei-ole.css")).await;
    assert_eq!(status, 404);
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
}

/// The fixture course, a cohort with a trainee, a second trainee and a trainer, and a question
/// thread the first trainee asked. Returns (app, cohort, thread, trainee, trainee2, trainer).
fn thread_world() -> (
    TestApp,
    i64,
    i64,
    kirjaamo::accounts::Principal,
    kirjaamo::accounts::Principal,
    kirjaamo::accounts::Principal,
) {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    let second = app.user("trainee2@example.fi", "Kalle Kakkonen", None);
    kirjaamo::cohorts::enrol(&mut app.conn(), cohort, second.id, app.clock.now()).unwrap();
    let who = |email: &str| {
        let mut conn = app.conn();
        let (id, version): (i64, i32) = users::table
            .filter(users::email.eq(email))
            .select((users::id, users::session_version))
            .first(&mut conn)
            .unwrap();
        kirjaamo::accounts::principal_for(&mut conn, id, version)
            .unwrap()
            .unwrap()
    };
    let (trainee, trainee2, trainer) = (
        who("trainee@example.fi"),
        who("trainee2@example.fi"),
        who("trainer@example.fi"),
    );
    let course_id: i64 = cohorts_t::table
        .find(cohort)
        .select(cohorts_t::course_id)
        .first(&mut app.conn())
        .unwrap();
    let lesson_id: i64 = kirjaamo::db::schema::lessons::table
        .filter(kirjaamo::db::schema::lessons::course_id.eq(course_id))
        .select(kirjaamo::db::schema::lessons::id)
        .first(&mut app.conn())
        .unwrap();
    let thread = posting::start_thread(
        &mut app.conn(),
        None,
        &trainee,
        cohort,
        posting::NewThread {
            lesson_id,
            kind: kirjaamo::discussions::QUESTION,
            title: "Kysymys",
            body: "Miten kirjaan?",
        },
        app.clock.now(),
    )
    .unwrap();
    (app, cohort, thread, trainee, trainee2, trainer)
}

/// (post_count, last_post_id, answered) of the thread, and (count, max id) of its posts.
fn counters(app: &TestApp, thread: i64) -> ((i32, i64, bool), (i64, i64)) {
    let mut conn = app.conn();
    let (count, last, answered): (i32, i64, Option<chrono::NaiveDateTime>) = dt::table
        .find(thread)
        .select((dt::post_count, dt::last_post_id, dt::answered_at))
        .first(&mut conn)
        .unwrap();
    let (n, max): (i64, Option<i64>) = dp::table
        .filter(dp::thread_id.eq(thread))
        .select((diesel::dsl::count_star(), diesel::dsl::max(dp::id)))
        .first(&mut conn)
        .unwrap();
    ((count, last, answered.is_some()), (n, max.unwrap_or(0)))
}

#[test]
fn counters_agree_with_the_posts_however_replies_race() {
    let (app, _, thread, trainee, trainee2, trainer) = thread_world();
    let ((count, last, answered), (n, max)) = counters(&app, thread);
    assert_eq!((i64::from(count), last, answered), (n, max, false));
    // Eight writers at once, each replying ten times into the same thread.
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let state = app.state.clone();
            let who = if w % 2 == 0 {
                trainee.clone()
            } else {
                trainee2.clone()
            };
            std::thread::spawn(move || {
                let mut placed = Vec::new();
                for i in 0..10 {
                    let mut conn = state.pool.get().unwrap();
                    placed.push(
                        posting::reply_placed(
                            &mut conn,
                            Some(&state.messaging()),
                            &who,
                            thread,
                            None,
                            &format!("Vastaus {w}-{i}"),
                            state.clock.now(),
                        )
                        .unwrap(),
                    );
                }
                placed
            })
        })
        .collect();
    let placed: Vec<posting::Placed> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert_eq!(placed.len(), 80);
    let ((count, last, answered), (n, max)) = counters(&app, thread);
    assert_eq!(n, 81);
    assert_eq!(i64::from(count), n, "post_count is the number of posts");
    assert_eq!(
        last, max,
        "last_post_id is the newest post, never an older one"
    );
    assert!(!answered, "trainees' replies do not answer a question");
    // Each reply saw its own count: all different, the largest the final one.
    let mut seen: Vec<i32> = placed.iter().map(|p| p.post_count).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 80);
    assert_eq!(*seen.last().unwrap(), count);
    assert!(placed.iter().all(|p| p.answer_id == p.post_id));

    // A trainer's answer marks the question answered; a reply under it lands under it.
    let mut conn = app.conn();
    let answer = posting::reply_placed(
        &mut conn,
        None,
        &trainer,
        thread,
        None,
        "Näin.",
        app.clock.now(),
    )
    .unwrap();
    let under = posting::reply_placed(
        &mut conn,
        None,
        &trainee,
        thread,
        Some(answer.post_id),
        "Kiitos!",
        app.clock.now(),
    )
    .unwrap();
    assert_eq!(under.answer_id, answer.post_id);
    assert_eq!(under.post_count, answer.post_count + 1);
    let ((count, last, answered), (n, max)) = counters(&app, thread);
    assert_eq!((i64::from(count), last, answered), (n, max, true));
}

#[test]
fn followers_are_told_once_each_and_only_while_they_may_read_the_thread() {
    let (app, cohort, thread, trainee, trainee2, trainer) = thread_world();
    // A regional coordinator of the cohort's region follows too (an overseer, not a member);
    // so does a coordinator of another region, who may not read it.
    let socca = app.region_id("socca");
    let overseer = app.user(
        "koordinaattori@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::RegionalCoordinator { region_id: socca }),
    );
    let stranger = app.user(
        "muu@example.fi",
        "Matti Muualta",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("pikassos"),
        }),
    );
    let now = app.clock.now();
    // As following by hand or once having been a member leaves it; each has read the thread
    // so far (an immediate e-mail goes to a follower who has caught up).
    let last: i64 = kirjaamo::db::schema_discussions::discussion_threads::table
        .find(thread)
        .select(kirjaamo::db::schema_discussions::discussion_threads::last_post_id)
        .first(&mut app.conn())
        .unwrap();
    for uid in [overseer.id, stranger.id, trainee2.user_id] {
        diesel::insert_into(dsub::table)
            .values((
                dsub::thread_id.eq(thread),
                dsub::user_id.eq(uid),
                dsub::following.eq(true),
                dsub::created_at.eq(now),
            ))
            .execute(&mut app.conn())
            .unwrap();
        use kirjaamo::db::schema_discussions::discussion_reads as rd;
        diesel::insert_into(rd::table)
            .values((
                rd::thread_id.eq(thread),
                rd::user_id.eq(uid),
                rd::last_read_post_id.eq(last),
            ))
            .execute(&mut app.conn())
            .unwrap();
    }
    // The second trainee leaves the cohort: no more mail for them.
    let enrolment: i64 = kirjaamo::db::schema::enrolments::table
        .filter(kirjaamo::db::schema::enrolments::cohort_id.eq(cohort))
        .filter(kirjaamo::db::schema::enrolments::user_id.eq(trainee2.user_id))
        .select(kirjaamo::db::schema::enrolments::id)
        .first(&mut app.conn())
        .unwrap();
    kirjaamo::cohorts::set_status(&mut app.conn(), enrolment, "withdrawn", None, "", now).unwrap();
    let post = posting::reply(
        &mut app.conn(),
        Some(&app.state.messaging()),
        &trainer,
        thread,
        None,
        "Vastaus kaikille",
        now,
    )
    .unwrap();
    let mut to: Vec<String> = app.outbox().into_iter().map(|(to, ..)| to).collect();
    to.sort();
    // The asker (a follower of their question) and the overseer; never the trainer who wrote it.
    assert_eq!(to, ["koordinaattori@example.fi", "trainee@example.fi"]);
    assert!(post > 0);
    let _ = trainee;
}
