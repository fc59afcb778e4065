//! The storage suite: the same tests on SQLite and PostgreSQL.

use server::db::Db;
use server::{demo, records};

async fn migrations_apply_twice(db: &Db) {
    db.migrate().await.expect("second migrate is a no-op");
    db.ping().await.expect("ping");
}

async fn demo_load_is_idempotent(db: &Db) {
    assert!(records::people::list_people(db).await.unwrap().is_empty());
    demo::load(db).await.unwrap();
    let first = records::people::list_people(db).await.unwrap();
    demo::load(db).await.unwrap();
    let second = records::people::list_people(db).await.unwrap();
    assert_eq!(first, second);
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
    demo::load(db).await.unwrap();
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
    people_carry_current_insurer_and_birth_date
);
