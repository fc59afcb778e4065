//! Hardening: the CSRF check compares `Origin` with the configured public origin (not what
//! the request says its host is), the dev sign-in refuses proxied requests, every request
//! keeps the session alive exactly, and responses may not be embedded by other sites.

use crate::helpers::{Backend, TestApp};
use crate::redirects::block_on_db;

fn post_from(app: &TestApp, path: &str, headers: &[(&str, &str)], cookie: Option<&str>) -> u16 {
    let mut req = TestApp::agent().post(&app.url(path));
    for (k, v) in headers {
        req = req.set(k, v);
    }
    if let Some(c) = cookie {
        req = req.set("Cookie", c);
    }
    match req.send_form(&[("person", "demo-sato"), ("lang", "Ja")]) {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r.status(),
        Err(e) => panic!("POST {path}: {e}"),
    }
}

#[test]
fn origin_is_compared_with_the_public_origin_not_the_claimed_host() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    // A request that names the attacker's site as its host, and comes from it.
    for claimed in [
        [
            ("X-Forwarded-Host", "evil.example"),
            ("Origin", "http://evil.example"),
        ],
        [
            ("Forwarded", "host=evil.example"),
            ("Origin", "http://evil.example"),
        ],
    ] {
        assert_eq!(post_from(&app, "/viewing", &claimed, Some(&cookie)), 403);
    }
    // Same host, other port or scheme: another origin.
    let port = app.base.rsplit(':').next().unwrap();
    let other_port = format!("http://127.0.0.1:{}", port.parse::<u16>().unwrap() ^ 1);
    let https = app.base.replace("http://", "https://");
    for origin in [other_port.as_str(), https.as_str()] {
        assert_eq!(
            post_from(&app, "/viewing", &[("Origin", origin)], Some(&cookie)),
            403,
            "{origin}"
        );
    }
    assert_eq!(
        post_from(&app, "/viewing", &[("Origin", &app.base)], Some(&cookie)),
        303
    );
}

#[test]
fn dev_sign_in_refuses_proxied_requests() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    for header in [
        "X-Forwarded-For",
        "X-Forwarded-Host",
        "Forwarded",
        "X-Real-IP",
    ] {
        let headers = [("Origin", app.base.as_str()), (header, "203.0.113.9")];
        assert_eq!(
            post_from(&app, "/auth/dev", &headers, None),
            404,
            "{header}"
        );
        assert_eq!(
            post_from(&app, "/fn/people", &headers, None),
            404,
            "{header}"
        );
    }
    assert_eq!(
        post_from(&app, "/auth/dev", &[("Origin", &app.base)], None),
        303
    );
}

#[test]
fn every_request_moves_the_idle_deadline() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    let earlier = chrono::Utc::now() - chrono::Duration::seconds(30);
    let set = earlier;
    block_on_db(&app, move |pool| async move {
        sqlx::query("UPDATE sessions SET last_seen_at = $1")
            .bind(set)
            .execute(&pool)
            .await
            .unwrap();
    });
    assert_eq!(app.get_with("/drugs", &cookie).status(), 200);
    let seen: chrono::DateTime<chrono::Utc> = block_on_db(&app, |pool| async move {
        sqlx::query_scalar("SELECT last_seen_at FROM sessions")
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert!(
        seen > earlier + chrono::Duration::seconds(29),
        "the request 30 s after the last one counts as activity: {seen} vs {earlier}"
    );
}

/// A burst of requests (a page and its assets) writes the session once: a request within
/// `TOUCH_EVERY` of the last write leaves `last_seen_at` as it was.
#[test]
fn a_burst_of_requests_writes_the_session_once() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    let recent = chrono::Utc::now() - chrono::Duration::seconds(2);
    block_on_db(&app, move |pool| async move {
        sqlx::query("UPDATE sessions SET last_seen_at = $1")
            .bind(recent)
            .execute(&pool)
            .await
            .unwrap();
    });
    for path in ["/drugs", "/style/karte.css", "/api/v1/me/drugs"] {
        assert_eq!(app.get_with(path, &cookie).status(), 200, "{path}");
    }
    let seen: chrono::DateTime<chrono::Utc> = block_on_db(&app, |pool| async move {
        sqlx::query_scalar("SELECT last_seen_at FROM sessions")
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert_eq!(
        seen.timestamp_millis(),
        recent.timestamp_millis(),
        "requests 2 s after the last write do not write again"
    );
}

#[test]
fn responses_may_not_be_embedded_by_other_sites() {
    let app = TestApp::spawn(Backend::Sqlite, false);
    for path in ["/", "/healthz", "/api/v1/me/drugs", "/style/karte.css"] {
        let r = app.get(path);
        assert_eq!(
            r.header("cross-origin-resource-policy"),
            Some("same-origin"),
            "{path}"
        );
    }
}
