//! `kirjaamo demo --scale N`: a large, realistic dataset for load benches, on top of the demo
//! world. N users (a thousandth of them trainers) in the organisations of the 22 counties
//! (about one organisation per 30 users, a few large and many small), cohorts of 25 trainees
//! of the basic course in every region (most of them finished: completions, certificates,
//! network memberships and trainings held; the rest studying, with partial progress), and
//! about ten posts per user in threads on the lessons' discussions — most threads short, a
//! few very long, and one of N/5 posts (120 to 20,000) in the bench cohort.
//!
//! Rows go in with multi-row `INSERT`s in transactions of 50,000 rows, ids given (after the
//! largest id already there, so the demo world stays). Running it again with the same N changes
//! nothing; another N on a database that already holds a scaled dataset is refused.

use crate::db::schema::{counties, course_modules, courses, lessons, regions};
use crate::db::{AnyConnection, Backend};
use crate::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// Scaled accounts end in this domain (and the trainee the benches sign in as is the first).
pub const DOMAIN: &str = "scale.kirjaamo.test";
/// The bench trainee: active in the first cohort, which holds the long thread.
pub const BENCH_TRAINEE: &str = "osallistuja1@scale.kirjaamo.test";
/// Trainees per cohort.
pub const COHORT_SIZE: usize = 25;
/// Posts per user, on average.
pub const POSTS_PER_USER: usize = 10;

/// What was added.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScaleReport {
    pub users: usize,
    pub organisations: usize,
    pub cohorts: usize,
    pub enrolments: usize,
    pub progress: usize,
    pub completions: usize,
    pub memberships: usize,
    pub trainings: usize,
    pub threads: usize,
    pub posts: usize,
    /// The long thread of the bench cohort and its length.
    pub long_thread: i64,
    pub long_thread_posts: usize,
    /// True when the same dataset was already there (nothing was added).
    pub already_present: bool,
}

/// A small deterministic generator (xorshift64), so every run builds the same world.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn ts(t: NaiveDateTime) -> String {
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S"))
}

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "NULL".into())
}

/// Multi-row inserts, 500 rows a statement, 50,000 rows a transaction. With explicit ids,
/// PostgreSQL needs `OVERRIDING SYSTEM VALUE` and its identity sequence moved afterwards.
struct Bulk<'a> {
    conn: &'a mut AnyConnection,
    insert: String,
    explicit_id: bool,
    table: &'static str,
    stmt: Vec<String>,
    tx: String,
    rows: usize,
}

impl<'a> Bulk<'a> {
    fn new(
        conn: &'a mut AnyConnection,
        table: &'static str,
        columns: &str,
        explicit_id: bool,
    ) -> Bulk<'a> {
        let overriding = if conn.backend() == Backend::Postgres && explicit_id {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        Bulk {
            insert: format!("INSERT INTO {table} ({columns}){overriding} VALUES "),
            conn,
            explicit_id,
            table,
            stmt: Vec::with_capacity(500),
            tx: String::new(),
            rows: 0,
        }
    }

    fn end_statement(&mut self) {
        if !self.stmt.is_empty() {
            self.tx.push_str(&self.insert);
            self.tx.push_str(&self.stmt.join(","));
            self.tx.push_str(";\n");
            self.stmt.clear();
        }
    }

    fn commit(&mut self) -> AppResult<()> {
        self.end_statement();
        if !self.tx.is_empty() {
            self.conn
                .batch_execute(&format!("BEGIN;\n{}COMMIT;", self.tx))?;
            self.tx.clear();
        }
        Ok(())
    }

    fn push(&mut self, row: String) -> AppResult<()> {
        self.stmt.push(format!("({row})"));
        self.rows += 1;
        if self.stmt.len() == 500 {
            self.end_statement();
        }
        if self.rows.is_multiple_of(50_000) {
            self.commit()?;
        }
        Ok(())
    }

    fn finish(mut self) -> AppResult<usize> {
        self.commit()?;
        if self.conn.backend() == Backend::Postgres && self.explicit_id && self.rows > 0 {
            self.conn.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT max(id) FROM {0}));",
                self.table
            ))?;
        }
        Ok(self.rows)
    }
}

