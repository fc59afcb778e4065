//! People as the UI lists them. The full person/insurance model grows from here.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A person's stable id (`demo-…` for synthetic people). Opaque to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonId(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PersonIdError {
    #[error("person id is empty")]
    Empty,
    #[error("person id is longer than 64 characters")]
    TooLong,
    #[error("person id may only hold a-z, 0-9 and '-'")]
    BadChar,
}

impl PersonId {
    pub fn parse(raw: &str) -> Result<Self, PersonIdError> {
        if raw.is_empty() {
            return Err(PersonIdError::Empty);
        }
        if raw.len() > 64 {
            return Err(PersonIdError::TooLong);
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(PersonIdError::BadChar);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a list of people shows: id, name, birth date, insurer. Only what the page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub id: PersonId,
    pub name: String,
    pub birth_date: chrono::NaiveDate,
    pub insurer_name: String,
}

/// 性別 as the checkup files carry it (`administrativeGenderCode` 1 男, 2 女). Some reference bands
/// (Hb, waist) depend on it, so it is an enum, never a free string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("sex code must be 1 (男) or 2 (女), got {0:?}")]
pub struct SexCodeError(pub String);

impl Sex {
    /// Parses the hc08 code (1 男, 2 女).
    pub fn from_code(code: &str) -> Result<Self, SexCodeError> {
        match code.trim() {
            "1" => Ok(Self::Male),
            "2" => Ok(Self::Female),
            other => Err(SexCodeError(other.to_owned())),
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Self::Male => 1,
            Self::Female => 2,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Male => "Male",
            Self::Female => "Female",
        }
    }
}

/// 受診者情報 as every record page and export shows it: who the records belong to, with
/// their current insurance card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonHeader {
    pub person_id: String,
    pub name: String,
    pub birth_date: chrono::NaiveDate,
    pub insurer_number: Option<String>,
    pub symbol: Option<String>,
    pub number: Option<String>,
    pub branch: Option<String>,
    /// Shown through a proxy grant (not the signed-in person themselves).
    pub as_proxy: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_id_accepts_demo_ids() {
        assert_eq!(PersonId::parse("demo-sato").unwrap().as_str(), "demo-sato");
    }

    #[test]
    fn person_id_rejects_bad_input() {
        assert_eq!(PersonId::parse(""), Err(PersonIdError::Empty));
        assert_eq!(PersonId::parse("Demo"), Err(PersonIdError::BadChar));
        assert_eq!(PersonId::parse("a b"), Err(PersonIdError::BadChar));
        assert_eq!(
            PersonId::parse(&"a".repeat(65)),
            Err(PersonIdError::TooLong)
        );
    }

    #[test]
    fn sex_codes_round_trip() {
        for sex in [Sex::Male, Sex::Female] {
            assert_eq!(Sex::from_code(&sex.code().to_string()), Ok(sex));
        }
        assert!(Sex::from_code("9").is_err());
    }
}
