//! Japanese calendar helpers: 和暦 dates, 年度 (April–March) and age on a date.
//!
//! Screens and PDFs show a birth date in both calendars ("昭和50年4月1日 (1975-04-01)"),
//! because insurers and clinics write 和暦 while the data files carry 西暦.

mod age;
mod era;
mod fiscal_year;

pub use age::age_on;
pub use era::{format_both, format_wareki, to_wareki, Era, WarekiDate, WarekiError};
pub use fiscal_year::FiscalYear;
