//! Synthetic demo people. Invented, never real; stable ids so docs and tests can name them.

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::NaiveDate;

mod catalog;
mod checkups;
mod claims;
mod histories;
mod prng;
pub mod records;

struct DemoPerson {
    id: &'static str,
    name: &'static str,
    name_kana: &'static str,
    sex: &'static str,
    birth: (i32, u32, u32),
    insurer_number: &'static str,
    insurer_name: &'static str,
    symbol: Option<&'static str>,
    number: &'static str,
    branch: Option<&'static str>,
    valid_from: (i32, u32, u32),
}

const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        id: "demo-sato",
        name: "佐藤　健一",
        name_kana: "サトウ　ケンイチ",
        sex: "male",
        birth: (1974, 6, 12),
        insurer_number: "01130012",
        insurer_name: "全国健康保険協会 東京支部",
        symbol: Some("4131"),
        number: "20573",
        branch: Some("00"),
        valid_from: (2015, 4, 1),
    },
    DemoPerson {
        id: "demo-suzuki",
        name: "鈴木　ハル",
        name_kana: "スズキ　ハル",
        sex: "female",
        birth: (1948, 2, 20),
        insurer_number: "39131015",
        insurer_name: "東京都後期高齢者医療広域連合",
        symbol: None,
        number: "00482915",
        branch: None,
        valid_from: (2023, 2, 20),
    },
    DemoPerson {
        id: "demo-tanaka-hiroshi",
        name: "田中　宏",
        name_kana: "タナカ　ヒロシ",
        sex: "male",
        birth: (1983, 9, 3),
        insurer_number: "06132013",
        insurer_name: "関東ITソフトウェア健康保険組合",
        symbol: Some("52"),
        number: "1180",
        branch: Some("00"),
        valid_from: (2019, 4, 1),
    },
    DemoPerson {
        id: "demo-tanaka-yui",
        name: "田中　結衣",
        name_kana: "タナカ　ユイ",
        sex: "female",
        birth: (2015, 5, 27),
        insurer_number: "06132013",
        insurer_name: "関東ITソフトウェア健康保険組合",
        symbol: Some("52"),
        number: "1180",
        branch: Some("02"),
        valid_from: (2019, 4, 1),
    },
    DemoPerson {
        id: "demo-takahashi",
        name: "高橋　美咲",
        name_kana: "タカハシ　ミサキ",
        sex: "female",
        birth: (1979, 11, 30),
        insurer_number: "138016",
        insurer_name: "横浜市国民健康保険",
        symbol: Some("横浜"),
        number: "7720451",
        branch: Some("00"),
        valid_from: (2021, 10, 1),
    },
];

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("demo dates are valid")
}

/// Loads the demo people. Running it again changes nothing. Returns how many are present.
#[tracing::instrument(skip_all)]
pub async fn load(db: &Db) -> Result<usize, DbError> {
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for p in PEOPLE {
            sqlx::query(
                "INSERT INTO people (id, name, name_kana, sex, birth_date) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(p.id).bind(p.name).bind(p.name_kana).bind(p.sex).bind(date(p.birth))
            .execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO insurances (person_id, insurer_number, insurer_name, symbol, number, branch, valid_from)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (person_id, insurer_number, valid_from) DO NOTHING",
            )
            .bind(p.id).bind(p.insurer_number).bind(p.insurer_name).bind(p.symbol).bind(p.number)
            .bind(p.branch).bind(date(p.valid_from))
            .execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(PEOPLE.len())
}
