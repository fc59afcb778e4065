//! What every record page (drugs, checkups, expenses, exports) shares: whose records are on
//! screen and the period asked for in the URL.

/// 受診者情報 as every record page shows it (a domain type: storage returns it).
pub use domain::people::PersonHeader;

/// What the page asks for: a preset or a month range, as in the URL (parsed in `domain`).
pub use domain::query::{PeriodQuery, RecordQuery};
