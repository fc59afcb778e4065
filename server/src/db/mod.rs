//! The database: SQLite by default (a file in the data directory), PostgreSQL when
//! `KARTE_DATABASE_URL=postgres://…`. Each backend keeps its own migrations and SQL.

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(#[source] sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        if matches!(e, sqlx::Error::PoolTimedOut) {
            crate::monitoring::pool_timeout();
        }
        match e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => DbError::Unavailable(e),
            sqlx::Error::Database(ref d) if d.code().is_some_and(|c| is_transient(&c)) => {
                DbError::Unavailable(e)
            }
            other => DbError::Query(other),
        }
    }
}

/// Database error codes that say "not now" rather than "wrong": the disk or memory is full,
/// the server is shutting down or starting, the connection broke, the database is locked.
/// Retrying later helps, so they answer 503, not 500.
fn is_transient(code: &str) -> bool {
    // SQLite primary result codes (extended codes keep them in the low byte):
    // SQLITE_BUSY 5, SQLITE_LOCKED 6, SQLITE_NOMEM 7, SQLITE_IOERR 10, SQLITE_FULL 13.
    // SQLite's codes are at most four digits; a SQLSTATE is always five characters.
    if code.len() < 5 {
        if let Ok(n) = code.parse::<u32>() {
            return matches!(n & 0xff, 5 | 6 | 7 | 10 | 13);
        }
    }
    // PostgreSQL SQLSTATE: class 08 connection exception, 53 insufficient resources (53100
    // disk full), 57P01–57P03 shutting down or starting, 57014 cancelled (statement timeout).
    code.starts_with("08") || code.starts_with("53") || code.starts_with("57P") || code == "57014"
}

/// Every connection acquire is reported as a TRACE event with the time it waited; the
/// metrics layer (`telemetry::init`) turns it into the pool-wait histogram. TRACE so that no
/// ordinary log filter prints it.
const ACQUIRE_TIME_LEVEL: log::LevelFilter = log::LevelFilter::Trace;

/// Where the database is and how many connections to hold: all storage needs to know.
#[derive(Clone)]
pub struct DbOptions {
    /// `postgres://…` or `sqlite:…`; `None`: SQLite in `data_dir`.
    pub url: Option<String>,
    pub data_dir: PathBuf,
    pub max_connections: u32,
    /// How long a request waits for a connection.
    pub timeout: Duration,
}

/// A pool's connection counts, for the metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// Whether a database URL names PostgreSQL.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A connection pool of either backend.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever pool `db` holds; the body is type-checked per backend.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

impl Db {
    /// Opens the configured database. PostgreSQL connections are made lazily, so a server can
    /// start while its database is briefly away and report it on `/readyz`. Storage reads no
    /// settings: the caller says where the database is (`&Settings` converts).
    pub async fn connect(options: impl Into<DbOptions>) -> Result<Db, DbError> {
        let options = options.into();
        let timeout = options.timeout;
        match &options.url {
            Some(url) if is_postgres_url(url) => {
                let opts = PgConnectOptions::from_str(url).map_err(DbError::Query)?;
                let pool = PgPoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(timeout)
                    .acquire_time_level(ACQUIRE_TIME_LEVEL)
                    .connect_lazy_with(opts);
                Ok(Db::Postgres(pool))
            }
            Some(url) => {
                let opts = SqliteConnectOptions::from_str(url).map_err(DbError::Query)?;
                Self::open_sqlite(opts, &options).await
            }
            None => {
                std::fs::create_dir_all(&options.data_dir).map_err(|source| DbError::DataDir {
                    path: options.data_dir.display().to_string(),
                    source,
                })?;
                let opts =
                    SqliteConnectOptions::new().filename(options.data_dir.join("karte.sqlite3"));
                Self::open_sqlite(opts, &options).await
            }
        }
    }

