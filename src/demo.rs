//! `kirjaamo demo`: a small demo world, seeded idempotently (running it again changes
//! nothing that is already there).

use crate::accounts::{self, password, NewAccount, Role};
use crate::cohorts::{self, NewCohort};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::network::{self, NewOrganisation};
use crate::AppResult;
use chrono::NaiveDateTime;

mod languages;
pub mod scale;

pub use languages::DEMO_SWEDISH_COHORT;

pub const ADMIN: &str = "admin@demo.kirjaamo.test";
pub const COORDINATOR: &str = "coordinator@demo.kirjaamo.test";
pub const TRAINER: &str = "trainer@demo.kirjaamo.test";
pub const TRAINEE: &str = "trainee@demo.kirjaamo.test";

/// What the demo created this time (zero on a second run).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub organisations: usize,
    pub users: usize,
    pub cohorts: usize,
    pub enrolments: usize,
}

/// The demo cohort of the basic course (needs the course published first).
pub const DEMO_COHORT: &str = "Kevät 2027, Socca (demo)";

/// Trainees of the demo cohort, besides the demo trainee.
const TRAINEES: [(&str, &str); 3] = [
    ("liisa.lahtinen@demo.kirjaamo.test", "Liisa Lahtinen"),
    ("jukka.koskinen@demo.kirjaamo.test", "Jukka Koskinen"),
    ("sanna.virtanen@demo.kirjaamo.test", "Sanna Virtanen"),
];

const ORGANISATIONS: [(&str, &str, &str, i32); 5] = [
    (
        "Helsingin kaupungin sosiaali-, terveys- ja pelastustoimiala",
        "helsinki",
        "public",
        5200,
    ),
    (
        "Vantaan ja Keravan hyvinvointialue, sosiaalipalvelut",
        "vantaa-kerava",
        "public",
        2100,
    ),
    (
        "Pirkanmaan hyvinvointialue, sosiaalipalvelut",
        "pirkanmaa",
        "public",
        3900,
    ),
    ("Hoivakoti Kuusikko Oy", "pirkanmaa", "private", 85),
    (
        "Österbottens välfärdsområde, socialservice",
        "pohjanmaa",
        "public",
        1400,
    ),
];

pub fn seed(
    conn: &mut AnyConnection,
    demo_password: &str,
    now: NaiveDateTime,
) -> AppResult<DemoReport> {
    let mut report = DemoReport::default();
    for (name, county, kind, staff) in ORGANISATIONS {
        let county = network::county_by_code(conn, county)?;
        if network::find_organisation(conn, county.id, name)?.is_none() {
            network::create_organisation(
                conn,
                NewOrganisation {
                    name,
                    county_id: county.id,
                    kind,
                    staff_count: staff,
                },
                now,
            )?;
            report.organisations += 1;
        }
    }
    let helsinki = network::county_by_code(conn, "helsinki")?;
    let home_org = network::find_organisation(conn, helsinki.id, ORGANISATIONS[0].0)?.map(|o| o.id);
    let socca = network::region_by_code(conn, "socca")?;
    let hash = password::hash(demo_password)?;
    let people: [(&str, &str, Option<Role>); 4] = [
        (ADMIN, "Aino Ylläpitäjä", Some(Role::Admin)),
        (
            COORDINATOR,
            "Kaisa Koordinaattori",
            Some(Role::RegionalCoordinator {
                region_id: socca.id,
            }),
        ),
        (TRAINER, "Ville Valmentaja", Some(Role::Trainer)),
        (TRAINEE, "Matti Meikäläinen", None),
    ];
    for (email, name, role) in people {
        let user = match accounts::model::find_by_email(conn, email)? {
            Some(u) => u,
            None => {
                report.users += 1;
                accounts::create_user(
                    conn,
                    NewAccount {
                        email,
                        name,
                        language: Lang::Fi,
                        organisation_id: home_org,
                        password_hash: Some(hash.clone()),
                    },
                    now,
                )?
            }
        };
        if let Some(role) = role {
            accounts::roles::grant_role(conn, user.id, &role, None, now)?;
        }
    }
    seed_cohort(conn, &mut report, home_org, socca.id, &hash, now)?;
    seed_network(conn, &mut report, &hash, now)?;
    seed_refresher_cohort(conn, &mut report, now)?;
    languages::seed_swedish_cohort(conn, &mut report, now)?;
    let coordinator = accounts::model::find_by_email(conn, COORDINATOR)?.map(|u| u.id);
    crate::surveys::demo::seed(conn, socca.id, coordinator, now)?;
    Ok(report)
}

