//! Integer yen. Every amount in receipts and notices is whole yen, so money never touches a float.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Neg;

/// An amount in yen. Signed because corrections (査定, refunds) can be negative.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Yen(pub i64);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MoneyError {
    #[error("the total is too large to count in yen; check the amounts for a stray digit")]
    Overflow,
    #[error("amount {0:?} is not a whole number of yen (digits, optional commas, optional 円)")]
    NotAnAmount(String),
}

impl Yen {
    pub const ZERO: Yen = Yen(0);

    pub fn value(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Yen) -> Result<Yen, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Yen)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Yen) -> Result<Yen, MoneyError> {
        self.0
            .checked_sub(other.0)
            .map(Yen)
            .ok_or(MoneyError::Overflow)
    }

    /// Sum that reports overflow instead of wrapping (debug) or silently wrapping (release).
    pub fn checked_sum<I: IntoIterator<Item = Yen>>(amounts: I) -> Result<Yen, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Yen::ZERO, |acc, y| acc.checked_add(y))
    }

    /// Parses "12345", "12,345", "12,345円" or "-500". Full-width digits are accepted, since
    /// people paste amounts from Japanese documents.
    pub fn parse(raw: &str) -> Result<Yen, MoneyError> {
        let bad = || MoneyError::NotAnAmount(raw.to_owned());
        let trimmed = raw.trim();
        let trimmed = trimmed.strip_suffix('円').unwrap_or(trimmed).trim_end();
        let (negative, digits) = match trimmed.strip_prefix(['-', '－', '−']) {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut value: i64 = 0;
        let mut seen_digit = false;
        for c in digits.chars() {
            let digit = match c {
                '0'..='9' => c as u32 - '0' as u32,
                '０'..='９' => c as u32 - '０' as u32,
                ',' | '，' => continue,
                _ => return Err(bad()),
            };
            seen_digit = true;
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(digit)))
                .ok_or(MoneyError::Overflow)?;
        }
        if !seen_digit {
            return Err(bad());
        }
        Ok(Yen(if negative { -value } else { value }))
    }

    /// "12,345" (no unit), for tables whose header already says 円.
    pub fn format_grouped(self) -> String {
        group_thousands(self.0)
    }

    /// "12,345円".
    pub fn format_yen(self) -> String {
        format!("{}円", group_thousands(self.0))
    }
}

impl Neg for Yen {
    type Output = Yen;
    fn neg(self) -> Yen {
        Yen(-self.0)
    }
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}円", group_thousands(self.0))
    }
}

/// "1234567" → "1,234,567"; "-1000" → "-1,000". Works on i64::MIN too (via the unsigned magnitude).
pub fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_with_separators() {
        assert_eq!(Yen(12_345).to_string(), "12,345円");
        assert_eq!(Yen(12_345).format_grouped(), "12,345");
        assert_eq!(Yen(12_345).format_yen(), "12,345円");
        assert_eq!(Yen(0).to_string(), "0円");
        assert_eq!(Yen(999).format_grouped(), "999");
        assert_eq!(Yen(1_000).format_grouped(), "1,000");
        assert_eq!(Yen(-1_234_567).format_grouped(), "-1,234,567");
        assert_eq!(group_thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        assert_eq!(Yen(1).checked_add(Yen(2)), Ok(Yen(3)));
        assert_eq!(Yen(i64::MAX).checked_add(Yen(1)), Err(MoneyError::Overflow));
        assert_eq!(Yen(i64::MIN).checked_sub(Yen(1)), Err(MoneyError::Overflow));
        assert_eq!(Yen::checked_sum([Yen(1), Yen(2), Yen(3)]), Ok(Yen(6)));
        assert_eq!(Yen::checked_sum([]), Ok(Yen::ZERO));
        assert_eq!(
            Yen::checked_sum([Yen(i64::MAX), Yen(1)]),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn parses_common_spellings() {
        assert_eq!(Yen::parse("12,345円"), Ok(Yen(12_345)));
        assert_eq!(Yen::parse(" １２，３４５ "), Ok(Yen(12_345)));
        assert_eq!(Yen::parse("-500"), Ok(Yen(-500)));
        assert!(matches!(Yen::parse(""), Err(MoneyError::NotAnAmount(_))));
        assert!(matches!(
            Yen::parse("12.5"),
            Err(MoneyError::NotAnAmount(_))
        ));
        assert_eq!(
            Yen::parse("99999999999999999999"),
            Err(MoneyError::Overflow)
        );
    }

    proptest! {
        #[test]
        fn grouped_text_parses_back(v in any::<i64>().prop_filter("MIN has no positive twin", |v| *v != i64::MIN)) {
            prop_assert_eq!(Yen::parse(&Yen(v).to_string()), Ok(Yen(v)));
        }

        #[test]
        fn checked_sum_matches_i128(vs in proptest::collection::vec(-1_000_000_000i64..1_000_000_000, 0..50)) {
            let wide: i128 = vs.iter().map(|v| i128::from(*v)).sum();
            prop_assert_eq!(Yen::checked_sum(vs.iter().copied().map(Yen)).unwrap().0 as i128, wide);
        }
    }
}
