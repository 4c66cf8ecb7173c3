//! The application state and how a server is put together: [`AppState::build`] (used by
//! `main` and by every test), the route table, and [`serve`].

use crate::clock::Clock;
use crate::db::{self, AnyConnection, DbPool};
use crate::mail::transport::Transport;
use crate::mail::worker::Mailer;
use crate::templates::Templates;
use crate::web;
use crate::{AppError, AppResult, Config};
use actix_web::web::Data;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Everything a request or a job needs, built once and shared.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub pool: DbPool,
    pub templates: Arc<Templates>,
    pub clock: Clock,
    pub transport: Transport,
    /// Set when the server is asked to stop: `/readyz` fails from then on, so a load balancer
    /// stops sending traffic while the requests in flight finish.
    pub draining: Arc<AtomicBool>,
    /// The published courses the lesson pages read, per course version (`learning::cache`).
    pub lessons: Arc<crate::learning::cache::LessonCache>,
    /// The coordinators' figures per scope, per figures version (`db::figures`).
    pub figures: Arc<Figures>,
    /// The threads that run short reads on PostgreSQL (`AppState::read`); none on SQLite.
    pub readers: Option<Arc<db::readers::ReadThreads>>,
    /// The session tokens' key, derived from the secret once (`accounts::session`).
    pub session_key: Arc<crate::accounts::session::SessionKey>,
}

/// The coordinators' pages' figures in memory, one cache per page.
pub struct Figures {
    pub network: db::figures::FiguresCache<
        crate::network::figures::NetworkKey,
        crate::network::figures::NetworkFigures,
    >,
    pub overview: db::figures::FiguresCache<
        crate::surveys::overview::OverviewKey,
        (
            crate::surveys::overview::Overview,
            Vec<crate::network::reach::quarterly::Quarter>,
        ),
    >,
}

impl AppState {
    /// Connects, migrates and loads the templates.
    pub fn build(config: Config, clock: Clock, transport: Transport) -> anyhow::Result<AppState> {
        let pool = db::pool(&config.database_url, config.db_pool_size)?;
        {
            let mut conn = pool.get()?;
            let applied = db::migrate(&mut conn)?;
            if !applied.is_empty() {
                tracing::info!(count = applied.len(), "applied database migrations");
            }
        }
        let readers = match db::Backend::of_url(&config.database_url) {
            db::Backend::Postgres => Some(Arc::new(db::readers::ReadThreads::start(
                config.db_readers as usize,
            )?)),
            db::Backend::Sqlite => None,
        };
        Ok(AppState {
            readers,
            session_key: Arc::new(crate::accounts::session::SessionKey::new(&config.secret)),
            config: Arc::new(config),
            pool,
            templates: Arc::new(Templates::load()?),
            clock,
            transport,
            draining: Arc::new(AtomicBool::new(false)),
            lessons: Arc::new(crate::learning::cache::LessonCache::new()),
            // 10 regions and 22 counties in three languages: 96 network pages of about 150 kB
            // (their registry page and its HTML); the overviews are a few kB each.
            figures: Arc::new(Figures {
                network: db::figures::FiguresCache::new(128),
                overview: db::figures::FiguresCache::new(512),
            }),
        })
    }

    /// Marks this server as stopping (see [`AppState::draining`]).
    pub fn begin_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// A short read, on SQLite run right here on the async worker when a connection is free at
    /// once; otherwise (PostgreSQL, or every connection busy) as [`AppState::db`]. Reading a
    /// few rows by key from SQLite takes microseconds, less than handing the work to another
    /// thread and back: on the lesson page that hand-off was a sixth of the time and most of
    /// its p99 (benches/README.md). Only for reads of a few rows through an index, never
    /// writes: a write may wait for SQLite's one writer, and the worker would wait with it.
    /// A reader in WAL mode never waits for the writer.
    ///
    /// On PostgreSQL the read runs on one of `db_readers` threads (one per core by default),
    /// in the order asked; the rest wait holding no thread and no connection. Six at once on
    /// two cores shared the cores among six threads and six backends besides the workers that
    /// render: the lesson page's p99 was 22–24 ms, with one per core 11 ms at a higher
    /// throughput (benches/README.md, "the read threads"). Writes keep the whole pool.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> AppResult<T> + Send + 'static,
    {
        let Some(readers) = &self.readers else {
            if let Some(mut conn) = self.pool.try_get() {
                // A panic is an error page, as it is in the blocking pool.
                return std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut conn)))
                    .map_err(|_| AppError::Internal(anyhow::anyhow!("a read panicked")))?;
            }
            return self.db(f).await;
        };
        let pool = self.pool.clone();
        readers
            .run(move || on_a_connection(&pool, f))
            .await
            .unwrap_or_else(|| Err(AppError::Internal(anyhow::anyhow!("a read panicked"))))
    }

    /// Runs blocking database work off the async executor.
    pub async fn db<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> AppResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || on_a_connection(&pool, f))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task: {e}")))?
    }

    /// What a context needs to queue messages with links: templates, address, signing key.
    pub fn messaging(&self) -> crate::mail::Messaging<'_> {
        crate::mail::Messaging {
            templates: &self.templates,
            base_url: &self.config.base_url,
            secret: &self.config.secret,
        }
    }

    pub fn mailer(&self) -> Mailer {
        Mailer {
            pool: self.pool.clone(),
            transport: self.transport.clone(),
            clock: self.clock.clone(),
            from: self.config.mail_from.clone(),
        }
    }
}

