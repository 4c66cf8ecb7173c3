//! The thread page and posting at realistic size: a database of 100,000 users in 1,000 cohorts
//! and a million posts (about 19,600 threads of 50 posts, plus one thread of 20,000), loaded
//! with bulk inserts in transactions; then requests through the real application (the frame
//! middleware included) on several in-process actix services, one per worker thread, as
//! `serve` runs one per core. A measurement, not a test: it prints figures.
//!
//! `cargo bench --bench discussions` (SQLite); `KIRJAAMO_BENCH_DATABASE_URL=postgres://…` for
//! PostgreSQL. `KIRJAAMO_BENCH_USERS`, `KIRJAAMO_BENCH_POSTS`, `KIRJAAMO_BENCH_REQUESTS`,
//! `KIRJAAMO_BENCH_WORKERS` and `KIRJAAMO_BENCH_CONCURRENCY` change the sizes.

use actix_web::http::header;
use actix_web::test;
use chrono::{Duration as Days, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use futures_util::StreamExt;
use kirjaamo::accounts::session;
use kirjaamo::clock::Clock;
use kirjaamo::cohorts::{self, NewCohort};
use kirjaamo::courses::markdown::{plain_text, render_user};
use kirjaamo::db::schema::{courses, lessons};
use kirjaamo::db::{AnyConnection, Backend};
use kirjaamo::mail::transport::Transport;
use kirjaamo::{AppState, Config};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Sizes {
    users: usize,
    posts: usize,
    trainers: usize,
    cohort_size: usize,
    long_thread: usize,
    posts_per_thread: usize,
}

/// What the load created, for choosing requests.
struct World {
    /// Per cohort (index = cohort number): its id, a trainee and its trainer.
    cohorts: Vec<(i64, i64, i64)>,
    /// Regular threads: (id, cohort number).
    threads: Vec<(i64, usize)>,
    long_thread: i64,
    /// The answers of the long thread, for keyset positions.
    long_answers: Vec<i64>,
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

/// A small deterministic generator (xorshift), so every run builds the same world.
fn xorshift(mut state: u64) -> impl FnMut() -> usize {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
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

/// Inserts rows in statements of 500, in transactions of 50,000 rows, as they come; ids given
/// explicitly (PostgreSQL needs `OVERRIDING SYSTEM VALUE` for that, and its sequence moved
/// after).
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

    fn commit(&mut self) -> anyhow::Result<()> {
        self.end_statement();
        if !self.tx.is_empty() {
            self.conn
                .batch_execute(&format!("BEGIN;\n{}COMMIT;", self.tx))?;
            self.tx.clear();
        }
        Ok(())
    }

    fn push(&mut self, row: String) -> anyhow::Result<()> {
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

    fn finish(mut self) -> anyhow::Result<usize> {
        self.commit()?;
        if self.conn.backend() == Backend::Postgres && self.explicit_id {
            self.conn.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT max(id) FROM {0}));",
                self.table
            ))?;
        }
        Ok(self.rows)
    }
}

fn bulk(
    conn: &mut AnyConnection,
    table: &'static str,
    columns: &str,
    rows: impl Iterator<Item = String>,
    explicit_id: bool,
) -> anyhow::Result<usize> {
    let mut b = Bulk::new(conn, table, columns, explicit_id);
    for row in rows {
        b.push(row)?;
    }
    b.finish()
}

/// A few post texts (Markdown, its sanitised HTML, its search text) with `#N` to fill in.
fn texts() -> Vec<(String, String, String)> {
    [
        "Kiitos hyvästä kysymyksestä #N. Kirjaa **asiakkaan oma näkemys** erikseen ja perustele oma arviosi.",
        "Meillä on sovittu, että lyhenteet kirjoitetaan auki, kun asiakas voi lukea tekstin (#N).",
        "Voisiko tässä käyttää palvelutehtävän mukaista asiakirjatyyppiä?\n\n- asiakaskertomus\n- palvelusuunnitelma\n- päätös\n\nViesti #N.",
        "Hyvä huomio #N! Tiedonkulku on helpompaa, kun *kaikki* kirjaavat samaan paikkaan.",
        "Lisäisin vielä, että [Kanta-palvelujen ohjeet](https://www.kanta.fi/) kannattaa lukea ennen arkistointia. #N",
        "Meidän yksikössämme asiakas saa nähdä kirjauksen heti tapaamisen jälkeen. Se on muuttanut kirjoitustapaa paljon: lauseet ovat lyhyempiä ja arvioinnit perustellaan. #N",
    ]
    .iter()
    .map(|md| {
        (
            md.to_string(),
            render_user(md),
            plain_text(md).to_lowercase(),
        )
    })
    .collect()
}

