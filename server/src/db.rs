//! Storage: SQLite (a file in the data directory, WAL) or PostgreSQL through sqlx's `Any` driver,
//! with one set of migrations (`server/migrations`). Queries use `$N` placeholders, which both
//! engines accept, and only TEXT and BIGINT columns.

use std::path::Path;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// A storage failure, with what the service was doing.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {context}: {source}")]
    Sqlx {
        context: &'static str,
        source: sqlx::Error,
    },
    #[error("database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database writer: {0}")]
    Writer(String),
    #[error("data directory {path}: {message}")]
    DataDir { path: String, message: String },
}

/// Maps a sqlx error with what was being done.
pub(crate) fn ctx(context: &'static str) -> impl FnOnce(sqlx::Error) -> DbError {
    move |source| DbError::Sqlx { context, source }
}

/// True when `e` is a unique-key violation (a concurrent insert of the same key).
pub(crate) fn is_unique_violation(e: &DbError) -> bool {
    match e {
        DbError::Sqlx {
            source: sqlx::Error::Database(d),
            ..
        } => d.is_unique_violation(),
        _ => false,
    }
}

#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Known tokens by hash: a request looks its token up here, not in the database.
    pub(crate) tokens: std::sync::Arc<crate::auth::TokenCache>,
    /// Stored submissions of reported plans, kept current by the writer.
    pub(crate) memory: std::sync::Arc<crate::store::SubmissionMemory>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The migrations, compiled in (sqlx's `migrate!` macro would pull in its macro crate).
#[derive(Debug)]
struct Embedded;

impl<'s> sqlx::migrate::MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<Vec<sqlx::migrate::Migration>, sqlx::error::BoxDynError>,
                > + Send
                + 's,
        >,
    > {
        Box::pin(async {
            let m = |version, name: &'static str, sql: &'static str| {
                sqlx::migrate::Migration::new(
                    version,
                    name.into(),
                    sqlx::migrate::MigrationType::Simple,
                    sql.into(),
                    false,
                )
            };
            Ok(vec![
                m(1, "init", include_str!("../migrations/0001_init.sql")),
                m(
                    2,
                    "versions",
                    include_str!("../migrations/0002_versions.sql"),
                ),
                m(
                    3,
                    "request_refs",
                    include_str!("../migrations/0003_request_refs.sql"),
                ),
            ])
        })
    }
}

impl Db {
    /// Opens (creating when needed) the database and applies the migrations: `database` is a
    /// `postgres://` URL, or `None` for `DATA_DIR/tuanthu.sqlite3`.
    pub async fn open(data_dir: &Path, database: Option<&str>) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = match database {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                (url.to_string(), Backend::Postgres)
            }
            Some(url) if url.starts_with("sqlite:") => (url.to_string(), Backend::Sqlite),
            Some(other) => {
                return Err(DbError::DataDir {
                    path: other.to_string(),
                    message: "--database must be a postgres:// URL (or sqlite:PATH)".into(),
                })
            }
            None => {
                std::fs::create_dir_all(data_dir).map_err(|e| DbError::DataDir {
                    path: data_dir.display().to_string(),
                    message: e.to_string(),
                })?;
                let file = data_dir.join("tuanthu.sqlite3");
                (
                    format!("sqlite://{}?mode=rwc", file.display()),
                    Backend::Sqlite,
                )
            }
        };
        let max = if backend == Backend::Sqlite { 8 } else { 16 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .connect(&url)
            .await
            .map_err(ctx("connect"))?;
        if backend == Backend::Sqlite {
            // WAL is a property of the database file: set once, every connection uses it.
            // synchronous stays FULL (the default), so an acknowledged commit survives a crash.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await
                .map_err(ctx("set WAL journal mode"))?;
        }
        sqlx::migrate::Migrator::new(Embedded)
            .await?
            .run(&pool)
            .await?;
        Ok(Db {
            pool,
            backend,
            tokens: Default::default(),
            memory: Default::default(),
        })
    }

    /// The SQLite journal mode (for tests); `None` on PostgreSQL.
    pub async fn journal_mode(&self) -> Result<Option<String>, DbError> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let row = sqlx::query("PRAGMA journal_mode")
            .fetch_one(&self.pool)
            .await
            .map_err(ctx("read journal mode"))?;
        Ok(Some(get(&row, 0)?))
    }
}

/// A column by index or name, as `T`.
pub(crate) fn get<'r, T, I>(row: &'r AnyRow, i: I) -> Result<T, DbError>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    I: sqlx::ColumnIndex<AnyRow>,
{
    row.try_get(i).map_err(ctx("read column"))
}
