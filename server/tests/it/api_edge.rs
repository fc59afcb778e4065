//! The typed HTTP edge: every API refusal is `{"error": {"code", "message"}}` with its status
//! and the security headers, whatever refused it (the `SignedIn` extractor, a handler's
//! `ApiError`, the scope's unknown-path answer); the four PDF kinds share one route.

use crate::helpers::{Backend, TestApp, API_ROUTES};

fn problem(r: ureq::Response) -> (u16, serde_json::Value) {
    let status = r.status();
    for header in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "x-request-id",
    ] {
        assert!(r.header(header).is_some(), "{status} lacks {header}");
    }
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.content_type(), "application/json");
    (status, r.into_json().unwrap())
}

#[test]
fn signed_out_api_requests_get_401_problem_json_with_the_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    for path in API_ROUTES {
        let (status, body) = problem(app.get(path));
        assert_eq!(status, 401, "{path}");
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": "unauthorized", "message": "sign in first"}}),
            "{path}"
        );
    }
}

#[test]
fn unknown_api_paths_and_pdf_kinds_answer_the_same_404_json() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    let (status, unknown) = problem(app.get_with("/api/v1/no/such/path", &cookie));
    assert_eq!(status, 404);
    assert_eq!(unknown["error"]["code"], "not_found");
    for path in ["/api/v1/me/prescriptions/pdf", "/api/v1/me/nope/pdf"] {
        // Signed in or not: an unknown kind is an unknown path.
        for r in [app.get_with(path, &cookie), app.get(path)] {
            let (status, body) = problem(r);
            assert_eq!(status, 404, "{path}");
            assert_eq!(body, unknown, "{path}");
        }
    }
    // `/me/deduction/pdf` is still the deduction export's (no year): its own 404.
    let (status, body) = problem(app.get_with("/api/v1/me/deduction/pdf", &cookie));
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    assert_ne!(body, unknown);
}

#[test]
fn one_pdf_route_serves_the_four_kinds() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    for kind in ["drugs", "checkups", "expenses", "report"] {
        let r = app.get_with(
            &format!("/api/v1/me/{kind}/pdf?from=2025-01&to=2025-12"),
            &cookie,
        );
        assert_eq!(r.status(), 200, "{kind}");
        assert_eq!(r.content_type(), "application/pdf");
        let disposition = r.header("content-disposition").unwrap_or("").to_owned();
        assert!(
            disposition.starts_with("attachment")
                && disposition.contains(&format!("karte-{kind}-")),
            "{kind}: {disposition}"
        );
    }
    // Checkups have no period: their query string is not read (as before the merge).
    assert_eq!(
        app.get_with("/api/v1/me/checkups/pdf?to=9999-12&to=x", &cookie)
            .status(),
        200
    );
    // The others refuse a period they cannot serve, with problem JSON.
    for kind in ["drugs", "expenses", "report"] {
        let r = app.get_with(&format!("/api/v1/me/{kind}/pdf?to=9999-12"), &cookie);
        let (status, body) = problem(r);
        assert_eq!(status, 400, "{kind}");
        assert_eq!(body["error"]["code"], "bad_input");
    }
}

