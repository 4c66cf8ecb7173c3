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
use std::sync::Arc;

/// Everything a request or a job needs, built once and shared.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub pool: DbPool,
    pub templates: Arc<Templates>,
    pub clock: Clock,
    pub transport: Transport,
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
        Ok(AppState {
            config: Arc::new(config),
            pool,
            templates: Arc::new(Templates::load()?),
            clock,
            transport,
        })
    }

    /// Runs blocking database work off the async executor.
    pub async fn db<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> AppResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
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

/// Registers every route and the middleware on an actix `App`.
pub fn configure(state: AppState) -> impl FnOnce(&mut actix_web::web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(Data::new(state));
        cfg.app_data(
            actix_web::web::FormConfig::default()
                .limit(web::frame::FORM_LIMIT)
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

/// Runs the HTTP server and the background workers until SIGINT/SIGTERM.
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
    }
    .spawn(std::time::Duration::from_secs(600));
    // The daily lapse check: tried hourly, done once a day across all servers.
    let lapse_check = crate::network::refresher::LapseJob {
        pool: state.pool.clone(),
        templates: state.templates.clone(),
        base_url: state.config.base_url.clone(),
        secret: state.config.secret.clone(),
        clock: state.clock.clone(),
    }
    .spawn(std::time::Duration::from_secs(3600));
    let app_state = state.clone();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .wrap(actix_web::middleware::from_fn(web::frame::frame))
            .configure(configure(app_state.clone()))
            .default_service(actix_web::web::to(web::pages::not_found))
    })
    .shutdown_timeout(20)
    .bind(&bind)?;
    tracing::info!(%bind, base_url = %state.config.base_url, "Kirjaamo is listening");
    let result = server.run().await;
    worker.abort();
    digests.abort();
    lapse_check.abort();
    if let Some(w) = watcher {
        w.abort();
    }
    Ok(result?)
}
