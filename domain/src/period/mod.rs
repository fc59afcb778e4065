//! Months and date ranges the user searches by, and the preset ranges the UI offers.

mod date_range;
mod month_range;
mod preset;
mod year_month;

pub use date_range::DateRange;
pub use month_range::{MonthRange, Months};
pub use preset::Preset;
pub use year_month::YearMonth;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PeriodError {
    #[error("{0:?} is not a month; write it as YYYY-MM, e.g. 2025-04")]
    BadYearMonth(String),
    #[error("month {0} does not exist; use 1 to 12")]
    MonthOutOfRange(u32),
    #[error("year {0} is outside 1900–9999")]
    YearOutOfRange(i32),
    #[error("{0} is too late for a claim: its publication month would be past 9999-12")]
    TooLateForClaim(String),
    #[error("the period spans {months} months; choose at most {max} (the months Karte keeps)")]
    TooLong { months: usize, max: usize },
    #[error("the start ({from}) is after the end ({to}); swap them")]
    Reversed { from: String, to: String },
}
