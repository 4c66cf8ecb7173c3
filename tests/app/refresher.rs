//! The lapse check and the refresher: lapsed experts enrolled once (into their region's
//! cohort, else a national one, else the queue that a new cohort drains), reminders once,
//! dry runs that change nothing, two checks at once, the refresher completion closing the
//! case, the coordinators' page (enrol and excuse with a reason, audit-logged, scoped), the
//! expert's own page, and the CLI. The rule itself is a table of cases in
//! `src/network/refresher.rs`; here its numbers come from the real refresher course (36/12).

use crate::support::TestApp;
use chrono::NaiveDate;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::cohorts::{self, NewCohort};
use kirjaamo::db::schema::{
    audit_log, courses, enrolments, lapse_warnings, lesson_progress, lessons, memberships,
    outbox_messages, refresher_cases, users,
};
use kirjaamo::network::refresher::{self, Action, Report};
use std::path::Path;

pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The real courses published (the refresher course carries the rule), and an organisation
/// in Helsinki (Socca) and one in Pirkanmaa (Pikassos).
pub(crate) fn world(app: &TestApp) -> (i64, i64) {
    let dir = app.state.config.courses_dir.clone();
    crate::courses::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("courses"), &dir);
    let all = kirjaamo::app::publish_courses(&app.state).unwrap();
    assert!(all.diagnostics.is_empty(), "{:?}", all.diagnostics);
    let org = |name: &str, county: &str| {
        kirjaamo::network::create_organisation(
            &mut app.conn(),
            kirjaamo::network::NewOrganisation {
                name,
                county_id: app.county_id(county),
                kind: "public",
                staff_count: 100,
            },
            app.clock.now(),
        )
        .unwrap()
        .id
    };
    (
        org("Helsingin sosiaalipalvelut", "helsinki"),
        org("Pirkanmaan sosiaalipalvelut", "pirkanmaa"),
    )
}

/// An expert of `org` whose last completion was on `completed`, with trainings held on the
/// given days.
pub(crate) fn expert(
    app: &TestApp,
    email: &str,
    org: i64,
    completed: &str,
    trained: &[&str],
) -> i64 {
    let user = app.user(email, &format!("Asiantuntija {email}"), None);
    let mut conn = app.conn();
    diesel::update(users::table.find(user.id))
        .set(users::organisation_id.eq(org))
        .execute(&mut conn)
        .unwrap();
    let place = kirjaamo::network::membership::place_of_user(&mut conn, user.id)
        .unwrap()
        .unwrap();
    kirjaamo::network::membership::join_region(
        &mut conn,
        user.id,
        place.2,
        place.1,
        place.0,
        d(completed).and_hms_opt(12, 0, 0).unwrap(),
    )
    .unwrap();
    for day in trained {
        let draft = kirjaamo::network::trainings::Draft {
            organisation_id: org,
            held_on: Some(d(day)),
            themes: vec!["structured".into()],
            participants: Some(8),
            ..Default::default()
        };
        kirjaamo::network::trainings::log(
            &mut conn,
            user.id,
            &draft,
            app.clock.now().date(),
            app.clock.now(),
        )
        .unwrap();
    }
    user.id
}

pub(crate) fn refresher_course(app: &TestApp) -> i64 {
    courses::table
        .filter(courses::kind.eq("refresher"))
        .select(courses::id)
        .first(&mut app.conn())
        .unwrap()
}

pub(crate) fn refresher_cohort(
    app: &TestApp,
    name: &str,
    region: Option<&str>,
    capacity: Option<i32>,
) -> i64 {
    cohorts::create(
        &mut app.conn(),
        NewCohort {
            course_id: refresher_course(app),
            name,
            region_id: region.map(|r| app.region_id(r)),
            starts_on: Some(d("2027-01-15")),
            ends_on: Some(d("2027-03-15")),
            capacity,
            work_hours: 8,
            ..Default::default()
        },
        app.clock.now(),
    )
    .unwrap()
    .id
}

/// The check as of a day; a real check (not a dry run) happens on that day, so the clock
/// moves there first (a check may not act on a day that has not come).
pub(crate) fn check(app: &TestApp, as_of: &str, dry_run: bool) -> Report {
    if !dry_run && d(as_of) > app.clock.today() {
        app.clock.set(d(as_of).and_hms_opt(9, 0, 0).unwrap());
    }
    let msg = app.state.messaging();
    let report = refresher::check(&mut app.conn(), &msg, d(as_of), app.clock.now(), dry_run)
        .unwrap()
        .expect("the refresher course is published");
    // The summary (the daily job's record, where the findings are not kept) counts them all.
    let mut tally = refresher::Tally::default();
    for f in &report.findings {
        tally.add(&f.standing, &f.action);
    }
    assert_eq!(report.tally, tally);
    report
}

