//! Reads that may lag go to a standby (`KARTE_DATABASE_READ_URL`, issue 22): the record pages,
//! their JSON and their PDFs read the standby; who may see what (sessions, grants) and the
//! access log use the primary. The "standby" here is a copy of the primary made with
//! `CREATE DATABASE … TEMPLATE`, then changed so each side is recognisable: the drug names on
//! the copy, a revoked grant on the primary. (The real hot standby, made with
//! `pg_basebackup`, and the failover are drilled by `ops/standby-drill`.)

use crate::helpers::{block_on, pg_base_url, random_suffix, Backend, TestApp, TestDb};
use server::settings::DatabaseUrl;
use sqlx::{Connection, PgConnection};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-11-26";
const MARK: &str = "スタンバイ";

fn database_of(url: &str) -> String {
    url.rsplit_once('/').expect("a database path").1.to_owned()
}

fn with_database(url: &str, name: &str) -> String {
    format!(
        "{}/{name}",
        url.rsplit_once('/').expect("a database path").0
    )
}

async fn count(url: &str, sql: &str) -> i64 {
    let mut c = PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar(sql).fetch_one(&mut c).await.expect(sql)
}

async fn execute(url: &str, sql: &str) {
    let mut c = PgConnection::connect(url).await.expect("connect");
    sqlx::query(sql).execute(&mut c).await.expect(sql);
}

/// A copy of the database at `url` (no one may be connected to it while it is copied).
async fn copy_database(url: &str) -> String {
    let name = format!("karte_test_standby_{}", random_suffix());
    let mut admin = PgConnection::connect(&pg_base_url()).await.expect("admin");
    let start = Instant::now();
    loop {
        let (open,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM pg_stat_activity WHERE datname = $1")
                .bind(database_of(url))
                .fetch_one(&mut admin)
                .await
                .expect("pg_stat_activity");
        if open == 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the server's connections stay open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sqlx::query(&format!(
        "CREATE DATABASE {name} TEMPLATE {}",
        database_of(url)
    ))
    .execute(&mut admin)
    .await
    .expect("copy");
    with_database(url, &name)
}

#[test]
fn record_reads_come_from_the_standby_and_access_from_the_primary() {
    let app = TestApp::builder(Backend::Postgres)
        .demo()
        .today(TODAY)
        .spawn();
    let sato = app.dev_sign_in("demo-sato");
    let proxy = app.dev_sign_in("demo-takahashi");
    app.grant(&sato, &proxy, &["drugs"], "2099-12-31");
    app.view_as(&proxy, "demo-sato");
    let mut db = app.stop();
    let primary = db
        .settings
        .database_url
        .as_ref()
        .expect("PostgreSQL")
        .expose()
        .to_owned();

    let standby = block_on(async {
        let standby = copy_database(&primary).await;
        execute(
            &standby,
            &format!("UPDATE drug_lines SET drug_name = '{MARK}' || drug_name WHERE person_id = 'demo-sato'"),
        )
        .await;
        // Revoked on the primary only: the standby has not "replayed" it.
        execute(
            &primary,
            "UPDATE proxies SET revoked_at = now() WHERE grantee_id = 'demo-takahashi'",
        )
        .await;
        standby
    });
    db.settings.database_read_url = Some(standby.parse::<DatabaseUrl>().expect("url"));
    let audit = "SELECT count(*) FROM audit_log WHERE action = 'view' OR action = 'export'";
    let (primary_views, standby_views) =
        block_on(async { (count(&primary, audit).await, count(&standby, audit).await) });

    let app = TestApp::spawn_with(db, false);
    let page = app.page("/drugs?preset=all_three_years", &sato);
    assert!(page.contains(MARK), "the drug page reads the standby");
    let (status, json, _) = app.api("/api/v1/me/drugs", &sato);
    assert_eq!(status, 200);
    assert!(
        json.to_string().contains(MARK),
        "the drug API reads the standby"
    );
    let (status, json, _) = app.api("/api/v1/me/checkups", &sato);
    assert_eq!(status, 200, "{json}");
    let pdf = app.pdf("/api/v1/me/drugs/pdf", &sato);
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
    // The grant was revoked on the primary: the standby's stale copy of it is never asked.
    let (status, json, _) = app.api("/api/v1/me/drugs", &proxy);
    assert!(
        !json.to_string().contains(MARK),
        "a revoked proxy reads nothing: {status}"
    );
    let stopped = app.stop();

    block_on(async {
        assert!(
            count(&primary, audit).await >= primary_views + 4,
            "every view and export was logged on the primary"
        );
        assert_eq!(
            count(&standby, audit).await,
            standby_views,
            "nothing was written to the standby"
        );
        let mut admin = PgConnection::connect(&pg_base_url()).await.expect("admin");
        sqlx::query(&format!(
            "DROP DATABASE {} WITH (FORCE)",
            database_of(&standby)
        ))
        .execute(&mut admin)
        .await
        .expect("drop the copy");
    });
    drop(stopped);
}

#[test]
fn a_standby_needs_a_postgresql_primary() {
    let mut db = TestDb::new(Backend::Sqlite);
    db.settings.database_read_url = Some(
        "postgres://postgres@127.0.0.1:5432/postgres"
            .parse()
            .expect("url"),
    );
    let settings = db.settings.clone();
    let built = block_on(async move {
        server::startup::Application::build(&settings, "127.0.0.1:0".parse().expect("addr"), false)
            .await
            .map(|_| ())
    });
    let err = built.expect_err("a SQLite primary with a standby is refused");
    assert!(
        err.to_string().contains("needs a PostgreSQL primary"),
        "{err}"
    );
}
