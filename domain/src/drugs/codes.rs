use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DrugCodeError {
    #[error("レセプト電算処理システム用コード must be 9 digits (got {0:?})")]
    Receipt(String),
    #[error("YJ code must be 12 letters or digits (got {0:?})")]
    Yj(String),
}

/// 医薬品コード as receipts carry it (レセプト電算処理システム用コード, 9 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReceiptDrugCode(String);

impl ReceiptDrugCode {
    pub fn parse(raw: &str) -> Result<Self, DrugCodeError> {
        let s = raw.trim();
        if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(DrugCodeError::Receipt(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 個別医薬品コード (YJ code, 12 characters; letters occur in positions 8–9).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YjCode(String);

impl YjCode {
    pub fn parse(raw: &str) -> Result<Self, DrugCodeError> {
        let s = raw.trim();
        if s.len() == 12
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            Ok(Self(s.to_owned()))
        } else {
            Err(DrugCodeError::Yj(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_glue {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = DrugCodeError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}
string_glue!(ReceiptDrugCode);
string_glue!(YjCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lengths() {
        assert!(ReceiptDrugCode::parse("620000001").is_ok());
        assert!(ReceiptDrugCode::parse("62000000").is_err());
        assert!(YjCode::parse("1149019F1560").is_ok());
        assert!(YjCode::parse("1149019f1560").is_err());
    }
}