pub(crate) fn action_of(report: &Report, user: i64) -> Option<Action> {
    report
        .findings
        .iter()
        .find(|f| f.expert.user_id == user)
        .map(|f| f.action.clone())
}

pub(crate) fn mails_to(app: &TestApp, email: &str) -> Vec<(String, String)> {
    app.outbox()
        .into_iter()
        .filter(|(to, _, _)| to == email)
        .map(|(_, subject, text)| (subject, text))
        .collect()
}

pub(crate) fn membership_status(app: &TestApp, user: i64) -> String {
    memberships::table
        .filter(memberships::user_id.eq(user))
        .select(memberships::status)
        .first(&mut app.conn())
        .unwrap()
}

pub(crate) fn enrolments_of(app: &TestApp, user: i64) -> Vec<i64> {
    enrolments::table
        .filter(enrolments::user_id.eq(user))
        .select(enrolments::cohort_id)
        .load(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn a_lapsed_expert_is_enrolled_once_into_their_regions_cohort_and_told_why() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    // Completed 10.1.2023: valid until 10.1.2026; the last training (1.6.2025) kept them
    // active until 1.6.2026. As of 23.11.2026 both have run out.
    let lapsed = expert(
        &app,
        "lapsed@example.fi",
        helsinki,
        "2023-01-10",
        &["2025-06-01"],
    );
    // Completed in 2025: current.
    let current = expert(&app, "current@example.fi", helsinki, "2025-01-01", &[]);
    // Old completion, but a training in September keeps them active.
    let active = expert(
        &app,
        "active@example.fi",
        helsinki,
        "2022-05-01",
        &["2026-09-01"],
    );
    let national = refresher_cohort(&app, "Kertaus, valtakunnallinen", None, None);
    let socca = refresher_cohort(&app, "Kertaus, Socca", Some("socca"), Some(20));
    let pikassos = refresher_cohort(&app, "Kertaus, Pikassos", Some("pikassos"), None);

    let report = check(&app, "2026-11-23", false);
    assert_eq!(
        action_of(&report, lapsed),
        Some(Action::Enrolled {
            cohort_id: socca,
            cohort: "Kertaus, Socca".into()
        }),
        "the region's cohort comes before the national one ({national}) and others ({pikassos})"
    );
    assert_eq!(action_of(&report, current), None);
    assert_eq!(action_of(&report, active), None);
    assert_eq!(enrolments_of(&app, lapsed), vec![socca]);
    assert_eq!(membership_status(&app, lapsed), "in_refresher");
    assert_eq!(membership_status(&app, active), "active");

    let mails = mails_to(&app, "lapsed@example.fi");
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (subject, text) = &mails[0];
    assert_eq!(
        subject,
        "Sinut on ilmoitettu kertaavaan valmennukseen: Kertaus, Socca"
    );
    for fact in [
        "10.1.2023",
        "36 kuukautta",
        "10.1.2026",
        "1.6.2025",
        "15.1.2027",
    ] {
        assert!(text.contains(fact), "the reason names {fact}: {text}");
    }
    assert!(
        text.contains(&format!("/ryhmat/{socca}/")),
        "the mail links to the cohort: {text}"
    );

    // The same run again, and the next day: nothing new.
    let again = check(&app, "2026-11-23", false);
    assert_eq!(action_of(&again, lapsed), Some(Action::AlreadyInRefresher));
    check(&app, "2026-11-24", false);
    assert_eq!(enrolments_of(&app, lapsed), vec![socca]);
    assert_eq!(mails_to(&app, "lapsed@example.fi").len(), 1);
    let cases: i64 = refresher_cases::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(cases, 1);
}

#[actix_web::test]
async fn with_no_cohort_open_the_expert_waits_and_a_new_cohort_takes_them() {
    let app = TestApp::new();
    let (helsinki, pirkanmaa) = world(&app);
    let waiting = expert(&app, "waiting@example.fi", helsinki, "2022-01-01", &[]);
    let elsewhere = expert(&app, "pirkka@example.fi", pirkanmaa, "2022-01-01", &[]);
    // Only a cohort of another region, and one whose application window has closed.
    refresher_cohort(&app, "Kertaus, Pikassos", Some("pikassos"), None);
    let closed = cohorts::create(
        &mut app.conn(),
        NewCohort {
            course_id: refresher_course(&app),
            name: "Kertaus, haku päättynyt",
            region_id: Some(app.region_id("socca")),
            applications_open_on: Some(d("2026-09-01")),
            applications_close_on: Some(d("2026-10-31")),
            ..Default::default()
        },
        app.clock.now(),
    )
    .unwrap();

    let report = check(&app, "2026-11-23", false);
    assert_eq!(action_of(&report, waiting), Some(Action::Queued));
    assert!(matches!(
        action_of(&report, elsewhere),
        Some(Action::Enrolled { .. })
    ));
    assert_eq!(membership_status(&app, waiting), "lapsed");
    assert!(
        enrolments_of(&app, waiting).is_empty(),
        "not into {}",
        closed.id
    );
    let mails = mails_to(&app, "waiting@example.fi");
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].0,
        "Kirjaamisasiantuntijan osaamisesi on vanhentunut"
    );
    assert!(mails[0].1.contains("heti, kun alueellesi avautuu"));

    // The coordinator sees them waiting.
    app.user(
        "koordinaattori@example.fi",
        "Kaija Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let mut b = app.signed_in("koordinaattori@example.fi").await;
    let page = b.get("/verkosto/kertaus").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Odottaa kertausvalmennusta"));
    assert!(page.body.contains("waiting@example.fi"));
    assert!(
        !page.body.contains("pirkka@example.fi"),
        "another region's expert is not shown"
    );
    // A repeated check keeps them waiting, without another mail.
    let again = check(&app, "2026-11-23", false);
    assert_eq!(action_of(&again, waiting), Some(Action::StillQueued));
    assert_eq!(mails_to(&app, "waiting@example.fi").len(), 1);

    // The coordinator opens a refresher cohort: the queue is drained at once.
    let res = b
        .post(
            "/hallinta/ryhmat",
            &[
                ("course_id", &refresher_course(&app).to_string()),
                ("name", "Kertaus kevät 2027, Socca"),
                ("region_id", &app.region_id("socca").to_string()),
                ("starts_on", "2027-02-01"),
                ("ends_on", "2027-03-31"),
                ("work_hours", "8"),
                ("description", "Kertaava valmennus"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let new_cohort: i64 = res.location().rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(enrolments_of(&app, waiting), vec![new_cohort]);
    assert_eq!(membership_status(&app, waiting), "in_refresher");
    let mails = mails_to(&app, "waiting@example.fi");
    assert_eq!(mails.len(), 2);
    assert_eq!(
        mails[1].0,
        "Sinut on ilmoitettu kertaavaan valmennukseen: Kertaus kevät 2027, Socca"
    );
    let page = b.get("/verkosto/kertaus").await;
    assert!(page.body.contains("Kertausvalmennuksessa"));
    assert!(page.body.contains("Kertaus kevät 2027, Socca"));
}

#[actix_web::test]
async fn a_national_cohort_takes_who_their_region_cannot_and_full_cohorts_are_skipped() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    let first = expert(&app, "a@example.fi", helsinki, "2022-01-01", &[]);
    let second = expert(&app, "b@example.fi", helsinki, "2022-01-01", &[]);
    let socca = refresher_cohort(&app, "Kertaus, Socca (1 paikka)", Some("socca"), Some(1));
    let national = refresher_cohort(&app, "Kertaus, valtakunnallinen", None, None);
    let report = check(&app, "2026-11-23", false);
    assert_eq!(
        (enrolments_of(&app, first), enrolments_of(&app, second)),
        (vec![socca], vec![national]),
        "{:?}",
        report.findings
    );
    assert_eq!(cohorts::seats_taken(&mut app.conn(), socca).unwrap(), 1);
}

/// The daily check reads the network a range of user ids at a time
/// (`refresher::EXPERTS_PER_READ`): experts whose ids lie ranges apart are all checked, and the
/// region's last seat still goes to the lower id.
#[actix_web::test]
async fn experts_ranges_of_ids_apart_are_all_checked_and_seated_in_order() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    let first = expert(&app, "a@example.fi", helsinki, "2022-01-01", &[]);
    skip_user_ids(&app, 3 * refresher::EXPERTS_PER_READ);
    let second = expert(&app, "b@example.fi", helsinki, "2022-01-01", &[]);
    assert!(
        second - first > 2 * refresher::EXPERTS_PER_READ,
        "the two experts are ranges apart: {first}, {second}"
    );
    let socca = refresher_cohort(&app, "Kertaus, Socca (1 paikka)", Some("socca"), Some(1));
    let report = check(&app, "2026-11-23", false);
    assert_eq!(report.experts_checked, 2, "{:?}", report.findings);
    assert_eq!(
        action_of(&report, first),
        Some(Action::Enrolled {
            cohort_id: socca,
            cohort: "Kertaus, Socca (1 paikka)".into()
        })
    );
    assert_eq!(action_of(&report, second), Some(Action::Queued));
    assert_eq!(enrolments_of(&app, second), Vec::<i64>::new());
}

/// The next user created gets an id `gap` past the highest so far, on either engine.
fn skip_user_ids(app: &TestApp, gap: i64) {
    let placeholder = app.user("valiin@example.fi", "Väliin jäävä", None);
    let mut conn = app.conn();
    let to = placeholder.id + gap;
    // PostgreSQL numbers the next row after its identity sequence; SQLite after the highest
    // id, and nothing refers to the new user yet, so its id may move.
    if matches!(conn, kirjaamo::db::AnyConnection::Postgresql(_)) {
        diesel::sql_query(format!(
            "SELECT setval(pg_get_serial_sequence('users', 'id'), {to})"
        ))
        .execute(&mut conn)
        .unwrap();
    } else {
        diesel::update(users::table.find(placeholder.id))
            .set(users::id.eq(to))
            .execute(&mut conn)
            .unwrap();
    }
}

#[actix_web::test]
async fn an_expert_about_to_lapse_is_reminded_once() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    // Valid until 20.12.2026: 27 days after 23.11.2026.
    let soon = expert(&app, "soon@example.fi", helsinki, "2023-12-20", &[]);
    // Valid until 1.3.2027: 98 days away, not yet.
    let later = expert(&app, "later@example.fi", helsinki, "2024-03-01", &[]);
    let report = check(&app, "2026-11-23", false);
    assert_eq!(action_of(&report, soon), Some(Action::Warned));
    assert_eq!(action_of(&report, later), None);
    let mails = mails_to(&app, "soon@example.fi");
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].0,
        "Kirjaamisasiantuntijan jäsenyytesi on voimassa 20.12.2026 asti"
    );
    assert!(mails[0].1.contains("kirjaat sen Kirjaamoon"));
    assert!(mails[0].1.contains("/asiantuntija"));
    // Daily runs until the day: no second reminder; the membership stays active meanwhile.
    for day in ["2026-11-23", "2026-11-24", "2026-12-20"] {
        let r = check(&app, day, false);
        assert_eq!(action_of(&r, soon), Some(Action::AlreadyWarned), "{day}");
    }
    assert_eq!(mails_to(&app, "soon@example.fi").len(), 1);
    assert_eq!(membership_status(&app, soon), "active");
    // The day after, the first one has lapsed (no cohort: queued).
    let r = check(&app, "2026-12-21", false);
    assert_eq!(action_of(&r, soon), Some(Action::Queued));
    assert_eq!(action_of(&r, later), None, "70 days before: not yet");
    // 60 days before its own day the other expert is reminded too.
    let r = check(&app, "2026-12-31", false);
    assert_eq!(action_of(&r, later), Some(Action::Warned));
    let warnings: i64 = lapse_warnings::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(warnings, 2);
}

