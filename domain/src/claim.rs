//! Where a drug or expense line came from: which receipt (claim), for whom, from which
//! institution, for which month. Visibility and supersession rules work on this alone.

use crate::people::PersonId;
use crate::period::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClaimIdError {
    #[error("{0} is empty")]
    Empty(&'static str),
    #[error("{0} is longer than 64 characters")]
    TooLong(&'static str),
    #[error("{0} may only hold ASCII letters, digits, '-' and '_'")]
    BadChar(&'static str),
}

fn parse_id(raw: &str, what: &'static str) -> Result<String, ClaimIdError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ClaimIdError::Empty(what));
    }
    if s.len() > 64 {
        return Err(ClaimIdError::TooLong(what));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ClaimIdError::BadChar(what));
    }
    Ok(s.to_owned())
}

macro_rules! opaque_id {
    ($name:ident, $what:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, ClaimIdError> {
                parse_id(raw, $what).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ClaimIdError;
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

opaque_id!(
    InstitutionId,
    "institution id",
    "Identifies a clinic, hospital or pharmacy. Receipts carry the 10-digit 医療機関コード \
     (都道府県 2 + 点数表 1 + 7); kept opaque so synthetic data can use readable ids."
);
opaque_id!(
    ClaimId,
    "claim id",
    "Identifies one receipt as ingested (e.g. the insurer's レセプト管理番号)."
);

/// The receipt a line was extracted from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClaimSource {
    pub claim_id: ClaimId,
    pub person: PersonId,
    pub institution: InstitutionId,
    /// 診療年月 / 調剤年月 the receipt bills for.
    pub service_month: YearMonth,
    /// The day the review body accepted the receipt (its publication batch).
    pub accepted_on: NaiveDate,
    /// Ingest order, to tell apart two claims accepted on the same day.
    pub sequence: u64,
}

impl ClaimSource {
    /// Lines that replace each other share this key: same person, institution and month.
    pub fn supersession_key(&self) -> (&PersonId, &InstitutionId, YearMonth) {
        (&self.person, &self.institution, self.service_month)
    }

    /// Which of two claims for the same key is later: acceptance date, then ingest order,
    /// then claim id so the choice never depends on input order.
    pub fn recency(&self) -> (NaiveDate, u64, &ClaimId) {
        (self.accepted_on, self.sequence, &self.claim_id)
    }
}

/// A record that came from a receipt and has a publication date: drug and expense lines.
pub trait ClaimedLine {
    fn claim(&self) -> &ClaimSource;
    /// First day the portal may show it.
    fn visible_from(&self) -> NaiveDate;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_once() {
        assert_eq!(
            InstitutionId::parse(" 1310123456 ").unwrap().as_str(),
            "1310123456"
        );
        assert_eq!(ClaimId::parse(""), Err(ClaimIdError::Empty("claim id")));
        assert_eq!(
            ClaimId::parse("a b"),
            Err(ClaimIdError::BadChar("claim id"))
        );
        assert_eq!(
            InstitutionId::parse(&"1".repeat(65)),
            Err(ClaimIdError::TooLong("institution id"))
        );
    }
}
