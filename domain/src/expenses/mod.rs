//! 医療費通知情報: one line per receipt (month × institution × 診療区分), with totals.

mod category;
pub(crate) mod line;
mod summary;
mod totals;

pub use category::ServiceCategory;
pub use line::ExpenseLine;
pub use summary::{
    summarize, year_in, CategoryTotal, ExpenseSummary, InstitutionTotal, MonthTotal, PendingMonth,
    YearTotal,
};
pub use totals::{by_category, by_institution, by_year, total_in, ExpenseTotals};
