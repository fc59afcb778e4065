//! 医薬品マスター (Y): what a receipt's 9-digit 医薬品コード means — name, unit, 麻毒覚向,
//! 後発品, 剤形, YJ code, 成分名 (receipts.md §7).
//!
//! Karte ships a small subset in the master's own layout (`server/assets/uke/y-subset.csv`,
//! one row per drug, the master's 1-based columns). An operator with the full master file
//! (Shift_JIS CSV from the 支払基金 / 診療報酬情報提供サービス) loads it with
//! `KARTE_DRUG_MASTER=FILE`; [`install`] makes it the one the UKE parser asks first. Codes in
//! neither are kept and shown by their code.

use crate::import::text::decode_text;
use domain::drugs::{DrugMark, YjCode};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Columns read (1-based, receipts.md §7).
const COL_CODE: usize = 3;
const COL_NAME: usize = 5;
const COL_UNIT: usize = 10;
const COL_MARK: usize = 14;
const COL_GENERIC: usize = 17;
const COL_FORM: usize = 28;
const COL_YJ: usize = 32;
/// 成分名: the subset's column 37 (in the 令和 layout 一般名処方の標準的な記載 [unverified];
/// a leading 【般】 is dropped).
const COL_INGREDIENT: usize = 37;

/// 剤形 (column 28): 1 内用薬, 3 その他, 4 注射薬, 6 外用薬, 8 歯科用薬剤.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasterForm {
    Internal,
    Other,
    Injection,
    External,
    Dental,
}

/// One drug of the master.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterDrug {
    pub name: String,
    /// 単位 漢字名称 ("錠", "ｇ"), empty when the master has none.
    pub unit: String,
    pub mark: Option<DrugMark>,
    pub generic: bool,
    pub form: Option<MasterForm>,
    pub yj_code: Option<YjCode>,
    pub ingredient: Option<String>,
}

/// A loaded master: code → drug.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrugMaster {
    drugs: HashMap<String, MasterDrug>,
}

/// Why a master file could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MasterError {
    #[error("the drug master is neither Shift_JIS (CP932) nor UTF-8 text")]
    Encoding,
    #[error("drug master line {line}: column {column}: {message}")]
    Row {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the drug master holds no 医薬品 rows (column 3 must be a 9-digit code)")]
    Empty,
}

/// The subset shipped with Karte.
const BUNDLED: &str = include_str!("../../../assets/uke/y-subset.csv");

impl DrugMaster {
    /// Reads a master file in the 医薬品マスター layout (CP932 or UTF-8; fields quoted or not).
    pub fn parse(bytes: &[u8]) -> Result<Self, MasterError> {
        let (text, _) = decode_text(bytes).ok_or(MasterError::Encoding)?;
        let mut drugs = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line
                .split(',')
                .map(|c| c.trim().trim_matches('"').trim())
                .collect();
            let col = |n: usize| cols.get(n - 1).copied().unwrap_or("");
            let err = |column: usize, message: String| MasterError::Row {
                line: i + 1,
                column,
                message,
            };
            let code = col(COL_CODE);
            if code.len() != 9 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(
                    COL_CODE,
                    format!("{code:?} is not a 9-digit 医薬品コード"),
                ));
            }
            let mark = match col(COL_MARK) {
                "" => None,
                raw => {
                    let n: u8 = raw
                        .parse()
                        .map_err(|_| err(COL_MARK, format!("{raw:?} is not a 麻毒覚向 code")))?;
                    DrugMark::from_master_code(n).map_err(|e| err(COL_MARK, e.to_string()))?
                }
            };
            let form = match col(COL_FORM) {
                "" => None,
                "1" => Some(MasterForm::Internal),
                "3" => Some(MasterForm::Other),
                "4" => Some(MasterForm::Injection),
                "6" => Some(MasterForm::External),
                "8" => Some(MasterForm::Dental),
                raw => {
                    return Err(err(
                        COL_FORM,
                        format!("{raw:?} is not a 剤形 (1, 3, 4, 6, 8)"),
                    ))
                }
            };
            let yj_code = match col(COL_YJ) {
                "" => None,
                raw => Some(YjCode::parse(raw).map_err(|e| err(COL_YJ, e.to_string()))?),
            };
            let ingredient = col(COL_INGREDIENT);
            let ingredient = ingredient
                .strip_prefix("【般】")
                .unwrap_or(ingredient)
                .trim();
            let name = col(COL_NAME);
            if name.is_empty() {
                return Err(err(COL_NAME, "漢字名称 is empty".into()));
            }
            drugs.insert(
                code.to_owned(),
                MasterDrug {
                    name: name.to_owned(),
                    unit: col(COL_UNIT).to_owned(),
                    mark,
                    generic: col(COL_GENERIC) == "1",
                    form,
                    yj_code,
                    ingredient: (!ingredient.is_empty()).then(|| ingredient.to_owned()),
                },
            );
        }
        if drugs.is_empty() {
            return Err(MasterError::Empty);
        }
        Ok(Self { drugs })
    }

    /// Reads the master file at `path`.
    pub fn load(path: &std::path::Path) -> anyhow::Result<Self> {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("drug master {}: {e}", path.display()))?;
        Self::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    pub fn get(&self, code: &str) -> Option<&MasterDrug> {
        self.drugs.get(code)
    }

    /// Every drug with its code, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &MasterDrug)> {
        self.drugs.iter().map(|(code, drug)| (code.as_str(), drug))
    }

    pub fn len(&self) -> usize {
        self.drugs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.drugs.is_empty()
    }

    /// The subset shipped with Karte.
    pub fn bundled() -> &'static DrugMaster {
        static BUNDLED_MASTER: OnceLock<DrugMaster> = OnceLock::new();
        BUNDLED_MASTER.get_or_init(|| {
            DrugMaster::parse(BUNDLED.as_bytes()).unwrap_or_else(|e| {
                // The file is part of the source and checked by a test; never reached.
                tracing::error!(error = %e, "bundled drug master unreadable");
                DrugMaster::default()
            })
        })
    }
}

