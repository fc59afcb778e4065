use serde::{Deserialize, Serialize};
use std::fmt;

/// 保険者番号: 8 digits (法別番号 2 + 都道府県番号 2 + 保険者別番号 3 + 検証番号 1), or 6 digits
/// for 市町村国保 (no 法別番号). The last digit is a check digit, verified here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InsurerNumber(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InsurerNumberError {
    #[error("保険者番号 is empty")]
    Empty,
    #[error("保険者番号 may only hold digits (found {0:?})")]
    NotDigits(String),
    #[error("保険者番号 has {0} digits; it must have 8 (or 6 for 国民健康保険)")]
    WrongLength(usize),
    #[error(
        "保険者番号 {number} fails its check digit (expected {expected} last); check for a typo"
    )]
    CheckDigit { number: String, expected: u8 },
}

/// What the 保険者番号 tells about the scheme. Only what Karte's rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsurerKind {
    /// 6 digits: 市町村国民健康保険.
    NationalHealthInsurance,
    /// 法別番号 39: 後期高齢者医療広域連合 (75+). Cards carry no 記号 and no 枝番.
    LateStageElderly,
    /// Every other 8-digit number (協会けんぽ, 組合, 共済, 国保組合 …).
    Other,
}

impl InsurerKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::NationalHealthInsurance => "国民健康保険",
            Self::LateStageElderly => "後期高齢者医療",
            Self::Other => "被用者保険等",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::NationalHealthInsurance => "National Health Insurance",
            Self::LateStageElderly => "Late-stage elderly medical care",
            Self::Other => "Employee and other insurance",
        }
    }
}

/// 検証番号 per 厚生労働省「保険者番号等の設定について」(保険者番号設定要領): multiply the digits
/// by 2, 1, 2, 1 … starting from the last one, add the digits of each product, and take
/// 10 − (last digit of the sum), with 0 when that last digit is 0.
/// Example from the rule's worked sample: 3312001 → 5 (千葉県警察 33120015).
fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let product = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            product / 10 + product % 10
        })
        .sum();
    let last = (sum % 10) as u8;
    (10 - last) % 10
}

impl InsurerNumber {
    pub fn parse(raw: &str) -> Result<Self, InsurerNumberError> {
        let s = super::normalize_digits(raw);
        if s.is_empty() {
            return Err(InsurerNumberError::Empty);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InsurerNumberError::NotDigits(raw.trim().to_owned()));
        }
        if s.len() != 8 && s.len() != 6 {
            return Err(InsurerNumberError::WrongLength(s.chars().count()));
        }
        let (body, last) = s.as_bytes().split_at(s.len() - 1);
        let expected = check_digit(body);
        if last[0] - b'0' != expected {
            return Err(InsurerNumberError::CheckDigit {
                number: s.clone(),
                expected,
            });
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> InsurerKind {
        if self.0.len() == 6 {
            InsurerKind::NationalHealthInsurance
        } else if self.0.starts_with("39") {
            InsurerKind::LateStageElderly
        } else {
            InsurerKind::Other
        }
    }
}

impl fmt::Display for InsurerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for InsurerNumber {
    type Error = InsurerNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<InsurerNumber> for String {
    fn from(value: InsurerNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_real_numbers() {
        // Public numbers: 千葉県警察共済 (the rule's own sample), 協会けんぽ東京支部,
        // 東京都後期高齢者医療広域連合, 札幌市国保.
        for (n, kind) in [
            ("33120015", InsurerKind::Other),
            ("01130012", InsurerKind::Other),
            ("39131156", InsurerKind::LateStageElderly),
            ("010017", InsurerKind::NationalHealthInsurance),
        ] {
            let parsed = InsurerNumber::parse(n).unwrap();
            assert_eq!(parsed.as_str(), n);
            assert_eq!(parsed.kind(), kind);
        }
        assert_eq!(
            InsurerNumber::parse("０１１３００１２").unwrap().as_str(),
            "01130012"
        );
    }

    #[test]
    fn rejects_bad_input_with_actionable_errors() {
        assert_eq!(InsurerNumber::parse(" "), Err(InsurerNumberError::Empty));
        assert_eq!(
            InsurerNumber::parse("0113001"),
            Err(InsurerNumberError::WrongLength(7))
        );
        assert!(matches!(
            InsurerNumber::parse("0113001a"),
            Err(InsurerNumberError::NotDigits(_))
        ));
        assert_eq!(
            InsurerNumber::parse("01130013"),
            Err(InsurerNumberError::CheckDigit {
                number: "01130013".into(),
                expected: 2
            })
        );
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_fits(body in "[0-9]{7}") {
            let fits: Vec<u8> = (0..10u8)
                .filter(|d| InsurerNumber::parse(&format!("{body}{d}")).is_ok())
                .collect();
            prop_assert_eq!(fits.len(), 1);
        }

        #[test]
        fn single_digit_typos_are_caught(body in "[0-9]{7}", pos in 0usize..7, delta in 1u8..10) {
            let good = format!("{body}{}", check_digit(body.as_bytes()));
            let mut typo = good.clone().into_bytes();
            typo[pos] = b'0' + (typo[pos] - b'0' + delta) % 10;
            // Weighted-by-2 digits map 0..9 to distinct digit sums, so any single change shows.
            prop_assert!(InsurerNumber::parse(std::str::from_utf8(&typo).unwrap()).is_err());
        }
    }
}
