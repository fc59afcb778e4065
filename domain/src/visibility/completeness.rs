use super::{drug_visible_from, expense_visible_from};
use crate::period::{MonthRange, YearMonth};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which publication rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Drugs,
    Expenses,
}

impl RecordKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Drugs => "薬剤情報",
            Self::Expenses => "医療費通知情報",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Drugs => "Medication history",
            Self::Expenses => "Medical expense notices",
        }
    }

    /// When the regular batch for `month` is published.
    pub fn regular_publication(self, month: YearMonth) -> NaiveDate {
        match self {
            Self::Drugs => drug_visible_from(month, None),
            Self::Expenses => expense_visible_from(month),
        }
    }
}

/// Months in `range` whose regular batch is not published on `today`, so the UI can say
/// "not there yet" instead of implying there were no visits. Late claims can still add to a
/// published month; that is not what this reports.
pub fn incomplete_months(range: MonthRange, today: NaiveDate, kind: RecordKind) -> Vec<YearMonth> {
    range
        .months()
        .filter(|month| kind.regular_publication(*month) > today)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn names(months: Vec<YearMonth>) -> Vec<String> {
        months.into_iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn expenses_lag_two_months() {
        let range = MonthRange::parse("2024-10", "2025-02").unwrap();
        // On Feb 8 December is not yet out (Feb 9), November is (Jan 11).
        assert_eq!(
            names(incomplete_months(
                range,
                d(2025, 2, 8),
                RecordKind::Expenses
            )),
            ["2024-12", "2025-01", "2025-02"]
        );
        assert_eq!(
            names(incomplete_months(
                range,
                d(2025, 2, 9),
                RecordKind::Expenses
            )),
            ["2025-01", "2025-02"]
        );
    }

    #[test]
    fn drugs_lag_one_month() {
        let range = MonthRange::parse("2025-01", "2025-03").unwrap();
        assert_eq!(
            names(incomplete_months(range, d(2025, 3, 10), RecordKind::Drugs)),
            ["2025-02", "2025-03"]
        );
        assert_eq!(
            names(incomplete_months(range, d(2025, 3, 11), RecordKind::Drugs)),
            ["2025-03"]
        );
    }
}