/// A unit of work on a connection from the pool; a failed one has its connection checked
/// ([`db::Pooled::mend`]) before it goes back.
fn on_a_connection<T>(
    pool: &db::DbPool,
    f: impl FnOnce(&mut AnyConnection) -> AppResult<T>,
) -> AppResult<T> {
    let mut conn = pool.get()?;
    let done = f(&mut conn);
    if done.is_err() {
        conn.mend();
    }
    done
}

/// Registers every route and the middleware on an actix `App`.
pub fn configure(state: AppState) -> impl FnOnce(&mut actix_web::web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(Data::new(state));
        cfg.app_data(
            actix_web::web::FormConfig::default()
                .limit(web::frame::FORM_LIMIT)
                .error_handler(|err, _req| AppError::invalid(format!("form: {err}")).into()),
        );
        // A path that does not parse (a letter where an id goes) names no page: the normal 404
        // page; a query that does not parse is bad input (400), never actix's plain text.
        cfg.app_data(
            actix_web::web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()),
        );
        cfg.app_data(
            actix_web::web::QueryConfig::default()
                .error_handler(|err, _req| AppError::invalid(format!("form: {err}")).into()),
        );
        let mut table = web::routes::RouteTable::default();
        web::routes::register(&mut table);
        table.apply(cfg);
    }
}

/// Compiles the courses folder and publishes what compiled cleanly.
pub fn publish_courses(state: &AppState) -> anyhow::Result<crate::courses::publish::PublishAll> {
    let mut conn = state.pool.get()?;
    crate::courses::publish::build(&mut conn, &state.config.courses_dir, state.clock.now())
        .map_err(|e| anyhow::anyhow!("publishing courses: {e}"))
}

/// A cheap fingerprint of a folder tree: file count and the newest modification time.
fn tree_fingerprint(dir: &std::path::Path) -> (usize, std::time::SystemTime) {
    let mut count = 0;
    let mut newest = std::time::SystemTime::UNIX_EPOCH;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            count += 1;
            if let Ok(m) = meta.modified() {
                newest = newest.max(m);
            }
            if meta.is_dir() {
                stack.push(e.path());
            }
        }
    }
    (count, newest)
}

/// `serve --watch-courses`: republishes the courses a moment after their files change.
fn watch_courses(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let dir = state.config.courses_dir.clone();
        let mut seen = tree_fingerprint(&dir);
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let now = tree_fingerprint(&dir);
            if now != seen {
                seen = now;
                let s = state.clone();
                match tokio::task::spawn_blocking(move || publish_courses(&s)).await {
                    Ok(Ok(all)) if all.diagnostics.is_empty() => {
                        tracing::info!("courses recompiled")
                    }
                    Ok(Ok(all)) => tracing::warn!(
                        problems = all.diagnostics.len(),
                        "courses recompiled with problems; see above"
                    ),
                    Ok(Err(e)) => tracing::error!(error = %e, "recompiling courses failed"),
                    Err(e) => tracing::error!(error = %e, "recompiling courses panicked"),
                }
            }
        }
    })
}

