use super::Checkup;
use crate::wareki::FiscalYear;
use chrono::NaiveDate;
use std::cmp::Reverse;

/// The portal shows checkups from 令和2年度 (FY2020) on …
pub const FIRST_SHOWN_FISCAL_YEAR: FiscalYear = FiscalYear(2020);
/// … and at most the last 5 (直近過去5回分).
pub const SHOWN_COUNT: usize = 5;

/// The checkups the main view shows: performed in FY2020 or later, newest first, at most 5.
/// Ties on the same date keep input order (the insurer's registration order).
pub fn shown_checkups(checkups: &[Checkup]) -> Vec<&Checkup> {
    let first_day = FIRST_SHOWN_FISCAL_YEAR.first_day();
    let mut shown: Vec<&Checkup> = checkups
        .iter()
        .filter(|c| c.performed_on >= first_day)
        .collect();
    shown.sort_by_key(|c| Reverse(c.performed_on));
    shown.truncate(SHOWN_COUNT);
    shown
}

/// Insurers must report a fiscal year's checkups by Nov 1 of the next fiscal year (法定報告), so
/// until then "no checkup" may just mean "not registered yet"; the UI says so.
pub fn registration_due(fiscal_year: FiscalYear) -> NaiveDate {
    NaiveDate::from_ymd_opt(fiscal_year.0 + 1, 11, 1).expect("Nov 1 exists")
}

#[cfg(test)]
mod tests {
    use super::super::record::fixtures::checkup;
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn last_five_from_fy2020() {
        let all: Vec<_> = [
            d(2020, 3, 31),
            d(2020, 4, 1),
            d(2021, 5, 1),
            d(2022, 5, 1),
            d(2023, 5, 1),
            d(2024, 5, 1),
            d(2025, 5, 1),
        ]
        .into_iter()
        .map(|date| checkup(date, vec![]))
        .collect();
        let shown: Vec<_> = shown_checkups(&all)
            .iter()
            .map(|c| c.performed_on)
            .collect();
        assert_eq!(
            shown,
            [
                d(2025, 5, 1),
                d(2024, 5, 1),
                d(2023, 5, 1),
                d(2022, 5, 1),
                d(2021, 5, 1)
            ]
        );
        let few = vec![
            checkup(d(2020, 3, 31), vec![]),
            checkup(d(2020, 4, 1), vec![]),
        ];
        assert_eq!(shown_checkups(&few).len(), 1);
    }

    #[test]
    fn registration_deadline() {
        assert_eq!(registration_due(FiscalYear(2024)), d(2025, 11, 1));
    }

    proptest! {
        #[test]
        fn at_most_five_newest_first(days in proptest::collection::vec(0i64..3000, 0..15)) {
            let all: Vec<_> = days.iter().map(|n| checkup(d(2019, 1, 1) + chrono::Duration::days(*n), vec![])).collect();
            let shown = shown_checkups(&all);
            prop_assert!(shown.len() <= SHOWN_COUNT);
            prop_assert!(shown.windows(2).all(|w| w[0].performed_on >= w[1].performed_on));
            prop_assert!(shown.iter().all(|c| c.performed_on >= d(2020, 4, 1)));
            let eligible = all.iter().filter(|c| c.performed_on >= d(2020, 4, 1)).count();
            prop_assert_eq!(shown.len(), eligible.min(SHOWN_COUNT));
        }
    }
}
