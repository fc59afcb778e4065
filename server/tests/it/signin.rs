//! Sign-in through real parts: the dev sign-in, and OpenID Connect against a real provider
//! process on loopback (npm oidc-provider, e2e/oidc/provider.mjs), driven over HTTP with a
//! cookie jar and hand-followed redirects, as a browser would.

use crate::helpers::{Backend, TestApp};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const CLIENT_ID: &str = "karte-test";
const CLIENT_SECRET: &str = "karte-test-secret-0123456789abcdefghijkl";

/// The test identity provider, stopped when dropped.
pub(crate) struct Provider {
    pub(crate) issuer: String,
    child: Child,
}

impl Provider {
    pub(crate) fn start() -> Self {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../e2e/oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs the test provider (npm ci in e2e/ first)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let issuer = line
            .trim()
            .strip_prefix("oidc provider listening on ")
            .expect("ready line")
            .to_owned();
        Self { issuer, child }
    }

    fn admin(&self, path: &str, body: serde_json::Value) {
        ureq::post(&format!("{}{path}", self.issuer))
            .send_json(body)
            .expect("provider admin call");
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Cookies per host, as a browser keeps them (enough for these flows).
#[derive(Default)]
struct Jar(HashMap<String, HashMap<String, String>>);

impl Jar {
    fn host(url: &str) -> String {
        url.split("://")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned()
    }
    fn header(&self, url: &str) -> Option<String> {
        let cookies = self.0.get(&Self::host(url))?;
        (!cookies.is_empty()).then(|| {
            cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
    fn store(&mut self, url: &str, r: &ureq::Response) {
        for set in r.all("set-cookie") {
            let pair = set.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            let host = self.0.entry(Self::host(url)).or_default();
            if v.is_empty() || set.to_ascii_lowercase().contains("max-age=0") {
                host.remove(k);
            } else {
                host.insert(k.to_owned(), v.to_owned());
            }
        }
    }
}

fn absolute(base: &str, location: &str) -> String {
    if location.starts_with("http") {
        return location.to_owned();
    }
    let origin = base.split('/').take(3).collect::<Vec<_>>().join("/");
    format!("{origin}{location}")
}

/// Follows redirects from `url` until a page answers or `stop` says the next hop is ours to take.
fn browse(jar: &mut Jar, mut url: String, stop: impl Fn(&str) -> bool) -> (String, ureq::Response) {
    for _ in 0..20 {
        let mut req = TestApp::agent().get(&url);
        if let Some(c) = jar.header(&url) {
            req = req.set("Cookie", &c);
        }
        let r = match req.call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("GET {url}: {e}"),
        };
        jar.store(&url, &r);
        match r.header("location") {
            Some(loc) if (300..400).contains(&r.status()) => {
                let next = absolute(&url, loc);
                if stop(&next) {
                    return (next, r);
                }
                url = next;
            }
            _ => return (url, r),
        }
    }
    panic!("too many redirects");
}

pub(crate) fn app_with(provider: &Provider) -> TestApp {
    TestApp::builder(Backend::Sqlite)
        .demo()
        .settings(|s| {
            s.auth.oidc_issuer = Some(provider.issuer.clone());
            s.auth.oidc_client_id = CLIENT_ID.into();
            s.auth.oidc_client_secret = Some(CLIENT_SECRET.parse().unwrap());
        })
        .spawn()
}

/// Runs the provider side of a sign-in; returns the callback URL Karte would receive.
fn authorize(app: &TestApp, jar: &mut Jar) -> String {
    let (callback, _) = browse(jar, app.url("/auth/login"), |next| {
        next.contains("/auth/callback")
    });
    assert!(callback.starts_with(&app.base), "{callback}");
    callback
}

fn session_cookie(jar: &Jar, app: &TestApp) -> Option<String> {
    jar.0
        .get(&Jar::host(&app.base))
        .and_then(|c| c.get("__Host-karte_session").cloned())
}

#[test]
fn oidc_sign_in_link_and_sign_out() {
    let provider = Provider::start();
    provider.admin(
        "/__test/auto-login",
        serde_json::json!({ "sub": "user-sato" }),
    );
    let app = app_with(&provider);
    let mut jar = Jar::default();
    let callback = authorize(&app, &mut jar);
    let (landing, _) = browse(&mut jar, callback, |_| false);
    assert_eq!(landing, app.url("/link"), "a new identity is linked first");
    let cookie = format!(
        "__Host-karte_session={}",
        session_cookie(&jar, &app).expect("signed in")
    );

    // Wrong details do not link.
    let r = app.post_form(
        "/auth/link",
        &[
            ("insurer_number", "01130012"),
            ("symbol", "4131"),
            ("number", "20573"),
            ("branch", "00"),
            ("birth_date", "1974-06-13"),
        ],
        Some(&cookie),
    );
    assert_eq!(r.header("location"), Some("/link?error=no_match"));
    let r = app.post_form(
        "/auth/link",
        &[
            ("insurer_number", "01130012"),
            ("symbol", "4131"),
            ("number", "20573"),
            ("branch", "00"),
            ("birth_date", "1974-06-12"),
        ],
        Some(&cookie),
    );
    assert_eq!(r.header("location"), Some("/"));
    let home = app.page("/", &cookie);
    assert!(
        home.contains("佐藤　健一さん"),
        "the header says who is signed in"
    );

    // Signing in again reuses the link (identity = issuer + subject).
    let mut jar2 = Jar::default();
    let callback = authorize(&app, &mut jar2);
    let (landing, _) = browse(&mut jar2, callback, |_| false);
    assert_eq!(landing, app.url("/"));

    let r = app.post_form("/auth/logout", &[], Some(&cookie));
    assert_eq!(r.header("location"), Some("/signin?signed_out=1"));
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    let home = app.page("/", &cookie);
    assert!(
        !home.contains("佐藤　健一さん"),
        "the old cookie no longer signs in"
    );
}

#[test]
fn a_tampered_state_is_refused() {
    let provider = Provider::start();
    provider.admin(
        "/__test/auto-login",
        serde_json::json!({ "sub": "user-suzuki" }),
    );
    let app = app_with(&provider);
    let mut jar = Jar::default();
    let callback = authorize(&app, &mut jar);
    let tampered = callback.replacen("state=", "state=x", 1);
    let (landing, _) = browse(&mut jar, tampered, |_| false);
    assert_eq!(landing, app.url("/signin?error=state"));
    assert!(session_cookie(&jar, &app).is_none());
    // The real state was not consumed by the tampered one, but it is single-use.
    let (landing, _) = browse(&mut jar, callback.clone(), |_| false);
    assert_eq!(landing, app.url("/link"));
    let mut jar2 = Jar::default();
    let (landing, _) = browse(&mut jar2, callback, |_| false);
    assert_eq!(
        landing,
        app.url("/signin?error=state"),
        "a state is used once"
    );
}

fn refused_when(mode: &str) {
    let provider = Provider::start();
    provider.admin(
        "/__test/auto-login",
        serde_json::json!({ "sub": "user-tanaka" }),
    );
    provider.admin("/__test/misbehave", serde_json::json!({ "mode": mode }));
    let app = app_with(&provider);
    let mut jar = Jar::default();
    let callback = authorize(&app, &mut jar);
    let (landing, _) = browse(&mut jar, callback, |_| false);
    assert_eq!(landing, app.url("/signin?error=provider"), "mode {mode}");
    assert!(
        session_cookie(&jar, &app).is_none(),
        "mode {mode} must not sign in"
    );
}

#[test]
fn a_wrong_nonce_is_refused() {
    refused_when("wrong_nonce");
}

#[test]
fn a_wrong_audience_is_refused() {
    refused_when("wrong_audience");
}

#[test]
fn an_expired_id_token_is_refused() {
    refused_when("expired");
}

#[test]
fn an_unsigned_id_token_is_refused() {
    refused_when("alg_none");
}

#[test]
fn a_wrong_issuer_is_refused() {
    refused_when("wrong_issuer");
}

#[test]
fn dev_sign_in_sets_a_host_cookie_and_rotates() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let r = app.post_form("/auth/dev", &[("person", "demo-suzuki")], None);
    assert_eq!(r.status(), 303);
    let set = r.header("set-cookie").unwrap().to_owned();
    for part in [
        "__Host-karte_session=",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
    ] {
        assert!(set.contains(part), "{set}");
    }
    let first = set.split(';').next().unwrap().to_owned();
    assert!(app
        .get_with("/", &first)
        .into_string()
        .unwrap()
        .contains("鈴木　ハルさん"));
    // Signing in again from the same browser replaces the session id.
    let r = app.post_form("/auth/dev", &[("person", "demo-suzuki")], Some(&first));
    let second = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(first, second);
    assert!(
        !app.page("/", &first).contains("鈴木　ハルさん"),
        "the old id is dead"
    );
    assert!(app
        .get_with("/", &second)
        .into_string()
        .unwrap()
        .contains("鈴木　ハルさん"));
}

#[test]
fn sign_out_everywhere_ends_every_session() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let a = app.dev_sign_in("demo-sato");
    // A second device: no cookie yet, so it gets its own session of the same account.
    let b = app.dev_sign_in("demo-sato");
    assert_ne!(a, b);
    let r = app.post_form("/auth/logout-everywhere", &[], Some(&a));
    assert_eq!(r.status(), 303);
    for c in [&a, &b] {
        assert!(!app
            .get_with("/", c)
            .into_string()
            .unwrap()
            .contains("佐藤　健一さん"));
    }
}

#[test]
fn idle_sessions_end() {
    let app = TestApp::builder(Backend::Sqlite)
        .demo()
        .settings(|s| s.auth.session_idle_minutes = 0)
        .spawn();
    let cookie = app.dev_sign_in("demo-sato");
    let r = app.get_with("/", &cookie);
    assert!(
        r.header("set-cookie").unwrap_or("").contains("Max-Age=0"),
        "the dead cookie is removed"
    );
    assert!(!r.into_string().unwrap().contains("佐藤　健一さん"));
}

#[test]
fn dev_sign_in_is_off_unless_enabled() {
    let app = TestApp::builder(Backend::Sqlite)
        .demo()
        .settings(|s| s.auth.dev_login = false)
        .spawn();
    assert_eq!(
        app.post_form("/auth/dev", &[("person", "demo-sato")], None)
            .status(),
        404
    );
    let r = app.post_form("/fn/people", &[("lang", "Ja")], None);
    assert_ne!(
        r.status(),
        200,
        "the people directory is closed without dev sign-in"
    );
}

#[test]
fn dev_sign_in_refuses_a_public_address() {
    let mut settings = server::settings::Settings::for_data_dir(std::env::temp_dir());
    settings.auth.dev_login = true;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(async {
        server::db::Db::connect(&server::settings::Settings::for_data_dir(
            std::env::temp_dir().join(format!("karte-dev-{}", crate::helpers::random_suffix())),
        ))
        .await
        .unwrap()
    });
    let err =
        server::startup::Application::build_with_db(&settings, "0.0.0.0:0".parse().unwrap(), db)
            .err()
            .expect("refused");
    assert!(err.to_string().contains("loopback"), "{err}");
}
