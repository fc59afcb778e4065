//! Real HTTP against the real server.

use crate::helpers::{Backend, TestApp};

fn header<'a>(r: &'a ureq::Response, name: &str) -> &'a str {
    r.header(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
}

#[test]
fn healthz_answers_with_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite, false);
    let r = app.get("/healthz");
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    assert_eq!(header(&r, "referrer-policy"), "no-referrer");
    assert_eq!(header(&r, "cache-control"), "no-store");
    assert!(header(&r, "content-security-policy").contains("frame-ancestors 'none'"));
    assert!(header(&r, "strict-transport-security").starts_with("max-age="));
    assert_eq!(header(&r, "x-request-id").len(), 16);
    assert_eq!(r.into_string().unwrap(), "ok\n");
}

#[test]
fn home_page_is_server_rendered_with_matching_csp_nonce() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let r = app.get("/signin");
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let csp = header(&r, "content-security-policy").to_owned();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("nonce in CSP")
        .to_owned();
    let body = r.into_string().unwrap();
    assert!(
        body.starts_with("<!DOCTYPE html><html lang=\"ja\">"),
        "{}",
        &body[..80]
    );
    for name in ["佐藤　健一", "鈴木　ハル", "田中　結衣"] {
        assert!(body.contains(name), "{name} missing from the page");
    }
    let scripts = body.matches("<script").count();
    assert!(scripts >= 1);
    assert_eq!(
        body.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script carries the CSP nonce"
    );
}

#[test]
fn server_function_returns_the_people() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let r = app.post_form("/fn/people", &[("lang", "Ja")], None);
    assert_eq!(r.status(), 200);
    let json: serde_json::Value = r.into_json().unwrap();
    let people = json["people"].as_array().unwrap();
    assert_eq!(people.len(), 5);
    assert_eq!(people[0]["id"], "demo-sato");
    assert_eq!(people[0]["birth_date"], "1974年6月12日");
}

#[test]
fn language_cookie_switches_the_page_to_english() {
    let app = TestApp::spawn(Backend::Sqlite, false);
    let r = app.get("/lang?to=en&next=/checkups");
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/checkups");
    let cookie = header(&r, "set-cookie").to_owned();
    assert!(cookie.starts_with("karte_lang=en"), "{cookie}");
    let page = TestApp::agent()
        .get(&app.url("/checkups"))
        .set("Cookie", "karte_lang=en")
        .call()
        .unwrap();
    let body = page.into_string().unwrap();
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains(">Checkups</a>"));
    // An off-site `next` is not followed.
    let r = app.get("/lang?to=ja&next=//evil.example/");
    assert_eq!(header(&r, "location"), "/");
}

#[test]
fn unknown_paths_get_a_404_page_in_the_frame() {
    let app = TestApp::spawn(Backend::Sqlite, false);
    let r = app.get("/does/not/exist");
    assert_eq!(r.status(), 404);
    let body = r.into_string().unwrap();
    assert!(body.contains("ページが見つかりません"));
    assert!(body.contains("class=\"site-nav\""));
}

#[test]
fn stylesheet_and_bundle_paths_are_served() {
    let app = TestApp::spawn(Backend::Sqlite, false);
    let css = app.get("/style/karte.css");
    assert_eq!(css.status(), 200);
    assert!(header(&css, "content-type").starts_with("text/css"));
    assert!(css.into_string().unwrap().contains(":root"));
    // The bundle is built by scripts/build-wasm.sh; without it /pkg answers 404, not 500.
    let built = crate::helpers::site_root().join("pkg/karte.js").exists();
    let js = app.get("/pkg/karte.js");
    assert_eq!(js.status(), if built { 200 } else { 404 });
    if built {
        assert_eq!(header(&js, "cache-control"), "no-cache");
    }
}

#[test]
fn server_functions_refuse_cross_origin_posts() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let r = match TestApp::agent()
        .post(&app.url("/fn/people"))
        .set("Origin", "http://evil.example")
        .send_form(&[("lang", "Ja")])
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(r.status(), 403);
    let r = match TestApp::agent()
        .post(&app.url("/fn/people"))
        .send_form(&[("lang", "Ja")])
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(r.status(), 403, "no Origin and no Sec-Fetch-Site: refused");
}
