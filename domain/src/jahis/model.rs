use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One JAHIS file: who it is for and one entry per 調剤等年月日 (one visit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notebook {
    /// `n` of the `JAHISTC0n` header (the format version).
    pub version: u8,
    pub output: Output,
    /// 患者情報レコード (1).
    pub patient: Option<Patient>,
    pub dispensings: Vec<Dispensing>,
}

/// 出力区分 of the version record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    /// 1: from a clinic or pharmacy to the patient.
    ToPatient,
    /// 2: from the patient to a clinic or pharmacy.
    ToProvider,
}

impl Output {
    pub fn code(self) -> u8 {
        match self {
            Self::ToPatient => 1,
            Self::ToProvider => 2,
        }
    }
}

/// 患者性別 (1 男, 2 女).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

/// 患者情報レコード (1): the fields Karte reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    /// 患者氏名カナ (field 10).
    pub kana: Option<String>,
}

/// レコード作成者 of the 調剤等年月日 record: who wrote the dispensing down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Creator {
    /// 1: 医療関係者 (a pharmacy or clinic).
    Professional,
    /// 2: 患者等.
    Patient,
    /// 8: その他.
    Other,
    /// 9: 不明.
    Unknown,
}

impl Creator {
    pub fn code(self) -> u8 {
        match self {
            Self::Professional => 1,
            Self::Patient => 2,
            Self::Other => 8,
            Self::Unknown => 9,
        }
    }
}

/// One visit: 調剤等年月日 (5) and everything up to the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispensing {
    pub date: NaiveDate,
    pub creator: Creator,
    /// 調剤－医療機関等レコード (11): who dispensed.
    pub institution: Option<Institution>,
    /// 調剤－医師・薬剤師レコード (15).
    pub staff: Option<Staff>,
    /// 処方－医療機関レコード (51): who prescribed (pharmacies only).
    pub prescriber: Option<Prescriber>,
    /// RPs, grouped by the 処方－医師レコード (55) before them.
    pub groups: Vec<DoctorGroup>,
    /// 服用注意レコード (401).
    pub cautions: Vec<String>,
    /// 備考レコード (501).
    pub remarks: Vec<String>,
}

impl Dispensing {
    pub fn rps(&self) -> impl Iterator<Item = &Rp> {
        self.groups.iter().flat_map(|g| g.rps.iter())
    }
}

/// 調剤－医療機関等レコード (11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub name: String,
    /// 都道府県番号, two digits.
    pub prefecture: Option<String>,
    /// 点数表: 1 医科, 3 歯科, 4 調剤.
    pub table: Option<u8>,
    /// 医療機関コード, seven digits.
    pub code: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
}

impl Institution {
    /// The ten-digit 医療機関コード receipts carry (都道府県 2 + 点数表 1 + 7), when all three
    /// parts are given.
    pub fn receipt_code(&self) -> Option<String> {
        ten_digit(self.prefecture.as_deref(), self.table, self.code.as_deref())
    }
}

/// 調剤－医師・薬剤師レコード (15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub name: String,
    pub contact: Option<String>,
}

/// 処方－医療機関レコード (51).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prescriber {
    pub name: String,
    pub prefecture: Option<String>,
    pub table: Option<u8>,
    pub code: Option<String>,
}

impl Prescriber {
    pub fn receipt_code(&self) -> Option<String> {
        ten_digit(self.prefecture.as_deref(), self.table, self.code.as_deref())
    }
}

fn ten_digit(pref: Option<&str>, table: Option<u8>, code: Option<&str>) -> Option<String> {
    Some(format!("{}{}{}", pref?, table?, code?))
}

/// 処方－医師レコード (55) and the RPs after it, until the next one. The first group of a
/// dispensing may have no doctor (no 55 before its RPs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorGroup {
    pub doctor: Option<(String, Option<String>)>,
    pub rps: Vec<Rp>,
}

/// One RP: drugs taken the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rp {
    pub number: u16,
    /// 薬品レコード (201), with their 薬品補足 (281) and 薬品服用注意 (291).
    pub drugs: Vec<Drug>,
    /// 用法レコード (301).
    pub usage: Option<Usage>,
    /// 用法補足レコード (311).
    pub usage_notes: Vec<String>,
    /// 処方服用注意レコード (391).
    pub cautions: Vec<String>,
}

/// 薬品コード種別 and 薬品コード.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DrugCode {
    /// 1: コードなし.
    None,
    /// 2: レセプト電算コード (9 digits).
    Receipt(String),
    /// 3: 厚労省コード.
    Mhlw(String),
    /// 4: YJコード (12).
    Yj(String),
    /// 6: HOTコード (13).
    Hot(String),
}

impl DrugCode {
    pub fn kind(&self) -> u8 {
        match self {
            Self::None => 1,
            Self::Receipt(_) => 2,
            Self::Mhlw(_) => 3,
            Self::Yj(_) => 4,
            Self::Hot(_) => 6,
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Receipt(c) | Self::Mhlw(c) | Self::Yj(c) | Self::Hot(c) => Some(c),
        }
    }
}

/// 薬品レコード (201) with its notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drug {
    /// 薬品名称, as printed (a 麻・毒・覚・向 mark stays part of it, e.g. 「麻）…」).
    pub name: String,
    /// 用量 (内服: 1日量, 屯服: 1回量, 外用・注射: 全量).
    pub dose: Option<String>,
    /// 単位名.
    pub unit: Option<String>,
    /// `None` when the record leaves 薬品コード種別 empty (allowed when 出力区分 is 2).
    pub code: Option<DrugCode>,
    /// 薬品補足レコード (281).
    pub notes: Vec<String>,
    /// 薬品服用注意レコード (291).
    pub cautions: Vec<String>,
}

/// 剤形コード (別表4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DosageForm {
    Oral,
    OralDrops,
    AsNeeded,
    Injection,
    External,
    Infusion,
    Decoction,
    Material,
    Other,
}

impl DosageForm {
    pub const ALL: [Self; 9] = [
        Self::Oral,
        Self::OralDrops,
        Self::AsNeeded,
        Self::Injection,
        Self::External,
        Self::Infusion,
        Self::Decoction,
        Self::Material,
        Self::Other,
    ];

    pub fn code(self) -> u8 {
        match self {
            Self::Oral => 1,
            Self::OralDrops => 2,
            Self::AsNeeded => 3,
            Self::Injection => 4,
            Self::External => 5,
            Self::Infusion => 6,
            Self::Decoction => 7,
            Self::Material => 9,
            Self::Other => 10,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// 用法レコード (301).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// 用法名称, e.g. 「１日３回毎食後」.
    pub name: Option<String>,
    /// 調剤数量 (内服: days, 屯服: times, 外用・注射: 1).
    pub quantity: Option<u32>,
    /// 調剤単位 (日分, 回分, 調剤).
    pub unit: Option<String>,
    pub form: Option<DosageForm>,
    /// 用法コード when 用法コード種別 is 2 (JAMI).
    pub code: Option<String>,
}
