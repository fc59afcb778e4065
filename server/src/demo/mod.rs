//! Synthetic demo people. Invented, never real; stable ids so docs and tests can name them.

use crate::db::Db;
use crate::records::import::StoreError;
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
        insurer_number: "39131156",
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

/// Loads the demo people and their records, anchored on `today` (3 years up to last month),
/// through the same importer insurers use. Running it again in the same month changes nothing.
/// Returns how many demo people there are.
#[tracing::instrument(skip_all)]
pub async fn load(db: &Db, today: NaiveDate) -> Result<usize, StoreError> {
    crate::records::import::store_batch(db, records::demo_batch(today), "demo").await?;
    Ok(PEOPLE.len())
}
