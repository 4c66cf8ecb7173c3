//! The thread page and posting at realistic size: the dataset of `kirjaamo demo --scale N`
//! (built by the same generator, `kirjaamo::demo::scale`), by default N = 100,000 users in
//! cohorts of 25 and a million posts (most threads short, one in a hundred long, and one of
//! 20,000 posts in the bench cohort), on top of the demo world; then requests through the real
//! application (the frame middleware included) on several in-process actix services, one per
//! worker thread, as `serve` runs one per core. A measurement, not a test: it prints figures.
//!
//! `cargo bench --bench discussions` (SQLite); `KIRJAAMO_BENCH_DATABASE_URL=postgres://…` for
//! PostgreSQL. `KIRJAAMO_BENCH_USERS` (ten posts each), `KIRJAAMO_BENCH_REQUESTS`,
//! `KIRJAAMO_BENCH_WORKERS` and `KIRJAAMO_BENCH_CONCURRENCY` change the sizes.

use actix_web::http::header;
use actix_web::test;
use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use futures_util::StreamExt;
use kirjaamo::accounts::session;
use kirjaamo::clock::Clock;
use kirjaamo::db::schema::{cohort_trainers, cohorts, enrolments, users};
use kirjaamo::db::schema_discussions::{discussion_posts as dp, discussion_threads as dt};
use kirjaamo::db::AnyConnection;
use kirjaamo::demo::scale;
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

/// The password of the bench's accounts (the demo world's and the scaled ones).
const PASSWORD: &str = "bench-password-2026";

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

/// Seeds the demo world and the scaled dataset of `users` users with the one generator
/// (`kirjaamo::demo::scale`, as `kirjaamo demo --scale` does), then reads back what the requests
/// need: the cohorts now studying (their discussions take posts) with a trainee and a trainer,
/// their threads, and the long thread with its answers.
fn load(state: &AppState, users: usize) -> anyhow::Result<World> {
    let mut conn = state.pool.get()?;
    let conn: &mut AnyConnection = &mut conn;
    let now = state.clock.now();
    let started = Instant::now();
    kirjaamo::demo::seed(conn, PASSWORD, now).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = kirjaamo::accounts::password::hash(PASSWORD)?;
    let r = scale::seed(conn, users, &hash, now).map_err(|e| anyhow::anyhow!("{e}"))?;
    conn.batch_execute("ANALYZE")?;
    println!(
        "loaded {} users, {} cohorts, {} threads, {} posts in {:.1} s",
        r.users,
        r.cohorts,
        r.threads,
        r.posts,
        started.elapsed().as_secs_f64()
    );

    let long_cohort: i64 = dt::table
        .find(r.long_thread)
        .select(dt::cohort_id)
        .first(conn)?;
    let bench_trainee: i64 = users::table
        .filter(users::email.eq(scale::BENCH_TRAINEE))
        .select(users::id)
        .first(conn)?;
    // One active trainee and one trainer per studying cohort (the bench cohort first).
    let trainees: Vec<(i64, Option<i64>)> = enrolments::table
        .inner_join(cohorts::table)
        .filter(cohorts::name.like("Skaalaryhmä %"))
        .filter(enrolments::status.eq("active"))
        .group_by(enrolments::cohort_id)
        .select((enrolments::cohort_id, diesel::dsl::min(enrolments::user_id)))
        .order(enrolments::cohort_id)
        .load(conn)?;
    let mut world = World {
        cohorts: Vec::new(),
        threads: Vec::new(),
        long_thread: r.long_thread,
        long_answers: Vec::new(),
    };
    for (cohort, trainee) in trainees {
        let trainer: Option<i64> = cohort_trainers::table
            .filter(cohort_trainers::cohort_id.eq(cohort))
            .select(cohort_trainers::user_id)
            .order(cohort_trainers::user_id)
            .first(conn)
            .optional()?;
        let (Some(trainee), Some(trainer)) = (trainee, trainer) else {
            continue;
        };
        if cohort == long_cohort {
            world.cohorts.insert(0, (cohort, bench_trainee, trainer));
        } else {
            world.cohorts.push((cohort, trainee, trainer));
        }
    }
    let index: std::collections::HashMap<i64, usize> = world
        .cohorts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.0, i))
        .collect();
    let threads: Vec<(i64, i64)> = dt::table
        .filter(dt::cohort_id.eq_any(index.keys().copied().collect::<Vec<_>>()))
        .filter(dt::id.ne(r.long_thread))
        .filter(dt::kind.ne("prompt"))
        .select((dt::id, dt::cohort_id))
        .order(dt::id)
        .load(conn)?;
    world.threads = threads.into_iter().map(|(t, c)| (t, index[&c])).collect();
    // The long thread's answers (posts after the opening one that reply to nobody): the
    // keyset positions of its pages.
    let opening: Option<i64> = dt::table
        .find(r.long_thread)
        .select(dt::opening_post_id)
        .first(conn)?;
    world.long_answers = dp::table
        .filter(dp::thread_id.eq(r.long_thread))
        .filter(dp::parent_id.is_null())
        .filter(dp::id.nullable().ne(opening))
        .select(dp::id)
        .order(dp::id)
        .load(conn)?;
    anyhow::ensure!(
        !world.cohorts.is_empty() && !world.threads.is_empty() && !world.long_answers.is_empty(),
        "the scaled dataset has no studying cohort with threads"
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
    let token = state.session_key.issue(&claims).expect("a session token");
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
    let users = env_usize("KIRJAAMO_BENCH_USERS", 100_000);
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
    // The scaled dataset runs the basic course, as `kirjaamo demo --scale` does.
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("courses/kirjaamisvalmennus"),
        &config.courses_dir.join("kirjaamisvalmennus"),
    )?;
    let (transport, _sent) = Transport::memory();
    let state = AppState::build(config, Clock::System, transport)?;
    kirjaamo::app::publish_courses(&state)?;
    println!(
        "discussions bench on {backend}: {users} users, {} posts; {workers} workers × {concurrency} in flight",
        users * scale::POSTS_PER_USER
    );
    let world = load(&state, users)?;
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
    report("thread page (scaled threads)", t, tally);

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
