//! Typed configuration: defaults for local use, `KARTE_*` environment variables override,
//! `karte --help` lists them all. Secrets never reach `Debug` or the log.

use clap::Args;
use std::fmt;
use std::path::PathBuf;

/// Sign-in settings (OpenID Connect, sessions, dev sign-in).
#[derive(Debug, Clone, Args)]
pub struct AuthSettings {
    /// OpenID Connect issuer URL (discovery at ISSUER/.well-known/openid-configuration).
    /// Unset: no OIDC sign-in.
    #[arg(long, global = true, env = "KARTE_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// OIDC client id registered at the issuer.
    #[arg(
        long,
        global = true,
        env = "KARTE_OIDC_CLIENT_ID",
        default_value = "karte"
    )]
    pub oidc_client_id: String,
    /// OIDC client secret (confidential client). Never logged.
    #[arg(
        long,
        global = true,
        env = "KARTE_OIDC_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<Secret>,
    /// The address people reach Karte at, for the OIDC redirect URI (`…/auth/callback`).
    /// Default: http:// plus the listen address.
    #[arg(long, global = true, env = "KARTE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Dev sign-in (pick a demo person without a password). Refused unless the server listens
    /// on a loopback address.
    #[arg(long, global = true, env = "KARTE_DEV_LOGIN", value_parser = clap::builder::BoolishValueParser::new())]
    pub dev_login: bool,
    /// Minutes without a request after which a session ends.
    #[arg(
        long,
        global = true,
        env = "KARTE_SESSION_IDLE_MINUTES",
        default_value_t = 15
    )]
    pub session_idle_minutes: u32,
    /// Hours after sign-in after which a session ends, however active.
    #[arg(
        long,
        global = true,
        env = "KARTE_SESSION_ABSOLUTE_HOURS",
        default_value_t = 8
    )]
    pub session_absolute_hours: u32,
    /// Linking also requires a one-time code from the insurer (`karte link-code issue`), on
    /// top of the card and birth date.
    #[arg(long, global = true, env = "KARTE_LINK_CODE_REQUIRED", value_parser = clap::builder::BoolishValueParser::new())]
    pub link_code_required: bool,
    /// Failed linking attempts one client address may make in 24 hours before it is locked
    /// out (one account: 5). Behind a reverse proxy every client shares the proxy's address:
    /// raise it there, or 0 turns this limit off.
    #[arg(
        long,
        global = true,
        env = "KARTE_LINK_FAILURES_PER_ADDRESS",
        default_value_t = 20
    )]
    pub link_failures_per_address: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            oidc_issuer: None,
            oidc_client_id: "karte".into(),
            oidc_client_secret: None,
            public_url: None,
            dev_login: false,
            session_idle_minutes: 15,
            session_absolute_hours: 8,
            link_code_required: false,
            link_failures_per_address: 20,
        }
    }
}

