//! The scaled people and where they study: organisations in the counties, the users, the
//! cohorts with their trainers, the enrolments and the lessons done.

use super::bulk::{bulk, next_id, opt, q, ts};
use super::plan::{BasicCourse, People, Places, Rng, Status, DOMAIN};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{Duration, NaiveDateTime};

const FIRST: [&str; 24] = [
    "Aino", "Eino", "Helmi", "Juhani", "Kaisa", "Lauri", "Maria", "Mikko", "Noora", "Oskari",
    "Pirjo", "Riikka", "Sanna", "Tapio", "Ulla", "Veikko", "Anna", "Johanna", "Petra", "Emil",
    "Elsa", "Ville", "Kerstin", "Fredrik",
];
const LAST: [&str; 20] = [
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Björklund",
];
const ORG_KINDS: [(&str, &str); 4] = [
    ("public", "sosiaalipalvelut"),
    ("private", "Hoivakoti"),
    ("private", "Perhetukikeskus"),
    ("other", "Yhdistys"),
];

/// Each region's (organisation, county) pairs, by the region's place in `Places::regions`.
pub(super) type OrgsByRegion = Vec<Vec<(i64, i64)>>;

/// Organisations: about one per 30 users, spread over the counties (the first counties, the
/// larger ones, get more). Returns how many, and each region's (organisation, county) pairs
/// by the region's place in [`Places::regions`].
pub(super) fn seed_organisations(
    conn: &mut AnyConnection,
    places: &Places,
    users: usize,
    now: NaiveDateTime,
    rng: &mut Rng,
) -> AppResult<(usize, OrgsByRegion)> {
    let county_rows = &places.counties;
    let n_orgs = (users / 30).max(county_rows.len());
    let org_base = next_id(conn, "organisations")?;
    let mut orgs_by_region: OrgsByRegion = vec![Vec::new(); places.regions.len()];
    let mut org_rows = Vec::with_capacity(n_orgs);
    for i in 0..n_orgs {
        let c = if i < county_rows.len() {
            i
        } else {
            // Skewed towards the first counties: the square of a uniform number.
            let u = rng.unit();
            ((u * u) * county_rows.len() as f64) as usize
        };
        let (county, region) = county_rows[c];
        let (kind, word) = ORG_KINDS[if i % 5 == 0 { 0 } else { 1 + rng.below(3) }];
        // A few large public organisations, many small ones.
        let staff = if kind == "public" {
            200 + rng.below(4000)
        } else {
            5 + rng.below(120)
        };
        let id = org_base + i as i64;
        let r = places
            .regions
            .iter()
            .position(|x| *x == region)
            .unwrap_or(0);
        orgs_by_region[r].push((id, county));
        org_rows.push(format!(
            "{id}, {}, {county}, '{kind}', {staff}, TRUE, {}, {}",
            q(&format!("{word} {} (skaala {i})", LAST[i % LAST.len()])),
            ts(now),
            ts(now)
        ));
    }
    let n = bulk(
        conn,
        "organisations",
        "id, name, county_id, kind, staff_count, active, created_at, updated_at",
        org_rows.into_iter(),
        true,
    )?;
    Ok((n, orgs_by_region))
}

