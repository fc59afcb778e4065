//! Arbitrary query strings on every GET route — the pages, the API, the PDFs and the
//! 医療費控除 exports — of the real server over HTTP: each gets an answer below 500, and no
//! connection is dropped. The query is parsed once (`domain::query`); this proves every edge
//! that reads it turns whatever text arrives into a page, a download or a 4xx.

use crate::helpers::{status_of, Backend, TestApp, API_ROUTES};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// The routes beyond the page list and the API (`helpers::API_ROUTES`).
const OTHER: &[&str] = &["/lang"];

/// Every GET route a signed-in person can reach with a query string.
fn routes() -> Vec<String> {
    let mut out: Vec<String> = server::startup::app_routes()
        .into_iter()
        .filter(|(path, method)| method == "GET" && !path.contains(':') && !path.contains('*'))
        .map(|(path, _)| path)
        .collect();
    out.extend(API_ROUTES.iter().chain(OTHER).map(|p| (*p).to_owned()));
    out.sort();
    out.dedup();
    out
}

/// Percent-encodes every byte but the unreserved ones, as a browser would send any text.
fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A key: mostly one Karte reads, sometimes any text.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "from", "to", "preset", "household", "view", "usage", "q", "year", "cursor", "limit",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// A value: mostly shaped like what the key takes (months, days, presets, flags, the edges of
/// the calendar), sometimes any text at all.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{4}-[0-9]{1,2}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "(0001|1899|1900|2023|2025|2026|9998|9999)-(00|01|02|12|13)(-(00|01|29|30|31|32))?",
        prop::sample::select(vec![
            "last3_months",
            "this_year",
            "last_year",
            "all_three_years",
            "ingredients",
            "lines",
            "oral",
            "as_needed",
            "1",
            "0",
            "true",
            "on",
            "yes",
            "",
            "-1",
            "99999",
            "18446744073709551616",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ]
}

/// A query string: encoded pairs, sometimes with raw separators and broken escapes as well.
fn query() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((key(), value()), 0..6),
        prop::option::of("[%&=+;#a-zA-Z0-9]{0,12}"),
    )
        .prop_map(|(pairs, raw)| {
            let mut parts: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect();
            parts.extend(raw);
            parts.join("&")
        })
}

fn status(app: &TestApp, url: &str, cookie: &str) -> Result<u16, String> {
    let result = TestApp::agent()
        .get(&app.url(url))
        .set("Cookie", cookie)
        .call();
    status_of(result, &format!("GET {url}"))
}

#[test]
fn arbitrary_queries_on_every_route_never_5xx_or_drop() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    let routes = routes();
    assert!(
        routes.iter().any(|r| r == "/drugs") && routes.iter().any(|r| r == "/expenses"),
        "the page list reaches the record pages: {routes:?}"
    );
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&query(), |q| {
        for path in &routes {
            let url = format!("{path}?{q}");
            match status(&app, &url, &cookie) {
                Ok(s) if s < 500 => {}
                Ok(s) => return Err(TestCaseError::fail(format!("GET {url}: {s}"))),
                Err(e) => return Err(TestCaseError::fail(e)),
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The one `household` rule at every edge: the API refuses a value it does not know with a
/// 400 naming the field; the pages read it as off and still show.
#[test]
fn household_is_one_rule_refused_by_the_api_ignored_by_pages() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    for path in [
        "/api/v1/me/expenses?household=yes",
        "/api/v1/me/deduction/2025.xlsx?household=yes",
    ] {
        let r = app.get_with(path, &cookie);
        assert_eq!(r.status(), 400, "{path}");
        let body: serde_json::Value = r.into_json().unwrap();
        assert_eq!(body["error"]["message"], "household: use 1 or 0", "{path}");
    }
    for path in [
        "/expenses?household=yes",
        "/deduction?household=yes",
        "/expenses?household=on",
        "/deduction?household=true",
    ] {
        assert_eq!(app.get_with(path, &cookie).status(), 200, "{path}");
    }
    let on = app
        .get_with("/api/v1/me/expenses?household=on", &cookie)
        .into_json::<serde_json::Value>()
        .unwrap();
    assert!(on["household"].is_boolean());
}

/// A period Karte cannot show is a 400 with the reason on every edge that takes one, and the
/// pages say why instead of failing.
#[test]
fn out_of_range_periods_are_400_with_a_reason_everywhere() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    for path in [
        "/api/v1/me/drugs",
        "/api/v1/me/expenses",
        "/api/v1/me/drugs/pdf",
        "/api/v1/me/report/pdf",
    ] {
        for q in ["to=9999-12", "from=9999-12-31", "from=2025-05&to=2025-04"] {
            let r = app.get_with(&format!("{path}?{q}"), &cookie);
            assert_eq!(r.status(), 400, "{path}?{q}");
            let body: serde_json::Value = r.into_json().unwrap();
            // Only the drug list takes days; elsewhere a day is not a bound the API reads.
            let why = if q.contains("-31") && path != "/api/v1/me/drugs" {
                "from: use YYYY-MM"
            } else {
                "from/to"
            };
            assert!(
                body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(why)),
                "{path}?{q}: {body}"
            );
        }
    }
    for path in [
        "/drugs?to=9999-12",
        "/expenses?to=9999-12",
        "/export?to=9999-12",
    ] {
        let r = app.get_with(path, &cookie);
        assert_eq!(r.status(), 400, "{path}");
        let html = r.into_string().unwrap();
        assert!(html.contains("at most 36"), "{path} says why");
    }
}
