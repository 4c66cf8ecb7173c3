//! Discussion e-mail as mail programs and readers meet it: every notification and digest
//! carries `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058), a one-click POST to
//! that address unsubscribes without a session or a CSRF token (and nothing else does), and
//! the digests go out at the configured Helsinki hour.

use crate::discussions::{ask, next_digest_morning, reply};
use crate::mail::{smtp_mailer, SmtpServer};
use crate::support::TestApp;
use diesel::prelude::*;
use kirjaamo::db::schema::{outbox_messages as om, users};
use kirjaamo::db::schema_discussions::{
    discussion_settings as ds, discussion_subscriptions as dsub,
};
use kirjaamo::mail::Messaging;

fn world() -> (TestApp, i64) {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    (app, cohort)
}

fn user_id(app: &TestApp, email: &str) -> i64 {
    users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap()
}

/// (template, list_unsubscribe) of the messages queued to `email`.
fn queued_to(app: &TestApp, email: &str) -> Vec<(String, Option<String>)> {
    om::table
        .filter(om::recipient_email.eq(email))
        .order(om::id)
        .select((om::template, om::list_unsubscribe))
        .load(&mut app.conn())
        .unwrap()
}

fn send_digests(app: &TestApp, hour: u32) -> usize {
    let msg = Messaging {
        templates: &app.state.templates,
        base_url: &app.state.config.base_url,
        secret: &app.state.config.secret,
    };
    kirjaamo::discussions::digest::send_digests(&mut app.conn(), &msg, app.clock.now(), hour)
        .unwrap()
}

fn following(app: &TestApp, thread: i64, user: i64) -> bool {
    dsub::table
        .find((thread, user))
        .select(dsub::following)
        .first(&mut app.conn())
        .unwrap()
}

/// The headers of a delivered message, unfolded, one per line.
fn headers_of(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let head = raw.split("\n\n").next().unwrap_or("");
    head.replace("\n ", " ").replace("\n\t", " ")
}