/// The users (trainers without an organisation), and the trainers' role.
pub(super) fn seed_users(
    conn: &mut AnyConnection,
    people: &People,
    password_hash: &str,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let hash = q(password_hash);
    let mut name_rng = Rng(0x9e37_79b9_7f4a_7c15);
    let n = bulk(
        conn,
        "users",
        "id, email, name, organisation_id, language, password_hash, session_version, active, \
         created_at, updated_at",
        (0..people.users()).map(|i| {
            let (email, org) = if i < people.trainers {
                (format!("valmentaja{}@{DOMAIN}", i + 1), None)
            } else {
                let k = i - people.trainers;
                (
                    format!("osallistuja{}@{DOMAIN}", k + 1),
                    Some(people.org_of[k].0),
                )
            };
            let name = format!(
                "{} {}",
                FIRST[name_rng.below(FIRST.len())],
                LAST[name_rng.below(LAST.len())]
            );
            let lang = if i % 20 == 7 { "sv" } else { "fi" };
            format!(
                "{}, {}, {}, {}, '{lang}', {hash}, 1, TRUE, {}, {}",
                people.user_base + i as i64,
                q(&email),
                q(&name),
                opt(org),
                ts(now),
                ts(now)
            )
        }),
        true,
    )?;
    bulk(
        conn,
        "role_assignments",
        "user_id, role, created_at",
        (0..people.trainers).map(|t| format!("{}, 'trainer', {}", people.trainer_id(t), ts(now))),
        false,
    )?;
    Ok(n)
}

/// The cohorts and their trainers.
pub(super) fn seed_cohorts(
    conn: &mut AnyConnection,
    people: &People,
    course: &BasicCourse,
    places: &Places,
) -> AppResult<usize> {
    let n = bulk(
        conn,
        "cohorts",
        "id, course_id, name, region_id, starts_on, ends_on, created_at, capacity, \
         manager_approval_required, work_hours, description",
        people.cohorts.iter().enumerate().map(|(c, k)| {
            format!(
                "{}, {}, {}, {}, '{}', '{}', {}, 30, FALSE, 20, ''",
                k.id,
                course.id,
                q(&format!("Skaalaryhmä {}", c + 1)),
                places.regions[k.region],
                k.starts.date(),
                (k.starts + Duration::days(28)).date(),
                ts(k.starts - Duration::days(30))
            )
        }),
        true,
    )?;
    bulk(
        conn,
        "cohort_trainers",
        "cohort_id, user_id",
        people
            .cohorts
            .iter()
            .map(|k| format!("{}, {}", k.id, k.trainer)),
        false,
    )?;
    Ok(n)
}

/// The enrolments, trainee `k`'s with the id `enrolment_base + k`.
pub(super) fn seed_enrolments(
    conn: &mut AnyConnection,
    people: &People,
    status: &[Status],
    enrolment_base: i64,
) -> AppResult<usize> {
    bulk(
        conn,
        "enrolments",
        "id, cohort_id, user_id, status, created_at, updated_at",
        (0..people.trainees).map(|k| {
            let cohort = people.cohort_of(k);
            let s = match status[k] {
                Status::Active => "active",
                Status::Completed => "completed",
                Status::Withdrawn => "withdrawn",
            };
            format!(
                "{}, {}, {}, '{s}', {}, {}",
                enrolment_base + k as i64,
                cohort.id,
                people.trainee_id(k),
                ts(cohort.starts - Duration::days(10)),
                ts(cohort.starts + Duration::days(28))
            )
        }),
        true,
    )
}

/// Progress: every lesson of a completion, a prefix for the others.
pub(super) fn seed_progress(
    conn: &mut AnyConnection,
    people: &People,
    status: &[Status],
    lesson_ids: &[i64],
) -> AppResult<usize> {
    let lessons_n = lesson_ids.len();
    let mut progress_rng = Rng(0x1234_5678_9abc_def1);
    bulk(
        conn,
        "lesson_progress",
        "user_id, lesson_id, done_at, answers_json, updated_at",
        (0..people.trainees).flat_map(move |k| {
            let done = match status[k] {
                Status::Completed => lessons_n,
                Status::Active => progress_rng.below(lessons_n + 1).min(lessons_n - 1),
                Status::Withdrawn => progress_rng.below(lessons_n / 2 + 1),
            };
            let starts = people.cohort_of(k).starts;
            (0..done).map(move |l| {
                let at = starts + Duration::hours(6 * l as i64 + 1);
                format!(
                    "{}, {}, {}, '{{}}', {}",
                    people.trainee_id(k),
                    lesson_ids[l],
                    ts(at),
                    ts(at)
                )
            })
        }),
        false,
    )
}
