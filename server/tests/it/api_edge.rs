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
