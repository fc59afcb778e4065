use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 年度: April 1 to March 31, named by the year it starts in (2020年度 = 2020-04-01..2021-03-31).
/// Checkups are selected "from FY2020 on" and insurers report them per 年度.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FiscalYear(pub i32);

impl FiscalYear {
    pub fn of(date: NaiveDate) -> Self {
        if date.month() >= 4 {
            Self(date.year())
        } else {
            Self(date.year() - 1)
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).expect("April 1 exists")
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).expect("March 31 exists")
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        Self::of(date) == self
    }

    /// "令和2年度"; the era is the one in force on April 1 (so 2019年度 is 平成31年度).
    pub fn label_ja(self) -> String {
        match super::to_wareki(self.first_day()) {
            Ok(w) if w.year == 1 => format!("{}元年度", w.era.label_ja()),
            Ok(w) => format!("{}{}年度", w.era.label_ja(), w.year),
            Err(_) => format!("{}年度", self.0),
        }
    }

    pub fn label_en(self) -> String {
        format!("FY{}", self.0)
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}年度", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn april_starts_the_year() {
        assert_eq!(FiscalYear::of(d(2021, 3, 31)), FiscalYear(2020));
        assert_eq!(FiscalYear::of(d(2021, 4, 1)), FiscalYear(2021));
        assert_eq!(FiscalYear(2020).first_day(), d(2020, 4, 1));
        assert_eq!(FiscalYear(2020).last_day(), d(2021, 3, 31));
    }

    #[test]
    fn labels() {
        assert_eq!(FiscalYear(2020).label_ja(), "令和2年度");
        assert_eq!(FiscalYear(2019).label_ja(), "平成31年度");
        assert_eq!(FiscalYear(1989).label_ja(), "平成元年度");
        assert_eq!(FiscalYear(2020).to_string(), "2020年度");
        assert_eq!(FiscalYear(2020).label_en(), "FY2020");
    }

    proptest! {
        #[test]
        fn date_is_inside_its_fiscal_year(days in 0i64..40_000) {
            let date = d(1950, 1, 1) + chrono::Duration::days(days);
            let fy = FiscalYear::of(date);
            prop_assert!(fy.first_day() <= date && date <= fy.last_day());
            prop_assert!(fy.contains(date));
        }
    }
}