/// A training held: days ago, theme, participants.
type Held = (i64, &'static str, i32);

/// Documentation experts of earlier cohorts: joined how many days ago, and the trainings they
/// have held. Kaisa's competence runs out within 60 days (the lapse check reminds her);
/// Lauri's ran out long ago and he has not trained anyone for over a year (it enrols him into
/// the demo refresher cohort).
const EXPERTS: [(&str, &str, &str, i64, &[Held]); 5] = [
    (
        "helmi.heikkinen@demo.kirjaamo.test",
        "Helmi Heikkinen",
        "Helsingin kaupungin sosiaali-, terveys- ja pelastustoimiala",
        400,
        &[(40, "client-centred", 18), (130, "structured", 24)],
    ),
    (
        "veikko.valtonen@demo.kirjaamo.test",
        "Veikko Valtonen",
        "Vantaan ja Keravan hyvinvointialue, sosiaalipalvelut",
        400,
        &[(75, "archiving", 12)],
    ),
    (
        "pirjo.pirkkala@demo.kirjaamo.test",
        "Pirjo Pirkkala",
        "Pirkanmaan hyvinvointialue, sosiaalipalvelut",
        400,
        &[(20, "secondary-use", 30), (200, "multiprofessional", 16)],
    ),
    (
        "kaisa.kallio@demo.kirjaamo.test",
        "Kaisa Kallio",
        "Helsingin kaupungin sosiaali-, terveys- ja pelastustoimiala",
        1070,
        &[],
    ),
    (
        "lauri.laine@demo.kirjaamo.test",
        "Lauri Laine",
        "Vantaan ja Keravan hyvinvointialue, sosiaalipalvelut",
        1200,
        &[(500, "structured", 10)],
    ),
];

/// The demo refresher cohort: national, continuous intake (no dates), where the lapse check
/// enrols lapsed experts.
pub const DEMO_REFRESHER_COHORT: &str = "Kertaava valmennus, jatkuva haku (demo)";

fn seed_network(
    conn: &mut AnyConnection,
    report: &mut DemoReport,
    hash: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    use crate::db::schema::{counties, organisations};
    use diesel::prelude::*;
    for (email, name, org_name, joined_days_ago, held) in EXPERTS {
        if accounts::model::find_by_email(conn, email)?.is_some() {
            continue;
        }
        let Some((org, county, region)): Option<(i64, i64, i64)> = organisations::table
            .inner_join(counties::table)
            .filter(organisations::name.eq(org_name))
            .select((organisations::id, counties::id, counties::region_id))
            .first(conn)
            .optional()?
        else {
            continue;
        };
        let user = accounts::create_user(
            conn,
            NewAccount {
                email,
                name,
                language: Lang::Fi,
                organisation_id: Some(org),
                password_hash: Some(hash.to_string()),
            },
            now,
        )?;
        report.users += 1;
        crate::network::membership::join_region(
            conn,
            user.id,
            region,
            county,
            org,
            now - chrono::Duration::days(joined_days_ago),
        )?;
        for (days_ago, theme, participants) in held.iter() {
            let draft = crate::network::trainings::Draft {
                organisation_id: org,
                held_on: Some((now - chrono::Duration::days(*days_ago)).date()),
                themes: vec![theme.to_string()],
                participants: Some(*participants),
                notes: "Tiimin kirjaamisvalmennus (demo)".into(),
                unit: "Sosiaalipalvelut".into(),
                ..Default::default()
            };
            crate::network::trainings::log(conn, user.id, &draft, now.date(), now)?;
        }
        // Each expert who has trained before has one planned in the weeks ahead (the
        // network's calendar and the attendance page have something to show).
        if let Some((_, theme, _)) = held.first() {
            let draft = crate::network::trainings::Draft {
                organisation_id: org,
                held_on: Some(
                    (now + chrono::Duration::days(7 * (report.users as i64 % 3 + 1))).date(),
                ),
                starts: chrono::NaiveTime::from_hms_opt(9, 0, 0),
                ends: chrono::NaiveTime::from_hms_opt(10, 30, 0),
                themes: vec![theme.to_string()],
                unit: "Aikuissosiaalityö".into(),
                place: "Neuvotteluhuone 2".into(),
                planned_size: Some(15),
                ..Default::default()
            };
            crate::network::trainings::plan(conn, user.id, &draft, now.date(), now)?;
        }
    }
    Ok(())
}

fn seed_refresher_cohort(
    conn: &mut AnyConnection,
    report: &mut DemoReport,
    now: NaiveDateTime,
) -> AppResult<()> {
    use crate::db::schema::{cohorts as c, courses};
    use diesel::prelude::*;
    let Some(course_id) = courses::table
        .filter(courses::kind.eq("refresher"))
        .filter(courses::active.eq(true))
        .select(courses::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(());
    };
    let exists: i64 = c::table
        .filter(c::name.eq(DEMO_REFRESHER_COHORT))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        report.cohorts += 1;
        let cohort = cohorts::create(
            conn,
            NewCohort {
                course_id,
                name: DEMO_REFRESHER_COHORT,
                region_id: None,
                work_hours: 8,
                description: "Kertaava valmennus kirjaamisasiantuntijoille, joiden osaaminen on vanhentunut. Ryhmään otetaan koko ajan.",
                ..Default::default()
            },
            now,
        )?;
        if let Some(trainer) = accounts::model::find_by_email(conn, TRAINER)? {
            cohorts::add_trainer(conn, cohort.id, trainer.id)?;
        }
    }
    Ok(())
}

