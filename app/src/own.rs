//! The 本人入力 page's view model and loader (server side; islands pages never render in the
//! browser): what the person entered themselves, and the dispensings a memo can be attached to.

use crate::error::AppError;
pub use crate::record::PersonHeader;
use chrono::NaiveDate;
pub use domain::own::OwnEntries;

/// One dispensing (調剤日 and 病院・薬局名) a memo can be attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispensing {
    pub on: NaiveDate,
    pub dispenser: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnPage {
    pub person: PersonHeader,
    pub today: NaiveDate,
    pub entries: OwnEntries,
    /// The person's dispensings of the last three years, newest first.
    pub dispensings: Vec<Dispensing>,
    /// The signed-in person is the person on screen; a proxy only reads.
    pub editable: bool,
}

pub async fn load_own_page() -> Result<OwnPage, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.own.own_page().await
    }
    #[cfg(not(feature = "ssr"))]
    {
        Err(AppError::Internal)
    }
}
