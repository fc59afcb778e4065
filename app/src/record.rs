//! What every record page (drugs, checkups, expenses, exports) shares: whose records are on
//! screen and the period asked for in the URL.

use chrono::NaiveDate;

/// 受診者情報 as every record page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonHeader {
    pub person_id: String,
    pub name: String,
    pub birth_date: NaiveDate,
    pub insurer_number: Option<String>,
    pub symbol: Option<String>,
    pub number: Option<String>,
    pub branch: Option<String>,
    /// Shown through a proxy grant (not the signed-in person themselves).
    pub as_proxy: bool,
}

/// What the page asks for: a preset or a month range, as in the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodQuery {
    pub preset: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}
