//! `POST /api/v1/import` over real HTTP: credentials, one batch per body, idempotency,
//! clear 400s that write nothing.

use crate::helpers::{Backend, TestApp};
use std::path::PathBuf;

const TOKEN: &str = "test-import-token-0123456789abcdefghij";

fn repo_file(rel: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(rel),
    )
    .unwrap()
}

fn app(backend: Backend) -> TestApp {
    TestApp::builder(backend)
        .settings(|s| s.import_clients = Some(format!("test-insurer={TOKEN}").parse().unwrap()))
        .spawn()
}

fn post(app: &TestApp, query: &str, token: Option<&str>, body: &[u8]) -> ureq::Response {
    let mut req = TestApp::agent().post(&app.url(&format!("/api/v1/import{query}")));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    match req.send_bytes(body) {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    }
}

fn people_count(app: &TestApp) -> usize {
    let r = app.post_form("/fn/people", &[("lang", "Ja")], None);
    assert_eq!(r.status(), 200);
    let json: serde_json::Value = r.into_json().unwrap();
    json["people"].as_array().unwrap().len()
}

fn import_flow(backend: Backend) {
    let app = app(backend);
    let body = repo_file("docs/examples/batch-example.json");

    let r = post(&app, "", None, &body);
    assert_eq!(r.status(), 401);
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    assert_eq!(
        post(&app, "", Some("wrong-token-wrong-token-wrong-token"), &body).status(),
        401
    );
    assert_eq!(
        people_count(&app),
        0,
        "nothing imported without credentials"
    );

    let r = post(&app, "", Some(TOKEN), &body);
    assert_eq!(r.status(), 201);
    let json: serde_json::Value = r.into_json().unwrap();
    assert_eq!(json["status"], "imported");
    assert_eq!(json["format"], "json");
    assert!(json["lines"].as_u64().unwrap() >= 5);
    assert_eq!(people_count(&app), 1);
    // The person sees the import in their access history, by the client that made it.
    let person = json["people"][0].as_str().unwrap().to_owned();
    let cookie = app.dev_sign_in(&person);
    let history = app.page("/access", &cookie);
    assert!(
        history.contains("data-action=\"import\""),
        "import not in the access history"
    );
    assert!(history.contains("test-insurer"));

    let r = post(&app, "", Some(TOKEN), &body);
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.into_json::<serde_json::Value>().unwrap()["status"],
        "already_imported"
    );
    assert_eq!(people_count(&app), 1);
}

crate::both_backends!(fn import_flow as import_api_on);

#[test]
fn a_bad_batch_is_refused_with_its_location_and_writes_nothing() {
    let app = app(Backend::Sqlite);
    let bad = repo_file("server/tests/fixtures/import/bad-mynaportal-amount.csv");
    let r = post(&app, "?format=mynaportal-csv", Some(TOKEN), &bad);
    assert_eq!(r.status(), 400);
    let json: serde_json::Value = r.into_json().unwrap();
    assert_eq!(json["error"]["code"], "invalid_batch");
    let message = json["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("upload:"), "{message}");
    assert!(
        message.contains("（円）"),
        "the message names the field: {message}"
    );
    assert_eq!(people_count(&app), 0);

    let r = post(&app, "", Some(TOKEN), b"this is not any known format");
    assert_eq!(r.status(), 400);
    let broken_json = br#"{"format_version": 1, "batch_id": "x", "people": [ }"#;
    let r = post(&app, "?format=json", Some(TOKEN), broken_json);
    assert_eq!(r.status(), 400);
    let message = r.into_json::<serde_json::Value>().unwrap()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("upload:1"),
        "syntax errors carry the line: {message}"
    );
}
