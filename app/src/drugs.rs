//! The drug-history page's view model and loader (server side; islands pages never render in
//! the browser).

use crate::error::AppError;
pub use crate::record::{PeriodQuery, PersonHeader};
use chrono::NaiveDate;
use domain::drugs::{DrugLine, UsageKind};
use domain::period::{DateRange, MonthRange, YearMonth};

/// How the page lists the lines: one row per line (grouped by dispensing), or one row per
/// ingredient with a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DrugView {
    #[default]
    Lines,
    Ingredients,
}

impl DrugView {
    pub fn from_query(raw: Option<&str>) -> Self {
        match raw {
            Some("ingredients") => Self::Ingredients,
            _ => Self::Lines,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Lines => "lines",
            Self::Ingredients => "ingredients",
        }
    }
}

/// The filter in the URL (`usage`, `q`): applied by the server for pages without JavaScript
/// (non-matching lines are sent `hidden`), then live in the browser without a round trip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrugFilter {
    pub usage: Option<UsageKind>,
    pub q: String,
}

impl DrugFilter {
    /// From the URL; an unknown 使用区分 means "all" rather than an error page.
    pub fn from_query(usage: Option<&str>, q: Option<&str>) -> Self {
        let usage = usage.and_then(|u| USAGES.into_iter().find(|k| k.code() == u));
        Self {
            usage,
            q: q.unwrap_or_default().trim().chars().take(100).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.usage.is_none() && self.q.is_empty()
    }

    pub fn matches(&self, line: &DrugLine) -> bool {
        self.usage.is_none_or(|u| u == line.usage)
            && domain::drugs::matches_search(line, &domain::drugs::search_fold(&self.q))
    }
}

/// The code of a 使用区分 as used in URLs and `data-usage` attributes (e.g. `as_needed`).
pub fn usage_code(u: UsageKind) -> String {
    u.code().to_owned()
}

pub const USAGES: [UsageKind; 5] = [
    UsageKind::Oral,
    UsageKind::External,
    UsageKind::AsNeeded,
    UsageKind::Injection,
    UsageKind::HomeCare,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrugPage {
    pub person: PersonHeader,
    pub months: MonthRange,
    /// Set when the person chose days rather than whole months.
    pub days: Option<DateRange>,
    pub today: NaiveDate,
    /// Newest first, every line of the period the person may see today (the filter only
    /// hides lines).
    pub lines: Vec<DrugLine>,
    /// Months of the period whose receipts cannot all be published yet.
    pub incomplete: Vec<YearMonth>,
    /// The latest publication day of this person's drug information (any period).
    pub data_as_of: Option<NaiveDate>,
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