/// A secret from the environment: `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
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
    /// A PostgreSQL hot standby for reads that may lag (record pages, their JSON and PDFs):
    /// `postgres://…`. Sessions, grants, the access log and every write stay on the primary.
    #[arg(
        long,
        global = true,
        env = "KARTE_DATABASE_READ_URL",
        hide_env_values = true
    )]
    pub database_read_url: Option<DatabaseUrl>,
    /// Directory for the embedded SQLite database.
    #[arg(long, global = true, env = "KARTE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Directory holding the built browser bundle (`pkg/karte.js`, `pkg/karte.wasm`).
    #[arg(long, global = true, env = "KARTE_SITE_ROOT", default_value = "dist")]
    pub site_root: PathBuf,
    /// Largest number of open database connections. On PostgreSQL each HTTP worker (one per
    /// core) gets its share. 20, not 10: with 5 per worker, 1,000 signed-in sessions on two
    /// cores queued past the pool wait and 91 % of the answers were 503; with 10 per worker,
    /// none (`ops/load`, docs/reliability.md).
    #[arg(
        long,
        global = true,
        env = "KARTE_DB_MAX_CONNECTIONS",
        default_value_t = 20
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
    /// Seconds a request may take before it is answered 503 with `Retry-After` (a slow or
    /// stuck database; an import gets four times as long); what it was writing is rolled back.
    #[arg(
        long,
        global = true,
        env = "KARTE_REQUEST_TIMEOUT_SECS",
        default_value_t = 30
    )]
    pub request_timeout_secs: u64,
    /// On SIGTERM: seconds in-flight requests get to finish before the server stops.
    #[arg(
        long,
        global = true,
        env = "KARTE_SHUTDOWN_TIMEOUT_SECS",
        default_value_t = 20
    )]
    pub shutdown_timeout_secs: u64,
    /// PDF, CSV and xlsx exports one account may have in flight at once (then 429).
    #[arg(
        long,
        global = true,
        env = "KARTE_EXPORTS_IN_FLIGHT",
        default_value_t = 2
    )]
    pub exports_in_flight: u32,
    /// PDF documents rendered at once (the render pool); 0: one per CPU core.
    #[arg(long, global = true, env = "KARTE_RENDER_WORKERS", default_value_t = 0)]
    pub render_workers: u32,
    /// Reads (GET, HEAD) using the database at once, the others waiting their turn (up to
    /// `KARTE_DB_TIMEOUT_SECS`, then 503 with `Retry-After`); split across the HTTP workers.
    /// 0: as many as never wait for a connection — per worker, (its connections − 1) / 2
    /// (`KARTE_DB_MAX_CONNECTIONS` 20 on two workers: 8). See `server::admission`.
    #[arg(
        long,
        global = true,
        env = "KARTE_REQUESTS_IN_FLIGHT",
        default_value_t = 0
    )]
    pub requests_in_flight: u32,
    /// Machine clients allowed to POST /api/v1/import: `name=token` pairs separated by commas;
    /// tokens of at least 32 characters. Unset: the import API refuses everyone.
    #[arg(
        long,
        global = true,
        env = "KARTE_IMPORT_CLIENTS",
        hide_env_values = true
    )]
    pub import_clients: Option<ImportClients>,
    /// Fixes "today" (YYYY-MM-DD) for demos and tests. Unset: the current date in Japan.
    #[arg(long, global = true, env = "KARTE_TODAY")]
    pub today: Option<chrono::NaiveDate>,
    /// The full 医薬品マスター (Y) file for UKE receipt imports. Unset: the subset shipped
    /// with Karte; codes in neither are kept and shown by their code.
    #[arg(long, global = true, env = "KARTE_DRUG_MASTER")]
    pub drug_master: Option<PathBuf>,
    #[command(flatten)]
    pub auth: AuthSettings,
    #[command(flatten)]
    pub rate_limits: RateLimits,
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
        crate::db::is_postgres_url(&self.0)
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

/// One machine client of the import API.
#[derive(Clone, PartialEq, Eq)]
pub struct ImportClient {
    name: String,
    token: String,
    /// The insurer numbers (保険者番号) it may import for; `None`: any.
    insurers: Option<Vec<String>>,
}

impl ImportClient {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this client may send records of people insured by `insurer`.
    pub fn may_import_for(&self, insurer: &str) -> bool {
        self.insurers
            .as_ref()
            .is_none_or(|list| list.iter().any(|i| i == insurer))
    }

    /// Whether the client is limited to some insurers.
    pub fn is_scoped(&self) -> bool {
        self.insurers.is_some()
    }
}

/// Import clients and their bearer tokens. `Debug` shows only the names.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ImportClients(Vec<ImportClient>);

/// Entropy a token must carry, estimated from its length and the kinds of characters in it.
const MIN_TOKEN_BITS: f64 = 128.0;

