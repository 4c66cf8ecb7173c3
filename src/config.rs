//! Every `KIRJAAMO_*` setting is read here and nowhere else. [`Config::from_env`] builds the
//! typed settings once (honouring `.env`); the rest of the program receives them through
//! [`crate::AppState`], and tests build their own.

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub env: Environment,
    /// Address the HTTP server listens on.
    pub bind: String,
    /// Holds the SQLite database, the generated secret and the mail folder.
    pub data_dir: PathBuf,
    /// `sqlite://path` (the default, under the data folder) or `postgres://…`.
    pub database_url: String,
    pub courses_dir: PathBuf,
    /// The public address, used in e-mailed links and the Origin check.
    pub base_url: String,
    /// The key for session tokens, CSRF tokens and signed links (at least 32 bytes).
    pub secret: Vec<u8>,
    /// When set, mail goes over SMTP (`smtp://`, `smtps://`, with `?tls=required` for STARTTLS);
    /// otherwise it is written as .eml files under `data_dir/mail`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub demo_password: String,
    /// Pool size; SQLite uses it for readers, its one writer serialises through transactions.
    /// It also caps the threads that wait on the database (`app::serve`).
    pub db_pool_size: u32,
    /// How many short reads (the session check, the lesson page) wait on PostgreSQL at once;
    /// the rest queue in order (`AppState::read`). Writes are not limited by it.
    pub db_readers: u32,
    /// Whether the session cookie is marked Secure (true when base_url is https).
    pub secure_cookies: bool,
    pub mail_worker_interval_secs: u64,
    /// On SIGTERM, how long `/readyz` answers 503 while requests are still served, before the
    /// server stops accepting connections (then in-flight requests get 20 s to finish).
    pub drain_secs: u64,
    /// Years after a training's day that its participants' names are kept (then erased by
    /// the daily job; the figures stay).
    pub attendance_retention_years: u32,
    /// Whether `KIRJAAMO_BASE_URL` was given (else it is made from the bind address).
    pub base_url_given: bool,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` name the client
    /// (`KIRJAAMO_TRUSTED_PROXIES`); from anyone else those headers are ignored.
    pub trusted_proxies: Vec<crate::net::IpRange>,
    /// A request body must arrive within this many seconds (a client trickling its body is cut
    /// off, as one trickling its headers is).
    pub body_timeout_secs: u64,
    /// The Helsinki hour (0–23) the daily discussion digests go out at.
    pub digest_hour: u32,
}

pub const DEFAULT_DEMO_PASSWORD: &str = "kirjaamo-demo-2026";
/// Daily discussion digests go out at 07.00 Helsinki time unless `KIRJAAMO_DIGEST_HOUR` says.
pub const DEFAULT_DIGEST_HOUR: u32 = 7;
/// How long a request body may take to arrive (a 1 MiB form on a slow mobile link fits).
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;

/// Whether a URL's host is this machine only (localhost, 127.0.0.0/8, ::1, 0.0.0.0).
pub fn is_loopback_url(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    match u.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => true,
    }
}

impl Config {
    /// Reads the environment (and `.env` when present).
    pub fn from_env() -> anyhow::Result<Self> {
        let _ = dotenvy::dotenv();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let env = match var("KIRJAAMO_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => bail!("KIRJAAMO_ENV must be development or production, not {other:?}"),
        };
        let bind = var("KIRJAAMO_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let data_dir = PathBuf::from(var("KIRJAAMO_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = var("KIRJAAMO_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("kirjaamo.sqlite3").display()));
        let courses_dir =
            PathBuf::from(var("KIRJAAMO_COURSES_DIR").unwrap_or_else(|| "./courses".into()));
        let base_url = var("KIRJAAMO_BASE_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_string();
        let secret = match var("KIRJAAMO_SECRET") {
            Some(s) if s.len() >= 32 => s.into_bytes(),
            Some(_) => bail!("KIRJAAMO_SECRET must be at least 32 characters"),
            None if env == Environment::Production => {
                bail!("KIRJAAMO_SECRET is required when KIRJAAMO_ENV=production")
            }
            None => load_or_create_secret(&data_dir)?,
        };
        let db_pool_size = match var("KIRJAAMO_DB_POOL_SIZE") {
            Some(v) => v
                .parse()
                .context("KIRJAAMO_DB_POOL_SIZE must be a number")?,
            None => default_pool_size(),
        };
        let db_readers = db_readers(var("KIRJAAMO_DB_READERS").as_deref())?;
        let drain_secs = match var("KIRJAAMO_DRAIN_SECS") {
            Some(v) => v
                .parse()
                .context("KIRJAAMO_DRAIN_SECS must be a number of seconds")?,
            None => 5,
        };
        let digest_hour = digest_hour(var("KIRJAAMO_DIGEST_HOUR").as_deref())?;
        let attendance_retention_years = match var("KIRJAAMO_ATTENDANCE_RETENTION_YEARS") {
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (1..=100).contains(&n) => n,
                _ => bail!("KIRJAAMO_ATTENDANCE_RETENTION_YEARS must be a number of years, 1-100"),
            },
            None => 5,
        };
        let trusted_proxies = match var("KIRJAAMO_TRUSTED_PROXIES") {
            Some(list) => crate::net::parse_ranges(&list).map_err(|bad| {
                anyhow::anyhow!(
                    "KIRJAAMO_TRUSTED_PROXIES: {bad:?} is not an address or a CIDR range \
                     (e.g. 10.0.0.5, 10.0.0.0/8, 2001:db8::/32)"
                )
            })?,
            None => Vec::new(),
        };
        Ok(Config {
            attendance_retention_years,
            base_url_given: var("KIRJAAMO_BASE_URL").is_some(),
            trusted_proxies,
            body_timeout_secs: DEFAULT_BODY_TIMEOUT_SECS,
            secure_cookies: base_url.starts_with("https://"),
            env,
            bind,
            data_dir,
            database_url,
            courses_dir,
            base_url,
            secret,
            smtp_url: var("KIRJAAMO_SMTP_URL"),
            mail_from: var("KIRJAAMO_MAIL_FROM")
                .unwrap_or_else(|| "Kirjaamo <noreply@kirjaamo.invalid>".into()),
            demo_password: var("KIRJAAMO_DEMO_PASSWORD")
                .unwrap_or_else(|| DEFAULT_DEMO_PASSWORD.into()),
            db_pool_size,
            db_readers,
            mail_worker_interval_secs: 5,
            drain_secs,
            digest_hour,
        })
    }

    /// A configuration for tests and tools: everything under `data_dir`, a fixed secret.
    pub fn for_data_dir(data_dir: &Path, database_url: Option<String>) -> Self {
        Config {
            env: Environment::Development,
            bind: "127.0.0.1:0".into(),
            data_dir: data_dir.to_path_buf(),
            database_url: database_url.unwrap_or_else(|| {
                format!("sqlite://{}", data_dir.join("kirjaamo.sqlite3").display())
            }),
            courses_dir: PathBuf::from("courses"),
            base_url: "http://localhost:8080".into(),
            secret: b"test-secret-test-secret-test-secret-0123".to_vec(),
            smtp_url: None,
            mail_from: "Kirjaamo <noreply@kirjaamo.invalid>".into(),
            demo_password: DEFAULT_DEMO_PASSWORD.into(),
            db_pool_size: 4,
            db_readers: 2,
            secure_cookies: false,
            mail_worker_interval_secs: 5,
            drain_secs: 0,
            digest_hour: DEFAULT_DIGEST_HOUR,
            attendance_retention_years: 5,
            base_url_given: true,
            trusted_proxies: Vec::new(),
            body_timeout_secs: DEFAULT_BODY_TIMEOUT_SECS,
        }
    }

    /// For commands that queue e-mail: in production the links must point at the public
    /// address, so `KIRJAAMO_BASE_URL` must be given and must not be a loopback address.
    /// The error is the message to show.
    pub fn check_mail_links(&self) -> Result<(), String> {
        if self.env != Environment::Production {
            return Ok(());
        }
        if !self.base_url_given {
            return Err(format!(
                "KIRJAAMO_BASE_URL is required when KIRJAAMO_ENV=production: e-mailed links \
                 would point at {} (set it to the public address, e.g. https://kirjaamo.example.fi)",
                self.base_url
            ));
        }
        if is_loopback_url(&self.base_url) {
            return Err(format!(
                "KIRJAAMO_BASE_URL is {}, a loopback address nobody else can open: in \
                 production e-mailed links need the public address (e.g. https://kirjaamo.example.fi)",
                self.base_url
            ));
        }
        Ok(())
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }
}

/// The development secret lives in the data folder, readable by its owner only.
/// `KIRJAAMO_DIGEST_HOUR`: a whole hour of the Helsinki day, 0–23 (unset: 07).
fn digest_hour(value: Option<&str>) -> anyhow::Result<u32> {
    match value {
        None => Ok(DEFAULT_DIGEST_HOUR),
        Some(v) => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|h| *h < 24)
            .with_context(|| {
                format!(
                    "KIRJAAMO_DIGEST_HOUR must be an hour from 0 to 23 (Helsinki time), not {v:?}"
                )
            }),
    }
}

fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let s = existing.trim();
        if s.len() >= 32 {
            return Ok(s.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data folder {}", data_dir.display()))?;
    let secret = hex::encode(rand::random::<[u8; 32]>());
    write_private(&path, secret.as_bytes())?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// What the server's cores can keep busy: two connections per core (one running, one waiting on
/// the disk or the network) and two more for the background jobs. More connections only queue
/// inside the database, and each costs memory (its page cache, its statements).
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    2 * cores + 2
}

/// The threads for short reads on PostgreSQL (`AppState::read`): by default one per core.
/// Each read is a round trip to a PostgreSQL on the same machine that costs its CPU too: more
/// readers at once only share the cores among more threads and backends, and the page's last
/// percent waits longest (benches/README.md, "the read threads"). A PostgreSQL across a
/// network leaves the cores idle during the round trip; there, more readers help.
fn db_readers(value: Option<&str>) -> anyhow::Result<u32> {
    match value.map(|v| v.trim().parse::<u32>()) {
        None => Ok(std::thread::available_parallelism().map_or(2, |n| n.get()) as u32),
        Some(Ok(n)) if (1..=256).contains(&n) => Ok(n),
        Some(_) => bail!("KIRJAAMO_DB_READERS must be a whole number from 1 to 256"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_hour_is_an_hour_of_the_day() {
        assert_eq!(digest_hour(None).unwrap(), 7);
        assert_eq!(digest_hour(Some("6")).unwrap(), 6);
        assert_eq!(digest_hour(Some(" 0 ")).unwrap(), 0);
        assert_eq!(digest_hour(Some("23")).unwrap(), 23);
        for bad in ["24", "-1", "7.30", "seitsemän", ""] {
            let e = digest_hour(Some(bad)).unwrap_err().to_string();
            assert!(e.contains("KIRJAAMO_DIGEST_HOUR"), "{e}");
        }
    }

    #[test]
    fn the_read_threads_are_a_positive_count() {
        assert!(db_readers(None).unwrap() >= 1, "one per core");
        assert_eq!(db_readers(Some("4")).unwrap(), 4);
        assert_eq!(db_readers(Some(" 1 ")).unwrap(), 1);
        for bad in ["0", "-2", "2.5", "kaksi", "257"] {
            let e = db_readers(Some(bad)).unwrap_err().to_string();
            assert!(e.contains("KIRJAAMO_DB_READERS"), "{e}");
        }
    }

    #[test]
    fn loopback_addresses_are_recognised() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "https://LOCALHOST",
            "http://app.localhost",
            "http://[::1]:8080",
            "http://0.0.0.0:8080",
            "http://127.3.4.5",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
        for url in ["https://kirjaamo.example.fi", "http://10.0.0.5:8080"] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }

    #[test]
    fn production_mail_needs_the_public_address() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Config::for_data_dir(dir.path(), None);
        c.base_url = "http://127.0.0.1:8080".into();
        assert!(c.check_mail_links().is_ok(), "development accepts anything");
        c.env = Environment::Production;
        assert!(c.check_mail_links().unwrap_err().contains("loopback"));
        c.base_url_given = false;
        assert!(c.check_mail_links().unwrap_err().contains("required"));
        c.base_url_given = true;
        c.base_url = "https://kirjaamo.example.fi".into();
        assert!(c.check_mail_links().is_ok());
    }

    #[test]
    fn generated_secret_is_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create_secret(dir.path()).unwrap();
        let b = load_or_create_secret(dir.path()).unwrap();
        assert_eq!(a, b);
        assert!(a.len() >= 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
