//! The FHIR API over real HTTP on both backends: the resources a session reads (JP Core
//! profiles, identifier and code systems, period and category filters, OperationOutcome for
//! every refusal), the proxy rule of the pages, and the app tokens a person issues on the
//! proxies page — scoped by kind, refused outside /me/fhir, in the URL, once revoked or
//! expired, with another person's session beside them, and after too many failed guesses.

use crate::helpers::{Backend, TestApp, TestDb};
use serde_json::Value;

const FHIR: &str = "application/fhir+json";

/// Status, body and content type of a GET with optional cookie and bearer token.
fn get(app: &TestApp, path: &str, cookie: Option<&str>, token: Option<&str>) -> (u16, Value) {
    let mut req = TestApp::agent().get(&app.url(path));
    if let Some(c) = cookie {
        req = req.set("Cookie", c);
    }
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let r = match req.call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("GET {path}: {e}"),
    };
    let status = r.status();
    assert_eq!(r.content_type(), FHIR, "{path} ({status})");
    if path.contains("/me/") {
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    (status, r.into_json().unwrap())
}

/// The OperationOutcome's first issue: (code, diagnostics, expression).
fn issue(body: &Value) -> (String, String, Option<String>) {
    assert_eq!(body["resourceType"], "OperationOutcome", "{body}");
    let i = &body["issue"][0];
    assert_eq!(i["severity"], "error");
    (
        i["code"].as_str().unwrap().to_owned(),
        i["diagnostics"].as_str().unwrap().to_owned(),
        i["expression"][0].as_str().map(str::to_owned),
    )
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn profile(r: &Value) -> &str {
    r["meta"]["profile"][0].as_str().unwrap_or_default()
}

/// Every reference in the Bundle points at one of its entries.
fn references_resolve(bundle: &Value) {
    let urls: Vec<&str> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("reference") {
                    out.push(r);
                }
                m.values().for_each(|v| walk(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut refs = Vec::new();
    walk(bundle, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        assert!(urls.contains(&r), "dangling reference {r}");
    }
}

/// An end date a month after the server's today (tokens last at most a year).
fn soon(app: &TestApp) -> String {
    (app.settings().today() + chrono::Days::new(30)).to_string()
}

/// Issues an app token on the proxies page as a person does; returns the token the page
/// shows once.
pub fn issue_token(app: &TestApp, cookie: &str, name: &str, kinds: &[&str], until: &str) -> String {
    let mut form = vec![("app_name", name), ("until", until)];
    form.extend(kinds.iter().map(|k| ("kinds", *k)));
    let r = app.post_form("/proxies/apps", &form, Some(cookie));
    assert_eq!(r.status(), 303);
    assert_eq!(r.header("location"), Some("/proxies?ok=app_issued"));
    let set = r.header("set-cookie").expect("the new token's cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("Max-Age=120"),
        "{set}"
    );
    let pair = set.split(';').next().unwrap();
    let token = pair.split_once('=').unwrap().1.to_owned();
    assert!(token.starts_with("karte_app_"));
    // The page shows it once, and its answer removes the cookie.
    let got = TestApp::agent()
        .get(&app.url("/proxies?ok=app_issued"))
        .set("Cookie", &format!("{cookie}; {pair}"))
        .call()
        .unwrap();
    let removal = got
        .all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("__Host-karte_new_app_token="))
        .map(str::to_owned);
    let html = got.into_string().unwrap();
    assert!(html.contains(&token), "the page shows the token");
    assert!(
        removal.is_some_and(|c| c.contains("Max-Age=0")),
        "the page removes the cookie"
    );
    token
}

fn resources_for_a_session(backend: Backend) {
    let app = TestApp::spawn(backend, true);
    let (status, cap) = get(&app, "/api/v1/fhir/metadata", None, None);
    assert_eq!(status, 200);
    assert_eq!(cap["resourceType"], "CapabilityStatement");
    assert_eq!(cap["fhirVersion"], "4.0.1");

    for path in [
        "/api/v1/me/fhir/Patient",
        "/api/v1/me/fhir/MedicationDispense",
        "/api/v1/me/fhir/Observation",
        "/api/v1/me/fhir/ExplanationOfBenefit",
        "/api/v1/me/fhir/$everything",
    ] {
        let (status, body) = get(&app, path, None, None);
        assert_eq!(status, 401, "{path}");
        assert_eq!(issue(&body).0, "login");
    }

    let sato = app.dev_sign_in("demo-sato");
    let (status, b) = get(&app, "/api/v1/me/fhir/Patient", Some(&sato), None);
    assert_eq!(status, 200);
    assert_eq!(b["type"], "searchset");
    assert_eq!(b["total"], 1);
    let patient = resources(&b, "Patient")[0];
    assert_eq!(
        profile(patient),
        "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient"
    );
    let ids = patient["identifier"].as_array().unwrap();
    assert!(ids.iter().any(|i| i["system"]
        == "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID"
        && i["value"].as_str().unwrap().split(':').count() == 4));
    assert!(ids.iter().any(
        |i| i["system"] == "https://karte.example.jp/fhir/sid/user-id" && i["value"] == "demo-sato"
    ));
    let coverage = resources(&b, "Coverage")[0];
    assert_eq!(
        profile(coverage),
        "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Coverage"
    );
    references_resolve(&b);

    // The drug history of 2025, the same lines as the JSON API's.
    let (status, b) = get(
        &app,
        "/api/v1/me/fhir/MedicationDispense?date=ge2025-01-01&date=le2025-12-31",
        Some(&sato),
        None,
    );
    assert_eq!(status, 200);
    let dispenses = resources(&b, "MedicationDispense");
    let (_, lines, _) = app.api(
        "/api/v1/me/drugs?from=2025-01-01&to=2025-12-31&limit=2000",
        &sato,
    );
    assert_eq!(dispenses.len(), lines["lines"].as_array().unwrap().len());
    assert!(!dispenses.is_empty());
    assert_eq!(b["total"].as_u64().unwrap() as usize, dispenses.len());
    for d in &dispenses {
        assert_eq!(
            profile(d),
            "http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationDispense"
        );
        assert!(d["whenHandedOver"].as_str().unwrap().starts_with("2025-"));
        let systems: Vec<&str> = d["identifier"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["system"].as_str().unwrap())
            .collect();
        assert_eq!(
            systems,
            [
                "http://jpfhir.jp/fhir/core/mhlw/IdSystem/Medication-RPGroupNumber",
                "http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicationAdministrationIndex"
            ]
        );
        assert!(d["quantity"]["value"].is_number() && d["quantity"]["code"].is_string());
    }
    assert!(dispenses
        .iter()
        .any(|d| d["medicationCodeableConcept"]["coding"]
            .as_array()
            .is_some_and(|c| c
                .iter()
                .any(|c| c["system"] == "urn:oid:1.2.392.100495.20.2.71"))));
    references_resolve(&b);
    // A month bound covers the month.
    let (_, may) = get(
        &app,
        "/api/v1/me/fhir/MedicationDispense?date=ge2025-05&date=le2025-05",
        Some(&sato),
        None,
    );
    assert!(resources(&may, "MedicationDispense")
        .iter()
        .all(|d| d["whenHandedOver"].as_str().unwrap().starts_with("2025-05")));

    // Bad parameters: 400 naming them.
    for (path, param) in [
        ("/api/v1/me/fhir/MedicationDispense?date=yesterday", "date"),
        (
            "/api/v1/me/fhir/MedicationDispense?date=ge2025-06-01&date=le2025-01-01",
            "date",
        ),
        (
            "/api/v1/me/fhir/MedicationDispense?date=ge2020-01-01&date=le2025-12-31",
            "date",
        ),
        ("/api/v1/me/fhir/Observation?category=blood", "category"),
        ("/api/v1/me/fhir/Patient?_id=demo-takahashi", "query"),
        ("/api/v1/me/fhir/Patient?access_token=x", "access_token"),
    ] {
        let (status, body) = get(&app, path, Some(&sato), None);
        assert_eq!(status, 400, "{path}");
        let (code, _, expression) = issue(&body);
        assert_eq!(code, "invalid");
        assert_eq!(expression.as_deref(), Some(param), "{path}");
    }

    // Checkups: one category at a time, coded with the 特定健診 item codes.
    let (status, all) = get(&app, "/api/v1/me/fhir/Observation", Some(&sato), None);
    assert_eq!(status, 200);
    let every = resources(&all, "Observation");
    assert!(!every.is_empty());
    for o in &every {
        assert_eq!(
            o["code"]["coding"][0]["system"],
            "urn:oid:1.2.392.200119.6.1005"
        );
    }
    let (_, lab) = get(
        &app,
        "/api/v1/me/fhir/Observation?category=laboratory",
        Some(&sato),
        None,
    );
    let lab = resources(&lab, "Observation");
    assert!(!lab.is_empty() && lab.len() < every.len());
    assert!(lab
        .iter()
        .all(|o| o["category"][0]["coding"][0]["code"] == "laboratory"));
    let (_, body) = get(
        &app,
        "/api/v1/me/fhir/Observation?category=body-measurement",
        Some(&sato),
        None,
    );
    assert!(resources(&body, "Observation").iter().all(|o| profile(o)
        == "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_BodyMeasurement"));

    // Notices.
    let (status, eob) = get(
        &app,
        "/api/v1/me/fhir/ExplanationOfBenefit",
        Some(&sato),
        None,
    );
    assert_eq!(status, 200);
    let notices = resources(&eob, "ExplanationOfBenefit");
    assert!(!notices.is_empty());
    for n in &notices {
        assert_eq!(n["total"][0]["amount"]["currency"], "JPY");
        assert_eq!(n["outcome"], "complete");
    }
    references_resolve(&eob);

    // Everything: one collection, Patient first.
    let (status, all) = get(&app, "/api/v1/me/fhir/$everything", Some(&sato), None);
    assert_eq!(status, 200);
    assert_eq!(all["type"], "collection");
    assert_eq!(all["entry"][0]["resource"]["resourceType"], "Patient");
    for kind in ["MedicationDispense", "Observation", "ExplanationOfBenefit"] {
        assert!(!resources(&all, kind).is_empty(), "{kind}");
    }
    references_resolve(&all);

    // Each read is in the access history, marked as FHIR.
    let history = app.page("/access", &sato);
    assert!(history.contains("FHIR（連携アプリ）経由"));
}
crate::both_backends!(fn resources_for_a_session);

fn proxies_read_what_they_were_granted(backend: Backend) {
    let app = TestApp::spawn(backend, true);
    let sato = app.dev_sign_in("demo-sato");
    let proxy = app.dev_sign_in("demo-takahashi");
    app.grant(&sato, &proxy, &["drugs"], "2099-12-31");
    app.view_as(&proxy, "demo-sato");
    let (status, b) = get(
        &app,
        "/api/v1/me/fhir/MedicationDispense",
        Some(&proxy),
        None,
    );
    assert_eq!(status, 200);
    let patient = resources(&b, "Patient")[0];
    assert!(patient["identifier"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["value"] == "demo-sato"));
    // Not granted: 404 (never 403 for a session: existence is not confirmed).
    let (status, body) = get(&app, "/api/v1/me/fhir/Observation", Some(&proxy), None);
    assert_eq!(status, 404);
    assert_eq!(issue(&body).0, "not-found");
    let (status, all) = get(&app, "/api/v1/me/fhir/$everything", Some(&proxy), None);
    assert_eq!(status, 200);
    assert!(resources(&all, "Observation").is_empty());
    assert!(resources(&all, "ExplanationOfBenefit").is_empty());
    assert!(!resources(&all, "MedicationDispense").is_empty());
}
crate::both_backends!(fn proxies_read_what_they_were_granted);

fn app_tokens_are_scoped_revocable_and_logged(backend: Backend) {
    let app = TestApp::spawn(backend, true);
    let sato = app.dev_sign_in("demo-sato");
    let until = soon(&app);
    let token = issue_token(&app, &sato, "お薬アプリ", &["drugs"], &until);
    let t = Some(token.as_str());

    let (status, b) = get(&app, "/api/v1/me/fhir/MedicationDispense", None, t);
    assert_eq!(status, 200);
    assert!(!resources(&b, "MedicationDispense").is_empty());
    let (status, _) = get(&app, "/api/v1/me/fhir/Patient", None, t);
    assert_eq!(status, 200);
    // Checkups and notices: 403 OperationOutcome.
    for path in [
        "/api/v1/me/fhir/Observation",
        "/api/v1/me/fhir/ExplanationOfBenefit",
    ] {
        let (status, body) = get(&app, path, None, t);
        assert_eq!(status, 403, "{path}");
        assert_eq!(issue(&body).0, "forbidden");
    }
    let (_, all) = get(&app, "/api/v1/me/fhir/$everything", None, t);
    assert!(resources(&all, "Observation").is_empty());
    assert!(resources(&all, "ExplanationOfBenefit").is_empty());

    // Another person's session beside the token changes nothing: the token's person is read.
    let takahashi = app.dev_sign_in("demo-takahashi");
    let (_, b) = get(&app, "/api/v1/me/fhir/Patient", Some(&takahashi), t);
    assert!(resources(&b, "Patient")[0]["identifier"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["value"] == "demo-sato"));

    // Only the FHIR paths take it: elsewhere it is no sign-in at all.
    for path in ["/api/v1/me/drugs", "/api/v1/me/drugs/pdf"] {
        let r = match TestApp::agent()
            .get(&app.url(path))
            .set("Authorization", &format!("Bearer {token}"))
            .call()
        {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(r.status(), 401, "{path}");
    }
    let r = TestApp::agent()
        .get(&app.url("/proxies"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    assert!(!r.into_string().unwrap().contains("apps-table"));
    // Never in the URL.
    let (status, body) = get(
        &app,
        &format!("/api/v1/me/fhir/MedicationDispense?access_token={token}"),
        None,
        None,
    );
    assert_eq!(status, 400);
    assert_eq!(issue(&body).2.as_deref(), Some("access_token"));

    // Listed on the proxies page; each use in the access history with the app's name.
    let page = app.page("/proxies", &sato);
    assert!(page.contains("apps-table") && page.contains("お薬アプリ"));
    assert!(!page.contains(&token), "shown once only");
    let history = app.page("/access", &sato);
    assert!(history.contains("お薬アプリ"));

    // Revoked: 401 at once. Someone else cannot revoke it.
    let r = app.post_form("/proxies/apps/1/revoke", &[], Some(&takahashi));
    assert_eq!(r.header("location"), Some("/proxies"));
    let (status, _) = get(&app, "/api/v1/me/fhir/Patient", None, t);
    assert_eq!(status, 200, "still valid after someone else's attempt");
    let id = page
        .split("action=\"/proxies/apps/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_owned();
    let r = app.post_form(&format!("/proxies/apps/{id}/revoke"), &[], Some(&sato));
    assert_eq!(r.header("location"), Some("/proxies?ok=app_revoked"));
    let (status, body) = get(&app, "/api/v1/me/fhir/MedicationDispense", None, t);
    assert_eq!(status, 401);
    assert_eq!(issue(&body).0, "login");

    // The issue and revoke forms are behind the CSRF check.
    let r = match TestApp::agent()
        .post(&app.url("/proxies/apps"))
        .set("Cookie", &sato)
        .set("Origin", "https://evil.example")
        .send_form(&[("app_name", "x"), ("kinds", "drugs"), ("until", &until)])
    {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(r.status(), 403);
    // Bad forms: the notice names what to fix.
    for (form, notice) in [
        (
            vec![
                ("app_name", ""),
                ("kinds", "drugs"),
                ("until", until.as_str()),
            ],
            "app_name",
        ),
        (
            vec![("app_name", "x"), ("until", until.as_str())],
            "app_kinds",
        ),
        (
            vec![
                ("app_name", "x"),
                ("kinds", "deduction_edit"),
                ("until", until.as_str()),
            ],
            "app_kinds",
        ),
        (
            vec![
                ("app_name", "x"),
                ("kinds", "drugs"),
                ("until", "2000-01-01"),
            ],
            "app_until",
        ),
        (
            vec![
                ("app_name", "x"),
                ("kinds", "drugs"),
                ("until", "2099-12-31"),
            ],
            "app_until",
        ),
    ] {
        let r = app.post_form("/proxies/apps", &form, Some(&sato));
        assert_eq!(
            r.header("location"),
            Some(format!("/proxies?error={notice}").as_str())
        );
    }
}

/// A token past its end date, or of a sign-in no longer linked to the person, reads nothing.
fn expired_and_unlinked_tokens_read_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    let settings = db.settings.clone();
    let app = TestApp::spawn_with(db, true);
    let sato = app.dev_sign_in("demo-sato");
    // Written through the same storage call as the form, with an end date in the past.
    let expired = crate::helpers::block_on(async {
        let db = server::db::Db::connect(&settings).await.unwrap();
        let account: (String,) = server::with_pool!(&db, pool => sqlx::query_as(
            "SELECT id FROM accounts WHERE person_id = 'demo-sato'",
        )
        .fetch_one(pool)
        .await
        .unwrap());
        let kinds = domain::access::AccessKinds::new([domain::access::AccessKind::Drugs]).unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let t =
            server::records::app_tokens::issue(&db, "demo-sato", &account.0, "old", &kinds, day)
                .await
                .unwrap();
        db.close().await;
        t
    });
    let (status, _) = get(&app, "/api/v1/me/fhir/Patient", None, Some(&expired));
    assert_eq!(status, 401);

    let token = issue_token(&app, &sato, "x", &["drugs"], &soon(&app));
    let (status, _) = get(&app, "/api/v1/me/fhir/Patient", None, Some(&token));
    assert_eq!(status, 200);
    let r = app.post_form("/auth/unlink", &[], Some(&sato));
    assert_eq!(r.status(), 303);
    let (status, _) = get(&app, "/api/v1/me/fhir/Patient", None, Some(&token));
    assert_eq!(status, 401, "unlinking ends the sign-in's tokens");
}

/// Guessing tokens spends the sign-in budget of the address: past it, 429 before any lookup.
fn token_guessing_is_rate_limited(backend: Backend) {
    let app = TestApp::builder(backend)
        .demo()
        .settings(|s| s.rate_limits.auth_per_minute = 3)
        .spawn();
    let mut statuses = Vec::new();
    for i in 0..5 {
        let (status, body) = get(
            &app,
            "/api/v1/me/fhir/Patient",
            None,
            Some(&format!("karte_app_guess{i}")),
        );
        if status == 429 {
            assert_eq!(issue(&body).0, "throttled");
        }
        statuses.push(status);
    }
    assert_eq!(statuses[..3], [401, 401, 401]);
    assert_eq!(statuses[4], 429, "{statuses:?}");
}

crate::both_backends!(fn app_tokens_are_scoped_revocable_and_logged);
crate::both_backends!(fn expired_and_unlinked_tokens_read_nothing);
crate::both_backends!(fn token_guessing_is_rate_limited);
