//! The drug-history page's view model and loader (server side; islands pages never render in
//! the browser).

use crate::error::AppError;
use chrono::NaiveDate;
use domain::drugs::DrugLine;
use domain::period::{MonthRange, YearMonth};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrugPage {
    pub person: PersonHeader,
    pub months: MonthRange,
    pub today: NaiveDate,
    /// Newest first, only what the person may see today.
    pub lines: Vec<DrugLine>,
    /// Months of the period whose receipts cannot all be published yet.
    pub incomplete: Vec<YearMonth>,
}

pub async fn load_drug_page(query: PeriodQuery) -> Result<DrugPage, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.drugs.drug_page(query).await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = query;
        Err(AppError::Internal)
    }
}
