use serde::{Deserialize, Serialize};

/// 処方区分: where the drug was prescribed and dispensed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrescriptionKind {
    /// 入院: given during a hospital stay.
    Inpatient,
    /// 院内: dispensed by the prescribing clinic.
    InHouse,
    /// 院外: prescription filled at a pharmacy.
    OutOfHouse,
}

impl PrescriptionKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Inpatient => "入院",
            Self::InHouse => "院内",
            Self::OutOfHouse => "院外",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Inpatient => "Inpatient",
            Self::InHouse => "Dispensed at clinic",
            Self::OutOfHouse => "Pharmacy",
        }
    }
}

/// 使用区分: how the drug is used.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageKind {
    /// 内服
    Oral,
    /// 外用
    External,
    /// 屯服: taken as needed, not at fixed times.
    AsNeeded,
    /// 注射
    Injection,
    /// 在宅 (home care)
    HomeCare,
}

impl UsageKind {
    /// The code in URLs and JSON (as serde spells it), e.g. `as_needed`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Oral => "oral",
            Self::External => "external",
            Self::AsNeeded => "as_needed",
            Self::Injection => "injection",
            Self::HomeCare => "home_care",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Oral => "内服",
            Self::External => "外用",
            Self::AsNeeded => "屯服",
            Self::Injection => "注射",
            Self::HomeCare => "在宅",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Oral => "Oral",
            Self::External => "External use",
            Self::AsNeeded => "As needed",
            Self::Injection => "Injection",
            Self::HomeCare => "Home care",
        }
    }

    /// 医科 receipts' 診療識別: 21 内服, 22 屯服, 23 外用, 31–33 注射, 14 在宅.
    pub fn from_treatment_code(code: u8) -> Option<Self> {
        match code {
            21 => Some(Self::Oral),
            22 => Some(Self::AsNeeded),
            23 => Some(Self::External),
            31..=33 => Some(Self::Injection),
            14 => Some(Self::HomeCare),
            _ => None,
        }
    }
}

/// 医薬品記号 from 医薬品マスター's 麻毒覚向区分. Shown before the name as "麻）".
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrugMark {
    /// 麻: narcotic (master code 1).
    Narcotic,
    /// 毒: poison (2).
    Poison,
    /// 覚: stimulant raw material (3).
    StimulantPrecursor,
    /// 向: psychotropic (5).
    Psychotropic,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("麻毒覚向区分 {0} is not 1 (麻), 2 (毒), 3 (覚) or 5 (向)")]
pub struct DrugMarkError(pub u8);

impl DrugMark {
    /// 0 means "none" in the master, hence `Ok(None)`; 4 is unused there.
    pub fn from_master_code(code: u8) -> Result<Option<Self>, DrugMarkError> {
        match code {
            0 => Ok(None),
            1 => Ok(Some(Self::Narcotic)),
            2 => Ok(Some(Self::Poison)),
            3 => Ok(Some(Self::StimulantPrecursor)),
            5 => Ok(Some(Self::Psychotropic)),
            other => Err(DrugMarkError(other)),
        }
    }

    pub fn master_code(self) -> u8 {
        match self {
            Self::Narcotic => 1,
            Self::Poison => 2,
            Self::StimulantPrecursor => 3,
            Self::Psychotropic => 5,
        }
    }

    /// The one-character mark: 麻, 毒, 覚, 向.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Narcotic => "麻",
            Self::Poison => "毒",
            Self::StimulantPrecursor => "覚",
            Self::Psychotropic => "向",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Narcotic => "Narcotic",
            Self::Poison => "Poison",
            Self::StimulantPrecursor => "Stimulant precursor",
            Self::Psychotropic => "Psychotropic",
        }
    }

    /// As the portal prints it before the drug name: "麻）" (full-width closing parenthesis).
    pub fn prefix(self) -> String {
        format!("{}）", self.label_ja())
    }
}

/// Unit of 調剤数量.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityUnit {
    /// 日分
    Days,
    /// 回分
    Times,
    /// 枚 (patches)
    Sheets,
    /// Anything else, kept as printed (本, 個 …).
    Other(String),
}

impl QuantityUnit {
    pub fn parse(raw: &str) -> Self {
        match raw.trim() {
            "日分" => Self::Days,
            "回分" => Self::Times,
            "枚" => Self::Sheets,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn label_ja(&self) -> &str {
        match self {
            Self::Days => "日分",
            Self::Times => "回分",
            Self::Sheets => "枚",
            Self::Other(text) => text,
        }
    }

    pub fn label_en(&self) -> &str {
        match self {
            Self::Days => "days",
            Self::Times => "doses",
            Self::Sheets => "sheets",
            Self::Other(text) => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_codes_are_the_serde_names() {
        for u in [
            UsageKind::Oral,
            UsageKind::External,
            UsageKind::AsNeeded,
            UsageKind::Injection,
            UsageKind::HomeCare,
        ] {
            assert_eq!(serde_json::to_value(u).unwrap(), u.code());
        }
    }

    #[test]
    fn drug_mark_codes() {
        for mark in [
            DrugMark::Narcotic,
            DrugMark::Poison,
            DrugMark::StimulantPrecursor,
            DrugMark::Psychotropic,
        ] {
            assert_eq!(
                DrugMark::from_master_code(mark.master_code()),
                Ok(Some(mark))
            );
        }
        assert_eq!(DrugMark::from_master_code(0), Ok(None));
        assert_eq!(DrugMark::from_master_code(4), Err(DrugMarkError(4)));
        assert_eq!(DrugMark::Narcotic.prefix(), "麻）");
        assert_eq!(DrugMark::Psychotropic.prefix(), "向）");
    }

    #[test]
    fn treatment_codes() {
        assert_eq!(
            UsageKind::from_treatment_code(22),
            Some(UsageKind::AsNeeded)
        );
        assert_eq!(
            UsageKind::from_treatment_code(32),
            Some(UsageKind::Injection)
        );
        assert_eq!(
            UsageKind::from_treatment_code(14),
            Some(UsageKind::HomeCare)
        );
        assert_eq!(UsageKind::from_treatment_code(40), None);
    }

    #[test]
    fn quantity_units_keep_unknown_text() {
        assert_eq!(QuantityUnit::parse("日分"), QuantityUnit::Days);
        assert_eq!(QuantityUnit::parse("本").label_ja(), "本");
    }
}