/// Hourly: forgets rate-limit windows, sign-in failures and idempotency keys long past (each
/// a plain DELETE, harmless on every server at once).
fn housekeeping(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let s = state.clone();
            let done = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = s.pool.get()?;
                let now = s.clock.now();
                Ok(crate::accounts::rate_limit::prune(&mut conn, now)?
                    + crate::accounts::throttle::prune(&mut conn, now)?
                    + crate::db::idempotency::prune(&mut conn, now)?)
            })
            .await;
            match done {
                Ok(Ok(n)) => tracing::debug!(rows = n, "old counters and keys forgotten"),
                Ok(Err(e)) => tracing::warn!(error = %e, "housekeeping failed"),
                Err(e) => tracing::warn!(error = %e, "housekeeping panicked"),
            }
        }
    })
}

/// Waits for SIGTERM or SIGINT (Ctrl-C); says which.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "SIGINT",
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "SIGINT"
    }
}

/// Runs the HTTP server and the background workers until SIGINT/SIGTERM. On SIGTERM (how
/// orchestrators stop a server) `/readyz` answers 503 at once while requests are still served
/// for `drain_secs`, so the load balancer takes this server out first; then it stops accepting
/// connections and gives the requests in flight up to 20 s to finish. SIGINT skips the wait.
pub async fn serve(state: AppState, watch: bool) -> anyhow::Result<()> {
    let bind = state.config.bind.clone();
    let worker = state.mailer().spawn(std::time::Duration::from_secs(
        state.config.mail_worker_interval_secs,
    ));
    let watcher = watch.then(|| watch_courses(state.clone()));
    // Daily discussion digests: safe to run often and on every server (each is sent once).
    let digests = crate::discussions::digest::DigestJob {
        pool: state.pool.clone(),
        templates: state.templates.clone(),
        base_url: state.config.base_url.clone(),
        secret: state.config.secret.clone(),
        clock: state.clock.clone(),
        hour: state.config.digest_hour,
    }
    .spawn(std::time::Duration::from_secs(300));
    // The daily lapse check: tried hourly, done once a day across all servers.
    let lapse_check = crate::network::refresher::LapseJob {
        pool: state.pool.clone(),
        templates: state.templates.clone(),
        base_url: state.config.base_url.clone(),
        secret: state.config.secret.clone(),
        clock: state.clock.clone(),
    }
    .spawn(std::time::Duration::from_secs(3600));
    // Participants' names erased after the retention period (hourly, idempotent).
    let retention = crate::network::trainings::privacy::RetentionJob {
        pool: state.pool.clone(),
        clock: state.clock.clone(),
        years: state.config.attendance_retention_years,
    }
    .spawn(std::time::Duration::from_secs(3600));
    // Peer reviews past their window go to other peers: safe on every server.
    let exercises = crate::exercises::jobs::ExerciseJob {
        pool: state.pool.clone(),
        templates: state.templates.clone(),
        base_url: state.config.base_url.clone(),
        secret: state.config.secret.clone(),
        clock: state.clock.clone(),
    }
    .spawn(std::time::Duration::from_secs(900));
    let housekeeping = housekeeping(state.clone());
    let app_state = state.clone();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .wrap(actix_web::middleware::from_fn(web::frame::frame))
            .configure(configure(app_state.clone()))
            .default_service(actix_web::web::to(web::pages::not_found))
    })
    .shutdown_timeout(20)
    .workers(workers)
    // Each worker runs its database work on blocking threads; more of them than connections
    // would only wait on the pool, each with its own stack and malloc arena (actix allows 512
    // by default; under load they were much of the memory).
    .worker_max_blocking_threads((state.config.db_pool_size as usize).div_ceil(workers))
    .disable_signals()
    .bind(&bind)?
    .run();
    tracing::info!(%bind, base_url = %state.config.base_url, "Kirjaamo is listening");
    let handle = server.handle();
    let drain = std::time::Duration::from_secs(state.config.drain_secs);
    let stopping = state.clone();
    let stopper = actix_web::rt::spawn(async move {
        let which = stop_signal().await;
        stopping.begin_draining();
        if which == "SIGTERM" && !drain.is_zero() {
            tracing::info!(
                seconds = drain.as_secs(),
                "SIGTERM: not ready any more; draining"
            );
            tokio::time::sleep(drain).await;
        }
        tracing::info!("{which}: stopping; requests in flight may finish");
        handle.stop(true).await;
    });
    let result = server.await;
    stopper.abort();
    worker.abort();
    digests.abort();
    lapse_check.abort();
    retention.abort();
    exercises.abort();
    housekeeping.abort();
    if let Some(w) = watcher {
        w.abort();
    }
    Ok(result?)
}