#[derive(QueryableByName)]
struct Max {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The next free id of a table.
fn next_id(conn: &mut AnyConnection, table: &str) -> AppResult<i64> {
    let m: Max = diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS n FROM {table}"))
        .get_result(conn)?;
    Ok(m.n + 1)
}

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
const THEMES: [&str; 5] = [
    "client-centred",
    "multiprofessional",
    "structured",
    "archiving",
    "secondary-use",
];
const TITLES: [&str; 8] = [
    "Miten kirjaan asiakkaan oman näkemyksen?",
    "Lyhenteet asiakaskertomuksessa",
    "Kuka saa lukea palvelutarpeen arvion?",
    "Kirjaaminen tapaamisen aikana",
    "Arkistointi Kanta-palveluihin",
    "Monialainen yhteistyö ja tietojen luovutus",
    "Rakenteisen kirjaamisen otsikot",
    "Toisiokäyttö ja tietosuoja",
];

/// Post texts (Markdown, sanitised HTML, search text) with `#N` to fill in.
fn texts() -> Vec<(String, String, String)> {
    use crate::courses::markdown::{plain_text, render_user};
    [
        "Kiitos hyvästä kysymyksestä #N. Kirjaa **asiakkaan oma näkemys** erikseen ja perustele oma arviosi.",
        "Meillä on sovittu, että lyhenteet kirjoitetaan auki, kun asiakas voi lukea tekstin (#N).",
        "Voisiko tässä käyttää palvelutehtävän mukaista asiakirjatyyppiä?\n\n- asiakaskertomus\n- palvelusuunnitelma\n- päätös\n\nViesti #N.",
        "Hyvä huomio #N! Tiedonkulku on helpompaa, kun *kaikki* kirjaavat samaan paikkaan.",
        "Lisäisin vielä, että [Kanta-palvelujen ohjeet](https://www.kanta.fi/) kannattaa lukea ennen arkistointia. #N",
        "Meidän yksikössämme asiakas saa nähdä kirjauksen heti tapaamisen jälkeen. Se on muuttanut kirjoitustapaa paljon: lauseet ovat lyhyempiä ja arvioinnit perustellaan. #N",
        "Samaa mieltä (#N).",
    ]
    .iter()
    .map(|md| (md.to_string(), render_user(md), plain_text(md).to_lowercase()))
    .collect()
}

/// A certificate code from an id: ten characters without look-alikes, in two groups.
fn certificate_code(id: i64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // Spread consecutive ids over the code space (an odd multiplier is a bijection mod 2^50).
    let mut v = (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15 | 1) & ((1u64 << 50) - 1);
    let mut out = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            out.push('-');
        }
        out.push(ALPHABET[(v & 31) as usize] as char);
        v >>= 5;
    }
    out
}

