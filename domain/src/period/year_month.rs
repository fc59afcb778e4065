use super::PeriodError;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar month (診療年月, 調剤 month, …). Field order makes the derived `Ord` chronological.
/// Serialized as "2025-04", the same text `parse` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    /// The first month Karte accepts.
    pub const MIN: Self = Self {
        year: 1900,
        month: 1,
    };
    /// The last month Karte accepts.
    pub const MAX: Self = Self {
        year: 9999,
        month: 12,
    };

    /// Years outside 1900–9999 are refused so every month has a valid first and last day.
    pub fn new(year: i32, month: u32) -> Result<Self, PeriodError> {
        if !(1..=12).contains(&month) {
            return Err(PeriodError::MonthOutOfRange(month));
        }
        if !(1900..=9999).contains(&year) {
            return Err(PeriodError::YearOutOfRange(year));
        }
        Ok(Self { year, month })
    }

    /// Parses "2025-04" (also "2025-4" and "202504", as receipts write 診療年月).
    pub fn parse(raw: &str) -> Result<Self, PeriodError> {
        let bad = || PeriodError::BadYearMonth(raw.to_owned());
        let s = raw.trim();
        let (y, m) = match s.split_once('-') {
            Some((y, m)) => (y, m),
            None if s.len() == 6 && s.is_ascii() => s.split_at(4),
            None => return Err(bad()),
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return Err(bad());
        }
        if !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        Self::new(year, month)
    }

    /// The month of a date; a date before 1900 or after 9999 gives the nearest end (a bound
    /// typed by a person goes through [`YearMonth::of_checked`] instead).
    pub fn of(date: NaiveDate) -> Self {
        Self::of_checked(date).unwrap_or(if date.year() < 1900 {
            Self::MIN
        } else {
            Self::MAX
        })
    }

    /// The month of a date, refusing years outside 1900–9999 as [`YearMonth::new`] does.
    pub fn of_checked(date: NaiveDate) -> Result<Self, PeriodError> {
        Self::new(date.year(), date.month())
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        self.day(1).expect("day 1 exists")
    }

    /// Total: 9999-12 ends on 9999-12-31 (the day after is a date chrono knows, even though
    /// it is not a month Karte accepts).
    pub fn last_day(self) -> NaiveDate {
        let (year, month) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// The given day of this month, if it exists (Feb 30 does not).
    pub fn day(self, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, day)
    }

    /// Month arithmetic, `None` past 9999-12 or before 1900-01.
    pub fn checked_add_months(self, n: i32) -> Option<Self> {
        Self::from_index(self.index() + i64::from(n))
    }

    /// Month arithmetic, total: it stops at 1900-01 and 9999-12 (rules move at most a few
    /// years from "today"; the user's periods are refused long before the ends, see
    /// [`YearMonth::checked_add_months`] where reaching an end matters).
    pub fn add_months(self, n: i32) -> Self {
        let index = (self.index() + i64::from(n)).clamp(Self::MIN.index(), Self::MAX.index());
        Self::from_index(index).unwrap_or(if n < 0 { Self::MIN } else { Self::MAX })
    }

    /// The month after (9999-12 stays 9999-12; see [`YearMonth::checked_add_months`]).
    pub fn next(self) -> Self {
        self.add_months(1)
    }

    /// The month before (1900-01 stays 1900-01).
    pub fn prev(self) -> Self {
        self.add_months(-1)
    }

    /// Whole months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Self) -> i64 {
        later.index() - self.index()
    }

    /// "2025年4月".
    pub fn label_ja(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }

    /// "Apr 2025".
    pub fn label_en(self) -> String {
        self.first_day().format("%b %Y").to_string()
    }

    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(index: i64) -> Option<Self> {
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = u32::try_from(index.rem_euclid(12) + 1).ok()?;
        Self::new(year, month).ok()
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = PeriodError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<YearMonth> for String {
    fn from(value: YearMonth) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn parses_and_displays() {
        assert_eq!(YearMonth::parse("2025-04"), Ok(ym(2025, 4)));
        assert_eq!(YearMonth::parse("2025-4"), Ok(ym(2025, 4)));
        assert_eq!(YearMonth::parse("202504"), Ok(ym(2025, 4)));
        assert_eq!(ym(2025, 4).to_string(), "2025-04");
        assert_eq!(ym(2025, 4).label_ja(), "2025年4月");
        assert_eq!(ym(2025, 4).label_en(), "Apr 2025");
    }

    #[test]
    fn rejects_bad_months() {
        assert_eq!(
            YearMonth::parse("2025-13"),
            Err(PeriodError::MonthOutOfRange(13))
        );
        assert_eq!(
            YearMonth::parse("2025-00"),
            Err(PeriodError::MonthOutOfRange(0))
        );
        for bad in [
            "",
            "2025",
            "25-04",
            "2025/04",
            "2025-+4",
            "２０２５-04",
            "2025-004",
        ] {
            assert!(
                matches!(YearMonth::parse(bad), Err(PeriodError::BadYearMonth(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        assert_eq!(ym(2025, 1).prev(), ym(2024, 12));
        assert_eq!(ym(2024, 12).next(), ym(2025, 1));
        assert_eq!(ym(2025, 4).add_months(-36), ym(2022, 4));
        assert_eq!(
            ym(2024, 2).last_day(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(ym(2022, 4).months_until(ym(2025, 4)), 36);
    }

    #[test]
    fn the_ends_do_not_panic() {
        let last = ym(9999, 12);
        assert_eq!(
            last.last_day(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()
        );
        assert_eq!(last.next(), last);
        assert_eq!(last.checked_add_months(1), None);
        assert_eq!(ym(1900, 1).prev(), ym(1900, 1));
        assert_eq!(ym(1900, 1).checked_add_months(-1), None);
        assert_eq!(last.add_months(i32::MIN), ym(1900, 1));
        let ancient = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        assert_eq!(YearMonth::of(ancient), ym(1900, 1));
        assert_eq!(
            YearMonth::of_checked(ancient),
            Err(PeriodError::YearOutOfRange(1))
        );
    }

    #[test]
    fn serializes_as_text() {
        let json = serde_json_like(ym(2025, 4));
        assert_eq!(json, "2025-04");
        assert_eq!(YearMonth::try_from("2025-04".to_owned()), Ok(ym(2025, 4)));
    }

    fn serde_json_like(v: YearMonth) -> String {
        String::from(v)
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(y in 1900i32..=9999, m in 1u32..=12) {
            let v = ym(y, m);
            prop_assert_eq!(YearMonth::parse(&v.to_string()), Ok(v));
        }

        #[test]
        fn arithmetic_is_total(y in 1900i32..=9999, m in 1u32..=12, n in any::<i32>()) {
            let v = ym(y, m);
            let moved = v.add_months(n);
            prop_assert!(YearMonth::MIN <= moved && moved <= YearMonth::MAX);
            prop_assert!(v.last_day() >= v.first_day());
            prop_assert_eq!(v.checked_add_months(n).is_some(), moved.months_until(v) == -i64::from(n));
            let _ = (v.next(), v.prev());
        }

        #[test]
        fn add_then_subtract(y in 1950i32..=2100, m in 1u32..=12, n in -600i32..600) {
            let v = ym(y, m);
            prop_assert_eq!(v.add_months(n).add_months(-n), v);
            prop_assert_eq!(v.months_until(v.add_months(n)), i64::from(n));
        }
    }
}