/// A documented path asked with a method the document does not list is a 405 naming the
/// methods it does (`Allow`), as problem JSON — signed in or not, with or without an
/// `Origin` (no handler runs, so there is nothing for the CSRF check to guard). Undocumented
/// paths are not affected: still refused by the CSRF check, else 404.
#[test]
fn a_known_api_path_with_an_unlisted_method_is_405_with_allow() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    let call = |method: &str, path: &str, cookie: Option<&str>| {
        let mut req = TestApp::agent().request(method, &app.url(path));
        if let Some(c) = cookie {
            req = req.set("Cookie", c);
        }
        match req.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        }
    };
    for (method, path, allow) in [
        ("TRACE", "/api/v1/import", "POST"),
        ("GET", "/api/v1/import", "POST"),
        ("PUT", "/api/v1/import", "POST"),
        ("DELETE", "/api/v1/me/drugs", "GET"),
        ("POST", "/api/v1/me/checkups", "GET"),
        ("PATCH", "/api/v1/me/expenses", "GET"),
        ("TRACE", "/api/v1/me/drugs/pdf", "GET"),
        ("POST", "/api/v1/me/report/pdf", "GET"),
        ("PUT", "/api/v1/me/deduction/2025.xlsx", "GET"),
        ("DELETE", "/api/v1/me/deduction/2025.csv", "GET"),
        ("POST", "/api/v1/openapi.json", "GET"),
    ] {
        for cookie in [None, Some(cookie.as_str())] {
            let r = call(method, path, cookie);
            assert_eq!(r.header("allow"), Some(allow), "{method} {path}");
            let (status, body) = problem(r);
            assert_eq!(status, 405, "{method} {path}");
            assert_eq!(
                body["error"]["code"], "method_not_allowed",
                "{method} {path}"
            );
        }
    }
    for (method, path) in [
        ("DELETE", "/api/v1/no/such/path"),
        ("POST", "/api/v1/me/nope/pdf"),
        ("TRACE", "/api/v1/me"),
    ] {
        // Signed out and without an Origin: the CSRF check refuses these (403) before any
        // route is looked up; from the page's origin they are the API's 404.
        let r = call(method, path, None);
        assert_eq!(r.status(), 403, "{method} {path}");
        assert!(r.header("allow").is_none(), "{method} {path}");
        let r = match TestApp::agent()
            .request(method, &app.url(path))
            .set("Origin", &app.url(""))
            .call()
        {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        assert!(r.header("allow").is_none(), "{method} {path}");
        let (status, body) = problem(r);
        assert_eq!(status, 404, "{method} {path}");
        assert_eq!(body["error"]["code"], "not_found", "{method} {path}");
    }
    // The methods the document lists still reach their handlers.
    assert_eq!(call("GET", "/api/v1/me/drugs", Some(&cookie)).status(), 200);
    assert_eq!(call("GET", "/api/v1/openapi.json", None).status(), 200);
}

/// The API reads its parameters exactly as the OpenAPI document writes them (the pages stay
/// lenient for people typing URLs): a period bound is `YYYY-MM` (or `YYYY-MM-DD` where the
/// operation takes days), `limit` is 1–2000, a deduction year is four ASCII digits and
/// `household` one of its six words. Anything else is a 400 naming the parameter — never
/// read as something close to it.
#[test]
fn api_parameters_outside_the_document_are_400_not_read_leniently() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    for (path, names) in [
        ("/api/v1/me/drugs?from=2025-1", "from"),
        ("/api/v1/me/drugs?to=202501", "to"),
        ("/api/v1/me/drugs?from=%202025-01", "from"),
        ("/api/v1/me/drugs?from=2025-01-5", "from"),
        ("/api/v1/me/expenses?from=2025-01-05", "from"),
        ("/api/v1/me/expenses?to=2025-01%20", "to"),
        ("/api/v1/me/drugs/pdf?from=2025-01-05", "from"),
        ("/api/v1/me/report/pdf?to=2025-1", "to"),
        ("/api/v1/me/drugs?limit=0", "limit"),
        ("/api/v1/me/drugs?limit=2001", "limit"),
        (
            "/api/v1/me/deduction/%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95.csv",
            "year",
        ),
        ("/api/v1/me/deduction/%202025.xlsx", "year"),
        ("/api/v1/me/expenses?household=yes", "household"),
    ] {
        let (status, body, _) = app.api(path, &cookie);
        assert_eq!(status, 400, "{path}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(names), "{path}: {message}");
    }
    // The exact forms are read.
    for path in [
        "/api/v1/me/drugs?from=2025-01&to=2025-03-31&limit=2000",
        "/api/v1/me/drugs?limit=1",
        "/api/v1/me/expenses?from=2025-01&to=2025-12&household=true",
        "/api/v1/me/deduction/2025.csv",
    ] {
        let r = app.get_with(path, &cookie);
        assert_eq!(r.status(), 200, "{path}");
    }
}