#[actix_web::test]
async fn a_dry_run_says_what_it_would_do_and_changes_nothing() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    let lapsed = expert(&app, "lapsed@example.fi", helsinki, "2022-01-01", &[]);
    let soon = expert(&app, "soon@example.fi", helsinki, "2023-12-20", &[]);
    refresher_cohort(&app, "Kertaus, Socca", Some("socca"), None);
    let count = |app: &TestApp| -> (i64, i64, i64, i64) {
        let mut c = app.conn();
        (
            refresher_cases::table.count().get_result(&mut c).unwrap(),
            lapse_warnings::table.count().get_result(&mut c).unwrap(),
            enrolments::table.count().get_result(&mut c).unwrap(),
            outbox_messages::table.count().get_result(&mut c).unwrap(),
        )
    };
    let before = count(&app);
    let report = check(&app, "2026-11-23", true);
    assert_eq!(count(&app), before, "a dry run writes nothing");
    assert!(matches!(
        action_of(&report, lapsed),
        Some(Action::Enrolled { .. })
    ));
    assert_eq!(action_of(&report, soon), Some(Action::Warned));
    let text = report.lines().join("\n");
    assert!(text.contains("dry run: nothing changed"), "{text}");
    assert!(
        text.contains("LAPSED   Asiantuntija lapsed@example.fi <lapsed@example.fi> (Socca, Helsingin kaupunki): last completion 2022-01-01, valid until 2025-01-01; no training logged -> would enrol in \"Kertaus, Socca\""),
        "{text}"
    );
    assert!(
        text.contains("DUE SOON Asiantuntija soon@example.fi")
            && text.contains("would send a reminder"),
        "{text}"
    );
    assert_eq!(membership_status(&app, lapsed), "active");
}

