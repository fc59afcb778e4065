//! The 医療費控除 page's view model and loader (server side; islands pages never render in
//! the browser).

use crate::error::AppError;
pub use crate::record::PersonHeader;
use chrono::NaiveDate;
use domain::deduction::{DeductionLine, YearSummary};
use domain::money::Yen;

/// What the page asks for, as in the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeductionQuery {
    pub year: Option<String>,
    pub household: bool,
}

/// Someone whose notices can be on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub person_id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeductionPage {
    pub person: PersonHeader,
    pub today: NaiveDate,
    pub year: i32,
    /// Years the chooser offers, newest first.
    pub years: Vec<i32>,
    pub household: bool,
    /// People whose notices are on the page (the person first).
    pub members: Vec<MemberView>,
    /// Others the person may add with 世帯.
    pub household_available: bool,
    /// Notice lines that count in the year, then hand lines.
    pub lines: Vec<DeductionLine>,
    pub income: Option<Yen>,
    pub summary: Option<YearSummary>,
    /// The number of ticked lines when they are more than the 集計フォーム holds.
    pub form_error: Option<usize>,
    /// Form row numbers whose name or payee is cut to the form's length.
    pub truncated: Vec<usize>,
    /// More ticked lines than the form holds: its rows sum them per person, payee and 区分.
    pub grouped: bool,
    /// The signed-in person may change this workbench (themselves, or a proxy granted
    /// 医療費控除の編集); otherwise the page is read-only.
    pub editable: bool,
}

impl DeductionPage {
    /// The query string that keeps the page as it is (year and household).
    pub fn here(&self) -> String {
        if self.household {
            format!("year={}&household=1", self.year)
        } else {
            format!("year={}", self.year)
        }
    }
}

/// The default year: last year during the filing season (January–March), else this year.
pub fn default_year(today: NaiveDate) -> i32 {
    use chrono::Datelike;
    if today.month() <= 3 {
        today.year() - 1
    } else {
        today.year()
    }
}

pub async fn load_deduction_page(query: DeductionQuery) -> Result<DeductionPage, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?
            .deduction
            .deduction_page(query)
            .await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = query;
        Err(AppError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filing_season_defaults_to_last_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(default_year(d(2026, 2, 20)), 2025);
        assert_eq!(default_year(d(2026, 3, 31)), 2025);
        assert_eq!(default_year(d(2026, 4, 1)), 2026);
        assert_eq!(default_year(d(2026, 11, 26)), 2026);
    }
}