/// An open cohort of the basic course in Socca, with its trainer and trainees.
fn seed_cohort(
    conn: &mut AnyConnection,
    report: &mut DemoReport,
    org: Option<i64>,
    region: i64,
    hash: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    use crate::db::schema::{cohorts as c, courses};
    use diesel::prelude::*;
    let Some(course_id) = courses::table
        .filter(courses::slug.eq("kirjaamisvalmennus"))
        .select(courses::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(());
    };
    let existing: Option<i64> = c::table
        .filter(c::name.eq(DEMO_COHORT))
        .select(c::id)
        .first(conn)
        .optional()?;
    let cohort_id = match existing {
        Some(id) => id,
        None => {
            let today = now.date();
            report.cohorts += 1;
            cohorts::create(conn, NewCohort {
                course_id,
                name: DEMO_COHORT,
                region_id: Some(region),
                starts_on: Some(today + chrono::Duration::days(30)),
                ends_on: Some(today + chrono::Duration::days(58)),
                capacity: Some(30),
                applications_open_on: Some(today),
                applications_close_on: Some(today + chrono::Duration::days(21)),
                manager_approval_required: true,
                work_hours: 20,
                description: "Neljän viikon verkkovalmennus asiakastyön kirjaamisesta. Valmentajat ovat mukana keskusteluissa.",
                lessons_open_at_start: false,
            }, now)?
            .id
        }
    };
    if let Some(trainer) = accounts::model::find_by_email(conn, TRAINER)? {
        cohorts::add_trainer(conn, cohort_id, trainer.id)?;
    }
    let mut people: Vec<(String, String)> = TRAINEES
        .iter()
        .map(|(e, n)| (e.to_string(), n.to_string()))
        .collect();
    people.push((TRAINEE.to_string(), String::new()));
    for (email, name) in people {
        let user = match accounts::model::find_by_email(conn, &email)? {
            Some(u) => u,
            None => {
                report.users += 1;
                accounts::create_user(
                    conn,
                    NewAccount {
                        email: &email,
                        name: &name,
                        language: Lang::Fi,
                        organisation_id: org,
                        password_hash: Some(hash.to_string()),
                    },
                    now,
                )?
            }
        };
        let enrolled: i64 = crate::db::schema::enrolments::table
            .filter(crate::db::schema::enrolments::cohort_id.eq(cohort_id))
            .filter(crate::db::schema::enrolments::user_id.eq(user.id))
            .count()
            .get_result(conn)?;
        if enrolled == 0 {
            cohorts::enrol(conn, cohort_id, user.id, now)?;
            report.enrolments += 1;
        }
    }
    crate::discussions::demo::seed(conn, cohort_id, TRAINER, TRAINEE, now)?;
    let trainer = accounts::model::find_by_email(conn, TRAINER)?.map(|u| u.id);
    crate::exercises::demo::seed(conn, cohort_id, TRAINEE, trainer, now)?;
    Ok(())
}
