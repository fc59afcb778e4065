//! The one test harness: a fresh database of either backend ([`TestDb`], a copy of a migrated
//! template), the real server on a free port over it ([`TestApp`], made with
//! [`TestApp::builder`]), the requests tests make (sign in, grant, view as, fetch a page, an
//! API answer or a PDF), and [`both_backends!`](crate::both_backends) to run a test on SQLite
//! and PostgreSQL.
//!
//! # Templates
//! Migrating a fresh database is most of a small test's time, so each backend is migrated once
//! and every test gets a copy:
//! - PostgreSQL: a template database `karte_tpl_<hash of the migrations>`, made under an advisory
//!   lock by the first test process that needs it (and kept for later runs: the name changes
//!   when a migration does); each test's database is `CREATE DATABASE … TEMPLATE` of it.
//! - SQLite: a migrated file `karte-test-template-<hash>.sqlite3` in the temp directory, written
//!   once (by rename, so concurrent processes never see half a file) and copied per test.
//!
//! [`TestDb::empty`] gives an unmigrated database for the tests of migrations themselves.

use server::db::Db;
use server::settings::Settings;
use server::startup::Application;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, OnceLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The repository's `dist/`, where scripts/build-wasm.sh puts the bundle.
pub fn site_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("dist")
}

/// A file of the repository, by its path from the root.
pub fn repo_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
}

pub fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Base URL of a PostgreSQL database we may create databases from.
pub fn pg_base_url() -> String {
    std::env::var("KARTE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_database(url: &str, db: &str) -> String {
    let (base, _) = url
        .rsplit_once('/')
        .expect("PostgreSQL URL has a database path");
    format!("{base}/{db}")
}

/// Runs a future to completion on a thread of its own, so it works inside or outside a runtime.
pub fn block_on<F: std::future::Future + Send>(f: F) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(f)
        })
        .join()
        .expect("block_on thread")
    })
}

async fn pg_admin() -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(&pg_base_url())
        .await
        .expect("PostgreSQL must be running for the storage tests (see scripts/postgres.sh)")
}

/// A short hash of a backend's migrations (versions and checksums): templates are named by it,
/// so a changed or added migration gets a new template.
fn migrations_hash(migrator: &sqlx::migrate::Migrator) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for m in migrator.iter() {
        h.update(m.version.to_le_bytes());
        h.update(&m.checksum);
    }
    h.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Settings for a database in `dir`: budgets no ordinary test reaches and the dev sign-in.
fn test_settings(dir: &Path) -> Settings {
    let mut settings = Settings::for_data_dir(dir);
    // Generous: under a loaded machine (parallel builds, CI) opening a database can take more
    // than a second; tests that need the 503 set their own.
    settings.db_timeout_secs = 10;
    settings.site_root = site_root();
    // The rate-limit tests set their own.
    settings.rate_limits = server::rate_limit::RateLimits {
        auth_per_minute: 100_000,
        import_per_minute: 100_000,
        export_per_minute: 100_000,
    };
    // The dev sign-in (loopback only) lets tests sign in as a demo person.
    settings.auth.dev_login = true;
    settings
}

/// Opens, migrates and closes the database `settings` point at.
async fn migrate(settings: &Settings) {
    let db = Db::connect(settings).await.expect("connect");
    db.migrate().await.expect("migrate");
    db.close().await;
}

/// The migrated PostgreSQL template's name, made once per migration set (see the module doc).
fn pg_template() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let name = format!(
            "karte_tpl_{}",
            migrations_hash(&sqlx::migrate!("../migrations/postgres"))
        );
        block_on(async {
            let mut admin = pg_admin().await;
            // Any number of test processes (worktrees, CI) share the server: one makes it.
            const LOCK: i64 = 0x6b61_7274_6554_504c;
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(LOCK)
                .execute(&mut admin)
                .await
                .expect("template lock");
            let ready: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)",
            )
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .expect("template lookup");
            if !ready {
                // A half-made one (a process killed while migrating) is made again.
                for sql in [
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    format!("CREATE DATABASE {name}"),
                ] {
                    sqlx::query(&sql)
                        .execute(&mut admin)
                        .await
                        .expect("template");
                }
                let mut settings = test_settings(&std::env::temp_dir());
                settings.database_url =
                    Some(with_database(&pg_base_url(), &name).parse().expect("url"));
                migrate(&settings).await;
                sqlx::query(&format!("ALTER DATABASE {name} WITH IS_TEMPLATE true"))
                    .execute(&mut admin)
                    .await
                    .expect("mark template");
            }
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(LOCK)
                .execute(&mut admin)
                .await
                .expect("template unlock");
        });
        name
    })
}

