//! The import API's limits, over raw TCP so the test controls when (and whether) the body is
//! sent: the credential is checked from the headers alone, a body over its format's cap is
//! refused before it is read, and one client has at most two uploads in flight.

use crate::helpers::{Backend, TestApp, TestDb};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

const TOKEN: &str = "test-import-token-0123456789abcdefghij";

fn app() -> TestApp {
    TestApp::builder(Backend::Sqlite)
        .settings(|s| s.import_clients = Some(format!("test-insurer={TOKEN}").parse().unwrap()))
        .spawn()
}

/// Sends only the head of an import request announcing `length` bytes of body.
pub fn send_head(app: &TestApp, query: &str, token: Option<&str>, length: usize) -> TcpStream {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    // A guard against hanging forever if the server waits for the body; not a timing check.
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        stream,
        "POST /api/v1/import{query} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    .unwrap();
    stream.flush().unwrap();
    stream
}

/// The status of the response on `stream` (reads the status line only).
pub fn status_of(stream: &TcpStream) -> u16 {
    let mut line = String::new();
    BufReader::new(stream)
        .read_line(&mut line)
        .expect("an answer arrives without the body being sent");
    line.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("status line {line:?}"))
}

#[test]
fn an_unauthenticated_upload_is_refused_before_its_body_is_read() {
    let app = app();
    let sixty_mib = 60 * 1024 * 1024;
    let stream = send_head(&app, "", None, sixty_mib);
    assert_eq!(status_of(&stream), 401);
    let stream = send_head(
        &app,
        "",
        Some("wrong-token-wrong-token-wrong-token"),
        sixty_mib,
    );
    assert_eq!(status_of(&stream), 401);
}

#[test]
fn bodies_over_the_format_cap_are_refused_unread() {
    let app = app();
    let seventeen_mib = 17 * 1024 * 1024;
    for query in ["", "?format=json"] {
        let stream = send_head(&app, query, Some(TOKEN), seventeen_mib);
        assert_eq!(status_of(&stream), 413, "{query}");
    }
    // One hc08 document is at most 5 MiB.
    let stream = send_head(&app, "?format=cda", Some(TOKEN), 6 * 1024 * 1024);
    assert_eq!(status_of(&stream), 413);
}

/// Whatever the server has sent on `stream` so far, without waiting for more.
fn answered_so_far(stream: &TcpStream) -> String {
    use std::io::Read;
    stream.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 512];
    let said = match (&*stream).read(&mut buf) {
        Ok(0) => "closed by the server".to_owned(),
        Ok(n) => String::from_utf8_lossy(&buf[..n]).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => "nothing yet".to_owned(),
        Err(e) => format!("error: {e}"),
    };
    stream.set_nonblocking(false).unwrap();
    said
}

/// Two uploads that have sent their heads and a little of their bodies, then wait.
fn hold_two_uploads(app: &TestApp) -> Vec<TcpStream> {
    (0..2)
        .map(|_| {
            let mut s = send_head(app, "", Some(TOKEN), 1_000);
            s.write_all(b"{\"format_").unwrap();
            s
        })
        .collect()
}

/// Sends small uploads, 50 ms apart, until one is refused with 429; its response head.
fn third_until_refused(app: &TestApp, tries: usize) -> Option<String> {
    for _ in 0..tries {
        let third = send_head(app, "", Some(TOKEN), 2);
        let mut w = &third;
        w.write_all(b"{}").unwrap();
        let mut reader = BufReader::new(&third);
        let mut head = String::new();
        while reader.read_line(&mut head).unwrap() > 2 {}
        if head.starts_with("HTTP/1.1 429") {
            return Some(head);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn a_client_has_at_most_two_uploads_in_flight() {
    let app = app();
    // Two uploads that have sent their heads and a little of their bodies, then wait. The
    // server takes the two slots as it reads their heads; until it has, a third may still pass,
    // so ask until it is refused. A round whose held uploads the server never took (a loaded
    // machine once let 200 thirds through; the panic below says what the held ones were told)
    // is tried again with fresh ones, three rounds at most.
    let mut rounds = Vec::new();
    let (held, head) = loop {
        let held = hold_two_uploads(&app);
        if let Some(head) = third_until_refused(&app, 200) {
            break (held, head);
        }
        let told: Vec<String> = held.iter().map(answered_so_far).collect();
        rounds.push(told);
        assert!(
            rounds.len() < 3,
            "a third upload in flight is refused; the held ones were told {rounds:?}"
        );
    };
    assert!(head.to_ascii_lowercase().contains("retry-after:"), "{head}");
    // The held uploads give their slots back when they end (here: the client hangs up).
    drop(held);
    let mut accepted = false;
    for _ in 0..200 {
        let r = TestApp::agent()
            .post(&app.url("/api/v1/import"))
            .set("Authorization", &format!("Bearer {TOKEN}"))
            .send_bytes(b"{}");
        let status = match r {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(s, _)) => s,
            Err(e) => panic!("{e}"),
        };
        if status != 429 {
            assert_eq!(status, 400, "an empty batch is invalid, but it is read");
            accepted = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(accepted, "slots are given back");
}

#[test]
fn a_scoped_client_imports_only_for_its_insurers() {
    let other = "Zq8xW2nV5rT9yK3mP7sL1dH6gF4jB0cA";
    let mut db = TestDb::new(Backend::Sqlite);
    db.settings.import_clients = Some(
        format!("kyokai@06139992={TOKEN},kokuho@01130012+010017={other}")
            .parse()
            .unwrap(),
    );
    let app = TestApp::spawn_with(db, false);
    let body = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/examples/batch-example.json"),
    )
    .unwrap();
    let post = |token: &str| match TestApp::agent()
        .post(&app.url("/api/v1/import"))
        .set("Authorization", &format!("Bearer {token}"))
        .send_bytes(&body)
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    // The example's people hold cards of 01130012, which kyokai does not issue.
    let r = post(TOKEN);
    assert_eq!(r.status(), 400);
    let json: serde_json::Value = r.into_json().unwrap();
    let message = json["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("01130012"), "{message}");
    assert_eq!(post(other).status(), 201);
}