/// A rough estimate of a token's entropy: its length times log2 of the alphabet its character
/// kinds span (digits 10, lower 26, upper 26, others 32), and zero unless it uses at least
/// 10 distinct characters, no one of them more than a quarter of the time, and is no short
/// pattern repeated (so `aaaa…`, `abab…` or `0123456789…` are refused however long).
pub fn token_bits(token: &str) -> f64 {
    let chars: Vec<char> = token.chars().collect();
    let mut counts = std::collections::HashMap::new();
    for c in &chars {
        *counts.entry(*c).or_insert(0usize) += 1;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    // A short pattern repeated ("0123456789" four times) is as weak as the pattern.
    let periodic =
        (1..=chars.len() / 2).any(|p| chars.iter().zip(&chars[p..]).all(|(a, b)| a == b));
    if counts.len() < 10 || most * 4 > chars.len() || periodic {
        return 0.0;
    }
    let has = |kind: fn(&char) -> bool| chars.iter().any(kind);
    let mut alphabet = 0.0f64;
    for (kind, size) in [
        (char::is_ascii_digit as fn(&char) -> bool, 10.0),
        (char::is_ascii_lowercase, 26.0),
        (char::is_ascii_uppercase, 26.0),
    ] {
        if has(kind) {
            alphabet += size;
        }
    }
    if chars.iter().any(|c| !c.is_ascii_alphanumeric()) {
        alphabet += 32.0;
    }
    chars.len() as f64 * alphabet.log2()
}

impl ImportClients {
    /// The client whose token this is. Compares every token in full, in constant time per byte,
    /// so timing does not tell how much of a guess was right.
    pub fn client_for(&self, token: &str) -> Option<&ImportClient> {
        let mut found = None;
        for client in &self.0 {
            let expected = &client.token;
            let same_len = expected.len() == token.len();
            let diff = expected
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if same_len && diff == 0 {
                found = Some(client);
            }
        }
        found
    }
}

impl std::str::FromStr for ImportClients {
    type Err = String;

    /// `name=token` pairs separated by commas; `name@01130012+06139992=token` limits the
    /// client to those insurer numbers.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut clients = Vec::new();
        for pair in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (label, token) = pair
                .split_once('=')
                .ok_or("KARTE_IMPORT_CLIENTS entries look like name=token")?;
            let (name, insurers) = match label.split_once('@') {
                Some((name, list)) => {
                    let list: Vec<String> = list.split('+').map(str::to_owned).collect();
                    if list
                        .iter()
                        .any(|i| domain::insurance::InsurerNumber::parse(i).is_err())
                    {
                        return Err(format!(
                            "import client {name}: insurer numbers are 6 or 8 digits, joined by '+'"
                        ));
                    }
                    (name, Some(list))
                }
                None => (label, None),
            };
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err("import client names may hold letters, digits, '-' and '_'".into());
            }
            if token.len() < 32 {
                return Err(format!(
                    "the token of import client {name} is shorter than 32 characters"
                ));
            }
            if token_bits(token) < MIN_TOKEN_BITS {
                return Err(format!(
                    "the token of import client {name} is too easy to guess; use a random one, e.g. `openssl rand -hex 32`"
                ));
            }
            clients.push(ImportClient {
                name: name.to_owned(),
                token: token.to_owned(),
                insurers,
            });
        }
        Ok(Self(clients))
    }
}

impl fmt::Debug for ImportClients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|c| &c.name))
            .finish()
    }
}

pub use crate::clock::Clock;

/// What the storage layer is handed: where the database is, nothing else of the settings.
impl From<&Settings> for crate::db::DbOptions {
    fn from(s: &Settings) -> Self {
        Self {
            url: s.database_url.as_ref().map(|u| u.expose().to_owned()),
            data_dir: s.data_dir.clone(),
            max_connections: s.db_max_connections,
            timeout: std::time::Duration::from_secs(s.db_timeout_secs),
        }
    }
}

impl Settings {
    pub fn clock(&self) -> Clock {
        Clock::new(self.today)
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.clock().today()
    }