fn load(state: &AppState, sizes: &Sizes) -> anyhow::Result<World> {
    let mut conn = state.pool.get()?;
    let conn: &mut AnyConnection = &mut conn;
    let now = state.clock.now();
    let course_id: i64 = courses::table
        .filter(courses::slug.eq("demo-course"))
        .select(courses::id)
        .first(conn)?;
    let lesson_ids: Vec<i64> = lessons::table
        .filter(lessons::course_id.eq(course_id))
        .select(lessons::id)
        .order(lessons::id)
        .load(conn)?;
    let hash = kirjaamo::accounts::password::hash("bench-password-2026")?;
    let started = Instant::now();
    // Users 1..=trainers are trainers; the rest trainees.
    bulk(
        conn,
        "users",
        "id, email, name, language, password_hash, session_version, active, created_at, updated_at",
        (1..=sizes.users).map(|i| {
            format!(
                "{i}, 'user{i}@bench.example', 'Käyttäjä {i}', 'fi', {}, 1, TRUE, {}, {}",
                q(&hash),
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
        (1..=sizes.trainers).map(|i| format!("{i}, 'trainer', {}", ts(now))),
        false,
    )?;
    let trainees = sizes.users - sizes.trainers;
    let n_cohorts = trainees.div_ceil(sizes.cohort_size);
    let region: i64 = kirjaamo::network::region_by_code(conn, "socca")
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .id;
    let mut cohort_ids = Vec::with_capacity(n_cohorts);
    conn.batch_execute("BEGIN")?;
    for c in 0..n_cohorts {
        let name = format!("Ryhmä {c}");
        let cohort = cohorts::create(
            conn,
            NewCohort {
                course_id,
                name: &name,
                region_id: Some(region),
                work_hours: 20,
                ..Default::default()
            },
            now,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        cohort_ids.push(cohort.id);
    }
    conn.batch_execute("COMMIT")?;
    let trainee_of = |c: usize, k: usize| (sizes.trainers + 1 + c * sizes.cohort_size + k) as i64;
    let cohort_len = |c: usize| sizes.cohort_size.min(trainees - c * sizes.cohort_size);
    let trainer_of = |c: usize| (c % sizes.trainers + 1) as i64;
    let ids = &cohort_ids;
    bulk(
        conn,
        "enrolments",
        "cohort_id, user_id, status, created_at, updated_at",
        (0..n_cohorts).flat_map(|c| {
            (0..cohort_len(c)).map(move |k| {
                format!(
                    "{}, {}, 'active', {}, {}",
                    ids[c],
                    trainee_of(c, k),
                    ts(now),
                    ts(now)
                )
            })
        }),
        false,
    )?;
    bulk(
        conn,
        "cohort_trainers",
        "cohort_id, user_id",
        (0..n_cohorts).map(|c| format!("{}, {}", cohort_ids[c], trainer_of(c))),
        false,
    )?;
    let people = started.elapsed();

    // Threads first (everything about them follows from their post count: post k = 1 is
    // always the trainer's, so a question is answered 74 s after it was asked), then their
    // posts, streamed. Thread 1 is the long one, in cohort 0.
    let texts = texts();
    let started = Instant::now();
    let mut rng = xorshift(0x2545_f491_4f6c_dd1d);
    struct ThreadRow {
        id: i64,
        cohort: usize,
        kind: &'static str,
        author: i64,
        first_post: i64,
        count: usize,
        created: NaiveDateTime,
    }
    let step = Days::seconds(37);
    let regular = (sizes.posts - sizes.long_thread) / sizes.posts_per_thread;
    let mut thread_rows: Vec<ThreadRow> = Vec::with_capacity(regular + 1);
    let mut next_post: i64 = 1;
    for t in 0..=regular {
        let (cohort, count) = if t == 0 {
            (0, sizes.long_thread)
        } else {
            (rng() % n_cohorts, sizes.posts_per_thread)
        };
        thread_rows.push(ThreadRow {
            id: (t + 1) as i64,
            cohort,
            kind: if t % 2 == 0 { "question" } else { "discussion" },
            author: trainee_of(cohort, rng() % cohort_len(cohort)),
            first_post: next_post,
            count,
            created: now - Days::days(60) + Days::minutes((t as i64 * 3) % (60 * 24 * 59)),
        });
        next_post += count as i64;
    }
    bulk(
        conn,
        "discussion_threads",
        "id, cohort_id, lesson_id, kind, title, author_id, opening_post_id, pinned, locked, hidden, \
         answered_at, post_count, last_post_id, last_post_at, created_at",
        thread_rows.iter().map(|t| {
            let answered = (t.kind == "question" && t.count > 1).then(|| t.created + step * 2);
            format!(
                "{}, {}, {}, '{}', {}, {}, {}, FALSE, FALSE, FALSE, {}, {}, {}, {}, {}",
                t.id,
                cohort_ids[t.cohort],
                lesson_ids[(t.id as usize) % lesson_ids.len()],
                t.kind,
                q(&format!("Ketju {}: miten kirjaan tämän?", t.id)),
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
    let mut world = World {
        cohorts: (0..n_cohorts)
            .map(|c| (cohort_ids[c], trainee_of(c, 0), trainer_of(c)))
            .collect(),
        threads: thread_rows[1..].iter().map(|t| (t.id, t.cohort)).collect(),
        long_thread: 1,
        long_answers: Vec::new(),
    };
    let mut posts_out = Bulk::new(
        conn,
        "discussion_posts",
        "id, thread_id, parent_id, author_id, by_trainer, body_markdown, body_html, search_text, \
         created_at",
        true,
    );
    for t in &thread_rows {
        let mut answers: Vec<i64> = Vec::new();
        for k in 0..t.count {
            let post_id = t.first_post + k as i64;
            let at = t.created + step * (k as i32 + 1);
            let trainer = k % 7 == 1;
            let who = match k {
                0 => t.author,
                _ if trainer => trainer_of(t.cohort),
                _ => trainee_of(t.cohort, rng() % cohort_len(t.cohort)),
            };
            // A third of the posts reply to an earlier answer.
            let parent = (k > 0 && k % 3 == 0 && !answers.is_empty())
                .then(|| answers[rng() % answers.len()]);
            if k > 0 && parent.is_none() {
                answers.push(post_id);
            }
            let (md, html, search) = &texts[(post_id as usize) % texts.len()];
            let n = post_id.to_string();
            posts_out.push(format!(
                "{post_id}, {}, {}, {who}, {}, {}, {}, {}, {}",
                t.id,
                opt(parent),
                if trainer { "TRUE" } else { "FALSE" },
                q(&md.replace("#N", &n)),
                q(&html.replace("#N", &n)),
                q(&search.replace("#n", &n)),
                ts(at)
            ))?;
        }
        if t.id == 1 {
            world.long_answers = answers;
        }
    }
    let posts = posts_out.finish()?;
    let threads = thread_rows.len();
    bulk(
        conn,
        "discussion_subscriptions",
        "thread_id, user_id, following, created_at",
        thread_rows.iter().flat_map(|t| {
            let mut v = vec![format!("{}, {}, TRUE, {}", t.id, t.author, ts(t.created))];
            if t.kind == "question" {
                v.push(format!(
                    "{}, {}, TRUE, {}",
                    t.id,
                    trainer_of(t.cohort),
                    ts(t.created)
                ));
            }
            v
        }),
        false,
    )?;
    conn.batch_execute("ANALYZE")?;
    println!(
        "loaded {} users, {} cohorts in {:.1} s; {threads} threads, {posts} posts in {:.1} s",
        sizes.users,
        n_cohorts,
        people.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(world)
}

/// One request to send: method, path, who (user id), form body.
#[derive(Clone)]
struct Job {
    post: bool,
    path: String,
    user: i64,
    body: String,
    expect: u16,
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
}

fn cookie_for(state: &AppState, user: i64, now: NaiveDateTime) -> (String, String) {
    let claims = session::Claims::new(user, 1, now);
    let token = session::issue(&claims, &state.config.secret).expect("a session token");
    let csrf = kirjaamo::web::csrf::token_for(&state.config.secret, &claims.sid);
    (format!("{}={token}", session::COOKIE_NAME), csrf)
}

/// Runs the jobs on `workers` threads, each with its own actix service and `concurrency`
/// requests in flight. Returns the wall time and the tally.
fn run(state: &AppState, jobs: Vec<Job>, workers: usize, concurrency: usize) -> (Duration, Tally) {
    let tally = Arc::new(Mutex::new(Tally::default()));
    let chunks: Vec<Vec<Job>> = (0..workers)
        .map(|w| jobs.iter().skip(w).step_by(workers).cloned().collect())
        .collect();
    let started = Instant::now();
    let handles: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let state = state.clone();
            let tally = tally.clone();
            std::thread::spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let app = test::init_service(
                        actix_web::App::new()
                            .wrap(actix_web::middleware::from_fn(kirjaamo::web::frame::frame))
                            .configure(kirjaamo::app::configure(state.clone()))
                            .default_service(actix_web::web::to(kirjaamo::web::pages::not_found)),
                    )
                    .await;
                    let app = &app;
                    let now = state.clock.now();
                    futures_util::stream::iter(chunk)
                        .map(|job| {
                            let (cookie, csrf) = cookie_for(&state, job.user, now);
                            async move {
                                let req = if job.post {
                                    let body = format!(
                                        "{}&csrf_token={}",
                                        job.body,
                                        url::form_urlencoded::byte_serialize(csrf.as_bytes())
                                            .collect::<String>()
                                    );
                                    test::TestRequest::post()
                                        .uri(&job.path)
                                        .insert_header((
                                            header::CONTENT_TYPE,
                                            "application/x-www-form-urlencoded",
                                        ))
                                        .set_payload(body)
                                } else {
                                    test::TestRequest::get().uri(&job.path)
                                };
                                let req = req
                                    .insert_header((header::COOKIE, cookie))
                                    .peer_addr("127.0.0.1:40000".parse().unwrap())
                                    .to_request();
                                let t = Instant::now();
                                let res = test::call_service(app, req).await;
                                let status = res.status().as_u16();
                                let _ = test::read_body(res).await;
                                (t.elapsed(), status, job)
                            }
                        })
                        .buffer_unordered(concurrency)
                        .for_each(|(took, status, job)| {
                            let tally = tally.clone();
                            async move {
                                let mut t = tally.lock().unwrap();
                                t.latencies.push(took);
                                if status != job.expect {
                                    t.errors += 1;
                                    t.first_error.get_or_insert(format!(
                                        "{} {} -> {status}",
                                        if job.post { "POST" } else { "GET" },
                                        job.path
                                    ));
                                }
                            }
                        })
                        .await;
                })
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a worker thread");
    }
    let elapsed = started.elapsed();
    let tally = Arc::try_unwrap(tally)
        .ok()
        .map(|m| m.into_inner().unwrap())
        .unwrap_or_default();
    (elapsed, tally)
}

fn report(name: &str, elapsed: Duration, mut tally: Tally) {
    tally.latencies.sort();
    let n = tally.latencies.len();
    let pct = |p: f64| {
        let i = ((n as f64 * p).ceil() as usize).clamp(1, n.max(1)) - 1;
        tally.latencies.get(i).copied().unwrap_or_default()
    };
    println!(
        "{name:<34} {n:>6} requests, {:>7.1} req/s, p50 {:>7.2} ms, p99 {:>7.2} ms, max {:>7.2} ms, errors {}{}",
        n as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        tally.latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        tally.errors,
        tally
            .first_error
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default()
    );
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or(0.0)
}

fn main() -> anyhow::Result<()> {
    let sizes = Sizes {
        users: env_usize("KIRJAAMO_BENCH_USERS", 100_000),
        posts: env_usize("KIRJAAMO_BENCH_POSTS", 1_000_000),
        trainers: 100,
        cohort_size: 100,
        long_thread: 20_000.min(env_usize("KIRJAAMO_BENCH_POSTS", 1_000_000) / 50),
        posts_per_thread: 50,
    };
    let requests = env_usize("KIRJAAMO_BENCH_REQUESTS", 2_000);
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let workers = env_usize("KIRJAAMO_BENCH_WORKERS", cores);
    let concurrency = env_usize("KIRJAAMO_BENCH_CONCURRENCY", 4);

    let dir = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(
        dir.path(),
        std::env::var("KIRJAAMO_BENCH_DATABASE_URL").ok(),
    );
    config.courses_dir = dir.path().join("courses");
    config.db_pool_size = (workers * concurrency + 2) as u32;
    let backend = if config.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/courses/valid"),
        &config.courses_dir,
    )?;
    let (transport, _sent) = Transport::memory();
    let state = AppState::build(config, Clock::System, transport)?;
    kirjaamo::app::publish_courses(&state)?;
    println!(
        "discussions bench on {backend}: {} users, {} posts; {workers} workers × {concurrency} in flight",
        sizes.users, sizes.posts
    );
    let world = load(&state, &sizes)?;
    if backend == "SQLite" {
        let size = std::fs::metadata(dir.path().join("kirjaamo.sqlite3"))
            .map(|m| m.len())
            .unwrap_or(0);
        println!("database file: {:.0} MiB", size as f64 / 1024.0 / 1024.0);
    }

    let mut rng = xorshift(0x9e37_79b9_7f4a_7c15);
    // Warm up: a few pages, untimed.
    let warm: Vec<Job> = (0..50)
        .map(|_| {
            let (thread, cohort) = world.threads[rng() % world.threads.len()];
            Job {
                post: false,
                path: format!("/keskustelut/ketju/{thread}"),
                user: world.cohorts[cohort].1,
                body: String::new(),
                expect: 200,
            }
        })
        .collect();
    run(&state, warm, workers, concurrency);

    // (a) The first page of a random thread, read by one of its cohort's trainees.
    let jobs: Vec<Job> = (0..requests)
        .map(|_| {
            let (thread, cohort) = world.threads[rng() % world.threads.len()];
            Job {
                post: false,
                path: format!("/keskustelut/ketju/{thread}"),
                user: world.cohorts[cohort].1,
                body: String::new(),
                expect: 200,
            }
        })
        .collect();
    let (t, tally) = run(&state, jobs, workers, concurrency);
    report("thread page (50-post threads)", t, tally);

    // (b) Any page of the 20,000-post thread (keyset: ?jalkeen=<answer id>).
    let (_, trainee0, _) = world.cohorts[0];
    let jobs: Vec<Job> = (0..requests / 2)
        .map(|_| {
            let after = world.long_answers[rng() % world.long_answers.len()];
            Job {
                post: false,
                path: format!("/keskustelut/ketju/{}?jalkeen={after}", world.long_thread),
                user: trainee0,
                body: String::new(),
                expect: 200,
            }
        })
        .collect();
    let (t, tally) = run(&state, jobs, workers, concurrency);
    report("thread page (20,000-post thread)", t, tally);

    // (c) A cohort's thread list.
    let jobs: Vec<Job> = (0..requests / 2)
        .map(|_| {
            let c = rng() % world.cohorts.len();
            Job {
                post: false,
                path: format!("/keskustelut/ryhma/{}", world.cohorts[c].0),
                user: world.cohorts[c].1,
                body: String::new(),
                expect: 200,
            }
        })
        .collect();
    let (t, tally) = run(&state, jobs, workers, concurrency);
    report("cohort thread list", t, tally);

    // (d) Posting: replies by trainees and trainers (every fifth) to random threads, the
    // followers' e-mail queued in the same transaction.
    let jobs: Vec<Job> = (0..requests / 2)
        .map(|i| {
            let (thread, cohort) = world.threads[rng() % world.threads.len()];
            let (_, trainee, trainer) = world.cohorts[cohort];
            Job {
                post: true,
                path: format!("/keskustelut/ketju/{thread}"),
                user: if i % 5 == 0 { trainer } else { trainee },
                body: format!(
                    "body=Vastaus+{i}%3A+kirjaa+**asiakkaan+n%C3%A4kemys**+erikseen.&action=send"
                ),
                expect: 303,
            }
        })
        .collect();
    let (t, tally) = run(&state, jobs, workers, concurrency);
    report("posting a reply", t, tally);

    // (e) Posting into the 20,000-post thread.
    let (_, trainee0, trainer0) = world.cohorts[0];
    let jobs: Vec<Job> = (0..requests / 4)
        .map(|i| Job {
            post: true,
            path: format!("/keskustelut/ketju/{}", world.long_thread),
            user: if i % 2 == 0 { trainee0 } else { trainer0 },
            body: format!("body=Viesti+{i}&action=send"),
            expect: 303,
        })
        .collect();
    let (t, tally) = run(&state, jobs, workers, concurrency);
    report("posting into the long thread", t, tally);

    println!("peak RSS of the process (VmHWM): {:.0} MiB", peak_rss_mib());
    Ok(())
}
