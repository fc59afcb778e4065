use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The eras Karte can show. Meiji is left out: nobody insured today was born before 1912-07-30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Era {
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

/// First day of each era, newest first so lookup stops at the first match.
/// Dates: 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01 (元号を改める政令).
const ERA_STARTS: [(Era, i32, u32, u32); 4] = [
    (Era::Reiwa, 2019, 5, 1),
    (Era::Heisei, 1989, 1, 8),
    (Era::Showa, 1926, 12, 25),
    (Era::Taisho, 1912, 7, 30),
];

impl Era {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Taisho => "大正",
            Self::Showa => "昭和",
            Self::Heisei => "平成",
            Self::Reiwa => "令和",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Taisho => "Taishō",
            Self::Showa => "Shōwa",
            Self::Heisei => "Heisei",
            Self::Reiwa => "Reiwa",
        }
    }

    /// The era's first day.
    pub fn start(self) -> NaiveDate {
        let (_, y, m, d) = ERA_STARTS
            .iter()
            .find(|(era, ..)| *era == self)
            .copied()
            .expect("every era has a start");
        NaiveDate::from_ymd_opt(y, m, d).expect("era start dates are valid")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WarekiError {
    #[error("{0} is before 大正 (1912-07-30); Karte shows such dates in 西暦 only")]
    BeforeTaisho(NaiveDate),
}

/// A date in 和暦. `year` is 1 for the era's first year (written 元年).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarekiDate {
    pub era: Era,
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for WarekiDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.era.label_ja())?;
        if self.year == 1 {
            f.write_str("元")?;
        } else {
            write!(f, "{}", self.year)?;
        }
        write!(f, "年{}月{}日", self.month, self.day)
    }
}

pub fn to_wareki(date: NaiveDate) -> Result<WarekiDate, WarekiError> {
    let era = ERA_STARTS
        .iter()
        .map(|(era, ..)| *era)
        .find(|era| date >= era.start())
        .ok_or(WarekiError::BeforeTaisho(date))?;
    // An era's year 1 runs from its first day to Dec 31 of that 西暦 year, so the
    // year number is just the 西暦 difference plus one.
    let year =
        u32::try_from(date.year() - era.start().year() + 1).expect("date is after era start");
    Ok(WarekiDate {
        era,
        year,
        month: date.month(),
        day: date.day(),
    })
}

/// "令和元年5月1日"; dates before 大正 fall back to ISO "1900-01-01".
pub fn format_wareki(date: NaiveDate) -> String {
    match to_wareki(date) {
        Ok(w) => w.to_string(),
        Err(_) => date.format("%Y-%m-%d").to_string(),
    }
}

/// Both calendars, as every person header shows a birth date: "昭和50年4月1日 (1975-04-01)".
pub fn format_both(date: NaiveDate) -> String {
    let iso = date.format("%Y-%m-%d");
    match to_wareki(date) {
        Ok(w) => format!("{w} ({iso})"),
        Err(_) => iso.to_string(),
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
    fn formats_spec_examples() {
        assert_eq!(format_wareki(d(1975, 4, 1)), "昭和50年4月1日");
        assert_eq!(format_wareki(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(format_both(d(1975, 4, 1)), "昭和50年4月1日 (1975-04-01)");
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(format_wareki(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(format_wareki(d(2020, 1, 1)), "令和2年1月1日");
        assert_eq!(format_wareki(d(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(format_wareki(d(1989, 1, 8)), "平成元年1月8日");
        assert_eq!(format_wareki(d(1926, 12, 24)), "大正15年12月24日");
        assert_eq!(format_wareki(d(1926, 12, 25)), "昭和元年12月25日");
        assert_eq!(format_wareki(d(1927, 1, 1)), "昭和2年1月1日");
        assert_eq!(format_wareki(d(1912, 7, 30)), "大正元年7月30日");
    }

    #[test]
    fn before_taisho_is_western_only() {
        assert_eq!(
            to_wareki(d(1912, 7, 29)),
            Err(WarekiError::BeforeTaisho(d(1912, 7, 29)))
        );
        assert_eq!(format_both(d(1900, 1, 1)), "1900-01-01");
    }

    proptest! {
        #[test]
        fn year_round_trips_to_western(days in 0i64..60_000) {
            let date = d(1912, 7, 30) + chrono::Duration::days(days);
            let w = to_wareki(date).unwrap();
            prop_assert!(w.year >= 1);
            prop_assert_eq!(w.era.start().year() + w.year as i32 - 1, date.year());
            prop_assert!(date >= w.era.start());
        }
    }
}
