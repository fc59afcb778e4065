//! `/metrics` (Prometheus text format) on its own address, against the real `karte serve`
//! process: a page, an API call, an import, failed sign-ins and a PDF move their counters;
//! the public address does not serve `/metrics`; no label value holds a person id, a name,
//! a token, the session cookie or any value of the demo data.

use crate::helpers::{repo_path, site_root, TestDb};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const TOKEN: &str = "metrics-test-token-Zq8xW2nV5rT9yK3mP7sL1dH6";
const TODAY: &str = "2026-03-01";

struct Served {
    child: Child,
    base: String,
    metrics: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &TestDb) -> Served {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_karte"));
    cmd.args(["serve", "--demo", "--addr", "127.0.0.1:0"])
        .env_remove("KARTE_DATABASE_URL")
        .env("KARTE_DATA_DIR", &db.settings.data_dir)
        .env("KARTE_LOG", "warn")
        .env("KARTE_TODAY", TODAY)
        .env("KARTE_DEV_LOGIN", "1")
        .env("KARTE_METRICS_ADDR", "127.0.0.1:0")
        .env("KARTE_IMPORT_CLIENTS", format!("metrics-test={TOKEN}"))
        .env("KARTE_SITE_ROOT", site_root());
    if let Some(url) = &db.settings.database_url {
        cmd.env("KARTE_DATABASE_URL", url.expose());
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("karte serve starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("a `listening on` line, not {line:?}"))
        .to_owned();
    line.clear();
    out.read_line(&mut line).unwrap();
    let metrics = line
        .trim()
        .strip_prefix("metrics on ")
        .unwrap_or_else(|| panic!("a `metrics on` line, not {line:?}"))
        .to_owned();
    Served {
        child,
        base,
        metrics,
    }
}

/// One sample: metric name and its labels.
type Series = (String, BTreeMap<String, String>);

/// Parses the Prometheus text format (the subset the exporter writes).
fn parse(text: &str) -> BTreeMap<Series, f64> {
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (series, value) = line.rsplit_once(' ').expect("`series value`");
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
        let (name, labels) = match series.split_once('{') {
            None => (series.to_owned(), BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').expect("closing brace");
                (name.to_owned(), parse_labels(body))
            }
        };
        out.insert((name, labels), value);
    }
    out
}

fn parse_labels(body: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut chars = body.chars().peekable();
    loop {
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        assert_eq!(chars.next(), Some('"'), "label {key} is quoted");
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => value.push(chars.next().expect("escaped character")),
                '"' => break,
                c => value.push(c),
            }
        }
        labels.insert(key.trim_start_matches(',').to_owned(), value);
        if chars.peek() == Some(&',') {
            chars.next();
        }
    }
    labels
}

fn scrape(url: &str) -> BTreeMap<Series, f64> {
    let r = ureq::get(url).call().expect("scrape");
    assert_eq!(r.status(), 200);
    assert!(r.content_type().starts_with("text/plain"));
    parse(&r.into_string().unwrap())
}

/// The sum over every series of `name` whose labels include `want`.
fn total(m: &BTreeMap<Series, f64>, name: &str, want: &[(&str, &str)]) -> f64 {
    m.iter()
        .filter(|((n, labels), _)| {
            n == name
                && want
                    .iter()
                    .all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, v)| v)
        .sum()
}

fn status(r: Result<ureq::Response, ureq::Error>) -> (u16, String) {
    match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => {
            let s = r.status();
            (s, r.into_string().unwrap_or_default())
        }
        Err(e) => panic!("{e}"),
    }
}

