//! The storage suite: the same tests on SQLite and PostgreSQL.

use crate::helpers::{block_on, Backend, TestDb};
use server::db::Db;
use server::settings::Settings;
use server::{demo, records};

async fn migrations_apply_twice(db: &Db) {
    db.migrate().await.expect("second migrate is a no-op");
    db.ping().await.expect("ping");
}

async fn demo_load_is_idempotent(db: &Db) {
    assert!(records::people::list_people(db).await.unwrap().is_empty());
    let today = crate::fixtures::d(2026, 11, 26);
    demo::load(db, today).await.unwrap();
    let first = records::people::list_people(db).await.unwrap();
    let sato = domain::people::PersonId::parse("demo-sato").unwrap();
    let lines = records::lines::all_drug_lines(db, &sato).await.unwrap();
    assert!(lines.len() > 100, "three years of drugs");
    demo::load(db, today).await.unwrap();
    let second = records::people::list_people(db).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(
        records::lines::all_drug_lines(db, &sato).await.unwrap(),
        lines
    );
    let ids: Vec<_> = first.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "demo-sato",
            "demo-suzuki",
            "demo-takahashi",
            "demo-tanaka-hiroshi",
            "demo-tanaka-yui"
        ]
    );
}

async fn people_carry_current_insurer_and_birth_date(db: &Db) {
    demo::load(db, crate::fixtures::d(2026, 11, 26))
        .await
        .unwrap();
    let people = records::people::list_people(db).await.unwrap();
    let sato = people
        .iter()
        .find(|p| p.id.as_str() == "demo-sato")
        .unwrap();
    assert_eq!(
        sato.birth_date,
        chrono::NaiveDate::from_ymd_opt(1974, 6, 12).unwrap()
    );
    assert_eq!(sato.insurer_name, "全国健康保険協会 東京支部");
}

crate::both_backends!(
    migrations_apply_twice,
    demo_load_is_idempotent,
    people_carry_current_insurer_and_birth_date,
    demo_people_have_what_the_pages_need,
    audit_log_is_insert_only,
    concurrent_log_entries_are_each_committed_before_their_call_returns,
);

/// Views that happen together share access-log commits (`audit::record_or_log`), and each
/// call still returns only once its own entry is stored: no entry lost, none duplicated.
async fn concurrent_log_entries_are_each_committed_before_their_call_returns(db: &Db) {
    const N: usize = 24;
    let calls: Vec<_> = (0..N)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let event = server::audit::Event::new(server::audit::Action::View)
                    .on("group-commit")
                    .detail(format!("view {i}"));
                server::audit::record_or_log(&db, event).await;
                let logged = server::audit::history(&db, "group-commit", 100)
                    .await
                    .unwrap();
                assert!(
                    logged.iter().any(|e| e.detail == format!("view {i}")),
                    "view {i} returned before it was logged"
                );
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap();
    }
    let mut logged: Vec<String> = server::audit::history(db, "group-commit", 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.detail)
        .collect();
    logged.sort();
    let mut expected: Vec<String> = (0..N).map(|i| format!("view {i}")).collect();
    expected.sort();
    assert_eq!(logged, expected);
}

