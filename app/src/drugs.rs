//! The drug-history page's view model and loader (server side; islands pages never render in
//! the browser).

use crate::error::AppError;
pub use crate::record::{PeriodQuery, PersonHeader};
use chrono::NaiveDate;
use domain::drugs::{DrugLine, UsageKind};
use domain::period::{DateRange, MonthRange, YearMonth};

/// The view and the filter in the URL (`view`, `usage`, `q`), parsed with the rest of the
/// record query in `domain`: the server applies the filter for pages without JavaScript
/// (non-matching lines are sent `hidden`), then the browser applies it live.
pub use domain::query::{DrugFilter, DrugView, USAGES};

/// The code of a 使用区分 as used in URLs and `data-usage` attributes (e.g. `as_needed`).
pub fn usage_code(u: UsageKind) -> String {
    u.code().to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrugPage {
    pub person: PersonHeader,
    pub months: MonthRange,
    /// Set when the person chose days rather than whole months.
    pub days: Option<DateRange>,
    pub today: NaiveDate,
    /// Newest first, every line of the period the person may see today (the filter only
    /// hides lines). Shared with the server's per-person line cache: the same `Arc` for every
    /// view of one cache entry, which is what the rendered table is kept by.
    pub lines: std::sync::Arc<Vec<DrugLine>>,
    /// Months of the period whose receipts cannot all be published yet.
    pub incomplete: Vec<YearMonth>,
    /// The latest publication day of this person's drug information (any period).
    pub data_as_of: Option<NaiveDate>,
    /// What the person entered themselves (本人入力), shown beside the claims.
    pub own: domain::own::OwnEntries,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_from_query_ignores_unknown_usage() {
        assert_eq!(
            DrugFilter::from_query(Some("as_needed"), None).usage,
            Some(UsageKind::AsNeeded)
        );
        assert_eq!(
            DrugFilter::from_query(Some("nonsense"), Some("  ロキソ ")),
            DrugFilter {
                usage: None,
                q: "ロキソ".into()
            }
        );
        assert!(DrugFilter::from_query(Some(""), Some("")).is_empty());
        assert_eq!(usage_code(UsageKind::AsNeeded), "as_needed");
    }
}
