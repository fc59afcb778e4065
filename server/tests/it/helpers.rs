use server::db::Db;
use server::settings::Settings;
use server::startup::Application;
use std::path::PathBuf;
use std::sync::mpsc;

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
fn block_on<F: std::future::Future + Send>(f: F) -> F::Output
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

/// A fresh, empty database of either backend; removed again when dropped (even after a
/// failed assertion).
pub struct TestDb {
    pub settings: Settings,
    dir: PathBuf,
    pg_name: Option<String>,
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        let dir = std::env::temp_dir().join(format!("karte-test-{}", random_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut settings = Settings::for_data_dir(&dir);
        // Generous: under a loaded machine (parallel builds, CI) opening and migrating a fresh
        // database can take more than a second; tests that need the 503 set their own.
        settings.db_timeout_secs = 10;
        settings.site_root = site_root();
        // Budgets no ordinary test reaches; the rate-limit tests set their own.
        settings.rate_limits = server::rate_limit::RateLimits {
            auth_per_minute: 100_000,
            import_per_minute: 100_000,
            export_per_minute: 100_000,
        };
        // The dev sign-in (loopback only) lets tests sign in as a demo person.
        settings.auth.dev_login = true;
        let pg_name = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let name = format!("karte_test_{}", random_suffix());
                block_on(async {
                    use sqlx::Connection;
                    let mut admin = sqlx::PgConnection::connect(&pg_base_url())
                        .await
                        .expect("PostgreSQL must be running for the storage tests (see scripts/postgres.sh)");
                    sqlx::query(&format!("CREATE DATABASE {name}"))
                        .execute(&mut admin)
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

    /// Opens and migrates it (in the caller's runtime).
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

/// The real server on a free port, in a thread with its own runtime, over a fresh database.
pub struct TestApp {
    pub base: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Kept so the database outlives the server; dropped after it.
    _db: TestDb,
}

impl TestApp {
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
                let app = Application::build(&settings, "127.0.0.1:0".parse().unwrap(), demo)
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
            _db: db,
        }
    }

    /// The PostgreSQL URL of this app's database (`None` on SQLite).
    pub fn database_url(&self) -> Option<String> {
        self._db
            .settings
            .database_url
            .as_ref()
            .map(|u| u.expose().to_owned())
    }

    pub fn settings(&self) -> &server::settings::Settings {
        &self._db.settings
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

    /// Signs in through the dev sign-in; returns the `Cookie` header value to send.
    pub fn dev_sign_in(&self, person: &str) -> String {
        let r = self.post_form("/auth/dev", &[("person", person)], None);
        assert_eq!(r.status(), 303, "dev sign-in answers with a redirect");
        let set = r.header("set-cookie").expect("session cookie").to_owned();
        set.split(';').next().unwrap().to_owned()
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
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Runs an async storage test against both backends.
#[macro_export]
macro_rules! both_backends {
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