    async fn open_sqlite(opts: SqliteConnectOptions, options: &DbOptions) -> Result<Db, DbError> {
        // WAL + synchronous=FULL: an acknowledged write survives a crash or power loss.
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.timeout)
            .acquire_time_level(ACQUIRE_TIME_LEVEL)
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    /// Applies pending migrations (PostgreSQL: under sqlx's advisory lock, so several servers
    /// starting at once do not race).
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// One round trip to the database.
    pub async fn ping(&self) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// The pool to use on the runtime that calls this — an actix worker's. PostgreSQL
    /// connections are TCP sockets bound to the tokio runtime that opened them, and at SIGTERM
    /// actix stops each idle worker, runtime and all, while another worker still finishes a
    /// request: a connection such a worker had opened and put back in a shared pool fails
    /// the busy worker's next statement ("a Tokio 1.x context was found, but it is being
    /// shutdown"), and the import in flight was answered 503. So each worker opens its own
    /// PostgreSQL connections: same URL and options, `max_connections` split across
    /// `workers` (at least 2 each). SQLite's connections live on threads of their own, so its
    /// one pool is shared; outside a runtime the shared pool is returned as well.
    pub fn for_this_runtime(&self, workers: usize) -> Db {
        match self {
            Db::Postgres(pool) if tokio::runtime::Handle::try_current().is_ok() => {
                let options = pool.options().clone();
                let workers = u32::try_from(workers.max(1)).unwrap_or(u32::MAX);
                let max = options.get_max_connections().div_ceil(workers).max(2);
                Db::Postgres(
                    options
                        .max_connections(max)
                        .connect_lazy_with((*pool.connect_options()).clone()),
                )
            }
            _ => self.clone(),
        }
    }

    /// The pool's open connections, how many of them are idle, and its largest size.
    pub fn pool_stats(&self) -> PoolStats {
        with_pool!(self, pool => PoolStats {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        })
    }

    pub fn is_closed(&self) -> bool {
        with_pool!(self, pool => pool.is_closed())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}

/// Where reads that may lag go — the record pages, their JSON and their PDFs: a PostgreSQL hot
/// standby when `KARTE_DATABASE_READ_URL` is set, else the primary itself. Who may see what
/// (sessions, grants), the access log and every write always use the primary [`Db`], so a
/// revoked grant is never honoured because a standby has not replayed it yet.
#[derive(Clone, Debug)]
pub struct Reads(pub Db);

impl Reads {
    /// Reads on the primary (no standby configured, or SQLite).
    pub fn primary(db: &Db) -> Self {
        Reads(db.clone())
    }

    /// The standby's pool at `url` (connected lazily, like the primary's; `None` without a
    /// URL). A standby needs a PostgreSQL primary. Each worker then takes
    /// `Reads(standby.for_this_runtime(…))`, or [`Reads::primary`] of its own pool.
    pub fn standby(primary: &Db, url: Option<&str>) -> Result<Option<Db>, String> {
        let Some(url) = url else {
            return Ok(None);
        };
        let Db::Postgres(pool) = primary else {
            return Err("KARTE_DATABASE_READ_URL needs a PostgreSQL primary (KARTE_DATABASE_URL=postgres://…)".into());
        };
        if !is_postgres_url(url) {
            return Err(
                "KARTE_DATABASE_READ_URL must start with postgres:// or postgresql://".into(),
            );
        }
        let opts = PgConnectOptions::from_str(url)
            .map_err(|_| "KARTE_DATABASE_READ_URL is not a valid PostgreSQL URL".to_owned())?;
        Ok(Some(Db::Postgres(
            pool.options().clone().connect_lazy_with(opts),
        )))
    }
}

impl std::ops::Deref for Reads {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::is_transient;

    #[test]
    fn full_disks_and_lost_servers_are_transient_constraint_failures_are_not() {
        for code in ["13", "5", "517", "3338", "53100", "57P01", "08006", "57014"] {
            assert!(is_transient(code), "{code}");
        }
        // SQLITE_CONSTRAINT_UNIQUE, SQLITE_ERROR; unique_violation, syntax error.
        for code in ["2067", "1", "23505", "42601"] {
            assert!(!is_transient(code), "{code}");
        }
    }
}
