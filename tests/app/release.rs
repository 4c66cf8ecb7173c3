//! Undoing the lapse check: a check may not act on a day that has not come; a coordinator
//! releases an expert from the refresher (the place freed and given on, the expert told, the
//! reason in the audit log); the daily check returns an enrolled expert who is current again.

use crate::refresher::{
    action_of, check, d, enrolments_of, expert, mails_to, membership_status, refresher_cohort,
    world,
};
use crate::support::TestApp;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{
    audit_log, enrolments, lesson_progress, lessons, outbox_messages, refresher_cases,
};
use kirjaamo::network::refresher::{self, Action};

fn count_cases(app: &TestApp) -> i64 {
    refresher_cases::table
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

fn count_mail(app: &TestApp) -> i64 {
    outbox_messages::table
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

fn enrolment_status(app: &TestApp, user: i64, cohort: i64) -> String {
    enrolments::table
        .filter(enrolments::user_id.eq(user))
        .filter(enrolments::cohort_id.eq(cohort))
        .select(enrolments::status)
        .first(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn a_check_on_a_day_that_has_not_come_is_refused_unless_a_dry_run() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    // Valid until 1.1.2027: current today (23.11.2026), lapsed in February 2027.
    let later = expert(&app, "later@example.fi", helsinki, "2024-01-01", &[]);
    refresher_cohort(&app, "Kertaus, Socca", Some("socca"), None);
    let mails_before = count_mail(&app);
    let msg = app.state.messaging();
    let refused = refresher::check(
        &mut app.conn(),
        &msg,
        d("2027-02-01"),
        app.clock.now(),
        false,
    );
    assert!(
        matches!(&refused, Err(kirjaamo::AppError::Invalid(k)) if k == "refresher.future_as_of"),
        "{refused:?}"
    );
    assert_eq!(count_cases(&app), 0, "nothing changed");
    assert_eq!(count_mail(&app), mails_before, "nobody e-mailed");
    assert_eq!(membership_status(&app, later), "active");
    // Looking ahead is what a dry run is for.
    let ahead = refresher::check(
        &mut app.conn(),
        &msg,
        d("2027-02-01"),
        app.clock.now(),
        true,
    )
    .unwrap()
    .unwrap();
    assert!(matches!(
        action_of(&ahead, later),
        Some(Action::Enrolled { .. })
    ));
    assert_eq!(count_cases(&app), 0);
    // Today itself is fine: not lapsed yet, only reminded.
    let today = refresher::check(
        &mut app.conn(),
        &msg,
        d("2026-11-23"),
        app.clock.now(),
        false,
    )
    .unwrap()
    .unwrap();
    assert_eq!(action_of(&today, later), Some(Action::Warned));
    assert_eq!(count_cases(&app), 0);
}

#[actix_web::test]
async fn a_coordinator_releases_an_expert_and_the_place_goes_to_the_next() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    let first = expert(&app, "eka@example.fi", helsinki, "2022-01-01", &[]);
    let second = expert(&app, "toka@example.fi", helsinki, "2022-02-01", &[]);
    let cohort = refresher_cohort(&app, "Kertaus, Socca", Some("socca"), Some(1));
    let r = check(&app, "2026-11-23", false);
    assert!(matches!(
        action_of(&r, first),
        Some(Action::Enrolled { .. })
    ));
    assert_eq!(
        action_of(&r, second),
        Some(Action::Queued),
        "the cohort is full"
    );
    app.user(
        "socca@example.fi",
        "Sari Socca",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user(
        "pikassos@example.fi",
        "Pekka Pikassos",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("pikassos"),
        }),
    );
    let path = format!("/verkosto/kertaus/{first}/vapauta-ryhmasta");

    // Another region's coordinator cannot.
    let mut other = app.signed_in("pikassos@example.fi").await;
    let res = other
        .post(&path, &[("until", "2027-06-30"), ("reason", "Virhe")])
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(enrolment_status(&app, first, cohort), "active");

    let mut b = app.signed_in("socca@example.fi").await;
    let page = b.get("/verkosto/kertaus").await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Vapauta Asiantuntija eka@example.fi kertausvalmennuksesta"));
    // Still lapsed: a day is needed, or the next check would enrol them again.
    let res = b
        .post(&path, &[("reason", "Siirtyi toisiin tehtäviin")])
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("anna päivä"), "{}", res.body);
    assert!(
        res.body.contains("Siirtyi toisiin tehtäviin"),
        "what was typed stays"
    );
    let res = b
        .post(&path, &[("until", "2027-06-30"), ("reason", " ")])
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Kirjoita perustelu."));
    let res = b
        .post(
            &path,
            &[("until", "2027-06-30"), ("reason", "Virhe\u{0}\u{202e}")],
        )
        .await;
    assert_eq!(res.status, 400, "hostile bytes: a clear message, not a 500");
    assert_eq!(
        enrolment_status(&app, first, cohort),
        "active",
        "nothing changed"
    );

    let res = b
        .post(
            &path,
            &[
                ("until", "2027-06-30"),
                ("reason", "Siirtyi toisiin tehtäviin"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = b.get(&res.location()).await;
    assert!(
        page.body
            .contains("Asiantuntija on vapautettu kertausvalmennuksesta, paikka ryhmässä"),
        "{}",
        page.body
    );
    assert_eq!(enrolment_status(&app, first, cohort), "withdrawn");
    assert_eq!(membership_status(&app, first), "active");
    // The freed place went to the one waiting.
    assert_eq!(enrolments_of(&app, second), vec![cohort]);
    assert_eq!(membership_status(&app, second), "in_refresher");
    let mails = mails_to(&app, "eka@example.fi");
    let (subject, text) = mails.last().unwrap();
    assert_eq!(subject, "Sinut on vapautettu kertaavasta valmennuksesta");
    assert!(text.contains("Siirtyi toisiin tehtäviin") && text.contains("30.6.2027"));
    let (area, details): (Option<i64>, String) = audit_log::table
        .filter(audit_log::action.eq("refresher.release"))
        .select((audit_log::region_id, audit_log::details))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(area, Some(app.region_id("socca")));
    assert!(details.contains("Siirtyi toisiin tehtäviin"));
    // The next checks leave them be until the day.
    let r = check(&app, "2026-11-24", false);
    assert_eq!(
        action_of(&r, first),
        Some(Action::Excused {
            until: d("2027-06-30")
        })
    );
    // Twice: the case is closed, a clear message.
    let mut b = app.signed_in("socca@example.fi").await;
    let res = b
        .post(&path, &[("until", "2027-06-30"), ("reason", "Uudestaan")])
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Tilanne muuttui juuri"), "{}", res.body);
}

#[actix_web::test]
async fn an_expert_who_is_current_again_is_released_without_a_day() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    // Due soon (valid until 20.12.2026): a coordinator enrolled them by hand.
    let soon = expert(&app, "soon@example.fi", helsinki, "2023-12-20", &[]);
    let cohort = refresher_cohort(&app, "Kertaus, Socca", Some("socca"), None);
    let coordinator = app.user(
        "socca@example.fi",
        "Sari Socca",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let who = kirjaamo::accounts::principal_for(
        &mut app.conn(),
        coordinator.id,
        coordinator.session_version,
    )
    .unwrap()
    .unwrap();
    let msg = app.state.messaging();
    refresher::enrol_by_hand(
        &mut app.conn(),
        &msg,
        &who,
        soon,
        cohort,
        "Haluaa kerrata",
        app.clock.today(),
        app.clock.now(),
    )
    .unwrap();
    let mut b = app.signed_in("socca@example.fi").await;
    let page = b.get("/verkosto/kertaus").await;
    assert!(
        page.body
            .contains("Osaaminen on tänään voimassa (20.12.2026 asti)"),
        "{}",
        page.body
    );
    let res = b
        .post(
            &format!("/verkosto/kertaus/{soon}/vapauta-ryhmasta"),
            &[("until", ""), ("reason", "Ilmoitettu vahingossa")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(enrolment_status(&app, soon, cohort), "withdrawn");
    assert_eq!(membership_status(&app, soon), "active");
    let status: String = refresher_cases::table
        .select(refresher_cases::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "resolved");
}

#[actix_web::test]
async fn the_daily_check_returns_an_enrolled_expert_who_is_current_again() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    let quiet = expert(&app, "quiet@example.fi", helsinki, "2022-01-01", &[]);
    let studying = expert(&app, "studying@example.fi", helsinki, "2022-01-01", &[]);
    let cohort = refresher_cohort(&app, "Kertaus, Socca", Some("socca"), None);
    check(&app, "2026-11-23", false);
    assert_eq!(enrolments_of(&app, quiet), vec![cohort]);
    // Both log a training they held last month; one has already started the refresher.
    for user in [quiet, studying] {
        let draft = kirjaamo::network::trainings::Draft {
            organisation_id: helsinki,
            held_on: Some(d("2026-10-15")),
            themes: vec!["structured".into()],
            participants: Some(6),
            ..Default::default()
        };
        kirjaamo::network::trainings::log(
            &mut app.conn(),
            user,
            &draft,
            app.clock.now().date(),
            app.clock.now(),
        )
        .unwrap();
    }
    let lesson: i64 = lessons::table
        .inner_join(
            kirjaamo::db::schema::cohorts::table
                .on(kirjaamo::db::schema::cohorts::course_id.eq(lessons::course_id)),
        )
        .filter(kirjaamo::db::schema::cohorts::id.eq(cohort))
        .select(lessons::id)
        .first(&mut app.conn())
        .unwrap();
    diesel::insert_into(lesson_progress::table)
        .values((
            lesson_progress::user_id.eq(studying),
            lesson_progress::lesson_id.eq(lesson),
            lesson_progress::done_at.eq(Some(app.clock.now())),
            lesson_progress::answers_json.eq("{}"),
            lesson_progress::updated_at.eq(app.clock.now()),
        ))
        .execute(&mut app.conn())
        .unwrap();
    let dry = check(&app, "2026-11-24", true);
    assert_eq!(
        action_of(&dry, quiet),
        Some(Action::BackToCurrent { withdrawn: true })
    );
    assert_eq!(enrolment_status(&app, quiet, cohort), "active", "a dry run");
    let r = check(&app, "2026-11-24", false);
    assert_eq!(
        action_of(&r, quiet),
        Some(Action::BackToCurrent { withdrawn: true })
    );
    assert_eq!(
        action_of(&r, studying),
        Some(Action::BackToCurrent { withdrawn: false })
    );
    assert!(r.summary().contains("2 back to current"), "{}", r.summary());
    assert_eq!(membership_status(&app, quiet), "active");
    assert_eq!(membership_status(&app, studying), "active");
    assert_eq!(enrolment_status(&app, quiet, cohort), "withdrawn");
    assert_eq!(
        enrolment_status(&app, studying, cohort),
        "active",
        "who has started keeps the place"
    );
    let (subject, _) = mails_to(&app, "quiet@example.fi").last().unwrap().clone();
    assert_eq!(
        subject,
        "Osaamisesi on taas voimassa: kertaavaa valmennusta ei tarvita"
    );
    let open: i64 = refresher_cases::table
        .filter(refresher_cases::closed_at.is_null())
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(open, 0, "both cases closed");
    // Nothing more the day after.
    let r = check(&app, "2026-11-25", false);
    assert_eq!(action_of(&r, quiet), None);
}
