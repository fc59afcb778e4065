use serde::{Deserialize, Serialize};
use std::fmt;

/// A 17-character hc08 item code (JLAC10-based, e.g. 3D046000001906202). Unknown codes are
/// valid codes: they are kept and shown by their code, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ItemCode(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ItemCodeError {
    #[error("item code {0:?} must be 17 characters, got {1}")]
    Length(String, usize),
    #[error("item code {0:?} may only hold A–Z and 0–9")]
    BadChar(String),
}

impl ItemCode {
    /// Lower-case letters are upper-cased: JLAC10 codes are defined upper-case.
    pub fn parse(raw: &str) -> Result<Self, ItemCodeError> {
        let s = raw.trim().to_ascii_uppercase();
        if !s
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(ItemCodeError::BadChar(raw.trim().to_owned()));
        }
        if s.len() != 17 {
            return Err(ItemCodeError::Length(
                raw.trim().to_owned(),
                s.chars().count(),
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ItemCode {
    type Error = ItemCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ItemCode> for String {
    fn from(value: ItemCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seventeen_alphanumerics() {
        assert_eq!(
            ItemCode::parse("3d046000001906202").unwrap().as_str(),
            "3D046000001906202"
        );
        assert!(matches!(
            ItemCode::parse("3D04600000190620"),
            Err(ItemCodeError::Length(_, 16))
        ));
        assert!(matches!(
            ItemCode::parse("3D04600000190620-"),
            Err(ItemCodeError::BadChar(_))
        ));
        assert!(matches!(
            ItemCode::parse("99999999"),
            Err(ItemCodeError::Length(_, 8))
        ));
    }
}