/// Every string in a JSON value.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn counters_move_and_carry_no_personal_data(backend: crate::helpers::Backend) {
    let db = TestDb::new(backend);
    let s = serve(&db);
    let before = scrape(&s.metrics);
    let agent = ureq::AgentBuilder::new().redirects(0).build();

    // A page, signed out.
    let (code, _) = status(agent.get(&format!("{}/signin", s.base)).call());
    assert_eq!(code, 200);
    // Sign in (dev), then a page, an API call and a PDF.
    let r = agent
        .post(&format!("{}/auth/dev", s.base))
        .set("Origin", &s.base)
        .send_form(&[("person", "demo-sato")])
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let get = |path: &str| {
        status(
            agent
                .get(&format!("{}{path}", s.base))
                .set("Cookie", &cookie)
                .call(),
        )
    };
    assert_eq!(get("/drugs").0, 200);
    let (code, api) = get("/api/v1/me/drugs?from=2024-06&to=2025-05");
    assert_eq!(code, 200);
    let api: serde_json::Value = serde_json::from_str(&api).unwrap();
    let r = agent
        .get(&format!(
            "{}/api/v1/me/drugs/pdf?from=2024-06&to=2025-05",
            s.base
        ))
        .set("Cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(r.content_type(), "application/pdf");
    drop(r.into_string());
    // An import through the API.
    let mut batch: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo_path("docs/examples/batch-example.json")).unwrap(),
    )
    .unwrap();
    batch["batch_id"] = "metrics-test-batch-1".into();
    let lines: usize = ["drugs", "checkups", "expenses"]
        .iter()
        .map(|k| batch["people"][0][k].as_array().map_or(0, Vec::len))
        .sum();
    let (code, body) = status(
        ureq::post(&format!("{}/api/v1/import", s.base))
            .set("Authorization", &format!("Bearer {TOKEN}"))
            .send_bytes(&serde_json::to_vec(&batch).unwrap()),
    );
    assert!(code == 200 || code == 201, "{code} {body}");
    // Two failed sign-ins: a callback for no sign-in we started, a dev sign-in of nobody.
    let (code, _) = status(
        agent
            .get(&format!("{}/auth/callback?state=forged&code=x", s.base))
            .call(),
    );
    assert_eq!(code, 303);
    let (code, _) = status(
        agent
            .post(&format!("{}/auth/dev", s.base))
            .set("Origin", &s.base)
            .send_form(&[("person", "demo-nobody")]),
    );
    assert_eq!(code, 303);

    // The public address has no /metrics.
    let (code, body) = status(agent.get(&format!("{}/metrics", s.base)).call());
    assert_eq!(code, 404, "the public address must not serve /metrics");
    assert!(!body.contains("karte_http_requests_total"));

    let after = scrape(&s.metrics);
    let moved =
        |name: &str, want: &[(&str, &str)]| total(&after, name, want) - total(&before, name, want);
    let requests = "karte_http_requests_total";
    assert!(moved(requests, &[("route", "/signin"), ("status", "200")]) >= 1.0);
    assert!(moved(requests, &[("route", "/drugs"), ("method", "GET")]) >= 1.0);
    assert!(
        moved(
            requests,
            &[("route", "/api/v1/me/drugs"), ("status", "200")]
        ) >= 1.0
    );
    assert!(moved(requests, &[("route", "/api/v1/me/{kind}/pdf")]) >= 1.0);
    assert!(moved(requests, &[("route", "/api/v1/import"), ("method", "POST")]) >= 1.0);
    assert!(
        moved(
            "karte_http_request_duration_seconds_count",
            &[("route", "/drugs")]
        ) >= 1.0
    );
    assert_eq!(
        moved(
            "karte_import_batches_total",
            &[("channel", "api"), ("outcome", "imported")]
        ),
        1.0
    );
    assert_eq!(
        moved("karte_import_lines_total", &[("channel", "api")]),
        lines as f64
    );
    assert_eq!(moved("karte_pdf_renders_total", &[("outcome", "ok")]), 1.0);
    assert_eq!(moved("karte_pdf_render_seconds_count", &[]), 1.0);
    assert!(total(&after, "karte_pdf_render_seconds_sum", &[]) > 0.0);
    assert_eq!(
        moved("karte_sign_in_failures_total", &[("reason", "state")]),
        1.0
    );
    assert_eq!(moved("karte_sign_in_failures_total", &[]), 2.0);
    assert!(total(&after, "karte_sessions_active", &[]) >= 1.0);
    assert!(total(&after, "karte_db_pool_max_connections", &[]) >= 1.0);
    assert!(
        total(&after, "karte_db_pool_connections", &[("state", "idle")])
            + total(&after, "karte_db_pool_connections", &[("state", "in_use")])
            >= 1.0
    );
    assert!(moved("karte_db_pool_acquire_wait_seconds_count", &[]) >= 1.0);

    // No personal data in a label: the demo people (ids, names, birth dates), the session
    // cookie, the import token, and every name, code and number of the records the API gave.
    let people = Command::new(env!("CARGO_BIN_EXE_karte"))
        .arg("people")
        .env_remove("KARTE_DATABASE_URL")
        .env("KARTE_DATA_DIR", &db.settings.data_dir)
        .envs(
            db.settings
                .database_url
                .as_ref()
                .map(|u| ("KARTE_DATABASE_URL", u.expose())),
        )
        .output()
        .unwrap();
    let people = String::from_utf8(people.stdout).unwrap();
    let mut secrets: Vec<String> = people
        .lines()
        .flat_map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert!(secrets.iter().any(|s| s == "demo-sato"), "{people}");
    secrets.push(cookie.split_once('=').unwrap().1.to_owned());
    secrets.push(TOKEN.to_owned());
    let mut data = Vec::new();
    strings(&api, &mut data);
    strings(&batch, &mut data);
    // Names and codes: anything not plain ASCII words (Japanese text), or six digits and more.
    secrets.extend(data.into_iter().filter(|s| {
        !s.is_ascii() || (s.len() >= 6 && s.chars().filter(char::is_ascii_digit).count() >= 6)
    }));
    assert!(secrets.len() > 20, "the check has values to look for");
    let allowed = |k: &str, v: &str| match k {
        "route" => v == "unmatched" || v.starts_with('/') && !v.contains('?'),
        "method" => v.chars().all(|c| c.is_ascii_uppercase()),
        "status" => v.len() == 3 && v.chars().all(|c| c.is_ascii_digit()),
        "channel" | "outcome" | "state" | "reason" => v
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-'),
        "le" | "quantile" => v.parse::<f64>().is_ok() || v == "+Inf",
        _ => false,
    };
    for (name, labels) in after.keys() {
        assert!(name.starts_with("karte_"), "{name}");
        for (k, v) in labels {
            assert!(
                allowed(k, v),
                "{name}: label {k}={v:?} is not of a known kind"
            );
            for s in secrets.iter().filter(|s| s.len() >= 2) {
                assert!(
                    !v.contains(s.as_str()),
                    "{name}: label {k}={v:?} holds {s:?}"
                );
            }
        }
    }
}

crate::both_backends!(fn counters_move_and_carry_no_personal_data);

#[test]
fn metrics_off_means_no_listener() {
    let db = TestDb::new(crate::helpers::Backend::Sqlite);
    let mut child = Command::new(env!("CARGO_BIN_EXE_karte"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("KARTE_DATABASE_URL")
        .env("KARTE_DATA_DIR", &db.settings.data_dir)
        .env("KARTE_LOG", "warn")
        .env("KARTE_METRICS_ADDR", "off")
        .env("KARTE_SITE_ROOT", site_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening on");
    // Serving (signal handlers in place), then SIGTERM: the server stops, and it never printed
    // a metrics address.
    assert_eq!(
        ureq::get(&format!("{base}/healthz"))
            .call()
            .unwrap()
            .status(),
        200
    );
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(!rest.contains("metrics on"), "{rest}");

    // A set address that cannot be bound stops the start, naming the variable.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_karte"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("KARTE_DATABASE_URL")
        .env("KARTE_DATA_DIR", &db.settings.data_dir)
        .env(
            "KARTE_METRICS_ADDR",
            taken.local_addr().unwrap().to_string(),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("KARTE_METRICS_ADDR"));
}
