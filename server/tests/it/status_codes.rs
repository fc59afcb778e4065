//! Status codes and error bodies: a page answers with the status its content says (404 for a
//! record kind the person on screen may not show, 400 for bad input), server functions and the
//! API answer in their own shapes, and every refusal carries the security headers.

use crate::helpers::{Backend, TestApp, TestDb};
use domain::access::{AccessKind, AccessKinds};

/// Demo data, and sato granting takahashi drugs only.
fn app_with_drug_grant() -> TestApp {
    let tdb = TestDb::new(Backend::Sqlite);
    let today = tdb.settings.today();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let db = tdb.open().await;
            server::demo::load(&db, today).await.unwrap();
            let kinds = AccessKinds::new([AccessKind::Drugs]).unwrap();
            let until = chrono::NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
            assert!(server::records::access::grant(
                &db,
                "demo-sato",
                "demo-takahashi",
                &kinds,
                until
            )
            .await
            .unwrap());
            db.close().await;
        });
    TestApp::spawn_with(tdb, false)
}

#[test]
fn record_pages_answer_404_and_400_like_the_api() {
    let app = app_with_drug_grant();
    let proxy = app.dev_sign_in("demo-takahashi");
    let r = app.view_as(&proxy, "demo-sato");
    assert_eq!(r.status(), 303);
    assert_eq!(app.get_with("/drugs", &proxy).status(), 200);
    for path in ["/checkups", "/expenses", "/deduction"] {
        let r = app.get_with(path, &proxy);
        assert_eq!(r.status(), 404, "{path}");
        let body = r.into_string().unwrap();
        assert!(
            !body.contains("記録を見るにはサインインしてください"),
            "{path}: a signed-in person is not asked to sign in"
        );
    }
    assert_eq!(app.get_with("/api/v1/me/checkups", &proxy).status(), 404);

    let sato = app.dev_sign_in("demo-sato");
    for path in [
        "/drugs?from=2025-13&to=2026-01",
        "/expenses?from=2026-06&to=2026-01",
        "/export?to=9999-12",
        "/deduction?year=99999",
    ] {
        let r = app.get_with(path, &sato);
        assert_eq!(r.status(), 400, "{path}");
        let body = r.into_string().unwrap();
        assert!(
            body.contains("data-testid=\"error-detail\""),
            "{path}: says why"
        );
    }
}

#[test]
fn server_functions_and_the_api_answer_in_their_own_shapes() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    // Keep-alive with no session: 401, not a 500 "NotFound".
    let r = app.post_form("/fn/keep-alive", &[], None);
    assert_eq!(r.status(), 401);
    let cookie = app.dev_sign_in("demo-sato");
    assert_eq!(
        app.post_form("/fn/keep-alive", &[], Some(&cookie)).status(),
        200
    );
    // An unknown server function, or a known one with the wrong method: a plain 404.
    for r in [
        app.post_form("/fn/no-such-function", &[], Some(&cookie)),
        app.get_with("/fn/keep-alive", &cookie),
    ] {
        assert_eq!(r.status(), 404);
        let body = r.into_string().unwrap();
        assert!(!body.contains("server function at the route"), "{body}");
    }
    // A query the API cannot read: problem JSON, like every other API error.
    let r = app.get_with("/api/v1/me/drugs?limit=many", &cookie);
    assert_eq!(r.status(), 400);
    assert_eq!(r.content_type(), "application/json");
    let body: serde_json::Value = r.into_json().unwrap();
    assert_eq!(body["error"]["code"], "bad_query");
    // The account pages know the "unavailable" their forms redirect with.
    for path in ["/proxies?error=unavailable", "/access?error=unavailable"] {
        let body = app.page(path, &cookie);
        assert!(
            body.contains("ただいま情報を読み込めません"),
            "{path} says what went wrong"
        );
    }
}

#[test]
fn total_income_refuses_negative_and_absurd_amounts() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-tanaka-hiroshi");
    for bad in ["-1", "9223372036854775807", "1000000000001"] {
        let r = app.post_form(
            "/deduction/2025/edit",
            &[("op", "income"), ("income", bad)],
            Some(&cookie),
        );
        assert_eq!(
            r.header("location"),
            Some("/deduction?year=2025&error=amount"),
            "{bad}"
        );
    }
    let r = app.post_form(
        "/deduction/2025/edit",
        &[("op", "income"), ("income", "1000000000000")],
        Some(&cookie),
    );
    assert_eq!(r.header("location"), Some("/deduction?year=2025&ok=saved"));
}

#[test]
fn refusals_carry_the_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    let cross = TestApp::agent()
        .post(&app.url("/viewing"))
        .set("Origin", "http://evil.example")
        .set("Cookie", &cookie)
        .send_form(&[("person", "demo-sato")]);
    let Err(ureq::Error::Status(403, r)) = cross else {
        panic!("cross-origin post must be refused");
    };
    for header in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "cache-control",
        "x-request-id",
    ] {
        assert!(r.header(header).is_some(), "403 lacks {header}");
    }
    let r = app.post_form("/fn/no-such-function", &[], None);
    assert!(r.header("x-content-type-options").is_some());
}
