//! People as the UI lists them. The full person/insurance model grows from here.

use serde::{Deserialize, Serialize};

/// Why a person id was refused.
pub use crate::id::IdError as PersonIdError;

/// A person's rule: 1–64 characters of a-z, 0-9 and '-' (not trimmed).
fn person_id(raw: &str, what: &'static str) -> Result<String, PersonIdError> {
    if raw.is_empty() {
        return Err(PersonIdError::Empty(what));
    }
    if raw.len() > 64 {
        return Err(PersonIdError::TooLong(what));
    }
    if !raw
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(PersonIdError::BadChar(what, "a-z, 0-9 and '-'"));
    }
    Ok(raw.to_owned())
}

opaque_id!(
    PersonId,
    "person id",
    "A person's stable id (`demo-…` for synthetic people). Opaque to the UI.",
    check = person_id
);

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
        assert_eq!(PersonId::parse(""), Err(PersonIdError::Empty("person id")));
        assert_eq!(
            PersonId::parse("Demo"),
            Err(PersonIdError::BadChar("person id", "a-z, 0-9 and '-'"))
        );
        assert_eq!(
            PersonId::parse("a b"),
            Err(PersonIdError::BadChar("person id", "a-z, 0-9 and '-'"))
        );
        assert_eq!(
            PersonId::parse(&"a".repeat(65)),
            Err(PersonIdError::TooLong("person id"))
        );
    }

    #[test]
    fn person_ids_deserialize_through_the_same_check() {
        let ok: PersonId = serde_json::from_str("\"demo-sato\"").unwrap();
        assert_eq!(ok.as_str(), "demo-sato");
        for bad in ["\"\"", "\"Demo\"", "\"a b\"", "\"../x\""] {
            assert!(serde_json::from_str::<PersonId>(bad).is_err(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&ok).unwrap(), "\"demo-sato\"");
    }

    #[test]
    fn sex_codes_round_trip() {
        for sex in [Sex::Male, Sex::Female] {
            assert_eq!(Sex::from_code(&sex.code().to_string()), Ok(sex));
        }
        assert!(Sex::from_code("9").is_err());
    }
}
