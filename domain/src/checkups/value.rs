use super::Decimal;
use serde::{Deserialize, Serialize};

/// A measured value beyond the analyser's range (PQ followed by a CD `H`/`L`): both parts are
/// kept, so "≥ 500" is not shown as a plain 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeFlag {
    Above,
    Below,
}

impl RangeFlag {
    /// A measured number as every output shows it (page and PDF): "≧120" above the analyser's
    /// range, "≦0.1" below, the bare number otherwise. The one formatter for it. ≧/≦ (not
    /// ≥/≤): the forms Japanese reports print, and the ones the PDF font has glyphs for.
    pub fn show(flag: Option<RangeFlag>, value: &Decimal) -> String {
        match flag {
            Some(RangeFlag::Above) => format!("≧{value}"),
            Some(RangeFlag::Below) => format!("≦{value}"),
            None => value.to_string(),
        }
    }
}

/// Why an item has no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotMeasuredReason {
    /// 未実施 (`negationInd="true"`).
    NotPerformed,
    /// 測定不能 (`nullFlavor="NI"`).
    Unmeasurable,
    /// A reason text sent with the item (from FY2024, 9N512…).
    Stated(String),
}

impl NotMeasuredReason {
    pub fn label_ja(&self) -> &str {
        match self {
            Self::NotPerformed => "未実施",
            Self::Unmeasurable => "測定不能",
            Self::Stated(text) => text,
        }
    }

    pub fn label_en(&self) -> &str {
        match self {
            Self::NotPerformed => "Not performed",
            Self::Unmeasurable => "Could not be measured",
            Self::Stated(text) => text,
        }
    }
}

/// One result value as the file sent it (PQ, CD/CO, ST, or none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// Adjacently tagged: internal tagging cannot hold the newtype variants.
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum CheckupValue {
    /// PQ: number with its UCUM unit (may be empty).
    Numeric {
        value: Decimal,
        unit: String,
        out_of_range: Option<RangeFlag>,
    },
    /// CD / CO: a code (e.g. 9N501 "1", 尿糖 "3") and its display text if sent.
    Coded {
        code: String,
        display: Option<String>,
    },
    /// ST: free text (医師の診断, 所見).
    Text(String),
    NotMeasured(NotMeasuredReason),
}

impl CheckupValue {
    pub fn numeric(&self) -> Option<Decimal> {
        match self {
            Self::Numeric { value, .. } => Some(*value),
            _ => None,
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Coded { code, .. } => Some(code),
            _ => None,
        }
    }
}
