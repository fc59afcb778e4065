//! PostgreSQL: the per-person tables are hash-partitioned by person (issue 22, migration
//! 20261206000400), and what one person does — every page, API, PDF and 医療費控除 download —
//! reads and writes that person's partition and no other. Proven two ways: the planner's plan
//! for a per-person read names one partition, and the partitions' own scan and write counters
//! (`pg_stat_user_tables`) moved for that person's partition only, over real HTTP.

use crate::helpers::{block_on, Backend, TestApp, API_ROUTES};
use sqlx::{Connection, PgConnection};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const TODAY: &str = "2026-11-26";
const PERSON: &str = "demo-sato";
/// Each partitioned table and the column it is partitioned by.
const TABLES: &[(&str, &str)] = &[
    ("drug_lines", "person_id"),
    ("expense_lines", "person_id"),
    ("checkups", "person_id"),
    ("checkup_results", "person_id"),
    ("audit_log", "subject_person"),
];

async fn connect(url: &str) -> PgConnection {
    PgConnection::connect(url).await.expect("connect")
}

/// Waits until no other connection is open on the database: a closing backend reports its
/// table counters as it exits.
async fn wait_idle(c: &mut PgConnection) {
    let start = Instant::now();
    loop {
        let (others,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_one(&mut *c)
        .await
        .expect("pg_stat_activity");
        if others == 0 {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{others} connections stay open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The partition suffix (`_pNN`) that holds `PERSON`: the same in every table, as each is hashed
/// on the same text with the same modulus.
async fn partition_of_person(c: &mut PgConnection) -> String {
    let (name,): (String,) = sqlx::query_as(
        "SELECT tableoid::regclass::text FROM drug_lines WHERE person_id = $1 LIMIT 1",
    )
    .bind(PERSON)
    .fetch_one(&mut *c)
    .await
    .expect("the person has drug lines");
    name.rsplit_once('_')
        .expect("a partition name")
        .1
        .to_owned()
}

/// Partitions whose scan or write counters are above zero.
async fn touched(c: &mut PgConnection) -> BTreeSet<String> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT relname::text, seq_scan + coalesce(idx_scan, 0) + n_tup_ins + n_tup_upd + n_tup_del
         FROM pg_stat_user_tables
         WHERE relname ~ '^(drug_lines|expense_lines|checkups|checkup_results|audit_log)_p[0-9]{2}$'",
    )
    .fetch_all(&mut *c)
    .await
    .expect("pg_stat_user_tables");
    rows.into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, _)| r)
        .collect()
}

#[test]
fn a_persons_pages_and_exports_touch_only_their_partition() {
    let db = TestApp::builder(Backend::Postgres)
        .demo()
        .today(TODAY)
        .spawn()
        .stop();
    let url = db
        .settings
        .database_url
        .as_ref()
        .expect("a PostgreSQL database")
        .expose()
        .to_owned();
    let suffix = block_on(async {
        let mut c = connect(&url).await;
        wait_idle(&mut c).await;
        // Other people's rows sit in other partitions, or the check below could not fail.
        let (elsewhere,): (i64,) =
            sqlx::query_as("SELECT count(DISTINCT tableoid) FROM drug_lines WHERE person_id <> $1")
                .bind(PERSON)
                .fetch_one(&mut c)
                .await
                .expect("count");
        assert!(
            elsewhere >= 2,
            "the demo people fill {elsewhere} other partitions"
        );
        let suffix = partition_of_person(&mut c).await;
        // A backend reports its counters when it exits: these two queries' scans must land
        // before the reset, not after it.
        c.close().await.expect("close");
        let mut c = connect(&url).await;
        wait_idle(&mut c).await;
        sqlx::query("SELECT pg_stat_reset()")
            .execute(&mut c)
            .await
            .expect("reset");
        assert_eq!(
            touched(&mut c).await,
            BTreeSet::new(),
            "counters start at zero"
        );
        suffix
    });

    let app = TestApp::spawn_with(db, false);
    let cookie = app.dev_sign_in(PERSON);
    for path in [
        "/",
        "/drugs",
        "/checkups",
        "/expenses",
        "/deduction",
        "/access",
        "/own",
    ] {
        assert_eq!(app.fetch(path, Some(&cookie)).status, 200, "GET {path}");
    }
    for path in API_ROUTES {
        assert_eq!(app.fetch(path, Some(&cookie)).status, 200, "GET {path}");
    }
    let db = app.stop();

    block_on(async {
        let mut c = connect(&url).await;
        wait_idle(&mut c).await;
        let seen = touched(&mut c).await;

        let expected: BTreeSet<String> = TABLES
            .iter()
            .map(|(t, _)| format!("{t}_{suffix}"))
            .collect();
        assert_eq!(
            seen, expected,
            "only {PERSON}'s partitions were read or written"
        );

        for (table, key) in TABLES {
            let (plan,): (serde_json::Value,) = sqlx::query_as(&format!(
                "EXPLAIN (FORMAT JSON) SELECT * FROM {table} WHERE {key} = $1"
            ))
            .bind(PERSON)
            .fetch_one(&mut c)
            .await
            .expect("explain");
            let mut relations = BTreeSet::new();
            collect_relations(&plan, &mut relations);
            assert_eq!(
                relations,
                BTreeSet::from([format!("{table}_{suffix}")]),
                "the plan for {table} prunes to one partition: {plan}"
            );
        }
    });
    drop(db);
}

fn collect_relations(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::String(r)) = m.get("Relation Name") {
                out.insert(r.clone());
            }
            m.values().for_each(|x| collect_relations(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_relations(x, out)),
        _ => {}
    }
}
