//! 薬剤情報: one line per dispensed drug, extracted from receipts (令和3年9月 診療分 on).

mod codes;
mod ingredients;
mod kinds;
mod line;
mod list;

pub use codes::{DrugCodeError, ReceiptDrugCode, YjCode};
pub use ingredients::{
    by_ingredient, matches_search, search_fold, Dispensing, IngredientRow, Overlap,
};
pub use kinds::{DrugMark, DrugMarkError, PrescriptionKind, QuantityUnit, UsageKind};
pub use line::{DispensedQuantity, DrugLine};
pub use list::{
    hide_savings_under_late_stage_insurance, sort_newest_first, total_copay, total_savings,
};

#[cfg(test)]
pub(crate) use line::fixtures::drug_line as line_fixture;
