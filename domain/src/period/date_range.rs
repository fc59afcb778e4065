use super::PeriodError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Inclusive range of days, `from <= to` guaranteed by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawDateRange")]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Deserialize)]
struct RawDateRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl TryFrom<RawDateRange> for DateRange {
    type Error = PeriodError;
    fn try_from(raw: RawDateRange) -> Result<Self, Self::Error> {
        Self::new(raw.from, raw.to)
    }
}

impl DateRange {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        if from > to {
            return Err(PeriodError::Reversed {
                from: from.to_string(),
                to: to.to_string(),
            });
        }
        Ok(Self { from, to })
    }

    pub fn from(self) -> NaiveDate {
        self.from
    }

    pub fn to(self) -> NaiveDate {
        self.to
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// Number of days, both ends counted.
    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn inclusive_both_ends() {
        let r = DateRange::new(d(2025, 1, 1), d(2025, 1, 31)).unwrap();
        assert!(r.contains(d(2025, 1, 1)));
        assert!(r.contains(d(2025, 1, 31)));
        assert!(!r.contains(d(2025, 2, 1)));
        assert_eq!(r.days(), 31);
        assert_eq!(
            DateRange::new(d(2025, 1, 1), d(2025, 1, 1)).unwrap().days(),
            1
        );
    }

    #[test]
    fn rejects_reversed() {
        assert!(matches!(
            DateRange::new(d(2025, 2, 1), d(2025, 1, 1)),
            Err(PeriodError::Reversed { .. })
        ));
    }
}
