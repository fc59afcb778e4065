use super::{MonthRange, YearMonth};
use crate::visibility::retention_window;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The quick picks above every list. All are computed from the caller's "today"; none reaches
/// into the future, because no data can exist there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// 直近3か月: this month and the two before it.
    Last3Months,
    /// 今年: January of this year to this month.
    ThisYear,
    /// 昨年: January to December of last year (the 確定申告 year in Feb–Mar).
    LastYear,
    /// 3年間すべて: the whole 3-year window the portal keeps (see `visibility::retention_window`).
    AllThreeYears,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Preset::Last3Months,
        Preset::ThisYear,
        Preset::LastYear,
        Preset::AllThreeYears,
    ];

    pub fn range(self, today: NaiveDate) -> MonthRange {
        let this_month = YearMonth::of(today);
        let jan = |year| YearMonth::new(year, 1).expect("valid");
        let dec = |year| YearMonth::new(year, 12).expect("valid");
        let (from, to) = match self {
            Self::Last3Months => (this_month.add_months(-2), this_month),
            Self::ThisYear => (jan(this_month.year()), this_month),
            Self::LastYear => (jan(this_month.year() - 1), dec(this_month.year() - 1)),
            Self::AllThreeYears => return retention_window(today),
        };
        MonthRange::new(from, to).expect("presets are ordered")
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Last3Months => "直近3か月",
            Self::ThisYear => "今年",
            Self::LastYear => "昨年",
            Self::AllThreeYears => "3年間すべて",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Last3Months => "Last 3 months",
            Self::ThisYear => "This year",
            Self::LastYear => "Last year",
            Self::AllThreeYears => "All 3 years",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn show(r: MonthRange) -> String {
        format!("{}..{}", r.from(), r.to())
    }

    #[test]
    fn presets_from_a_february_today() {
        let today = d(2025, 2, 15);
        assert_eq!(show(Preset::Last3Months.range(today)), "2024-12..2025-02");
        assert_eq!(show(Preset::ThisYear.range(today)), "2025-01..2025-02");
        assert_eq!(show(Preset::LastYear.range(today)), "2024-01..2024-12");
        assert_eq!(show(Preset::AllThreeYears.range(today)), "2022-03..2025-02");
    }

    #[test]
    fn this_year_in_january_is_one_month() {
        assert_eq!(
            show(Preset::ThisYear.range(d(2025, 1, 1))),
            "2025-01..2025-01"
        );
    }

    proptest! {
        #[test]
        fn presets_never_reach_the_future(days in 0i64..20_000) {
            let today = d(2000, 1, 1) + chrono::Duration::days(days);
            for p in Preset::ALL {
                prop_assert!(p.range(today).to() <= YearMonth::of(today));
            }
        }
    }
}