    /// Settings for tests and tools: all defaults, data in `data_dir`.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            database_url: None,
            database_read_url: None,
            data_dir: data_dir.into(),
            site_root: PathBuf::from("dist"),
            db_max_connections: 20,
            db_timeout_secs: 3,
            request_timeout_secs: 30,
            shutdown_timeout_secs: 20,
            exports_in_flight: 2,
            render_workers: 0,
            requests_in_flight: 0,
            import_clients: None,
            today: None,
            drug_master: None,
            auth: AuthSettings::default(),
            rate_limits: RateLimits::default(),
            log: "info".into(),
            log_format: LogFormat::Text,
        }
    }
}

/// Requests per minute each client may make, per kind of route (a burst of the same size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct RateLimits {
    /// Requests per minute to `/auth/…` per client address and per account.
    #[arg(
        long,
        global = true,
        env = "KARTE_RATE_AUTH_PER_MINUTE",
        default_value_t = 30
    )]
    pub auth_per_minute: u32,
    /// Requests per minute to `POST /api/v1/import` per client address.
    #[arg(
        long,
        global = true,
        env = "KARTE_RATE_IMPORT_PER_MINUTE",
        default_value_t = 60
    )]
    pub import_per_minute: u32,
    /// Exports (PDF, CSV, xlsx) per minute per client address and per account.
    #[arg(
        long,
        global = true,
        env = "KARTE_RATE_EXPORT_PER_MINUTE",
        default_value_t = 20
    )]
    pub export_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            auth_per_minute: 30,
            import_per_minute: 60,
            export_per_minute: 20,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_clients_parse_and_hide_tokens() {
        let token = "c0ffee5e-d00d-4a1b-9e2f-7b3c8d6a5f41";
        let other = "Zq8xW2nV5rT9yK3mP7sL1dH6gF4jB0cA";
        let clients: ImportClients =
            format!("kyokai={token}, kokuho-yokohama@01130012+010017={other}")
                .parse()
                .unwrap();
        let kyokai = clients.client_for(token).unwrap();
        assert_eq!(kyokai.name(), "kyokai");
        assert!(!kyokai.is_scoped() && kyokai.may_import_for("06139992"));
        let kokuho = clients.client_for(other).unwrap();
        assert_eq!(kokuho.name(), "kokuho-yokohama");
        assert!(kokuho.may_import_for("01130012") && kokuho.may_import_for("010017"));
        assert!(!kokuho.may_import_for("06139992"));
        assert!(clients.client_for(&token[1..]).is_none());
        assert!(clients.client_for("").is_none());
        assert!(!format!("{clients:?}").contains(token));
        assert!("short=abc".parse::<ImportClients>().is_err());
        assert!("no-token".parse::<ImportClients>().is_err());
        assert!(format!("x@12={token}").parse::<ImportClients>().is_err());
    }

    #[test]
    fn import_tokens_need_real_entropy() {
        for weak in [
            "t".repeat(40),
            "u".repeat(32),
            "ab".repeat(20),
            "0123456789".repeat(4),
            "1234567890123456789012345678901234".to_owned(),
        ] {
            assert!(
                format!("weak={weak}").parse::<ImportClients>().is_err(),
                "{weak}"
            );
        }
        // `openssl rand -hex 32` and `-base64 32`.
        for strong in [
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "q3Jv0bHn8R+2Zt/5kWc7YxL1mEa9sUdPf4Gi6oNhTjQ=",
        ] {
            assert!(token_bits(strong) >= MIN_TOKEN_BITS, "{strong}");
            assert!(format!("ok={strong}").parse::<ImportClients>().is_ok());
        }
    }

    #[test]
    fn switches_accept_1_from_the_environment() {
        use crate::cli::Cli;
        use clap::Parser;
        let cli = Cli::try_parse_from(["karte", "--dev-login", "serve"]).unwrap();
        assert!(cli.settings.auth.dev_login);
        let cli = Cli::try_parse_from(["karte", "serve"]).unwrap();
        assert!(!cli.settings.auth.dev_login);
    }

    #[test]
    fn database_url_debug_hides_password() {
        let url: DatabaseUrl = "postgres://karte:s3cret@db/karte".parse().unwrap();
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(url.is_postgres());
        assert!("mysql://x".parse::<DatabaseUrl>().is_err());
    }
}
