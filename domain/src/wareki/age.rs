use chrono::{Datelike, NaiveDate};

/// Age in completed years on `on`, by the ordinary calendar rule: the age goes up on the
/// birthday itself. Someone born on Feb 29 turns a year older on Mar 1 in common years
/// (comparing (month, day), Feb 28 is still before Feb 29).
///
/// Why not the legal rule: under 年齢計算ニ関スル法律 an age is reached at the end of the day
/// *before* the birthday, which matters for school years and some eligibility dates. Karte
/// shows age for reading, and people expect the birthday rule; eligibility rules that need the
/// legal nuance must compute their own date.
///
/// `None` when `on` is before the birth date.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on < birth {
        return None;
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn increments_on_the_birthday() {
        let birth = d(1975, 4, 1);
        assert_eq!(age_on(birth, d(2025, 3, 31)), Some(49));
        assert_eq!(age_on(birth, d(2025, 4, 1)), Some(50));
        assert_eq!(age_on(birth, birth), Some(0));
        assert_eq!(age_on(birth, d(1975, 3, 31)), None);
    }

    #[test]
    fn leap_day_birthdays_turn_on_march_first_in_common_years() {
        let birth = d(2000, 2, 29);
        assert_eq!(age_on(birth, d(2001, 2, 28)), Some(0));
        assert_eq!(age_on(birth, d(2001, 3, 1)), Some(1));
        assert_eq!(age_on(birth, d(2004, 2, 29)), Some(4));
    }

    proptest! {
        #[test]
        fn age_never_decreases(b in 0i64..30_000, a in 0i64..30_000, step in 1i64..400) {
            let birth = d(1930, 1, 1) + chrono::Duration::days(b);
            let on = birth + chrono::Duration::days(a);
            let later = on + chrono::Duration::days(step);
            prop_assert!(age_on(birth, on).unwrap() <= age_on(birth, later).unwrap());
        }
    }
}
