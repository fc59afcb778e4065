use super::{DateRange, PeriodError, YearMonth};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Inclusive range of months (the user's search period), `from <= to` by construction.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawMonthRange")]
pub struct MonthRange {
    from: YearMonth,
    to: YearMonth,
}

#[derive(Deserialize)]
struct RawMonthRange {
    from: YearMonth,
    to: YearMonth,
}

impl TryFrom<RawMonthRange> for MonthRange {
    type Error = PeriodError;
    fn try_from(raw: RawMonthRange) -> Result<Self, Self::Error> {
        Self::new(raw.from, raw.to)
    }
}

impl MonthRange {
    pub fn new(from: YearMonth, to: YearMonth) -> Result<Self, PeriodError> {
        if from > to {
            return Err(PeriodError::Reversed {
                from: from.to_string(),
                to: to.to_string(),
            });
        }
        Ok(Self { from, to })
    }

    /// Parses the two ends as typed in a form ("2025-01", "2025-03").
    pub fn parse(from: &str, to: &str) -> Result<Self, PeriodError> {
        Self::new(YearMonth::parse(from)?, YearMonth::parse(to)?)
    }

    pub fn single(month: YearMonth) -> Self {
        Self {
            from: month,
            to: month,
        }
    }

    pub fn from(self) -> YearMonth {
        self.from
    }

    pub fn to(self) -> YearMonth {
        self.to
    }

    pub fn contains(self, month: YearMonth) -> bool {
        self.from <= month && month <= self.to
    }

    pub fn contains_date(self, date: NaiveDate) -> bool {
        self.contains(YearMonth::of(date))
    }

    /// Number of months, both ends counted.
    pub fn len(self) -> usize {
        usize::try_from(self.from.months_until(self.to) + 1).expect("from <= to")
    }

    /// Never empty (`from <= to`); here for clippy's `len_without_is_empty`.
    pub fn is_empty(self) -> bool {
        false
    }

    /// The same span in days: first day of `from` to last day of `to`.
    pub fn to_date_range(self) -> DateRange {
        DateRange::new(self.from.first_day(), self.to.last_day()).expect("from <= to")
    }

    /// The part of `self` that is also inside `other`, if any.
    pub fn intersect(self, other: MonthRange) -> Option<MonthRange> {
        MonthRange::new(self.from.max(other.from), self.to.min(other.to)).ok()
    }

    /// Months oldest first.
    pub fn months(self) -> Months {
        Months {
            next: Some(self.from),
            last: self.to,
        }
    }
}

impl IntoIterator for MonthRange {
    type Item = YearMonth;
    type IntoIter = Months;
    fn into_iter(self) -> Months {
        self.months()
    }
}

/// Iterator over the months of a [`MonthRange`], oldest first.
#[derive(Debug, Clone)]
pub struct Months {
    next: Option<YearMonth>,
    last: YearMonth,
}

impl Iterator for Months {
    type Item = YearMonth;
    fn next(&mut self) -> Option<YearMonth> {
        let current = self.next?;
        self.next = (current < self.last).then(|| current.next());
        Some(current)
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
    fn iterates_inclusive_across_year_end() {
        let r = MonthRange::new(ym(2024, 11), ym(2025, 2)).unwrap();
        let months: Vec<_> = r.months().map(|m| m.to_string()).collect();
        assert_eq!(months, ["2024-11", "2024-12", "2025-01", "2025-02"]);
        assert_eq!(r.len(), 4);
        assert_eq!(MonthRange::single(ym(2025, 1)).months().count(), 1);
    }

    #[test]
    fn validation_and_contains() {
        assert!(MonthRange::parse("2025-03", "2025-01").is_err());
        let r = MonthRange::parse("2025-01", "2025-03").unwrap();
        assert!(r.contains(ym(2025, 1)) && r.contains(ym(2025, 3)));
        assert!(!r.contains(ym(2024, 12)) && !r.contains(ym(2025, 4)));
        let days = r.to_date_range();
        assert_eq!(days.from().to_string(), "2025-01-01");
        assert_eq!(days.to().to_string(), "2025-03-31");
    }

    #[test]
    fn intersection() {
        let a = MonthRange::parse("2025-01", "2025-06").unwrap();
        let b = MonthRange::parse("2025-04", "2025-12").unwrap();
        assert_eq!(
            a.intersect(b),
            Some(MonthRange::parse("2025-04", "2025-06").unwrap())
        );
        let c = MonthRange::parse("2026-01", "2026-02").unwrap();
        assert_eq!(a.intersect(c), None);
    }

    proptest! {
        #[test]
        fn months_are_consecutive_and_counted(y in 2000i32..2100, m in 1u32..=12, n in 0i32..200) {
            let from = ym(y, m);
            let r = MonthRange::new(from, from.add_months(n)).unwrap();
            let months: Vec<_> = r.months().collect();
            prop_assert_eq!(months.len(), r.len());
            prop_assert_eq!(months.len() as i32, n + 1);
            prop_assert!(months.windows(2).all(|w| w[0].next() == w[1]));
            prop_assert!(months.iter().all(|m| r.contains(*m)));
        }
    }
}
