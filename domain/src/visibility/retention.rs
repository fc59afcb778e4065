use crate::period::{MonthRange, PeriodError, YearMonth};
use chrono::NaiveDate;

/// How many months the main views keep: 3 years, counted in whole months ending with today's
/// month. One constant so the "3年間すべて" preset and the hiding rule can never disagree.
pub const RETENTION_MONTHS: i32 = 36;

/// Today's month and the 35 before it (e.g. today 2025-02-xx → 2022-03..2025-02).
pub fn retention_window(today: NaiveDate) -> MonthRange {
    let this_month = YearMonth::of(today);
    MonthRange::new(this_month.add_months(-(RETENTION_MONTHS - 1)), this_month)
        .expect("window is ordered")
}

/// A period a person asked for, refused when it spans more months than Karte keeps (a longer
/// one shows nothing more, and only costs the server work).
pub fn within_retention_span(range: MonthRange) -> Result<MonthRange, PeriodError> {
    let max = RETENTION_MONTHS.unsigned_abs() as usize;
    if range.len() > max {
        return Err(PeriodError::TooLong {
            months: range.len(),
            max,
        });
    }
    Ok(range)
}

/// Whether a record of `month` still belongs in the main views. Future months count as inside
/// (a future-dated record is a data error best shown, not hidden).
pub fn within_retention(month: YearMonth, today: NaiveDate) -> bool {
    month >= retention_window(today).from()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn window_edges() {
        let today = d(2025, 2, 15);
        let w = retention_window(today);
        assert_eq!(w.from().to_string(), "2022-03");
        assert_eq!(w.len(), 36);
        assert!(within_retention(YearMonth::new(2022, 3).unwrap(), today));
        assert!(!within_retention(YearMonth::new(2022, 2).unwrap(), today));
    }

    #[test]
    fn periods_longer_than_kept_are_refused() {
        let ok = MonthRange::parse("2023-01", "2025-12").unwrap();
        assert_eq!(within_retention_span(ok), Ok(ok));
        let long = MonthRange::parse("1900-01", "9999-10").unwrap();
        assert_eq!(
            within_retention_span(long),
            Err(PeriodError::TooLong {
                months: 97_198,
                max: 36
            })
        );
    }

    proptest! {
        #[test]
        fn window_is_always_36_months(days in 0i64..30_000) {
            let today = d(1950, 1, 1) + chrono::Duration::days(days);
            let w = retention_window(today);
            prop_assert_eq!(w.len(), 36);
            prop_assert_eq!(w.to(), YearMonth::of(today));
        }
    }
}
