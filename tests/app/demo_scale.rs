//! `kirjaamo demo --scale N`: the promised shapes at a small N, and that the scaled world works
//! in the application (the bench trainee reads the long thread, the coordinator the network).

use crate::support::{password_hash, TestApp};
use diesel::prelude::*;
use kirjaamo::db::schema::{
    certificates, cohort_trainers, cohorts, completions, counties, enrolments, lesson_progress,
    lessons, memberships, organisations, trainings_held, users,
};
use kirjaamo::db::schema_discussions::{discussion_posts as dp, discussion_threads as dt};
use kirjaamo::demo::scale;

fn scaled_app() -> TestApp {
    let app = TestApp::new();
    let dir = app.state.config.courses_dir.clone();
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("courses");
    crate::discussions::copy_dir(
        &real.join("kirjaamisvalmennus"),
        &dir.join("kirjaamisvalmennus"),
    );
    kirjaamo::app::publish_courses(&app.state).unwrap();
    kirjaamo::demo::seed(&mut app.conn(), crate::support::PASSWORD, app.clock.now()).unwrap();
    app
}

#[actix_web::test]
async fn scale_200_has_the_promised_shapes() {
    let app = scaled_app();
    let mut conn = app.conn();
    let orgs_before: i64 = organisations::table.count().get_result(&mut conn).unwrap();
    let posts_before: i64 = dp::table.count().get_result(&mut conn).unwrap();
    let r = scale::seed(&mut conn, 200, &password_hash(), app.clock.now()).unwrap();

    // People: 200 users, two trainers, 198 trainees in 8 cohorts of at most 25.
    let scaled: Vec<(i64, Option<i64>)> = users::table
        .filter(users::email.like(format!("%@{}", scale::DOMAIN)))
        .select((users::id, users::organisation_id))
        .load(&mut conn)
        .unwrap();
    assert_eq!((r.users, scaled.len()), (200, 200));
    assert_eq!(
        scaled.iter().filter(|u| u.1.is_none()).count(),
        2,
        "trainers"
    );
    assert_eq!((r.cohorts, r.enrolments), (8, 198));
    let counties_n: i64 = counties::table.count().get_result(&mut conn).unwrap();
    let orgs_after: i64 = organisations::table.count().get_result(&mut conn).unwrap();
    assert_eq!(orgs_after - orgs_before, r.organisations as i64);
    assert_eq!(
        r.organisations as i64, counties_n,
        "one per county at least"
    );
    let sizes: Vec<i64> = enrolments::table
        .inner_join(cohorts::table)
        .filter(cohorts::name.like("Skaalaryhmä %"))
        .group_by(enrolments::cohort_id)
        .select(diesel::dsl::count_star())
        .load(&mut conn)
        .unwrap();
    assert_eq!(sizes.len(), 8);
    assert!(sizes.iter().all(|n| *n <= 25 && *n > 0), "{sizes:?}");
    let with_trainer: i64 = cohort_trainers::table
        .inner_join(cohorts::table)
        .filter(cohorts::name.like("Skaalaryhmä %"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(with_trainer, 8);

    // Graduates: one completion, certificate and membership each, in their organisation's
    // region; every lesson done. Studying trainees have fewer lessons done.
    let graduates: Vec<i64> = enrolments::table
        .filter(enrolments::status.eq("completed"))
        .inner_join(users::table)
        .filter(users::email.like(format!("%@{}", scale::DOMAIN)))
        .select(enrolments::user_id)
        .load(&mut conn)
        .unwrap();
    assert!(
        graduates.len() >= 50,
        "most of the finished cohorts graduated"
    );
    assert_eq!(r.completions, graduates.len());
    assert_eq!(r.memberships, graduates.len());
    let certs: i64 = certificates::table
        .inner_join(completions::table)
        .filter(completions::user_id.eq_any(&graduates))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(certs as usize, graduates.len());
    let misplaced: i64 = memberships::table
        .inner_join(
            organisations::table.on(organisations::id
                .nullable()
                .eq(memberships::organisation_id)),
        )
        .inner_join(counties::table.on(counties::id.eq(organisations::county_id)))
        .filter(memberships::user_id.eq_any(&graduates))
        .filter(counties::region_id.ne(memberships::region_id))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(
        misplaced, 0,
        "members belong to their organisation's region"
    );
    let lessons_n: i64 = lessons::table
        .filter(lessons::active.eq(true))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let done: i64 = lesson_progress::table
        .filter(lesson_progress::user_id.eq_any(&graduates))
        .filter(lesson_progress::done_at.is_not_null())
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(done, lessons_n * graduates.len() as i64);
    assert!(
        r.progress > done as usize,
        "studying trainees have progress too"
    );
    let trainings: i64 = trainings_held::table
        .filter(trainings_held::user_id.eq_any(&graduates))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(trainings as usize, r.trainings);
    assert!(trainings > 0);

    // Discussions: ten posts per user; threads mostly short, one long in the bench cohort;
    // every thread's counters agree with its posts.
    let posts_after: i64 = dp::table.count().get_result(&mut conn).unwrap();
    assert_eq!((r.posts, posts_after - posts_before), (2000, 2000));
    assert_eq!(r.long_thread_posts, 120);
    let counts: Vec<(i64, i32, i64)> = dt::table
        .filter(dt::id.ge(r.long_thread))
        .order(dt::id)
        .select((dt::id, dt::post_count, dt::last_post_id))
        .load(&mut conn)
        .unwrap();
    assert_eq!(counts.len(), r.threads);
    let mut lengths: Vec<i32> = counts.iter().map(|c| c.1).collect();
    assert_eq!(lengths.iter().map(|n| *n as usize).sum::<usize>(), 2000);
    lengths.sort_unstable();
    assert!(
        lengths[lengths.len() / 2] <= 8,
        "most threads are short: {lengths:?}"
    );
    assert!(*lengths.last().unwrap() >= 120, "the long thread");
    let real: Vec<(i64, i64, Option<i64>)> = dp::table
        .filter(dp::thread_id.ge(r.long_thread))
        .group_by(dp::thread_id)
        .select((
            dp::thread_id,
            diesel::dsl::count_star(),
            diesel::dsl::max(dp::id),
        ))
        .order(dp::thread_id)
        .load(&mut conn)
        .unwrap();
    for ((id, count, last), (tid, n, max)) in counts.iter().zip(&real) {
        assert_eq!((id, *count as i64, Some(*last)), (tid, *n, *max));
    }
    let strangers: i64 = dp::table
        .inner_join(dt::table)
        .filter(dp::thread_id.ge(r.long_thread))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            enrolments::table
                .filter(enrolments::cohort_id.eq(dt::cohort_id))
                .filter(enrolments::user_id.nullable().eq(dp::author_id)),
        )))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            cohort_trainers::table
                .filter(cohort_trainers::cohort_id.eq(dt::cohort_id))
                .filter(cohort_trainers::user_id.nullable().eq(dp::author_id)),
        )))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(
        strangers, 0,
        "every author is a member of the thread's cohort"
    );

    // The same N again: nothing added. Another N: refused with a clear message.
    let again = scale::seed(&mut conn, 200, &password_hash(), app.clock.now()).unwrap();
    assert!(again.already_present);
    let e = scale::seed(&mut conn, 300, &password_hash(), app.clock.now()).unwrap_err();
    assert!(
        e.to_string()
            .contains("already holds a scaled dataset of 200"),
        "{e}"
    );
    let total: i64 = dp::table.count().get_result(&mut conn).unwrap();
    assert_eq!(total, posts_after);
    drop(conn);

    // The world works: the bench trainee reads a lesson and the long thread (a later page by
    // keyset too) and replies; the demo coordinator sees the scaled members of Socca.
    let cohort: i64 = dt::table
        .find(r.long_thread)
        .select(dt::cohort_id)
        .first(&mut app.conn())
        .unwrap();
    let mut b = app.signed_in(scale::BENCH_TRAINEE).await;
    let thread = b
        .get(&format!("/keskustelut/ketju/{}", r.long_thread))
        .await;
    assert_eq!(thread.status, 200, "{}", thread.body);
    assert!(thread.body.contains("?jalkeen="), "the long thread pages");
    let home = b.get(&format!("/ryhmat/{cohort}/")).await;
    assert_eq!(home.status, 200);
    let res = b
        .post(
            &format!("/keskustelut/ketju/{}", r.long_thread),
            &[("body", "Vastaus kuormitustestistä")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let mut c = app.signed_in(kirjaamo::demo::COORDINATOR).await;
    let net = c.get("/verkosto").await;
    assert_eq!(net.status, 200);
    assert!(
        net.body.contains("Skaalaryhmä") || net.body.contains("skaala"),
        "scaled organisations are in Socca's registry"
    );
}
