//! `/readyz` follows the database: 503 while PostgreSQL is unreachable, 200 again once it is
//! back, without restarting the server. The outage is real: the server talks to PostgreSQL
//! through a TCP relay that the test cuts and restores.

use crate::helpers::{pg_base_url, Backend, TestApp, TestDb};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Relays 127.0.0.1:port to PostgreSQL's address until stopped.
struct Relay {
    port: u16,
    stop: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
    accept: Option<JoinHandle<()>>,
}

fn upstream() -> String {
    let url = pg_base_url();
    let host = url.split('@').nth(1).unwrap_or("127.0.0.1:5432");
    host.split('/').next().unwrap().to_owned()
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buf) {
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
        let accept = {
            let (stop, conns) = (stop.clone(), conns.clone());
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
                            std::thread::spawn(move || pipe(client, server));
                            std::thread::spawn(move || pipe(s2, c2));
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

#[test]
fn readyz_reports_a_lost_database_and_recovers_without_restart() {
    let mut tdb = TestDb::new(Backend::Postgres);
    // Short, so the outage answers 503 quickly.
    tdb.settings.db_timeout_secs = 1;
    let relay = Relay::start(0);
    let direct = tdb.settings.database_url.clone().unwrap();
    let via_relay = direct
        .expose()
        .replacen(&upstream(), &format!("127.0.0.1:{}", relay.port), 1);
    tdb.settings.database_url = Some(via_relay.parse().unwrap());
    let app = TestApp::spawn_with(tdb, false);

    assert_eq!(wait_for_status(&app, 200).status(), 200);

    let port = relay.cut();
    let r = wait_for_status(&app, 503);
    assert_eq!(r.status(), 503);
    assert_eq!(r.header("retry-after"), Some("5"));
    // The process itself is fine.
    assert_eq!(app.get("/healthz").status(), 200);

    let relay = Relay::start(port);
    assert_eq!(wait_for_status(&app, 200).status(), 200);
    drop(app);
    relay.cut();
}

#[test]
fn readyz_is_ready_on_sqlite() {
    let app = TestApp::spawn(Backend::Sqlite, false);
    assert_eq!(app.get("/readyz").status(), 200);
}
