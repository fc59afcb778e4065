//! The form posts' edge (`auth::extract`): a post without a session answers 303 to the sign-in
//! page from its headers alone — the body it announces is never waited for (before, the form
//! was read first: 413 for a big body, and a slow one held the connection).

use crate::helpers::{Backend, TestApp};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Every form post of the site, with an id or year where its path has one.
const FORM_POSTS: &[&str] = &[
    "/viewing",
    "/proxies",
    "/proxies/accept",
    "/proxies/invitations/1/cancel",
    "/proxies/1/revoke",
    "/access/1/report",
    "/deduction/2025/edit",
    "/auth/link",
    "/auth/unlink",
];

/// Sends the head of a same-origin form post announcing 60 MiB, and no body; the answer's head.
fn post_head_only(app: &TestApp, path: &str, cookie: Option<&str>) -> String {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    // A guard against hanging if the server waited for the body; not a timing check.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\n{cookie}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        app.base,
        60 * 1024 * 1024
    )
    .unwrap();
    stream.flush().unwrap();
    let mut reader = BufReader::new(&stream);
    let mut head = String::new();
    while reader
        .read_line(&mut head)
        .expect("an answer arrives without the body being sent")
        > 2
    {}
    head
}

fn location_of(head: &str) -> Option<&str> {
    head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("location").then(|| value.trim())
    })
}

#[test]
fn anonymous_form_posts_go_to_sign_in_unread() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    for path in FORM_POSTS {
        let head = post_head_only(&app, path, None);
        assert!(head.starts_with("HTTP/1.1 303"), "{path}: {head}");
        assert_eq!(location_of(&head), Some("/signin"), "{path}");
    }
}
