//! The drug-history page's view model and loader (server side; islands pages never render in
//! the browser).

use crate::error::AppError;
use chrono::NaiveDate;
pub use crate::record::{PeriodQuery, PersonHeader};
use domain::drugs::DrugLine;
use domain::period::{MonthRange, YearMonth};

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
