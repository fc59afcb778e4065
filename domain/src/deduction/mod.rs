//! 医療費控除 and セルフメディケーション税制 calculators (etax-export.md §1). Integer yen only.
//!
//! The filer chooses one of the two, never both; [`compare`] says which gives more.

mod compare;
pub mod form;
mod lines;
mod medical;
mod self_medication;
pub mod year;

pub use compare::{compare, DeductionChoice, DeductionComparison};
pub use lines::{
    assemble, summarize, DeductionLine, FormCategory, LineOrigin, NoticeAdjustment, NoticeKey,
    NoticeKeyError, PersonNotice, YearSummary,
};
pub use medical::{medical_expense_deduction, MedicalDeduction};
pub use self_medication::{self_medication_deduction, SelfMedicationDeduction};
pub use year::{TaxYear, YearError};

use crate::money::{MoneyError, Yen};
use serde::{Deserialize, Serialize};

/// One row of the 集計フォーム: H 支払った医療費の金額 and I 左のうち、補填される金額.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidEntry {
    pub paid: Yen,
    /// 補填 (保険金, 高額療養費 …) received for THIS expense.
    pub reimbursed: Yen,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DeductionError {
    #[error("row {row}: amounts cannot be negative; enter what was paid and what was reimbursed as positive numbers")]
    NegativeAmount { row: usize },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// Σ paid and Σ min(reimbursed, paid): a reimbursement only offsets the expense it was paid
/// for, never other expenses (template A5: per row H − min(I, H)).
fn sum_entries(entries: &[PaidEntry]) -> Result<(Yen, Yen), DeductionError> {
    let mut paid = Yen::ZERO;
    let mut offset = Yen::ZERO;
    for (i, e) in entries.iter().enumerate() {
        if e.paid < Yen::ZERO || e.reimbursed < Yen::ZERO {
            return Err(DeductionError::NegativeAmount { row: i + 1 });
        }
        paid = paid.checked_add(e.paid)?;
        offset = offset.checked_add(e.reimbursed.min(e.paid))?;
    }
    Ok((paid, offset))
}

fn clamp(value: Yen, cap: Yen) -> Yen {
    value.max(Yen::ZERO).min(cap)
}