#[test]
fn two_checks_at_once_enrol_each_expert_once() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    let experts: Vec<i64> = (0..12)
        .map(|i| {
            expert(
                &app,
                &format!("e{i}@example.fi"),
                helsinki,
                "2022-01-01",
                &[],
            )
        })
        .collect();
    let cohort = refresher_cohort(&app, "Kertaus, Socca", Some("socca"), None);
    let reports: Vec<Report> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let msg = app.state.messaging();
                    let mut conn = app.state.pool.get().unwrap();
                    refresher::check(&mut conn, &msg, d("2026-11-23"), app.clock.now(), false)
                        .unwrap()
                        .unwrap()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for e in &experts {
        assert_eq!(enrolments_of(&app, *e), vec![cohort], "expert {e}");
        let enrolled_by: usize = reports
            .iter()
            .filter(|r| matches!(action_of(r, *e), Some(Action::Enrolled { .. })))
            .count();
        assert_eq!(
            enrolled_by, 1,
            "exactly one of the two runs enrolled expert {e}"
        );
    }
    let cases: i64 = refresher_cases::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(cases, 12);
    let mails: i64 = outbox_messages::table
        .filter(outbox_messages::template.eq("refresher_enrolled"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(mails, 12);
}

#[actix_web::test]
async fn completing_the_refresher_refreshes_the_membership_and_closes_the_case() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    let user = expert(&app, "lapsed@example.fi", helsinki, "2022-01-01", &[]);
    let cohort = refresher_cohort(&app, "Kertaus, Socca", Some("socca"), None);
    check(&app, "2026-11-23", false);
    let enrolment: i64 = enrolments::table
        .filter(enrolments::user_id.eq(user))
        .filter(enrolments::cohort_id.eq(cohort))
        .select(enrolments::id)
        .first(&mut app.conn())
        .unwrap();
    // Every lesson of the refresher done, then the completion.
    let ids: Vec<i64> = lessons::table
        .filter(lessons::course_id.eq(refresher_course(&app)))
        .filter(lessons::active.eq(true))
        .select(lessons::id)
        .load(&mut app.conn())
        .unwrap();
    for id in ids {
        diesel::insert_into(lesson_progress::table)
            .values((
                lesson_progress::user_id.eq(user),
                lesson_progress::lesson_id.eq(id),
                lesson_progress::done_at.eq(Some(app.clock.now())),
                lesson_progress::updated_at.eq(app.clock.now()),
            ))
            .execute(&mut app.conn())
            .unwrap();
    }
    let msg = app.state.messaging();
    let outcome = kirjaamo::db::write_tx(&mut app.conn(), |c| {
        kirjaamo::learning::completion::complete_in_tx(c, &msg, enrolment, app.clock.now())
    })
    .unwrap();
    assert!(matches!(
        outcome,
        kirjaamo::learning::completion::Outcome::Completed { .. }
    ));
    assert_eq!(membership_status(&app, user), "active");
    let status: String = refresher_cases::table
        .select(refresher_cases::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "refreshed");
    // Current again for 36 months from the completion.
    let r = check(&app, "2026-11-24", false);
    assert_eq!(action_of(&r, user), None);
    let r = check(&app, "2029-11-24", false);
    assert!(matches!(
        action_of(&r, user),
        Some(Action::Enrolled { .. }) | Some(Action::Queued)
    ));
}

