//! The shape of the scaled world, decided before any row is written: the course and the
//! places it builds on, who is who (trainers, the trainees of each cohort, their
//! organisations), each enrolment's fate, and the generator every draw comes from.

use super::bulk::next_id;
use crate::db::schema::{counties, course_modules, courses, lessons, regions};
use crate::db::AnyConnection;
use crate::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Scaled accounts end in this domain (and the trainee the benches sign in as is the first).
pub const DOMAIN: &str = "scale.kirjaamo.test";
/// The bench trainee: active in the first cohort, which holds the long thread.
pub const BENCH_TRAINEE: &str = "osallistuja1@scale.kirjaamo.test";
/// Trainees per cohort.
pub const COHORT_SIZE: usize = 25;
/// Posts per user, on average.
pub const POSTS_PER_USER: usize = 10;

/// A small deterministic generator (xorshift64), so every run builds the same world.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The course every scaled cohort runs, with its active lessons in course order.
pub(super) struct BasicCourse {
    pub(super) id: i64,
    pub(super) title: String,
    pub(super) kind: String,
    pub(super) version: String,
    pub(super) lesson_ids: Vec<i64>,
}

pub(super) fn basic_course(conn: &mut AnyConnection) -> AppResult<BasicCourse> {
    let (id, title, kind, version): (i64, String, String, String) = courses::table
        .filter(courses::slug.eq("kirjaamisvalmennus"))
        .select((courses::id, courses::title, courses::kind, courses::version))
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            AppError::invalid("the basic course (kirjaamisvalmennus) is not published")
        })?;
    let lesson_ids: Vec<i64> = lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::course_id.eq(id))
        .filter(lessons::active.eq(true))
        .order((course_modules::position, lessons::position))
        .select(lessons::id)
        .load(conn)?;
    if lesson_ids.is_empty() {
        return Err(AppError::invalid("the basic course has no lessons"));
    }
    Ok(BasicCourse {
        id,
        title,
        kind,
        version,
        lesson_ids,
    })
}

/// The counties with their regions, and the regions in the order cohorts take them.
pub(super) struct Places {
    /// (county, region), by county id.
    pub(super) counties: Vec<(i64, i64)>,
    /// Socca (the capital area) first: the bench cohort and the coordinator live there.
    pub(super) regions: Vec<i64>,
}

pub(super) fn places(conn: &mut AnyConnection) -> AppResult<Places> {
    // Regions with their counties (FSKC, national, has none of its own).
    let counties: Vec<(i64, i64)> = counties::table
        .inner_join(regions::table)
        .order(counties::id)
        .select((counties::id, counties::region_id))
        .load(conn)?;
    let mut regions: Vec<i64> = counties.iter().map(|c| c.1).collect();
    regions.dedup();
    regions.sort_unstable();
    regions.dedup();
    let socca: i64 = regions::table
        .filter(regions::code.eq("socca"))
        .select(regions::id)
        .first(conn)?;
    regions.retain(|r| *r != socca);
    regions.insert(0, socca);
    Ok(Places { counties, regions })
}

/// A scaled cohort: its region (round robin, Socca first), whether it is finished, its dates.
pub(super) struct Cohort {
    pub(super) id: i64,
    /// The region's place in [`Places::regions`].
    pub(super) region: usize,
    pub(super) finished: bool,
    pub(super) starts: NaiveDateTime,
    pub(super) trainer: i64,
}

/// Who is who: trainers first, then the trainees of each cohort in turn, with the ids they
/// will have and every trainee's organisation.
pub(super) struct People {
    pub(super) user_base: i64,
    pub(super) trainers: usize,
    pub(super) trainees: usize,
    pub(super) cohorts: Vec<Cohort>,
    /// Every trainee's (organisation, county).
    pub(super) org_of: Vec<(i64, i64)>,
}

impl People {
    pub(super) fn users(&self) -> usize {
        self.trainers + self.trainees
    }
    pub(super) fn trainer_id(&self, t: usize) -> i64 {
        self.user_base + t as i64
    }
    pub(super) fn trainee_id(&self, k: usize) -> i64 {
        self.user_base + (self.trainers + k) as i64
    }
    pub(super) fn cohort_len(&self, c: usize) -> usize {
        COHORT_SIZE.min(self.trainees - c * COHORT_SIZE)
    }
    /// The cohort of trainee `k`.
    pub(super) fn cohort_of(&self, k: usize) -> &Cohort {
        &self.cohorts[k / COHORT_SIZE]
    }
    /// A trainee of cohort `c`, drawn at random.
    pub(super) fn any_trainee_of(&self, c: usize, rng: &mut Rng) -> i64 {
        self.trainee_id(c * COHORT_SIZE + rng.below(self.cohort_len(c)))
    }
}

pub(super) fn plan_people(
    conn: &mut AnyConnection,
    users: usize,
    orgs_by_region: &[Vec<(i64, i64)>],
    now: NaiveDateTime,
    rng: &mut Rng,
) -> AppResult<People> {
    // A region without organisations cannot hold cohorts.
    let usable: Vec<usize> = (0..orgs_by_region.len())
        .filter(|r| !orgs_by_region[*r].is_empty())
        .collect();
    let trainers = (users / 1000).max(2);
    let trainees = users - trainers;
    let n_cohorts = trainees.div_ceil(COHORT_SIZE);
    let mut people = People {
        user_base: next_id(conn, "users")?,
        trainers,
        trainees,
        cohorts: Vec::with_capacity(n_cohorts),
        org_of: Vec::with_capacity(trainees),
    };
    let cohort_base = next_id(conn, "cohorts")?;
    for c in 0..n_cohorts {
        // Three in ten cohorts study now; the rest finished over the last four years.
        let finished = c % 10 >= 3;
        let starts = if finished {
            now - Duration::days(60 + (c as i64 * 7) % 1400)
        } else {
            now - Duration::days(7 + (c as i64) % 21)
        };
        let trainer = people.trainer_id(c % trainers);
        people.cohorts.push(Cohort {
            id: cohort_base + c as i64,
            region: usable[c % usable.len()],
            finished,
            starts,
            trainer,
        });
    }
    // Every trainee's organisation, from the cohort's region (skewed to the larger ones).
    for c in 0..n_cohorts {
        let orgs = &orgs_by_region[people.cohorts[c].region];
        for _ in 0..people.cohort_len(c) {
            let u = rng.unit();
            people
                .org_of
                .push(orgs[((u * u) * orgs.len() as f64) as usize]);
        }
    }
    Ok(people)
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Status {
    Active,
    Completed,
    Withdrawn,
}

/// Every trainee's enrolment: in finished cohorts 85 % completed, 10 % withdrawn, 5 % never
/// finished; the bench trainee (the first) is active.
pub(super) fn enrolment_statuses(people: &People, rng: &mut Rng) -> Vec<Status> {
    let mut status: Vec<Status> = Vec::with_capacity(people.trainees);
    for (c, cohort) in people.cohorts.iter().enumerate() {
        for k in 0..people.cohort_len(c) {
            let s = if !cohort.finished || (c == 0 && k == 0) {
                Status::Active
            } else {
                match rng.below(100) {
                    0..=84 => Status::Completed,
                    85..=94 => Status::Withdrawn,
                    _ => Status::Active,
                }
            };
            status.push(s);
        }
    }
    status
}