#[actix_web::test]
async fn notifications_and_digests_carry_a_one_click_unsubscribe() {
    let (app, cohort) = world();
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let thread = ask(
        &mut trainee,
        cohort,
        "question",
        "Kysymys",
        "Miten kirjaan?",
    )
    .await;
    reply(&mut trainer, thread, "Näin kirjaat.", None).await;

    // The trainee's notification names its unsubscribe address as a header, too.
    let queued = queued_to(&app, "trainee@example.fi");
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].0, "discussion_post");
    let url = queued[0].1.clone().expect("List-Unsubscribe stored");
    let base = &app.state.config.base_url;
    assert!(
        url.starts_with(&format!("{base}/keskustelut/peru-tilaus/")),
        "{url}"
    );
    // Transactional mail (the applicant's confirmation, a password reset) has none.
    assert!(
        om::table
            .filter(om::template.ne("discussion_post"))
            .filter(om::template.ne("discussion_digest"))
            .filter(om::list_unsubscribe.is_not_null())
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap()
            == 0
    );

    // Delivered, the message carries both headers (RFC 2369 and RFC 8058).
    app.state.mailer().deliver_due(100).await.unwrap();
    let sent = app.sent.lock().unwrap().clone();
    let out = sent
        .iter()
        .find(|m| m.to_email == "trainee@example.fi")
        .unwrap();
    let raw = kirjaamo::mail::transport::build(&app.state.config.mail_from, out)
        .unwrap()
        .formatted();
    let headers = headers_of(&String::from_utf8(raw).unwrap());
    assert!(
        headers.contains(&format!("List-Unsubscribe: <{url}>")),
        "{headers}"
    );
    assert!(
        headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{headers}"
    );

    // A mail program's one-click POST: no cookie, no CSRF token, its own Origin.
    let trainee_id = user_id(&app, "trainee@example.fi");
    assert!(following(&app, thread, trainee_id));
    let path = url.replace(base.as_str(), "");
    let mut mail_program = app.browser().await;
    mail_program
        .extra_headers
        .push(("Origin".into(), "https://mail.example.net".into()));
    // A tampered token changes nothing.
    let forged = mail_program
        .post_raw(&format!("{path}x"), &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(forged.status, 410);
    assert!(following(&app, thread, trainee_id));
    let res = mail_program
        .post_raw(&path, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(!following(&app, thread, trainee_id));
    // Again: nothing more happens, still a plain answer.
    let again = mail_program
        .post_raw(&path, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(again.status, 200);
    reply(&mut trainer, thread, "Tätä ei enää lähetetä.", None).await;
    assert_eq!(queued_to(&app, "trainee@example.fi").len(), 1);

    // Any other POST without a token is still refused, from the same mail program.
    let other = mail_program
        .post_raw("/keskustelut/asetukset", &[("email_mode", "off")])
        .await;
    assert_eq!(other.status, 403);

    // A digest: its header stops all discussion e-mail in one click.
    let mut trainee = app.signed_in("trainee@example.fi").await;
    trainee
        .post("/keskustelut/asetukset", &[("email_mode", "daily")])
        .await;
    trainee
        .post(
            &format!("/keskustelut/ketju/{thread}/seuranta"),
            &[("follow", "1")],
        )
        .await;
    reply(&mut trainer, thread, "Koosteeseen.", None).await;
    app.clock.set(next_digest_morning(&app));
    assert_eq!(send_digests(&app, 7), 1);
    let digest = queued_to(&app, "trainee@example.fi").pop().unwrap();
    assert_eq!(digest.0, "discussion_digest");
    let all = digest.1.expect("the digest's List-Unsubscribe");
    let res = mail_program
        .post_raw(
            &all.replace(base.as_str(), ""),
            &[("List-Unsubscribe", "One-Click")],
        )
        .await;
    assert_eq!(res.status, 200);
    let mode: String = ds::table
        .find(trainee_id)
        .select(ds::email_mode)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(mode, "off");
}

#[actix_web::test]
async fn the_headers_arrive_over_real_smtp() {
    if !SmtpServer::enabled() {
        return;
    }
    let (app, cohort) = world();
    let server = SmtpServer::start_on(SmtpServer::free_port());
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let mut trainer = app.signed_in("trainer@example.fi").await;
    let thread = ask(&mut trainee, cohort, "question", "Kysymys", "Miten?").await;
    reply(&mut trainer, thread, "Näin.", None).await;
    smtp_mailer(&app, server.port)
        .deliver_due(100)
        .await
        .unwrap();
    let got: Vec<String> = server
        .messages()
        .into_iter()
        .filter(|m| m.contains("trainee@example.fi"))
        .collect();
    assert_eq!(got.len(), 1);
    let headers = headers_of(&got[0]);
    let line = headers
        .lines()
        .find(|l| l.starts_with("List-Unsubscribe:"))
        .unwrap_or_else(|| panic!("{headers}"));
    assert!(
        line.contains(&format!(
            "<{}/keskustelut/peru-tilaus/",
            app.state.config.base_url
        )),
        "{line}"
    );
    assert!(headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
}

#[actix_web::test]
async fn digests_go_out_at_the_configured_helsinki_hour() {
    let (app, cohort) = world();
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let trainer = app.signed_in("trainer@example.fi").await;
    trainee
        .post("/keskustelut/asetukset", &[("email_mode", "daily")])
        .await;
    let thread = ask(&mut trainee, cohort, "discussion", "Ketju", "Aloitus").await;
    // Winter: the post at 15.30 Helsinki time (13.30 UTC) waits for the next morning.
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    app.clock.set(at("2026-11-23 13:30"));
    drop(trainer);
    let mut trainer = app.signed_in("trainer@example.fi").await;
    reply(&mut trainer, thread, "Iltapäivän viesti.", None).await;
    assert_eq!(send_digests(&app, 7), 0, "not in the afternoon");
    app.clock.set(at("2026-11-24 04:59")); // 06.59 in Helsinki
    assert_eq!(send_digests(&app, 7), 0, "not before 07.00");
    app.clock.set(at("2026-11-24 05:00")); // 07.00
    assert_eq!(send_digests(&app, 7), 1);
    assert_eq!(send_digests(&app, 7), 0, "once a day");
    // A post after 07.00 waits for the next day, even if the job runs all day.
    let mut trainer3 = app.signed_in("trainer@example.fi").await;
    reply(&mut trainer3, thread, "Aamupäivän viesti.", None).await;
    app.clock.set(at("2026-11-24 20:00"));
    assert_eq!(send_digests(&app, 7), 0);
    app.clock.set(at("2026-11-25 05:00"));
    assert_eq!(send_digests(&app, 7), 1);

    // Summer time: 07.00 in Helsinki is 04.00 UTC; another hour can be configured.
    app.clock.set(at("2027-06-10 12:00"));
    let mut trainer4 = app.signed_in("trainer@example.fi").await;
    reply(&mut trainer4, thread, "Kesäinen viesti.", None).await;
    app.clock.set(at("2027-06-11 03:59"));
    assert_eq!(send_digests(&app, 7), 0);
    app.clock.set(at("2027-06-11 04:00"));
    assert_eq!(send_digests(&app, 7), 1);
    let mut trainer5 = app.signed_in("trainer@example.fi").await;
    reply(&mut trainer5, thread, "Iltaviesti.", None).await;
    app.clock.set(at("2027-06-11 14:59")); // 17.59
    assert_eq!(send_digests(&app, 18), 0);
    app.clock.set(at("2027-06-11 15:00")); // 18.00
    assert_eq!(send_digests(&app, 18), 1);
    assert_eq!(queued_to(&app, "trainee@example.fi").len(), 4);
}

/// A reply tells every follower in the poster's transaction, one outbox row each and no more:
/// the e-mail's key names the new post, so there is nothing to look up first. Each follower
/// more costs the posting transaction one statement (it cost five: the account's creation
/// date, the duplicate check, a savepoint, the insert and its release), and each still gets
/// their own message with their own working unsubscribe link.
#[actix_web::test]
async fn a_reply_costs_one_statement_per_follower() {
    crate::support::statements::install();
    let (app, cohort) = world();
    let mut trainee = app.signed_in("trainee@example.fi").await;
    let thread = ask(
        &mut trainee,
        cohort,
        "discussion",
        "Seurattu ketju",
        "Aloitus.",
    )
    .await;
    let mut followers = Vec::new();
    let mut browsers = Vec::new();
    for i in 0..5 {
        let email = format!("seuraaja{i}@example.fi");
        let u = app.user(&email, &format!("Seuraaja {i}"), None);
        kirjaamo::cohorts::enrol(&mut app.conn(), cohort, u.id, app.clock.now()).unwrap();
        let mut b = app.signed_in(&email).await;
        reply(&mut b, thread, &format!("Seuraan tätä ({i})."), None).await;
        followers.push(email);
        browsers.push(b);
    }
    // Each has read the thread to its end (else they wait for their one e-mail to be read).
    let thread_url = format!("/keskustelut/ketju/{thread}");
    for b in &mut browsers {
        assert_eq!(b.get(&thread_url).await.status, 200);
    }
    // The statements of one reply, with `n` followers told.
    let url = app.state.config.database_url.clone();
    let mut statements_of_reply = async |body: &str| {
        let before = crate::support::statements::sent(&url);
        reply(&mut trainee, thread, body, None).await;
        crate::support::statements::sent(&url) - before
    };
    let with_five = statements_of_reply("Viisi seuraajaa kuulee tästä.").await;
    // Two of them stop following.
    for email in &followers[..2] {
        let uid = user_id(&app, email);
        diesel::update(dsub::table.find((thread, uid)))
            .set(dsub::following.eq(false))
            .execute(&mut app.conn())
            .unwrap();
    }
    for b in &mut browsers[2..] {
        assert_eq!(b.get(&thread_url).await.status, 200);
    }
    let with_three = statements_of_reply("Kolme seuraajaa kuulee tästä.").await;
    eprintln!("statements of a reply: {with_five} with five followers, {with_three} with three");
    assert_eq!(with_five - with_three, 2, "one statement per follower");
    // The followers, with whether each is the cohort's trainee or trainer, are one statement
    // (`discussions::notify::followers`; they were three): the session check, the thread's
    // access (3), the post, the followers, an outbox row each, the poster's follow and read
    // marker, the thread's counters, BEGIN and COMMIT.
    assert!(
        with_three <= 14,
        "a reply with three followers: {with_three} statements"
    );
    for (i, email) in followers.iter().enumerate() {
        let mails: Vec<String> = om::table
            .filter(om::recipient_email.eq(email))
            .filter(om::template.eq("discussion_post"))
            .order(om::id)
            .select(om::body_text)
            .load(&mut app.conn())
            .unwrap();
        let last = mails.last().expect("a message");
        let expected = if i < 2 {
            "Viisi seuraajaa"
        } else {
            "Kolme seuraajaa"
        };
        assert!(last.contains(expected), "{email}: {last}");
    }
    // The last follower's link unsubscribes them (the account's stamp in it is right).
    let text: String = om::table
        .filter(om::recipient_email.eq(&followers[4]))
        .order(om::id.desc())
        .select(om::body_text)
        .first(&mut app.conn())
        .unwrap();
    let link = crate::support::link_in(&text, "/keskustelut/peru-tilaus/").unwrap();
    let path = link.replace(&app.state.config.base_url, "");
    let mut anon = app.browser().await;
    assert_eq!(anon.post(&path, &[]).await.status, 200);
    assert!(!following(&app, thread, user_id(&app, &followers[4])));
}