async fn demo_people_have_what_the_pages_need(db: &Db) {
    use domain::checkups::{CheckupKind, CheckupRegistration};
    use domain::people::PersonId;
    let today = crate::fixtures::d(2026, 11, 26);
    demo::load(db, today).await.unwrap();
    let window = domain::visibility::retention_window(today);
    let sato = PersonId::parse("demo-sato").unwrap();
    let shown = records::lines::visible_drug_lines(db, &sato, window, today)
        .await
        .unwrap();
    let all = records::lines::all_drug_lines(db, &sato).await.unwrap();
    assert!(
        shown.len() < all.len(),
        "the re-claimed month hides the superseded lines"
    );
    assert!(
        shown
            .windows(2)
            .all(|w| w[0].dispensed_on >= w[1].dispensed_on),
        "newest first"
    );
    assert!(shown.iter().any(|l| l.mark.is_some()), "a 向 drug");
    assert!(
        shown.iter().any(|l| l.savings.is_some()),
        "a generic could save money"
    );
    let suzuki = PersonId::parse("demo-suzuki").unwrap();
    let kinds: Vec<_> = records::checkups::checkups_for(db, &suzuki)
        .await
        .unwrap()
        .iter()
        .map(|c| c.kind)
        .collect();
    assert!(
        kinds.contains(&CheckupKind::LateStageElderly)
            && kinds.contains(&CheckupKind::SpecificHealthCheckup)
    );
    let takahashi = PersonId::parse("demo-takahashi").unwrap();
    assert!(records::checkups::checkups_for(db, &takahashi)
        .await
        .unwrap()
        .is_empty());
    let status = records::checkups::checkup_status(db, &takahashi)
        .await
        .unwrap();
    assert!(
        matches!(
            status[0].registration,
            Some(CheckupRegistration::Expected { .. })
        ),
        "{status:?}"
    );
    let yui = PersonId::parse("demo-tanaka-yui").unwrap();
    let expenses = records::lines::visible_expense_lines(db, &yui, window, today)
        .await
        .unwrap();
    assert!(!expenses.is_empty());
}

async fn audit_log_is_insert_only(db: &Db) {
    use server::audit::{self, Action, Event};
    let event = Event::new(Action::View)
        .by_account("acc-1", Some("demo-sato"))
        .on("demo-sato")
        .detail("drugs 2025-01..2025-12");
    audit::record(db, event, chrono::Utc::now()).await.unwrap();
    let history = audit::history(db, "demo-sato", 10).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "view");
    let (update, delete) = server::with_pool!(db, pool => (
        sqlx::query("UPDATE audit_log SET detail = 'changed'").execute(pool).await.map(|_| ()).map_err(|e| e.to_string()),
        sqlx::query("DELETE FROM audit_log").execute(pool).await.map(|_| ()).map_err(|e| e.to_string()),
    ));
    assert!(update.unwrap_err().contains("insert-only"));
    assert!(delete.unwrap_err().contains("insert-only"));
    assert!(
        audit::history(db, "someone-else", 10)
            .await
            .unwrap()
            .is_empty(),
        "history is per person"
    );
}

/// Each test's database is a copy of the backend's migrated template (see `helpers`): every
/// migration applied, and a copy of its own (a row written in one is not in the next);
/// `TestDb::empty` is unmigrated.
fn test_databases_are_migrated_copies(backend: Backend) {
    let migrations = match backend {
        Backend::Sqlite => sqlx::migrate!("../migrations/sqlite").iter().count(),
        Backend::Postgres => sqlx::migrate!("../migrations/postgres").iter().count(),
    };
    let count = |settings: Settings, sql: &'static str| {
        block_on(async move {
            let db = Db::connect(&settings).await.unwrap();
            let n: Result<i64, _> =
                server::with_pool!(&db, p => sqlx::query_scalar(sql).fetch_one(p).await);
            db.close().await;
            n
        })
    };
    let first = TestDb::new(backend);
    let applied = count(
        first.settings.clone(),
        "SELECT COUNT(*) FROM _sqlx_migrations WHERE success",
    );
    assert_eq!(applied.unwrap(), i64::try_from(migrations).unwrap());
    block_on(async {
        let db = Db::connect(&first.settings).await.unwrap();
        server::with_pool!(&db, p => sqlx::query(
            "INSERT INTO people (id, name, birth_date) VALUES ('test-template', 'テスト', '1970-01-01')"
        ).execute(p).await.map(|_| ()).unwrap());
        db.close().await;
    });
    let second = TestDb::new(backend);
    let people = count(second.settings.clone(), "SELECT COUNT(*) FROM people");
    assert_eq!(
        people.unwrap(),
        0,
        "a fresh copy, not the first test's database"
    );
    let empty = TestDb::empty(backend);
    assert!(count(
        empty.settings.clone(),
        "SELECT COUNT(*) FROM _sqlx_migrations"
    )
    .is_err());
}

crate::both_backends!(fn test_databases_are_migrated_copies);
