//! `/readyz` follows the database: 503 while PostgreSQL is unreachable, 200 again once it is
//! back, without restarting the server; signed-in pages and the API answer 503 with
//! `Retry-After` meanwhile (never "signed out", never the server's insides), and a database
//! that answers too slowly is a 503 after `KARTE_REQUEST_TIMEOUT_SECS`. The faults are real:
//! the server talks to PostgreSQL through a TCP relay that the test cuts, restores and slows.

use crate::helpers::{pg_base_url, Backend, TestApp, TestDb};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Relays 127.0.0.1:port to PostgreSQL's address until stopped.
struct Relay {
    port: u16,
    stop: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
    accept: Option<JoinHandle<()>>,
    /// Milliseconds each chunk waits before it is passed on (0: none).
    delay_ms: Arc<AtomicU64>,
}

fn upstream() -> String {
    let url = pg_base_url();
    let host = url.split('@').nth(1).unwrap_or("127.0.0.1:5432");
    host.split('/').next().unwrap().to_owned()
}

fn pipe(mut from: TcpStream, mut to: TcpStream, delay_ms: Arc<AtomicU64>) {
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        let delay = delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            std::thread::sleep(Duration::from_millis(delay));
        }
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
}

impl Relay {
    fn start(port: u16) -> Relay {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind relay");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let accept = {
            let (stop, conns, delay) = (stop.clone(), conns.clone(), delay_ms.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((client, _)) => {
                            client.set_nonblocking(false).unwrap();
                            let Ok(server) = TcpStream::connect(upstream()) else {
                                continue;
                            };
                            let mut list = conns.lock().unwrap();
                            list.push(client.try_clone().unwrap());
                            list.push(server.try_clone().unwrap());
                            let (c2, s2) =
                                (client.try_clone().unwrap(), server.try_clone().unwrap());
                            let d2 = delay.clone();
                            let d3 = delay.clone();
                            std::thread::spawn(move || pipe(client, server, d2));
                            std::thread::spawn(move || pipe(s2, c2, d3));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        Relay {
            port,
            stop,
            conns,
            accept: Some(accept),
            delay_ms,
        }
    }

    /// Stops listening and cuts every open connection.
    fn cut(mut self) -> u16 {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            t.join().unwrap();
        }
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
        self.port
    }
}

fn wait_for_status(app: &TestApp, want: u16) -> ureq::Response {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = app.get("/readyz");
        if r.status() == want || Instant::now() > deadline {
            return r;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The demo people on PostgreSQL, reached through a relay; a short wait for connections.
fn app_behind_relay(tweak: impl FnOnce(&mut server::settings::Settings)) -> (TestApp, Relay) {
    let mut tdb = TestDb::new(Backend::Postgres);
    // Short, so the outage answers 503 quickly.
    tdb.settings.db_timeout_secs = 1;
    tweak(&mut tdb.settings);
    let relay = Relay::start(0);
    let direct = tdb.settings.database_url.clone().unwrap();
    let via_relay = direct
        .expose()
        .replacen(&upstream(), &format!("127.0.0.1:{}", relay.port), 1);
    tdb.settings.database_url = Some(via_relay.parse().unwrap());
    (TestApp::spawn_with(tdb, true), relay)
}

/// What a signed-in person gets while the database is away: 503, `Retry-After`, a message in
/// both languages, and nothing of the server's insides.
fn assert_unavailable(got: &ureq::Response, what: &str) {
    assert_eq!(got.status(), 503, "{what}");
    assert!(got.header("retry-after").is_some(), "{what}: Retry-After");
}

fn assert_no_internals(body: &str, what: &str) {
    for word in [
        "sqlx",
        "postgres",
        "PoolTimedOut",
        "error returned",
        "connection",
        "panicked",
    ] {
        assert!(!body.contains(word), "{what} shows {word}: {body}");
    }
    assert!(body.contains("しばらくしてから"), "{what}: {body}");
}

#[test]
fn readyz_reports_a_lost_database_and_recovers_without_restart() {
    let (app, relay) = app_behind_relay(|_| {});
    assert_eq!(wait_for_status(&app, 200).status(), 200);
    let cookie = app.dev_sign_in("demo-sato");
    assert_eq!(app.get_with("/drugs", &cookie).status(), 200);

    let port = relay.cut();
    let r = wait_for_status(&app, 503);
    assert_eq!(r.status(), 503);
    assert_eq!(r.header("retry-after"), Some("5"));
    // The process itself is fine.
    assert_eq!(app.get("/healthz").status(), 200);
    // Signed-in pages and the API say "try again later", not "sign in" (401 / redirect).
    for path in [
        "/drugs",
        "/api/v1/me/drugs",
        "/api/v1/me/expenses/pdf",
        "/deduction",
    ] {
        let r = app.get_with(path, &cookie);
        assert_unavailable(&r, path);
        assert_no_internals(&r.into_string().unwrap(), path);
    }

    let relay = Relay::start(port);
    assert_eq!(wait_for_status(&app, 200).status(), 200);
    // The same session works again: nothing was restarted, nobody was signed out.
    assert_eq!(app.get_with("/api/v1/me/drugs", &cookie).status(), 200);
    drop(app);
    relay.cut();
}

/// A database that answers, but too slowly: the request is answered 503 with `Retry-After`
/// at `KARTE_REQUEST_TIMEOUT_SECS` (2 s here; each packet waits 5 s), and the server is back to normal once the database is.
#[test]
fn a_slow_database_is_a_503_at_the_request_timeout() {
    let (app, relay) = app_behind_relay(|s| s.request_timeout_secs = 2);
    assert_eq!(wait_for_status(&app, 200).status(), 200);
    // On a loaded machine the first sign-in may itself take longer than the timeout.
    let deadline = Instant::now() + Duration::from_secs(30);
    let cookie = loop {
        let r = app.post_form("/auth/dev", &[("person", "demo-sato")], None);
        if let Some(set) = r.header("set-cookie").filter(|_| r.status() == 303) {
            break set.split(';').next().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "sign-in: {}", r.status());
    };
    relay.delay_ms.store(5_000, Ordering::SeqCst);
    for path in ["/api/v1/me/drugs", "/drugs"] {
        let r = app.get_with(path, &cookie);
        assert_unavailable(&r, path);
        assert_no_internals(&r.into_string().unwrap(), path);
    }
    relay.delay_ms.store(0, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.get_with("/api/v1/me/drugs", &cookie).status() != 200 {
        assert!(
            Instant::now() < deadline,
            "back to normal without a restart"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(app);
    relay.cut();
}

#[test]
fn readyz_is_ready_on_sqlite() {
    let app = TestApp::spawn(Backend::Sqlite, false);
    assert_eq!(app.get("/readyz").status(), 200);
}
