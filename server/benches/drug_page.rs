//! The drug-history page of one person with ~2,000 lines (three years), against the same lines
//! as plain JSON from the same server: latency per request (one client, loopback) and
//! throughput (4 clients). Run: `cargo bench -p server --bench drug_page` (SQLite; PostgreSQL
//! too when KARTE_TEST_PG_URL or the local server is reachable). Results go to bench/README.md.
//! Not a test: nothing is asserted.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::people::PersonId;
use server::db::Db;
use server::demo::records::{demo_identity, scaled_drug_lines};
use server::import::{BatchId, ImportBatch, ImportFormat, PersonRecords};
use server::records::import::store_batch;
use server::settings::Settings;
use server::startup::Application;
use std::time::{Duration, Instant};

const LINES: usize = 2_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn batch() -> ImportBatch {
    let pid = PersonId::parse("bench-reader").unwrap();
    let mut identity =
        demo_identity(&PersonId::parse("demo-sato").unwrap()).expect("demo identity");
    identity.id = Some(pid.clone());
    identity.card = None;
    ImportBatch {
        batch_id: BatchId::parse("bench-page").unwrap(),
        format: ImportFormat::Json,
        insurers: vec![],
        people: vec![PersonRecords {
            person: identity,
            drugs: scaled_drug_lines(today(), &pid, LINES),
            checkups: vec![],
            expenses: vec![],
        }],
        warnings: vec![],
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().redirects(0).build()
}

fn get(agent: &ureq::Agent, url: &str, cookie: &str) -> (usize, Duration) {
    let t = Instant::now();
    let r = agent.get(url).set("Cookie", cookie).call().expect("GET");
    let body = r.into_string().expect("body");
    (body.len(), t.elapsed())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Latency with one client (≈ server time on loopback), then requests/s with four clients.
fn measure(label: &str, url: &str, cookie: &str) -> f64 {
    let a = agent();
    for _ in 0..20 {
        get(&a, url, cookie);
    }
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..200 {
        let (n, d) = get(&a, url, cookie);
        bytes = n;
        times.push(d);
    }
    times.sort();
    let window = Duration::from_secs(5);
    let started = Instant::now();
    let counts: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let a = agent();
                    let mut n = 0;
                    while started.elapsed() < window {
                        get(&a, url, cookie);
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let rps = counts.iter().sum::<usize>() as f64 / started.elapsed().as_secs_f64();
    println!(
        "{label}: {bytes} bytes; latency p50 {:.2} ms, p90 {:.2} ms, min {:.2} ms; {rps:.0} req/s with 4 clients",
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        percentile(&times, 0.0),
    );
    rps
}

fn run(name: &'static str, settings: Settings) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        rt.block_on(async move {
            let db = Db::connect(&settings).await.unwrap();
            db.migrate().await.unwrap();
            store_batch(&db, batch(), "bench").await.unwrap();
            // The query alone (what the page and the API share).
            let pid = PersonId::parse("bench-reader").unwrap();
            let months = domain::visibility::retention_window(today());
            let mut best = f64::MAX;
            let mut n = 0;
            for _ in 0..30 {
                let t = Instant::now();
                n = server::records::lines::visible_drug_lines(&db, &pid, months, today())
                    .await
                    .unwrap()
                    .len();
                best = best.min(t.elapsed().as_secs_f64() * 1000.0);
            }
            println!("{name}: visible_drug_lines ({n} lines): best {best:.2} ms");
            let app =
                Application::build_with_db(&settings, "127.0.0.1:0".parse().unwrap(), db).unwrap();
            tx.send((app.port(), app.handle())).unwrap();
            app.run_until_stopped().await.unwrap();
        })
    });
    let (port, handle) = rx.recv().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let r = agent()
        .post(&format!("{base}/auth/dev"))
        .set("Origin", &base)
        .send_form(&[("person", "bench-reader")]);
    let r = match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("sign-in: {e}"),
    };
    let cookie = r
        .header("set-cookie")
        .expect("cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = measure(
        &format!("{name} page /drugs (3 years)"),
        &format!("{base}/drugs?preset=all_three_years"),
        &cookie,
    );
    let json = measure(
        &format!("{name} JSON /api/v1/me/drugs"),
        &format!("{base}/api/v1/me/drugs?limit=2000"),
        &cookie,
    );
    println!(
        "{name}: page throughput is {:.0} % of the JSON's",
        page / json * 100.0
    );
    let stop = handle.stop(true);
    futures_lite_block(stop);
    server.join().unwrap();
}

fn futures_lite_block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("karte-bench-page-{}", std::process::id()));
    let mut settings = Settings::for_data_dir(&dir);
    settings.auth.dev_login = true;
    settings.today = Some(today());
    settings.log = "warn".into();
    run("sqlite", settings.clone());
    let _ = std::fs::remove_dir_all(&dir);

    let base = std::env::var("KARTE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("karte_bench_page_{}", std::process::id());
    let created = std::process::Command::new("psql")
        .args([&base, "-qc", &format!("CREATE DATABASE {name}")])
        .status()
        .is_ok_and(|s| s.success());
    if !created {
        println!("postgres: not reachable, skipped");
        return;
    }
    let url = match base.rfind('/') {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => return,
    };
    settings.database_url = Some(url.parse().expect("database url"));
    run("postgres", settings);
    let _ = std::process::Command::new("psql")
        .args([&base, "-qc", &format!("DROP DATABASE {name} WITH (FORCE)")])
        .status();
}