#[actix_web::test]
async fn coordinators_excuse_and_enrol_by_hand_with_a_reason_in_their_own_area_only() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    let lapsed = expert(&app, "lapsed@example.fi", helsinki, "2022-01-01", &[]);
    let soon = expert(&app, "soon@example.fi", helsinki, "2023-12-20", &[]);
    check(&app, "2026-11-23", false); // lapsed: queued (no cohort); soon: reminded
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
    let audit_count = |app: &TestApp| -> i64 {
        audit_log::table
            .filter(audit_log::action.like("refresher.%"))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };

    // Another region's coordinator cannot act on the expert.
    let mut other = app.signed_in("pikassos@example.fi").await;
    let res = other
        .post(
            &format!("/verkosto/kertaus/{lapsed}/vapauta"),
            &[("until", "2027-06-30"), ("reason", "Perhevapaa")],
        )
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(membership_status(&app, lapsed), "lapsed");

    let mut b = app.signed_in("socca@example.fi").await;
    let page = b.get("/verkosto/kertaus").await;
    assert!(page.body.contains("Muistutettu"));
    assert!(page.body.contains("soon@example.fi"));
    assert!(page.body.contains("Jäsenyys voimassa 20.12.2026 asti."));
    // Without a reason: a clear message, nothing changed.
    let res = b
        .post(
            &format!("/verkosto/kertaus/{lapsed}/vapauta"),
            &[("until", "2027-06-30"), ("reason", "  ")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Kirjoita perustelu."), "{}", res.body);
    assert!(
        res.body.contains("value=\"2027-06-30\""),
        "what was typed stays"
    );
    let res = b
        .post(
            &format!("/verkosto/kertaus/{lapsed}/vapauta"),
            &[("until", "2026-11-01"), ("reason", "Perhevapaa")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Anna päivämäärä, joka on tulevaisuudessa"));
    assert_eq!(audit_count(&app), 0);
    assert_eq!(membership_status(&app, lapsed), "lapsed");

    // With a reason: excused, audit-logged, and the check leaves them be until the day.
    let res = b
        .post(
            &format!("/verkosto/kertaus/{lapsed}/vapauta"),
            &[
                ("until", "2027-06-30"),
                ("reason", "Perhevapaalla kesään 2027 asti"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location(), "/verkosto/kertaus?tehty=vapautettu");
    let page = b.get(&res.location()).await;
    assert!(page
        .body
        .contains("Asiantuntija on vapautettu kertausvalmennuksesta."));
    assert!(page.body.contains("Perhevapaalla kesään 2027 asti"));
    assert_eq!(membership_status(&app, lapsed), "active");
    let (action, details): (String, String) = audit_log::table
        .filter(audit_log::action.like("refresher.%"))
        .select((audit_log::action, audit_log::details))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(action, "refresher.excuse");
    assert!(details.contains("2027-06-30") && details.contains("Perhevapaalla"));
    refresher_cohort(&app, "Kertaus, Socca", Some("socca"), None);
    let r = check(&app, "2026-12-01", false);
    assert_eq!(
        action_of(&r, lapsed),
        Some(Action::Excused {
            until: d("2027-06-30")
        })
    );
    assert!(enrolments_of(&app, lapsed).is_empty());

    // The reminded expert enrolled by hand, with a reason (a week later: signed in again).
    let mut b = app.signed_in("socca@example.fi").await;
    let page = b.get("/verkosto/kertaus").await;
    let cohort_id = enrolment_cohort_option(&page.body);
    let res = b
        .post(
            &format!("/verkosto/kertaus/{soon}/ilmoita"),
            &[
                ("cohort_id", &cohort_id),
                ("reason", "Haluaa kerrata ennen vanhentumista"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(
        enrolments_of(&app, soon),
        vec![cohort_id.parse::<i64>().unwrap()]
    );
    assert_eq!(membership_status(&app, soon), "in_refresher");
    assert_eq!(audit_count(&app), 2);
    let mails = mails_to(&app, "soon@example.fi");
    assert_eq!(
        mails.last().unwrap().0,
        "Sinut on ilmoitettu kertaavaan valmennukseen: Kertaus, Socca"
    );
    // Twice: a clear message, no second enrolment.
    let res = b
        .post(
            &format!("/verkosto/kertaus/{soon}/ilmoita"),
            &[("cohort_id", &cohort_id), ("reason", "Uudestaan")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res
        .body
        .contains("Asiantuntija on jo kertausvalmennuksessa."));
    assert_eq!(audit_count(&app), 2);
}

/// The value of the first cohort option on the coordinator's page.
fn enrolment_cohort_option(body: &str) -> String {
    let at = body.find("name=\"cohort_id\"").expect("a cohort choice");
    let rest = &body[at..];
    let v = rest.find("<option value=\"").unwrap() + "<option value=\"".len();
    rest[v..].split('"').next().unwrap().to_string()
}

#[actix_web::test]
async fn the_expert_sees_until_when_their_competence_is_valid_and_what_keeps_it() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    expert(
        &app,
        "me@example.fi",
        helsinki,
        "2024-02-10",
        &["2026-10-05"],
    );
    let mut b = app.signed_in("me@example.fi").await;
    let page = b.get("/asiantuntija").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Osaamisen voimassaolo"));
    assert!(
        page.body.contains("10.2.2027"),
        "valid until: {}",
        page.body
    );
    assert!(page.body.contains("5.10.2026"), "the last training");
    assert!(
        page.body.contains("5.10.2027"),
        "membership valid until (training + 12 months)"
    );
    assert!(page
        .body
        .contains("pitää jäsenyytesi voimassa 12 kuukautta"));
}

/// `kirjaamo network check-lapsed` against the demo world, as an operator runs it.
#[test]
fn the_cli_prints_who_is_lapsed_and_why_and_repeats_safely() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| -> (bool, String, String) {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_kirjaamo"));
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("KIRJAAMO_") {
                c.env_remove(k);
            }
        }
        let out = c
            .args(args)
            .current_dir(dir.path())
            .env("KIRJAAMO_DATA_DIR", dir.path())
            .env(
                "KIRJAAMO_COURSES_DIR",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("courses"),
            )
            .env("KIRJAAMO_LOG", "warn")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, err) = run(&["demo"]);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&["network", "check-lapsed", "--dry-run"]);
    assert!(ok, "{err}");
    assert!(out.contains("dry run: nothing changed"), "{out}");
    assert!(
        out.contains("LAPSED   Lauri Laine <lauri.laine@demo.kirjaamo.test>")
            && out.contains("would enrol in \"Kertaava valmennus, jatkuva haku (demo)\""),
        "{out}"
    );
    assert!(out.contains("DUE SOON Kaisa Kallio"), "{out}");
    let (ok, out, _) = run(&["network", "check-lapsed"]);
    assert!(ok);
    assert!(
        out.contains("-> enrolled in \"Kertaava valmennus, jatkuva haku (demo)\""),
        "{out}"
    );
    assert!(out.contains("reminder e-mail queued"), "{out}");
    let (ok, out, _) = run(&["network", "check-lapsed"]);
    assert!(ok);
    assert!(
        out.contains("already enrolled in a refresher cohort"),
        "{out}"
    );
    assert!(out.contains("already reminded"), "{out}");
    // Years later, the demo experts who trained have lapsed too.
    let (ok, out, _) = run(&[
        "network",
        "check-lapsed",
        "--as-of",
        "2031-01-01",
        "--dry-run",
    ]);
    assert!(ok);
    assert!(out.contains("LAPSED   Helmi Heikkinen"), "{out}");
    // Acting on that future day is refused: exit status 2, a clear message, nothing changed.
    let db = format!("sqlite://{}/kirjaamo.sqlite3", dir.path().display());
    let state_of_db = || -> (i64, i64) {
        let mut conn = kirjaamo::db::establish(&db).unwrap();
        (
            refresher_cases::table
                .count()
                .get_result(&mut conn)
                .unwrap(),
            outbox_messages::table
                .count()
                .get_result(&mut conn)
                .unwrap(),
        )
    };
    let before = state_of_db();
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_kirjaamo"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("KIRJAAMO_") {
            c.env_remove(k);
        }
    }
    let refused = c
        .args(["network", "check-lapsed", "--as-of", "2031-01-01"])
        .current_dir(dir.path())
        .env("KIRJAAMO_DATA_DIR", dir.path())
        .env(
            "KIRJAAMO_COURSES_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("courses"),
        )
        .env("KIRJAAMO_LOG", "warn")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("--as-of 2031-01-01 is in the future") && err.contains("--dry-run"),
        "{err}"
    );
    assert!(refused.stdout.is_empty(), "nothing was checked");
    assert_eq!(state_of_db(), before, "nothing changed");
    // Bad input: a clear message, exit status 2, nothing done.
    let (ok, _, err) = run(&["network", "check-lapsed", "--as-of", "2026-13-01"]);
    assert!(!ok);
    assert!(err.contains("is not a date: use YYYY-MM-DD"), "{err}");
}

/// The daily run inside `serve`: once a day whatever the number of servers or tries; on
/// PostgreSQL a server that finds the lock taken leaves the day's run to the holder.
#[test]
fn the_daily_run_happens_once_a_day() {
    let app = TestApp::new();
    let (helsinki, _) = world(&app);
    let lapsed = expert(&app, "lapsed@example.fi", helsinki, "2022-01-01", &[]);
    refresher_cohort(&app, "Kertaus, Socca", Some("socca"), None);
    let msg = app.state.messaging();
    let now = app.clock.now();
    let today = app.clock.today();
    let mut conn = app.conn();
    if matches!(conn, kirjaamo::db::AnyConnection::Postgresql(_)) {
        // Another server holds the daily-jobs lock: this one does nothing.
        let mut holder = app.conn();
        diesel::sql_query(format!(
            "SELECT pg_advisory_lock({})",
            kirjaamo::db::DAILY_JOBS_LOCK_KEY
        ))
        .execute(&mut holder)
        .unwrap();
        let skipped = refresher::run_daily(&mut conn, &msg, today, now).unwrap();
        assert!(skipped.is_none());
        assert!(enrolments_of(&app, lapsed).is_empty());
        diesel::sql_query(format!(
            "SELECT pg_advisory_unlock({})",
            kirjaamo::db::DAILY_JOBS_LOCK_KEY
        ))
        .execute(&mut holder)
        .unwrap();
    }
    let first = refresher::run_daily(&mut conn, &msg, today, now).unwrap();
    let report = first.expect("the first try of the day runs the check");
    assert_eq!((report.tally.lapsed, report.tally.enrolled), (1, 1));
    assert_eq!(enrolments_of(&app, lapsed).len(), 1, "enrolled");
    // The job records a summary; it does not hold every expert's finding in memory.
    assert!(report.findings.is_empty());
    assert!(refresher::run_daily(&mut conn, &msg, today, now)
        .unwrap()
        .is_none());
    let (day, summary) = refresher::last_run(&mut conn).unwrap().unwrap();
    assert_eq!(day, today);
    assert!(summary.contains("1 lapsed: 1 enrolled"), "{summary}");
    // The next day it runs again (and finds nothing new to do for this expert).
    app.clock.advance(chrono::Duration::days(1));
    let next = refresher::run_daily(&mut conn, &msg, app.clock.today(), app.clock.now())
        .unwrap()
        .unwrap();
    assert_eq!((next.tally.lapsed, next.tally.already_in_refresher), (1, 1));
    assert_eq!(next.tally.enrolled, 0);
    assert_eq!(enrolments_of(&app, lapsed).len(), 1, "not enrolled twice");
}

#[actix_web::test]
async fn the_coordinators_overview_counts_the_lapsed_of_the_area() {
    let app = TestApp::new();
    let (helsinki, pirkanmaa) = world(&app);
    expert(&app, "lapsed@example.fi", helsinki, "2022-01-01", &[]);
    expert(&app, "soon@example.fi", helsinki, "2023-12-20", &[]);
    expert(&app, "pirkka@example.fi", pirkanmaa, "2022-01-01", &[]);
    check(&app, "2026-11-23", false);
    let socca = kirjaamo::network::registry::Scope::Region(app.region_id("socca"));
    let today = app.clock.today();
    let counts = refresher::area_counts(&mut app.conn(), socca, today).unwrap();
    assert_eq!(
        counts,
        refresher::area(&mut app.conn(), socca, today, kirjaamo::i18n::Lang::Fi)
            .unwrap()
            .counts()
    );
    assert_eq!((counts.queued, counts.enrolled, counts.warned), (1, 0, 1));
    app.user(
        "socca@example.fi",
        "Sari Socca",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    let mut b = app.signed_in("socca@example.fi").await;
    let page = b.get("/hallinta/yleiskuva").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Vanhentunut osaaminen"), "{}", page.body);
    assert!(page
        .body
        .contains("1 odottaa ryhmää, 0 kertausvalmennuksessa, 1 muistutettu"));
}
