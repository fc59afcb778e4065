//! Import throughput and per-person query time as the database grows, on SQLite and
//! PostgreSQL. Run: `cargo bench -p server --bench import` (PostgreSQL from
//! KARTE_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres; skipped if absent).
//! Prints a table; results are recorded in bench/README.md. Not a test: nothing is asserted.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::people::PersonId;
use domain::period::MonthRange;
use server::db::Db;
use server::demo::records::{demo_identity, scaled_drug_lines};
use server::import::{BatchId, ImportBatch, ImportFormat, PersonRecords};
use server::records::import::store_batch;
use server::records::lines::visible_drug_lines;
use server::settings::Settings;
use std::time::Instant;

const TODAY: (i32, u32, u32) = (2026, 11, 26);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap()
}

/// A batch of `lines` drug lines for one person (the demo identity of `template`, renamed).
fn batch(id: &str, person: &str, lines: usize) -> ImportBatch {
    let template = PersonId::parse("demo-sato").unwrap();
    let pid = PersonId::parse(person).unwrap();
    let mut identity = demo_identity(&template).expect("demo identity");
    identity.id = Some(pid.clone());
    identity.card = None;
    ImportBatch {
        batch_id: BatchId::parse(id).unwrap(),
        format: ImportFormat::Json,
        insurers: vec![],
        people: vec![PersonRecords {
            person: identity,
            drugs: scaled_drug_lines(today(), &pid, lines),
            checkups: vec![],
            expenses: vec![],
        }],
        warnings: vec![],
    }
}

async fn query_ms(db: &Db, person: &str) -> (f64, usize) {
    let pid = PersonId::parse(person).unwrap();
    let range = domain::visibility::retention_window(today());
    let range = MonthRange::new(range.from(), range.to()).unwrap();
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..20 {
        let t = Instant::now();
        n = visible_drug_lines(db, &pid, range, today())
            .await
            .unwrap()
            .len();
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    (best, n)
}

/// Where the per-person read spends its time: the bare SQL fetch, then the full domain read.
async fn read_breakdown(name: &str, db: &Db) {
    let sql = "SELECT claim_id, institution_id, service_month, accepted_on, sequence, visible_from, dispensed_on,
        dispenser_name, prescriber_id, prescription, usage, drug_name, ingredient, receipt_code, yj_code, directions,
        daily_dose, single_dose, special_instructions, quantity_amount, quantity_unit, mark, copay, savings
        FROM drug_lines WHERE person_id = $1";
    let mut best = f64::MAX;
    let mut rows = 0;
    for _ in 0..20 {
        let t = Instant::now();
        rows = server::with_pool!(db, pool => sqlx::query(sql).bind("bench-reader").fetch_all(pool).await.unwrap().len());
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{name}: bare fetch of {rows} rows x 24 columns: {best:.2} ms");
}

async fn run(name: &str, db: Db) {
    db.migrate().await.unwrap();
    // One person with ~2,000 lines: the drug-history page of three years.
    store_batch(&db, batch("bench-reader", "bench-reader", 2_000), "bench")
        .await
        .unwrap();
    let (q0, n) = query_ms(&db, "bench-reader").await;
    println!("{name}: per-person query ({n} lines shown), db with 2k lines: {q0:.2} ms");
    read_breakdown(name, &db).await;

    // Batches are made before the clock starts: only storing is measured.
    let first = batch("bench-100k", "bench-bulk-0", 100_000);
    let t = Instant::now();
    store_batch(&db, first, "bench").await.unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{name}: import 100,000 drug lines in one batch: {secs:.2} s = {:.0} lines/s",
        100_000.0 / secs
    );

    let more: Vec<_> = (1..10)
        .map(|i| {
            batch(
                &format!("bench-grow-{i}"),
                &format!("bench-bulk-{i}"),
                100_000,
            )
        })
        .collect();
    let t = Instant::now();
    for b in more {
        store_batch(&db, b, "bench").await.unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{name}: import 900,000 more lines (9 batches): {secs:.1} s = {:.0} lines/s",
        900_000.0 / secs
    );
    let (q1, n) = query_ms(&db, "bench-reader").await;
    println!("{name}: per-person query ({n} lines shown), db with ~1.0M lines: {q1:.2} ms");
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("karte-bench-{}", std::process::id()));
        let settings = Settings::for_data_dir(&dir);
        run("sqlite", Db::connect(&settings).await.unwrap()).await;
        let _ = std::fs::remove_dir_all(&dir);

        let base = std::env::var("KARTE_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        use sqlx::Connection;
        let Ok(mut admin) = sqlx::PgConnection::connect(&base).await else {
            println!("postgres: not reachable, skipped");
            return;
        };
        let name = format!("karte_bench_{}", std::process::id());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let mut settings = Settings::for_data_dir(&dir);
        let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
        settings.database_url = Some(url.parse().unwrap());
        let db = Db::connect(&settings).await.unwrap();
        run("postgres", db.clone()).await;
        db.close().await;
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .unwrap();
    });
}
