//! Typed configuration: defaults for local use, `KARTE_*` environment variables override,
//! `karte --help` lists them all. Secrets never reach `Debug` or the log.

use clap::{Args, Parser, Subcommand};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "karte",
    version,
    about = "Karte — personal health records for people insured in Japan"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the synthetic demo people (idempotent).
    Demo,
    /// List people: stable id, name, birth date, insurer.
    People,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Load the demo people before serving.
    #[arg(long, env = "KARTE_DEMO")]
    pub demo: bool,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "KARTE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
}

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: `postgres://…` for PostgreSQL, `sqlite://FILE` for SQLite.
    /// Default: SQLite file `karte.sqlite3` in the data directory.
    #[arg(
        long,
        global = true,
        env = "KARTE_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<DatabaseUrl>,
    /// Directory for the embedded SQLite database.
    #[arg(long, global = true, env = "KARTE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Directory holding the built browser bundle (`pkg/karte.js`, `pkg/karte.wasm`).
    #[arg(long, global = true, env = "KARTE_SITE_ROOT", default_value = "dist")]
    pub site_root: PathBuf,
    /// Largest number of open database connections.
    #[arg(
        long,
        global = true,
        env = "KARTE_DB_MAX_CONNECTIONS",
        default_value_t = 10
    )]
    pub db_max_connections: u32,
    /// Seconds to wait for a database connection before answering 503.
    #[arg(
        long,
        global = true,
        env = "KARTE_DB_TIMEOUT_SECS",
        default_value_t = 3
    )]
    pub db_timeout_secs: u64,
    /// Log filter (tracing `EnvFilter` syntax).
    #[arg(long, global = true, env = "KARTE_LOG", default_value = "info")]
    pub log: String,
    /// Log format: `text` for people, `json` for machines.
    #[arg(long, global = true, env = "KARTE_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// A database URL. It may hold a password, so `Debug` and `Display` show only the scheme.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = ["postgres://", "postgresql://", "sqlite:"]
            .iter()
            .any(|p| s.starts_with(p));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err("KARTE_DATABASE_URL must start with postgres://, postgresql:// or sqlite:".into())
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.0.split(':').next().unwrap_or("");
        write!(f, "DatabaseUrl({scheme}:…)")
    }
}

impl Settings {
    /// Settings for tests and tools: all defaults, data in `data_dir`.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            database_url: None,
            data_dir: data_dir.into(),
            site_root: PathBuf::from("dist"),
            db_max_connections: 10,
            db_timeout_secs: 3,
            log: "info".into(),
            log_format: LogFormat::Text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lists_every_env_var() {
        let help = Cli::command().render_long_help().to_string();
        for var in [
            "KARTE_DATABASE_URL",
            "KARTE_DATA_DIR",
            "KARTE_SITE_ROOT",
            "KARTE_LOG",
            "KARTE_LOG_FORMAT",
        ] {
            assert!(help.contains(var), "--help does not mention {var}");
        }
    }

    #[test]
    fn database_url_debug_hides_password() {
        let url: DatabaseUrl = "postgres://karte:s3cret@db/karte".parse().unwrap();
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(url.is_postgres());
        assert!("mysql://x".parse::<DatabaseUrl>().is_err());
    }
}
