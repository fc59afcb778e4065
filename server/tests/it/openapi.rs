//! The OpenAPI document is generated from the handlers and types (utoipa); the server serves
//! exactly the checked-in `docs/openapi.json`. After an API change, regenerate the copy with
//! `KARTE_WRITE_OPENAPI=1 cargo test -p server --test it openapi` and commit it.

use crate::helpers::{Backend, TestApp};

fn checked_in_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json")
}

#[test]
fn the_served_openapi_document_is_the_checked_in_copy() {
    let generated = server::api::openapi::document();
    if std::env::var_os("KARTE_WRITE_OPENAPI").is_some() {
        std::fs::write(checked_in_path(), generated).unwrap();
    }
    let app = TestApp::spawn(Backend::Sqlite, false);
    let r = app.get("/api/v1/openapi.json");
    assert_eq!(r.status(), 200);
    assert_eq!(r.content_type(), "application/json");
    let served = r.into_string().unwrap();
    assert_eq!(served, generated);
    let checked_in = std::fs::read_to_string(checked_in_path()).unwrap();
    assert!(
        served == checked_in,
        "docs/openapi.json is stale: regenerate it with \
         `KARTE_WRITE_OPENAPI=1 cargo test -p server --test it openapi` and commit it"
    );
}

#[test]
fn every_route_and_status_of_the_api_is_documented() {
    let doc: serde_json::Value = serde_json::from_str(server::api::openapi::document()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let expect: &[(&str, &str, &[&str])] = &[
        ("/me/drugs", "get", &["200", "400", "401", "404"]),
        ("/me/checkups", "get", &["200", "401", "404"]),
        ("/me/expenses", "get", &["200", "400", "401", "404"]),
        (
            "/me/deduction/{year}.xlsx",
            "get",
            &["200", "400", "401", "404", "422"],
        ),
        (
            "/me/deduction/{year}.csv",
            "get",
            &["200", "400", "401", "404"],
        ),
        (
            "/me/deduction/{year}.pdf",
            "get",
            &["200", "400", "401", "404"],
        ),
        ("/me/drugs/pdf", "get", &["200", "400", "401", "404"]),
        ("/me/checkups/pdf", "get", &["200", "401", "404"]),
        ("/me/expenses/pdf", "get", &["200", "400", "401", "404"]),
        ("/me/report/pdf", "get", &["200", "400", "401", "404"]),
        (
            "/import",
            "post",
            &["200", "201", "400", "401", "413", "429"],
        ),
    ];
    for (path, method, statuses) in expect {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path}");
        for s in *statuses {
            assert!(op["responses"][s].is_object(), "{method} {path} {s}");
        }
    }
    // The schemas the answers are built from, under the names the old document used.
    for schema in [
        "Error",
        "DrugLine",
        "ExpenseLine",
        "ExpenseTotals",
        "CheckupColumn",
        "CheckupItem",
        "CheckupCell",
        "InsurerCheckupStatus",
        "Decimal",
        "Band",
        "Limit",
        "Yen",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["name"], "__Host-karte_session");
    assert_eq!(schemes["importClient"]["scheme"], "bearer");
}
