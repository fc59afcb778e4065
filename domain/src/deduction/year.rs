//! Which tax year a notice line counts in.
//!
//! 医療費控除 counts what was *paid* in the year (template D18: 申告する年中に支払った金額). A notice
//! knows only the 診療年月, so by default a line counts in the year of its 診療年月 — the same
//! rule マイナポータル uses when it hands notices to e-Tax. A bill paid later (a December visit
//! paid in January, a hospital bill settled months later) is moved by the person to the year
//! they actually paid it.

use crate::period::YearMonth;
use serde::{Deserialize, Serialize};

/// How many years after treatment a payment may still be placed. Hospital bills are sometimes
/// settled late, but a payment more than a few years after the visit is a typing mistake.
pub const LATEST_PAYMENT_AFTER_YEARS: i32 = 5;

/// A calendar tax year (1月1日–12月31日), the unit of 確定申告.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaxYear(i32);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum YearError {
    #[error("{0:?} is not a year like 2025")]
    NotAYear(String),
    #[error("{0} is outside the years Karte handles (2000–2100)")]
    OutOfRange(i32),
    #[error("a bill for {month} cannot be paid in {year}: choose {month_year} or a later year (at most {after} years after)", month_year = .month.year(), after = LATEST_PAYMENT_AFTER_YEARS)]
    BadMove { month: YearMonth, year: i32 },
}

impl TaxYear {
    pub fn new(year: i32) -> Result<Self, YearError> {
        if (2000..=2100).contains(&year) {
            Ok(Self(year))
        } else {
            Err(YearError::OutOfRange(year))
        }
    }

    /// "2025" (ASCII or full-width digits, surrounding spaces allowed).
    pub fn parse(raw: &str) -> Result<Self, YearError> {
        let digits: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                other => other,
            })
            .collect();
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(YearError::NotAYear(raw.to_owned()));
        }
        Self::new(
            digits
                .parse()
                .map_err(|_| YearError::NotAYear(raw.to_owned()))?,
        )
    }

    pub fn value(self) -> i32 {
        self.0
    }

    /// The year of a calendar month.
    pub fn of(month: YearMonth) -> Self {
        Self(month.year())
    }
}

impl std::fmt::Display for TaxYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The year a notice line counts in: the year the person moved it to, else its 診療年月's year.
pub fn counts_in(service_month: YearMonth, moved_to: Option<TaxYear>) -> TaxYear {
    moved_to.unwrap_or(TaxYear::of(service_month))
}

/// Checks a move: payment happens in the treatment year or later, within a few years.
/// Moving a line back to its own year is allowed (it undoes the move).
pub fn check_move(service_month: YearMonth, to: TaxYear) -> Result<(), YearError> {
    let from = service_month.year();
    if (from..=from + LATEST_PAYMENT_AFTER_YEARS).contains(&to.0) {
        Ok(())
    } else {
        Err(YearError::BadMove {
            month: service_month,
            year: to.0,
        })
    }
}

/// December visits are often paid in January: with only the 診療年月 known, the page points
/// them out so the person can check the payment date.
pub fn maybe_paid_next_year(service_month: YearMonth) -> bool {
    service_month.month() == 12
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    fn y(n: i32) -> TaxYear {
        TaxYear::new(n).unwrap()
    }

    #[test]
    fn default_is_the_year_of_service() {
        assert_eq!(counts_in(ym("2025-01"), None), y(2025));
        assert_eq!(counts_in(ym("2025-12"), None), y(2025));
    }

    #[test]
    fn a_move_wins() {
        assert_eq!(counts_in(ym("2025-12"), Some(y(2026))), y(2026));
        // Moved back to its own year: same as no move.
        assert_eq!(counts_in(ym("2025-12"), Some(y(2025))), y(2025));
    }

    #[test]
    fn moves_go_forward_a_few_years_only() {
        assert_eq!(check_move(ym("2025-12"), y(2026)), Ok(()));
        assert_eq!(check_move(ym("2025-12"), y(2025)), Ok(()));
        assert_eq!(check_move(ym("2025-01"), y(2030)), Ok(()));
        assert!(matches!(
            check_move(ym("2025-01"), y(2031)),
            Err(YearError::BadMove { year: 2031, .. })
        ));
        let e = check_move(ym("2025-03"), y(2024)).unwrap_err();
        assert!(e.to_string().contains("choose 2025 or a later year"), "{e}");
    }

    #[test]
    fn parsing_years() {
        assert_eq!(TaxYear::parse(" 2025 "), Ok(y(2025)));
        assert_eq!(TaxYear::parse("２０２５"), Ok(y(2025)));
        assert!(TaxYear::parse("25").is_err());
        assert!(TaxYear::parse("2025a").is_err());
        assert_eq!(TaxYear::parse("1999"), Err(YearError::OutOfRange(1999)));
    }

    #[test]
    fn december_is_flagged() {
        assert!(maybe_paid_next_year(ym("2025-12")));
        assert!(!maybe_paid_next_year(ym("2025-11")));
    }
}
