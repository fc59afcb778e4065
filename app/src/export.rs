//! The export page's view model and loader (server side).

use crate::error::AppError;
pub use crate::record::{PeriodQuery, PersonHeader};
use chrono::NaiveDate;
use domain::access::AccessKind;
use domain::period::MonthRange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPage {
    pub person: PersonHeader,
    pub months: MonthRange,
    pub today: NaiveDate,
    /// The kinds the signed-in person may export for the person on screen.
    pub kinds: Vec<AccessKind>,
}

pub async fn load_export_page(query: PeriodQuery) -> Result<ExportPage, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.export.export_page(query).await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = query;
        Err(AppError::Internal)
    }
}
