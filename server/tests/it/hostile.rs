//! Hostile input on every route: each request gets an answer (no dropped connection, no 5xx),
//! and the API refuses what it cannot serve with a 4xx.

use crate::helpers::{status_of, Backend, TestApp, API_ROUTES};
use base64::Engine as _;

/// Query strings that once dropped the connection or that sit at the edges of what we parse.
pub fn hostile_queries() -> Vec<String> {
    let cursor = |raw: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    vec![
        "to=9999-12".into(),
        "from=9999-12&to=9999-12".into(),
        "from=9999-12-31&to=9999-12-31".into(),
        "from=0001-01-01".into(),
        "from=0001-01-01&to=0001-02-01".into(),
        "from=1899-12&to=1900-01".into(),
        "from=1900-01&to=9999-10".into(),
        "from=2025-02-30".into(),
        "from=%00&to=%0A".into(),
        "preset=%E2%80%AE".into(),
        format!("cursor={}&limit=2000", cursor(&format!("o:{}", usize::MAX))),
        format!("cursor={}", cursor(&format!("o:{}", usize::MAX - 1))),
        "cursor=o:1&limit=99999999999999999999999".into(),
        "year=99999".into(),
        "year=-1".into(),
        "household=%FF".into(),
        "q=%F0%9F%92%A5%00".into(),
    ]
}

fn send(app: &TestApp, method: &str, path: &str, cookie: &str) -> Result<u16, String> {
    let agent = TestApp::agent();
    let req = agent
        .request(method, &app.url(path))
        .set("Cookie", cookie)
        .set("Origin", &app.base);
    let result = if method == "GET" {
        req.call()
    } else {
        req.send_form(&[("lang", "Ja")])
    };
    status_of(result, &format!("{method} {path}"))
}

#[test]
fn every_route_answers_hostile_queries_without_dropping_the_connection() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    let mut routes = server::startup::app_routes();
    let api = API_ROUTES;
    for path in api
        .iter()
        .chain(&["/lang", "/auth/login", "/auth/callback"])
    {
        routes.push((path.to_string(), "GET".to_owned()));
    }
    // The form posts (sign-out last would end the session; it is left out).
    for path in [
        "/viewing",
        "/proxies",
        "/deduction/2025/edit",
        "/own/edit",
        "/auth/link",
    ] {
        routes.push((path.to_owned(), "POST".to_owned()));
    }
    let mut failures = Vec::new();
    for (path, method) in &routes {
        for query in hostile_queries() {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = format!("{path}{sep}{query}");
            match send(&app, method, &url, &cookie) {
                Ok(status) if status >= 500 => failures.push(format!("{method} {url}: {status}")),
                Ok(_) => {}
                Err(e) => failures.push(e),
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // The API refuses periods it cannot serve, with problem JSON saying why.
    for path in api.iter().filter(|p| {
        !p.contains("deduction") && !p.contains("checkups") && !p.contains("own-entries")
    }) {
        for query in ["to=9999-12", "from=0001-01-01", "from=1900-01&to=9999-10"] {
            let r = app.get_with(&format!("{path}?{query}"), &cookie);
            assert_eq!(r.status(), 400, "{path}?{query}");
        }
    }
    let crafted =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{}", usize::MAX));
    let r = app.get_with(
        &format!("/api/v1/me/drugs?cursor={crafted}&limit=2000"),
        &cookie,
    );
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.into_json().unwrap();
    assert_eq!(body["error"]["code"], "bad_cursor");
}