/// The migrated SQLite template file, written once per migration set (see the module doc).
fn sqlite_template() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let hash = migrations_hash(&sqlx::migrate!("../migrations/sqlite"));
        let path = std::env::temp_dir().join(format!("karte-test-template-{hash}.sqlite3"));
        if !path.exists() {
            let dir = std::env::temp_dir().join(format!("karte-template-{}", random_suffix()));
            let settings = test_settings(&dir);
            block_on(migrate(&settings));
            // The pool is closed, so the WAL is checkpointed into the file.
            std::fs::rename(dir.join("karte.sqlite3"), &path).expect("template in place");
            let _ = std::fs::remove_dir_all(&dir);
        }
        path
    })
}

/// A fresh database of either backend; removed again when dropped (even after a failed
/// assertion).
pub struct TestDb {
    pub settings: Settings,
    dir: PathBuf,
    pg_name: Option<String>,
}

impl TestDb {
    /// A migrated database: a copy of the backend's template.
    pub fn new(backend: Backend) -> Self {
        Self::make(backend, true)
    }

    /// An empty database, for tests of the migrations themselves.
    pub fn empty(backend: Backend) -> Self {
        Self::make(backend, false)
    }

    fn make(backend: Backend, migrated: bool) -> Self {
        let dir = std::env::temp_dir().join(format!("karte-test-{}", random_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut settings = test_settings(&dir);
        let pg_name = match backend {
            Backend::Sqlite => {
                if migrated {
                    std::fs::copy(sqlite_template(), dir.join("karte.sqlite3"))
                        .expect("copy of the template");
                }
                None
            }
            Backend::Postgres => {
                let name = format!("karte_test_{}", random_suffix());
                let create = if migrated {
                    format!("CREATE DATABASE {name} TEMPLATE {}", pg_template())
                } else {
                    format!("CREATE DATABASE {name}")
                };
                block_on(async {
                    sqlx::query(&create)
                        .execute(&mut pg_admin().await)
                        .await
                        .expect("create db");
                });
                settings.database_url =
                    Some(with_database(&pg_base_url(), &name).parse().expect("url"));
                Some(name)
            }
        };
        Self {
            settings,
            dir,
            pg_name,
        }
    }

    /// Opens it and applies any migration not yet applied (in the caller's runtime).
    pub async fn open(&self) -> Db {
        let db = Db::connect(&self.settings).await.expect("connect");
        db.migrate().await.expect("migrate");
        db
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(name) = self.pg_name.take() {
            block_on(async {
                use sqlx::Connection;
                if let Ok(mut admin) = sqlx::PgConnection::connect(&pg_base_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        }
    }
}

/// A day given as a date or as `YYYY-MM-DD`.
pub trait Day {
    fn day(self) -> chrono::NaiveDate;
}

impl Day for chrono::NaiveDate {
    fn day(self) -> chrono::NaiveDate {
        self
    }
}

impl Day for &str {
    fn day(self) -> chrono::NaiveDate {
        self.parse().expect("YYYY-MM-DD")
    }
}

/// How to start a [`TestApp`]: `TestApp::builder(backend).demo().today("2025-06-01").spawn()`.
#[must_use]
pub struct TestAppBuilder {
    db: TestDb,
    demo: bool,
}

impl TestAppBuilder {
    /// Loads the demo people and their records (anchored on the app's today).
    pub fn demo(mut self) -> Self {
        self.demo = true;
        self
    }

    /// The server's today (JST): a date or `YYYY-MM-DD`.
    pub fn today(mut self, day: impl Day) -> Self {
        self.db.settings.today = Some(day.day());
        self
    }

    /// Any other setting.
    pub fn settings(mut self, tweak: impl FnOnce(&mut Settings)) -> Self {
        tweak(&mut self.db.settings);
        self
    }

    pub fn spawn(self) -> TestApp {
        TestApp::spawn_with(self.db, self.demo)
    }
}

/// An answer read whole: status, the headers tests check, and the body.
pub struct Fetched {
    pub status: u16,
    pub content_type: Option<String>,
    pub disposition: Option<String>,
    pub cache: Option<String>,
    pub body: Vec<u8>,
}

impl Fetched {
    fn read(r: ureq::Response) -> Self {
        use std::io::Read;
        let got = |h: &str| r.header(h).map(str::to_owned);
        let (status, content_type, disposition, cache) = (
            r.status(),
            got("content-type"),
            got("content-disposition"),
            got("cache-control"),
        );
        let mut body = Vec::new();
        r.into_reader()
            .take(64 << 20)
            .read_to_end(&mut body)
            .expect("body");
        Self {
            status,
            content_type,
            disposition,
            cache,
            body,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// The body as JSON (`Null` when it is not JSON, e.g. an empty 404).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// The real server on a free port, in a thread with its own runtime, over a fresh database.
pub struct TestApp {
    pub base: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Kept so the database outlives the server; dropped after it (or handed back by `stop`).
    db: Option<TestDb>,
}

impl TestApp {
    pub fn builder(backend: Backend) -> TestAppBuilder {
        TestAppBuilder {
            db: TestDb::new(backend),
            demo: false,
        }
    }

    pub fn spawn(backend: Backend, demo: bool) -> Self {
        Self::spawn_with(TestDb::new(backend), demo)
    }

    pub fn spawn_with(db: TestDb, demo: bool) -> Self {
        let settings = db.settings.clone();
        let (port_tx, port_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("rt");
            rt.block_on(async move {
                let addr = "127.0.0.1:0".parse().expect("address");
                let app = Application::build(&settings, addr, demo)
                    .await
                    .expect("app builds");
                port_tx.send(app.port()).expect("send port");
                let handle = app.handle();
                let server = tokio::spawn(app.run_until_stopped());
                tokio::task::spawn_blocking(move || stop_rx.recv())
                    .await
                    .ok();
                handle.stop(false).await;
                let _ = server.await;
            });
        });
        let port = port_rx.recv().expect("server started");
        Self {
            base: format!("http://127.0.0.1:{port}"),
            stop: Some(stop_tx),
            thread: Some(thread),
            db: Some(db),
        }
    }

    /// The PostgreSQL URL of this app's database (`None` on SQLite).
    pub fn database_url(&self) -> Option<String> {
        self.test_db()
            .settings
            .database_url
            .as_ref()
            .map(|u| u.expose().to_owned())
    }

    pub fn settings(&self) -> &server::settings::Settings {
        &self.test_db().settings
    }

    /// The app's database, to open a second connection to it (checks of what was stored).
    pub fn test_db(&self) -> &TestDb {
        self.db
            .as_ref()
            .expect("the database lives as long as the app")
    }

    /// Stops the server (its connections close) and hands back its database, to inspect it or
    /// serve it again with `spawn_with`.
    pub fn stop(mut self) -> TestDb {
        self.halt();
        self.db
            .take()
            .expect("the database lives as long as the app")
    }

    fn halt(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client that does not follow redirects, so tests see them.
    pub fn agent() -> ureq::Agent {
        ureq::AgentBuilder::new().redirects(0).build()
    }

    /// A form POST from our own origin (as a browser sends it; the CSRF check wants Origin).
    pub fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> ureq::Response {
        let mut req = Self::agent()
            .post(&self.url(path))
            .set("Origin", &self.base);
        if let Some(c) = cookie {
            req = req.set("Cookie", c);
        }
        match req.send_form(form) {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("POST {path}: {e}"),
        }
    }

    /// Signs in as a demo person through the dev sign-in; returns the `Cookie` header value
    /// to send.
    pub fn dev_sign_in(&self, person: &str) -> String {
        let r = self.post_form("/auth/dev", &[("person", person)], None);
        assert_eq!(r.status(), 303, "dev sign-in answers with a redirect");
        let set = r.header("set-cookie").expect("session cookie");
        set.split(';').next().unwrap_or(set).to_owned()
    }

    /// A proxy grant made as people make one: the grantor creates an invitation of `kinds`
    /// until `until`, the grantee accepts its code.
    pub fn grant(&self, grantor: &str, grantee: &str, kinds: &[&str], until: &str) {
        let code = self.invite(grantor, kinds, until);
        let r = self.post_form("/proxies/accept", &[("code", &code)], Some(grantee));
        assert_eq!(r.header("location"), Some("/proxies?ok=accepted"));
    }

    /// Creates an invitation; returns its code.
    pub fn invite(&self, grantor: &str, kinds: &[&str], until: &str) -> String {
        let mut form = vec![("until", until)];
        form.extend(kinds.iter().map(|k| ("kinds", *k)));
        let r = self.post_form("/proxies", &form, Some(grantor));
        let to = r.header("location").unwrap_or_default();
        to.strip_prefix("/proxies?ok=invited&code=")
            .unwrap_or_else(|| panic!("an invitation, not {to}"))
            .to_owned()
    }

    /// Puts `person`'s records on the screen of the signed-in `cookie` (the person switcher);
    /// the answer, as the switcher ignores people the viewer may not see.
    pub fn view_as(&self, cookie: &str, person: &str) -> ureq::Response {
        self.post_form("/viewing", &[("person", person)], Some(cookie))
    }

    pub fn get_with(&self, path: &str, cookie: &str) -> ureq::Response {
        match Self::agent()
            .get(&self.url(path))
            .set("Cookie", cookie)
            .call()
        {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("GET {path}: {e}"),
        }
    }

    pub fn get(&self, path: &str) -> ureq::Response {
        match Self::agent().get(&self.url(path)).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("GET {path}: {e}"),
        }
    }

    /// Any GET, read whole (`cookie` `None`: signed out).
    pub fn fetch(&self, path: &str, cookie: Option<&str>) -> Fetched {
        Fetched::read(match cookie {
            Some(c) => self.get_with(path, c),
            None => self.get(path),
        })
    }

    /// A page's HTML; it must answer 200.
    pub fn page(&self, path: &str, cookie: &str) -> String {
        let got = self.fetch(path, Some(cookie));
        assert_eq!(got.status, 200, "GET {path}");
        got.text()
    }

    /// An API answer: status, JSON body (`Null` when none) and `Cache-Control`.
    pub fn api(&self, path: &str, cookie: &str) -> (u16, serde_json::Value, Option<String>) {
        let got = self.fetch(path, Some(cookie));
        (got.status, got.json(), got.cache)
    }

    /// A PDF export (or whatever the route answers instead), read whole.
    pub fn pdf(&self, path: &str, cookie: &str) -> Fetched {
        self.fetch(path, Some(cookie))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Runs tests on SQLite and on PostgreSQL.
///
/// - `both_backends!(fn body)`: `fn body(backend: Backend)` runs as the tests `body_sqlite`
///   and `body_postgres`; `both_backends!(fn body as name)` names them `name_sqlite` and
///   `name_postgres`; `async fn` for an `async fn body(backend: Backend)`.
/// - `both_backends!(a, b, …)`: storage tests `async fn a(db: &Db)` on a fresh migrated
///   database, as `sqlite::a` and `postgres::a`.
#[macro_export]
macro_rules! both_backends {
    (fn $body:ident) => {
        $crate::both_backends!(fn $body as $body);
    };
    (fn $body:ident as $name:ident) => {
        paste::paste! {
            #[test]
            fn [<$name _sqlite>]() {
                $body($crate::helpers::Backend::Sqlite);
            }
            #[test]
            fn [<$name _postgres>]() {
                $body($crate::helpers::Backend::Postgres);
            }
        }
    };
    (async fn $body:ident) => {
        $crate::both_backends!(async fn $body as $body);
    };
    (async fn $body:ident as $name:ident) => {
        paste::paste! {
            #[tokio::test]
            async fn [<$name _sqlite>]() {
                $body($crate::helpers::Backend::Sqlite).await;
            }
            #[tokio::test]
            async fn [<$name _postgres>]() {
                $body($crate::helpers::Backend::Postgres).await;
            }
        }
    };
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() {
                let tdb = $crate::helpers::TestDb::new($crate::helpers::Backend::Sqlite);
                let db = tdb.open().await;
                super::$name(&db).await;
                db.close().await;
            })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                let tdb = $crate::helpers::TestDb::new($crate::helpers::Backend::Postgres);
                let db = tdb.open().await;
                super::$name(&db).await;
                db.close().await;
            })*
        }
    };
}

/// Every per-person API route: the JSON, the four PDFs and the 医療費控除 downloads.
pub const API_ROUTES: &[&str] = &[
    "/api/v1/me/drugs",
    "/api/v1/me/checkups",
    "/api/v1/me/expenses",
    "/api/v1/me/own-entries",
    "/api/v1/me/drugs/pdf",
    "/api/v1/me/checkups/pdf",
    "/api/v1/me/expenses/pdf",
    "/api/v1/me/report/pdf",
    "/api/v1/me/deduction/2025.xlsx",
    "/api/v1/me/deduction/2025.csv",
    "/api/v1/me/deduction/2025.pdf",
];

/// The status of an answer, whatever it was; `Err` only when there was none (a dropped
/// connection, a refused connect), naming `what` was asked.
pub fn status_of(result: Result<ureq::Response, ureq::Error>, what: &str) -> Result<u16, String> {
    match result {
        Ok(r) => Ok(r.status()),
        Err(ureq::Error::Status(s, _)) => Ok(s),
        Err(e) => Err(format!("{what}: {e}")),
    }
}
