use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CardFieldError {
    #[error("{field} is empty")]
    Empty { field: &'static str },
    #[error("{field} is longer than {max} characters; copy it exactly as printed on the card")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} holds a control character or line break")]
    BadChar { field: &'static str },
    #[error("枝番 must be exactly 2 digits, e.g. 00 or 01 (got {0:?})")]
    BranchFormat(String),
}

/// 記号 and 番号 are printed with kana, kanji, digits and hyphens; the qualification system
/// allows up to 20 full-width characters, so that is the limit here.
const MAX_FIELD_CHARS: usize = 20;

fn parse_text(raw: &str, field: &'static str) -> Result<String, CardFieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(CardFieldError::Empty { field });
    }
    if s.chars().count() > MAX_FIELD_CHARS {
        return Err(CardFieldError::TooLong {
            field,
            max: MAX_FIELD_CHARS,
        });
    }
    if s.chars().any(char::is_control) {
        return Err(CardFieldError::BadChar { field });
    }
    Ok(s.to_owned())
}

macro_rules! text_field {
    ($name:ident, $label:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, CardFieldError> {
                parse_text(raw, $label).map(Self)
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
            type Error = CardFieldError;
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

text_field!(
    CardSymbol,
    "記号",
    "被保険者証等記号. Optional on many cards; absent on every 後期高齢者医療 card."
);
text_field!(CardNumber, "番号", "被保険者証等番号.");

/// 枝番: 2 digits identifying the person within a household card (since 2021).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BranchNumber(String);

impl BranchNumber {
    pub fn parse(raw: &str) -> Result<Self, CardFieldError> {
        let s = super::normalize_digits(raw);
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardFieldError::BranchFormat(raw.trim().to_owned()));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BranchNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for BranchNumber {
    type Error = CardFieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<BranchNumber> for String {
    fn from(value: BranchNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fields() {
        assert_eq!(
            CardSymbol::parse(" あいう-12 ").unwrap().as_str(),
            "あいう-12"
        );
        assert_eq!(
            CardNumber::parse(""),
            Err(CardFieldError::Empty { field: "番号" })
        );
        assert_eq!(
            CardSymbol::parse(&"あ".repeat(21)),
            Err(CardFieldError::TooLong {
                field: "記号",
                max: 20
            })
        );
        assert_eq!(
            CardNumber::parse("12\n34"),
            Err(CardFieldError::BadChar { field: "番号" })
        );
    }

    #[test]
    fn branch_is_two_digits() {
        assert_eq!(BranchNumber::parse("01").unwrap().as_str(), "01");
        assert_eq!(BranchNumber::parse("０２").unwrap().as_str(), "02");
        for bad in ["1", "001", "ab", ""] {
            assert!(matches!(
                BranchNumber::parse(bad),
                Err(CardFieldError::BranchFormat(_))
            ));
        }
    }
}
