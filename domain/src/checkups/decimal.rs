use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// An exact decimal lab value: `mantissa × 10^-scale`, as written in the file ("5.6" is 56 with
/// scale 1).
///
/// Why not f64: thresholds are compared exactly (HbA1c 5.6 is 保健指導, 5.5 normal), and 5.6
/// has no exact binary form, so a float comparison against a float constant works only by
/// luck of identical rounding. A scaled integer compares exactly, and keeping the file's own
/// scale shows "5.60" as it was sent.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Decimal {
    mantissa: i64,
    scale: u8,
}

/// More decimals than any lab value carries; keeps the i128 comparison far from overflow.
const MAX_SCALE: u8 = 6;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecimalError {
    #[error("{0:?} is not a number; expected digits with an optional sign and decimal point")]
    NotANumber(String),
    #[error("{0:?} has more than 6 decimals or 15 digits")]
    TooPrecise(String),
}

impl Decimal {
    /// `from_parts(56, 1)` is 5.6. For constants in rule tables.
    pub const fn from_parts(mantissa: i64, scale: u8) -> Self {
        Self { mantissa, scale }
    }

    pub const fn from_int(value: i64) -> Self {
        Self::from_parts(value, 0)
    }

    pub fn parse(raw: &str) -> Result<Self, DecimalError> {
        let s = raw.trim();
        let bad = || DecimalError::NotANumber(raw.to_owned());
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(bad());
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        if frac_part.len() > usize::from(MAX_SCALE) || int_part.len() + frac_part.len() > 15 {
            return Err(DecimalError::TooPrecise(raw.to_owned()));
        }
        let digits = format!("{int_part}{frac_part}");
        let magnitude: i64 = digits.parse().map_err(|_| bad())?;
        Ok(Self {
            mantissa: if negative { -magnitude } else { magnitude },
            scale: u8::try_from(frac_part.len()).expect("checked above"),
        })
    }

    /// For charts only; never for rules.
    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(i32::from(self.scale))
    }

    /// The exact mean of two values, e.g. of two blood-pressure readings: 135 and 138 give
    /// 136.5. One more decimal than the finer of the two (halving needs at most one).
    pub fn mean(a: Self, b: Self) -> Self {
        let scale = a.scale.max(b.scale);
        let sum = a.scaled_to(scale) + b.scaled_to(scale);
        // At the finest scale already, the last half unit (10^-7) is dropped.
        let (sum, scale) = if scale < MAX_SCALE {
            (sum * 5, scale + 1)
        } else {
            (sum / 2, scale)
        };
        Self::from_parts(i64::try_from(sum).unwrap_or(i64::MAX), scale)
    }

    fn scaled_to(self, scale: u8) -> i128 {
        i128::from(self.mantissa) * 10i128.pow(u32::from(scale - self.scale))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.scaled_to(scale).cmp(&other.scaled_to(scale))
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Equal by value: 5.6 == 5.60, consistent with `Ord`.
impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = usize::from(self.scale);
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int_part, frac_part) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int_part}.{frac_part}")
    }
}

impl TryFrom<String> for Decimal {
    type Error = DecimalError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Decimal> for String {
    fn from(value: Decimal) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn parses_and_keeps_written_scale() {
        assert_eq!(dec("5.6").to_string(), "5.6");
        assert_eq!(dec("5.60").to_string(), "5.60");
        assert_eq!(dec("0.05").to_string(), "0.05");
        assert_eq!(dec("-0.5").to_string(), "-0.5");
        assert_eq!(dec("120").to_string(), "120");
        assert_eq!(dec(".5").to_string(), "0.5");
        assert_eq!(dec("+7").to_string(), "7");
        for bad in ["", ".", "abc", "1.2.3", "1,2", "--1"] {
            assert!(
                matches!(Decimal::parse(bad), Err(DecimalError::NotANumber(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            Decimal::parse("1.0000001"),
            Err(DecimalError::TooPrecise(_))
        ));
    }

    #[test]
    fn compares_exactly_across_scales() {
        assert_eq!(dec("5.6"), dec("5.60"));
        assert!(dec("5.59") < dec("5.6"));
        assert!(dec("5.6") >= Decimal::from_parts(56, 1));
        assert!(dec("5.5") < Decimal::from_parts(56, 1));
        assert!(dec("130") >= Decimal::from_int(130));
        assert!(dec("129.9") < Decimal::from_int(130));
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(m in -999_999_999i64..999_999_999, scale in 0u8..=6) {
            let d = Decimal::from_parts(m, scale);
            let back = Decimal::parse(&d.to_string()).unwrap();
            prop_assert_eq!(back, d);
            prop_assert_eq!(back.to_string(), d.to_string());
        }

        #[test]
        fn order_matches_integer_order(a in -100_000i64..100_000, b in -100_000i64..100_000) {
            // a/10 vs b/100: compare as integers a*10 vs b.
            prop_assert_eq!(Decimal::from_parts(a, 1).cmp(&Decimal::from_parts(b, 2)), (a * 10).cmp(&b));
        }
    }
}
