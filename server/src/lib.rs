//! `tuanthu serve`: the compliance engine as an HTTP service beside a government system.
//!
//! Plans (each upload a new revision), submissions (validated by the engine; an
//! `Idempotency-Key` makes a retry safe), reports as JSON, CSV and .xlsx, and an audit trail of
//! every evaluation that can be re-run byte for byte. Storage is SQLite in the data directory or
//! PostgreSQL; access is by bearer tokens with roles. The HTTP API speaks the core contract types
//! (`tuanthu::model`, `tuanthu::api`); `GET /openapi.json` describes it.

// Unit tests may unwrap: a failing unwrap is a failing test.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod auth;
pub mod cache;
pub mod db;
pub mod encode;
pub mod error;
pub mod export;
pub mod hash;
pub mod inputs;
pub mod latency;
pub mod openapi;
pub mod reuse;
mod routes;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use tuanthu::eval::Evaluator;

pub use db::{Backend, Db, DbError};

/// How to run the service.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Holds the SQLite database (and the first admin token when none was given).
    pub data_dir: PathBuf,
    /// `postgres://...`; `None` for SQLite in `data_dir`.
    pub database: Option<String>,
    /// Largest request body accepted (413 above).
    pub max_body_bytes: usize,
    /// Stored (hashed) as an admin token named `bootstrap` at start when given.
    pub admin_token: Option<String>,
}

impl Config {
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> Self {
        Config {
            listen,
            data_dir,
            database: None,
            max_body_bytes: 8 * 1024 * 1024,
            admin_token: None,
        }
    }
}

/// Why the service could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("rule pack: {0}")]
    Rules(#[from] tuanthu::rules::RuleError),
    #[error("listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Shared by every request: storage, the compiled rule pack and its hash.
#[derive(Debug)]
pub struct AppState {
    pub db: Db,
    pub evaluator: Evaluator,
    pub pack_hash: String,
    pub max_body_bytes: usize,
    /// Parsed plan revisions by (plan, revision).
    pub revisions: cache::RevisionCache,
    /// Group commit of submissions and audit records.
    pub writer: store::Writer,
    /// The newest evaluated report by (plan, revision, as-of), with the version of the
    /// submissions it is of, one evaluation per key at a time; the rule pack is fixed for the
    /// life of the process, so its hash needs no place in the key.
    pub evaluations: cache::Lanes<(String, i64, chrono::NaiveDate), Arc<routes::Evaluated>>,
    /// The evaluation request of each (plan, revision, as-of) at its last report, extended with
    /// the submissions added since instead of copied and hashed whole for each report.
    pub requests:
        cache::Keep<(String, i64, chrono::NaiveDate), std::sync::Mutex<inputs::RequestInputs>>,
    /// The last JSON rendering per (plan, revision, as-of) and query, which the next version's
    /// rendering reuses where the report did not change (`reuse`).
    pub renderings: cache::Keep<
        (String, i64, chrono::NaiveDate, String),
        std::sync::Mutex<Option<reuse::Rendering>>,
    >,
    /// The newest rendered report by (plan, revision, as-of) and query (format, language,
    /// filters), with the version of the submissions it is of, one rendering per key at a time.
    pub reports: cache::Lanes<routes::ReportKey, Arc<routes::Rendered>>,
}

/// How many parsed plan revisions stay in memory (a province plan is a few hundred KB parsed).
const REVISION_CACHE: usize = 64;
/// For how many (plan, revision, as-of) the newest evaluated report stays in memory, and for
/// how many queries of them the newest rendering (and the one the next reuses). A province's
/// report (12,002 instances) renders to 14.7 MB of JSON, so these bound the caches to some
/// hundred MB.
const EVALUATION_CACHE: usize = 8;
const RENDERED_CACHE: usize = 16;

/// Opens storage, applies migrations, stores the admin token, and builds the router.
pub async fn build(config: &Config) -> Result<(Router, Arc<AppState>), ServeError> {
    let db = Db::open(&config.data_dir, config.database.as_deref()).await?;
    if let Some(secret) = &config.admin_token {
        ensure_admin(&db, secret).await?;
    } else if !auth::any_token(&db).await? {
        // A fresh database with no way in: make an admin token and leave it for the operator.
        let secret = auth::new_secret();
        ensure_admin(&db, &secret).await?;
        let path = config.data_dir.join("admin-token");
        write_private(&path, &secret)?;
        tracing::info!(path = %path.display(), "created the first admin token");
    }
    let evaluator = Evaluator::standard()?;
    let state = Arc::new(AppState {
        pack_hash: hash::pack_hash(evaluator.pack()),
        evaluator,
        writer: store::Writer::start(db.clone()),
        db,
        max_body_bytes: config.max_body_bytes,
        revisions: cache::RevisionCache::new(REVISION_CACHE),
        evaluations: cache::Lanes::new(EVALUATION_CACHE),
        requests: cache::Keep::new(EVALUATION_CACHE),
        renderings: cache::Keep::new(RENDERED_CACHE),
        reports: cache::Lanes::new(RENDERED_CACHE),
    });
    Ok((routes::router(state.clone()), state))
}

async fn ensure_admin(db: &Db, secret: &str) -> Result<(), DbError> {
    let t = auth::NewToken {
        name: "bootstrap".into(),
        role: auth::Role::Admin,
        agency: None,
    };
    match auth::insert_token(db, secret, &t).await {
        Err(e) if db::is_unique_violation(&e) => Ok(()),
        other => other,
    }
}

fn write_private(path: &std::path::Path, secret: &str) -> Result<(), ServeError> {
    let io = |source| ServeError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(path.parent().unwrap_or(path)).map_err(io)?;
    std::fs::write(path, format!("{secret}\n")).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    Ok(())
}

/// Runs the service until Ctrl-C / SIGTERM.
pub async fn run(config: Config) -> Result<(), ServeError> {
    let (app, state) = build(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Listen {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Listen {
        addr: config.listen,
        source,
    })?;
    tracing::info!(%addr, backend = ?state.db.backend, "tuanthu serve listening");
    // Tools (scripts/serve.sh, the crash test) wait for this line.
    println!("listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|source| ServeError::Listen {
            addr: config.listen,
            source,
        })
}

/// [`run`] on a multi-threaded runtime, with logging to stderr: for the CLI.
pub fn run_blocking(config: Config) -> Result<(), ServeError> {
    init_tracing();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServeError::Io {
            path: "<tokio runtime>".into(),
            source,
        })?;
    rt.block_on(run(config))
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Logs to stderr, `RUST_LOG` style (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Now, UTC, RFC 3339 with microseconds (sorts as text).
pub(crate) fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// Today in Việt Nam (UTC+7): the as-of of submission checks.
pub(crate) fn today_vn() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}

pub use routes::{Accepted, ChangedObligation, PlanDiff, ReportFormat, ReportQuery, WhoAmI};