/// Adds the scaled dataset of `users` users (see the module comment). Needs the basic course
/// published and the demo world seeded (its coordinator reads the network pages).
pub fn seed(
    conn: &mut AnyConnection,
    users: usize,
    password_hash: &str,
    now: NaiveDateTime,
) -> AppResult<ScaleReport> {
    if users < 50 {
        return Err(AppError::invalid("--scale needs at least 50 users"));
    }
    let existing: i64 = crate::db::schema::users::table
        .filter(crate::db::schema::users::email.like(format!("%@{DOMAIN}")))
        .count()
        .get_result(conn)?;
    if existing as usize == users {
        return Ok(ScaleReport {
            already_present: true,
            ..Default::default()
        });
    }
    if existing > 0 {
        return Err(AppError::invalid(format!(
            "this database already holds a scaled dataset of {existing} users; use an empty database for --scale {users}"
        )));
    }
    let (course_id, course_title, course_kind, course_version): (i64, String, String, String) =
        courses::table
            .filter(courses::slug.eq("kirjaamisvalmennus"))
            .select((courses::id, courses::title, courses::kind, courses::version))
            .first(conn)
            .optional()?
            .ok_or_else(|| {
                AppError::invalid("the basic course (kirjaamisvalmennus) is not published")
            })?;
    let lesson_ids: Vec<i64> = lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::active.eq(true))
        .order((course_modules::position, lessons::position))
        .select(lessons::id)
        .load(conn)?;
    if lesson_ids.is_empty() {
        return Err(AppError::invalid("the basic course has no lessons"));
    }
    // Regions with their counties (FSKC, national, has none of its own).
    let county_rows: Vec<(i64, i64)> = counties::table
        .inner_join(regions::table)
        .order(counties::id)
        .select((counties::id, counties::region_id))
        .load(conn)?;
    let mut region_ids: Vec<i64> = county_rows.iter().map(|c| c.1).collect();
    region_ids.dedup();
    region_ids.sort_unstable();
    region_ids.dedup();
    let socca: i64 = regions::table
        .filter(regions::code.eq("socca"))
        .select(regions::id)
        .first(conn)?;
    // Socca (the capital area) first: the bench cohort and the coordinator live there.
    region_ids.retain(|r| *r != socca);
    region_ids.insert(0, socca);

    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut report = ScaleReport::default();
    let started = std::time::Instant::now();

    // Organisations: about one per 30 users, spread over the counties (the first counties,
    // the larger ones, get more).
    let n_orgs = (users / 30).max(county_rows.len());
    let org_base = next_id(conn, "organisations")?;
    let mut orgs_by_region: Vec<Vec<(i64, i64)>> = vec![Vec::new(); region_ids.len()];
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
        let r = region_ids.iter().position(|x| *x == region).unwrap_or(0);
        orgs_by_region[r].push((id, county));
        org_rows.push(format!(
            "{id}, {}, {county}, '{kind}', {staff}, TRUE, {}, {}",
            q(&format!("{word} {} (skaala {i})", LAST[i % LAST.len()])),
            ts(now),
            ts(now)
        ));
    }
    report.organisations = bulk(
        conn,
        "organisations",
        "id, name, county_id, kind, staff_count, active, created_at, updated_at",
        org_rows.into_iter(),
        true,
    )?;
    // A region without organisations cannot hold cohorts.
    let usable: Vec<usize> = (0..region_ids.len())
        .filter(|r| !orgs_by_region[*r].is_empty())
        .collect();

    // Users: trainers first, then the trainees of each cohort in turn.
    let trainers = (users / 1000).max(2);
    let trainees = users - trainers;
    let n_cohorts = trainees.div_ceil(COHORT_SIZE);
    let user_base = next_id(conn, "users")?;
    let trainer_id = |t: usize| user_base + t as i64;
    let trainee_id = |k: usize| user_base + (trainers + k) as i64;
    let cohort_len = |c: usize| COHORT_SIZE.min(trainees - c * COHORT_SIZE);
    // Cohort c: its region (round robin, Socca first), whether it is finished, its dates.
    struct Cohort {
        id: i64,
        region: usize,
        finished: bool,
        starts: NaiveDateTime,
        trainer: i64,
    }
    let cohort_base = next_id(conn, "cohorts")?;
    let cohorts: Vec<Cohort> = (0..n_cohorts)
        .map(|c| {
            // Three in ten cohorts study now; the rest finished over the last four years.
            let finished = c % 10 >= 3;
            let starts = if finished {
                now - Duration::days(60 + (c as i64 * 7) % 1400)
            } else {
                now - Duration::days(7 + (c as i64) % 21)
            };
            Cohort {
                id: cohort_base + c as i64,
                region: usable[c % usable.len()],
                finished,
                starts,
                trainer: trainer_id(c % trainers),
            }
        })
        .collect();
    // Every trainee's organisation, from the cohort's region (skewed to the larger ones).
    let mut org_of: Vec<(i64, i64)> = Vec::with_capacity(trainees);
    for (c, cohort) in cohorts.iter().enumerate() {
        let orgs = &orgs_by_region[cohort.region];
        for _ in 0..cohort_len(c) {
            let u = rng.unit();
            org_of.push(orgs[((u * u) * orgs.len() as f64) as usize]);
        }
    }
    let hash = q(password_hash);
    let mut name_rng = Rng(0x9e37_79b9_7f4a_7c15);
    report.users = bulk(
        conn,
        "users",
        "id, email, name, organisation_id, language, password_hash, session_version, active, \
         created_at, updated_at",
        (0..users).map(|i| {
            let (email, org) = if i < trainers {
                (format!("valmentaja{}@{DOMAIN}", i + 1), None)
            } else {
                let k = i - trainers;
                (format!("osallistuja{}@{DOMAIN}", k + 1), Some(org_of[k].0))
            };
            let name = format!(
                "{} {}",
                FIRST[name_rng.below(FIRST.len())],
                LAST[name_rng.below(LAST.len())]
            );
            let lang = if i % 20 == 7 { "sv" } else { "fi" };
            format!(
                "{}, {}, {}, {}, '{lang}', {hash}, 1, TRUE, {}, {}",
                user_base + i as i64,
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
        (0..trainers).map(|t| format!("{}, 'trainer', {}", trainer_id(t), ts(now))),
        false,
    )?;
    report.cohorts = bulk(
        conn,
        "cohorts",
        "id, course_id, name, region_id, starts_on, ends_on, created_at, capacity, \
         manager_approval_required, work_hours, description",
        cohorts.iter().enumerate().map(|(c, k)| {
            format!(
                "{}, {course_id}, {}, {}, '{}', '{}', {}, 30, FALSE, 20, ''",
                k.id,
                q(&format!("Skaalaryhmä {}", c + 1)),
                region_ids[k.region],
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
        cohorts.iter().map(|k| format!("{}, {}", k.id, k.trainer)),
        false,
    )?;

    // Enrolments: in finished cohorts 85 % completed, 10 % withdrawn, 5 % never finished.
    #[derive(Clone, Copy, PartialEq)]
    enum Status {
        Active,
        Completed,
        Withdrawn,
    }
    let mut status: Vec<Status> = Vec::with_capacity(trainees);
    for (c, cohort) in cohorts.iter().enumerate() {
        for k in 0..cohort_len(c) {
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
    let cohort_of = |k: usize| k / COHORT_SIZE;
    let enrolment_base = next_id(conn, "enrolments")?;
    report.enrolments = bulk(
        conn,
        "enrolments",
        "id, cohort_id, user_id, status, created_at, updated_at",
        (0..trainees).map(|k| {
            let cohort = &cohorts[cohort_of(k)];
            let s = match status[k] {
                Status::Active => "active",
                Status::Completed => "completed",
                Status::Withdrawn => "withdrawn",
            };
            format!(
                "{}, {}, {}, '{s}', {}, {}",
                enrolment_base + k as i64,
                cohort.id,
                trainee_id(k),
                ts(cohort.starts - Duration::days(10)),
                ts(cohort.starts + Duration::days(28))
            )
        }),
        true,
    )?;
    // Progress: every lesson of a completion, a prefix for the others.
    let lessons_n = lesson_ids.len();
    let mut progress_rng = Rng(0x1234_5678_9abc_def1);
    let lesson_ids_ref = &lesson_ids;
    let status_ref = &status;
    let cohorts_ref = &cohorts;
    report.progress = bulk(
        conn,
        "lesson_progress",
        "user_id, lesson_id, done_at, answers_json, updated_at",
        (0..trainees).flat_map(move |k| {
            let done = match status_ref[k] {
                Status::Completed => lessons_n,
                Status::Active => progress_rng.below(lessons_n + 1).min(lessons_n - 1),
                Status::Withdrawn => progress_rng.below(lessons_n / 2 + 1),
            };
            let starts = cohorts_ref[cohort_of(k)].starts;
            (0..done).map(move |l| {
                let at = starts + Duration::hours(6 * l as i64 + 1);
                format!(
                    "{}, {}, {}, '{{}}', {}",
                    trainee_id(k),
                    lesson_ids_ref[l],
                    ts(at),
                    ts(at)
                )
            })
        }),
        false,
    )?;
    // Completions, certificates and memberships of the graduates; trainings they held.
    let completion_base = next_id(conn, "completions")?;
    let graduates: Vec<usize> = (0..trainees)
        .filter(|k| status[*k] == Status::Completed)
        .collect();
    let done_at = |k: usize| cohorts[cohort_of(k)].starts + Duration::days(27);
    report.completions = bulk(
        conn,
        "completions",
        "id, enrolment_id, user_id, course_id, course_kind, course_version, completed_at",
        graduates.iter().enumerate().map(|(g, k)| {
            format!(
                "{}, {}, {}, {course_id}, {}, {}, {}",
                completion_base + g as i64,
                enrolment_base + *k as i64,
                trainee_id(*k),
                q(&course_kind),
                q(&course_version),
                ts(done_at(*k))
            )
        }),
        true,
    )?;
    bulk(
        conn,
        "certificates",
        "completion_id, code, holder_name, course_title, course_version, issued_on",
        graduates.iter().enumerate().map(|(g, k)| {
            let id = completion_base + g as i64;
            format!(
                "{id}, '{}', 'Valmistunut {}', {}, {}, '{}'",
                certificate_code(id),
                k + 1,
                q(&course_title),
                q(&course_version),
                done_at(*k).date()
            )
        }),
        false,
    )?;
    let region_of_county: std::collections::HashMap<i64, i64> =
        county_rows.iter().copied().collect();
    report.memberships = bulk(
        conn,
        "memberships",
        "user_id, region_id, county_id, organisation_id, joined_at, refreshed_at, status",
        graduates.iter().map(|k| {
            let (org, county) = org_of[*k];
            let at = done_at(*k);
            // Graduates of more than three years ago whose competence lapsed.
            let status = if (now - at).num_days() > 3 * 365 && k % 3 == 0 {
                "lapsed"
            } else {
                "active"
            };
            format!(
                "{}, {}, {county}, {org}, {}, {}, '{status}'",
                trainee_id(*k),
                region_of_county[&county],
                ts(at),
                ts(at)
            )
        }),
        false,
    )?;
    let mut t_rng = Rng(0x0dd_b1a5_e5ca_1ab1);
    let org_of_ref = &org_of;
    report.trainings = bulk(
        conn,
        "trainings_held",
        "user_id, organisation_id, held_on, theme, participants, notes, created_at",
        graduates.iter().flat_map(move |k| {
            let n = t_rng.below(4);
            let since = (now - done_at(*k)).num_days().max(1) as usize;
            (0..n)
                .map(|_| {
                    let held = now - Duration::days(t_rng.below(since) as i64);
                    format!(
                        "{}, {}, '{}', '{}', {}, 'Tiimin kirjaamisvalmennus', {}",
                        trainee_id(*k),
                        org_of_ref[*k].0,
                        held.date(),
                        THEMES[t_rng.below(THEMES.len())],
                        4 + t_rng.below(36),
                        ts(held)
                    )
                })
                .collect::<Vec<_>>()
        }),
        false,
    )?;
    // The trainings went in as bulk rows: the reach totals are rebuilt from them (as
    // `kirjaamo network rebuild-totals` does).
    crate::network::trainings::recount::rebuild(conn)?;

    // Threads: about ten posts per user. Lengths: one long thread in the bench cohort (N/5
    // posts, at most 20,000), one in a hundred threads long (100–1,000 posts), the rest short
    // (a geometric spread around 6).
    let total_posts = users * POSTS_PER_USER;
    let long = (users / 5).clamp(120, 20_000).min(total_posts / 2);
    let thread_base = next_id(conn, "discussion_threads")?;
    let post_base = next_id(conn, "discussion_posts")?;
    struct Thread {
        id: i64,
        cohort: usize,
        question: bool,
        author: i64,
        first_post: i64,
        count: usize,
        created: NaiveDateTime,
    }
    let mut threads: Vec<Thread> = Vec::new();
    let mut next_post = post_base;
    let mut left = total_posts;
    while left > 0 {
        let t = threads.len();
        let (cohort, count) = if t == 0 {
            (0, long)
        } else {
            let count = if rng.below(100) == 0 {
                100 + rng.below(900)
            } else {
                1 + (-(1.0 - rng.unit()).ln() * 6.0) as usize
            };
            (rng.below(n_cohorts), count.min(left))
        };
        let c = &cohorts[cohort];
        let author = trainee_id(cohort * COHORT_SIZE + rng.below(cohort_len(cohort)));
        threads.push(Thread {
            id: thread_base + t as i64,
            cohort,
            question: t.is_multiple_of(2),
            author,
            first_post: next_post,
            count,
            created: c.starts + Duration::minutes(rng.below(60 * 24 * 20) as i64),
        });
        next_post += count as i64;
        left -= count;
    }
    let step = Duration::seconds(37);
    report.threads = bulk(
        conn,
        "discussion_threads",
        "id, cohort_id, lesson_id, kind, title, author_id, opening_post_id, pinned, locked, \
         hidden, answered_at, post_count, last_post_id, last_post_at, created_at",
        threads.iter().map(|t| {
            let answered = (t.question && t.count > 1).then(|| t.created + step * 2);
            format!(
                "{}, {}, {}, '{}', {}, {}, {}, FALSE, FALSE, FALSE, {}, {}, {}, {}, {}",
                t.id,
                cohorts[t.cohort].id,
                lesson_ids[(t.id as usize) % lesson_ids.len()],
                if t.question { "question" } else { "discussion" },
                q(TITLES[(t.id as usize) % TITLES.len()]),
                t.author,
                t.first_post,
                answered.map(ts).unwrap_or_else(|| "NULL".into()),
                t.count,
                t.first_post + t.count as i64 - 1,
                ts(t.created + step * t.count as i32),
                ts(t.created)
            )
        }),
        true,
    )?;
    let texts = texts();
    let mut posts = Bulk::new(
        conn,
        "discussion_posts",
        "id, thread_id, parent_id, author_id, by_trainer, body_markdown, body_html, search_text, \
         created_at",
        true,
    );
    for t in &threads {
        let mut answers: Vec<i64> = Vec::new();
        let c = &cohorts[t.cohort];
        for k in 0..t.count {
            let post_id = t.first_post + k as i64;
            let trainer = k % 7 == 1;
            let who = match k {
                0 => t.author,
                _ if trainer => c.trainer,
                _ => trainee_id(t.cohort * COHORT_SIZE + rng.below(cohort_len(t.cohort))),
            };
            // A third of the posts reply to an earlier answer.
            let parent = (k > 0 && k % 3 == 0 && !answers.is_empty())
                .then(|| answers[rng.below(answers.len())]);
            if k > 0 && parent.is_none() {
                answers.push(post_id);
            }
            let (md, html, search) = &texts[(post_id as usize) % texts.len()];
            let n = post_id.to_string();
            posts.push(format!(
                "{post_id}, {}, {}, {who}, {}, {}, {}, {}, {}",
                t.id,
                opt(parent),
                if trainer { "TRUE" } else { "FALSE" },
                q(&md.replace("#N", &n)),
                q(&html.replace("#N", &n)),
                q(&search.replace("#n", &n)),
                ts(t.created + step * (k as i32 + 1))
            ))?;
        }
    }
    report.posts = posts.finish()?;
    bulk(
        conn,
        "discussion_subscriptions",
        "thread_id, user_id, following, created_at",
        threads.iter().flat_map(|t| {
            let mut v = vec![format!("{}, {}, TRUE, {}", t.id, t.author, ts(t.created))];
            let trainer = cohorts[t.cohort].trainer;
            if t.question && trainer != t.author {
                v.push(format!("{}, {trainer}, TRUE, {}", t.id, ts(t.created)));
            }
            v
        }),
        false,
    )?;
    report.long_thread = thread_base;
    report.long_thread_posts = long;
    conn.batch_execute("ANALYZE")?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "scaled dataset loaded"
    );
    Ok(report)
}

fn bulk(
    conn: &mut AnyConnection,
    table: &'static str,
    columns: &str,
    rows: impl Iterator<Item = String>,
    explicit_id: bool,
) -> AppResult<usize> {
    let mut b = Bulk::new(conn, table, columns, explicit_id);
    for row in rows {
        b.push(row)?;
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_codes_are_distinct_and_readable() {
        let codes: std::collections::HashSet<String> = (1..20_000).map(certificate_code).collect();
        assert_eq!(codes.len(), 19_999);
        let c = certificate_code(42);
        assert_eq!(c.len(), 11);
        assert_eq!(&c[5..6], "-");
        assert!(!c.contains('O') && !c.contains('0') && !c.contains('I') && !c.contains('1'));
    }
}
