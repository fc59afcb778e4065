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

    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
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

    pub fn last_day(self) -> NaiveDate {
        self.add_months(1)
            .first_day()
            .pred_opt()
            .expect("valid year range")
    }

    /// The given day of this month, if it exists (Feb 30 does not).
    pub fn day(self, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, day)
    }

    /// Month arithmetic. Panics only past year 9999 / before 1900, which no rule reaches
    /// (rules move at most a few years from "today").
    pub fn add_months(self, n: i32) -> Self {
        let index = self.index() + i64::from(n);
        Self::from_index(index)
    }

    pub fn next(self) -> Self {
        self.add_months(1)
    }

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

    fn from_index(index: i64) -> Self {
        let year = i32::try_from(index.div_euclid(12)).expect("year fits in i32");
        let month = u32::try_from(index.rem_euclid(12) + 1).expect("month is 1..=12");
        Self::new(year, month).expect("month arithmetic stayed within 1900–9999")
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
        fn add_then_subtract(y in 1950i32..=2100, m in 1u32..=12, n in -600i32..600) {
            let v = ym(y, m);
            prop_assert_eq!(v.add_months(n).add_months(-n), v);
            prop_assert_eq!(v.months_until(v.add_months(n)), i64::from(n));
        }
    }
}
