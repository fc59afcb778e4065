//! The import's inserts on SQLite's own handle (`records::sqlite_rows`), on a real database
//! file: values exactly as bound, SQLite's own errors as sqlx reports them, and nothing kept
//! after a failed statement once its transaction rolls back.

use crate::helpers::{Backend, TestDb};
use server::db::Db;
use server::records::sqlite_rows::{Inserter, Value};
use sqlx::{Connection, Row};

const COLUMNS: &str = "a, b, c";

async fn sqlite(test: &TestDb) -> sqlx::SqlitePool {
    match test.open().await {
        Db::Sqlite(pool) => pool,
        Db::Postgres(_) => unreachable!("a SQLite test database"),
    }
}

async fn table(pool: &sqlx::SqlitePool) {
    sqlx::query(
        "CREATE TABLE t (a TEXT NOT NULL, b INTEGER, c TEXT CHECK (c IS NULL OR c <> 'refused'))",
    )
    .execute(pool)
    .await
    .unwrap();
}

/// `n` rows of three values each, texts built from `texts`.
fn rows(texts: &[String]) -> Vec<Value<'_>> {
    texts
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            [
                Value::Text(t),
                if i % 3 == 0 {
                    Value::Null
                } else {
                    Value::Int(i as i64 - 500)
                },
                Value::from((i % 2 == 0).then_some(t.as_str())),
            ]
        })
        .collect()
}

#[tokio::test]
async fn rows_are_stored_as_bound_in_chunks_and_single_rows() {
    let test = TestDb::new(Backend::Sqlite);
    let pool = sqlite(&test).await;
    table(&pool).await;
    // 1,001 rows: two statements of 400 rows, then 201 single rows. Texts with what bound
    // text must keep byte for byte: quotes, NUL, line breaks, characters outside the BMP.
    let texts: Vec<String> = (0..1_001)
        .map(|i| match i % 4 {
            0 => format!("行 {i} 'quoted' \"double\""),
            1 => format!("nul\0inside {i}"),
            2 => format!("line\r\nbreak {i} 💊"),
            _ => String::new(),
        })
        .collect();
    let mut conn = pool.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    {
        let mut handle = tx.lock_handle().await.unwrap();
        let mut insert = Inserter::new(&mut handle, "t", COLUMNS);
        insert.insert(&rows(&texts)).unwrap();
    }
    tx.commit().await.unwrap();
    let stored = sqlx::query("SELECT a, b, c FROM t ORDER BY rowid")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), texts.len());
    for (i, (row, text)) in stored.iter().zip(&texts).enumerate() {
        assert_eq!(row.get::<String, _>(0), *text, "row {i}");
        let b: Option<i64> = row.get(1);
        assert_eq!(b, (i % 3 != 0).then_some(i as i64 - 500), "row {i}");
        let c: Option<String> = row.get(2);
        assert_eq!(
            c.as_deref(),
            (i % 2 == 0).then_some(text.as_str()),
            "row {i}"
        );
    }
}

#[tokio::test]
async fn a_refused_row_is_sqlites_error_and_the_rollback_keeps_nothing() {
    let test = TestDb::new(Backend::Sqlite);
    let pool = sqlite(&test).await;
    table(&pool).await;
    // The refused value in the second statement of 400 rows, and again among the single rows.
    for refused_at in [650, 1_000] {
        let mut texts: Vec<String> = (0..1_001).map(|i| format!("ok {i}")).collect();
        texts[refused_at] = "refused".into();
        let mut conn = pool.acquire().await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        let err = {
            let mut handle = tx.lock_handle().await.unwrap();
            let mut insert = Inserter::new(&mut handle, "t", COLUMNS);
            insert.insert(&rows(&texts)).unwrap_err()
        };
        let sqlx::Error::Database(e) = &err else {
            panic!("a database error, got {err:?}");
        };
        // SQLITE_CONSTRAINT_CHECK, and SQLite's own message naming the constraint.
        assert_eq!(e.code().as_deref(), Some("275"), "{e}");
        assert!(e.is_check_violation(), "{e}");
        assert!(e.message().contains("CHECK constraint failed"), "{e}");
        tx.rollback().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 0, "refused at {refused_at}: nothing kept");
    }
}

#[tokio::test]
async fn values_that_are_not_whole_rows_are_refused_before_anything_is_written() {
    let test = TestDb::new(Backend::Sqlite);
    let pool = sqlite(&test).await;
    table(&pool).await;
    let mut conn = pool.acquire().await.unwrap();
    {
        let mut handle = conn.lock_handle().await.unwrap();
        let mut insert = Inserter::new(&mut handle, "t", COLUMNS);
        let err = insert
            .insert(&[
                Value::Text("a"),
                Value::Int(1),
                Value::Null,
                Value::Text("b"),
            ])
            .unwrap_err();
        assert!(
            err.to_string().contains("not whole rows of 3 columns"),
            "{err}"
        );
        drop(insert);
        // A table that does not exist: SQLite's message from the prepare.
        let mut missing = Inserter::new(&mut handle, "no_such_table", COLUMNS);
        let err = missing
            .insert(&[Value::Text("a"), Value::Null, Value::Null])
            .unwrap_err();
        assert!(err.to_string().contains("no such table"), "{err}");
    }
    // The connection is usable through sqlx again once the handle is released.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(n, 0);
}