static INSTALLED: OnceLock<DrugMaster> = OnceLock::new();

/// Makes `master` (an operator's full file) the one the UKE parser asks first, for the rest
/// of the process. Only the first call counts; it says whether this one did.
pub fn install(master: DrugMaster) -> bool {
    INSTALLED.set(master).is_ok()
}

/// What a code means: the installed master first, then the bundled subset.
pub fn lookup(code: &str) -> Option<&'static MasterDrug> {
    INSTALLED
        .get()
        .and_then(|m| m.get(code))
        .or_else(|| DrugMaster::bundled().get(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_subset_reads_and_carries_marks() {
        let m = DrugMaster::bundled();
        assert!(m.len() >= 15, "{}", m.len());
        let loxonin = m.get("620098801").unwrap();
        assert_eq!(loxonin.name, "ロキソニン錠６０ｍｇ");
        assert_eq!(loxonin.unit, "錠");
        assert_eq!(loxonin.form, Some(MasterForm::Internal));
        assert!(!loxonin.generic);
        assert_eq!(
            loxonin.ingredient.as_deref(),
            Some("ロキソプロフェンナトリウム水和物")
        );
        assert!(m.get("620099301").unwrap().generic);
        assert_eq!(
            m.get("611170513").unwrap().mark,
            Some(DrugMark::Psychotropic)
        );
        assert_eq!(m.get("618110024").unwrap().mark, Some(DrugMark::Narcotic));
        assert_eq!(m.get("620009048").unwrap().form, Some(MasterForm::External));
    }

    #[test]
    fn a_full_file_in_cp932_with_quotes_loads() {
        let mut row = vec![String::new(); 37];
        row[0] = "0".into();
        row[1] = "Y".into();
        row[2] = "612345678".into();
        row[4] = "テスト錠１０ｍｇ".into();
        row[9] = "錠".into();
        row[13] = "2".into();
        row[16] = "1".into();
        row[27] = "1".into();
        row[31] = "1149019F1560".into();
        let line = row
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(",");
        let text = format!("{line}\r\n");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let m = DrugMaster::parse(&sjis).unwrap();
        let d = m.get("612345678").unwrap();
        assert_eq!(
            (d.name.as_str(), d.unit.as_str(), d.mark, d.generic),
            ("テスト錠１０ｍｇ", "錠", Some(DrugMark::Poison), true)
        );
        assert_eq!(d.yj_code.as_ref().map(|y| y.as_str()), Some("1149019F1560"));
        assert_eq!(d.ingredient, None);
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let e = DrugMaster::parse(b"0,Y,61234,,x\n").unwrap_err();
        assert!(
            matches!(
                e,
                MasterError::Row {
                    line: 1,
                    column: 3,
                    ..
                }
            ),
            "{e}"
        );
        let e = DrugMaster::parse(b"0,Y,612345678,,x,,,,,,,,,4\n").unwrap_err();
        assert!(
            matches!(
                e,
                MasterError::Row {
                    line: 1,
                    column: 14,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(DrugMaster::parse(b"\n"), Err(MasterError::Empty));
    }
}
