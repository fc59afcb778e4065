use super::{MedicalDeduction, SelfMedicationDeduction};
use crate::money::Yen;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeductionChoice {
    Medical,
    SelfMedication,
    /// Same amount (including both 0): either choice gives the same deduction.
    Equal,
}

impl DeductionChoice {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Medical => "医療費控除",
            Self::SelfMedication => "セルフメディケーション税制",
            Self::Equal => "どちらも同額",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Medical => "Medical expense deduction",
            Self::SelfMedication => "Self-medication tax scheme",
            Self::Equal => "Both give the same amount",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeductionComparison {
    pub medical: Yen,
    pub self_medication: Yen,
    pub larger: DeductionChoice,
    /// How much more the larger one deducts (0 when equal).
    pub difference: Yen,
}

/// Which of the two gives the larger deduction. The filer may claim only one of them.
pub fn compare(
    medical: &MedicalDeduction,
    self_medication: &SelfMedicationDeduction,
) -> DeductionComparison {
    let (m, s) = (medical.amount, self_medication.amount);
    let larger = match m.cmp(&s) {
        std::cmp::Ordering::Greater => DeductionChoice::Medical,
        std::cmp::Ordering::Less => DeductionChoice::SelfMedication,
        std::cmp::Ordering::Equal => DeductionChoice::Equal,
    };
    // Both amounts are within 0..=2,000,000, so the subtraction cannot overflow.
    let difference = Yen((m.0 - s.0).abs());
    DeductionComparison {
        medical: m,
        self_medication: s,
        larger,
        difference,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{medical_expense_deduction, self_medication_deduction, PaidEntry};
    use super::*;

    fn e(paid: i64) -> PaidEntry {
        PaidEntry {
            paid: Yen(paid),
            reimbursed: Yen(0),
        }
    }

    #[test]
    fn picks_the_larger() {
        let otc = self_medication_deduction(&[e(40_000)]).unwrap(); // 28,000
        let small = medical_expense_deduction(&[e(120_000)], Yen(5_000_000)).unwrap(); // 20,000
        let c = compare(&small, &otc);
        assert_eq!(c.larger, DeductionChoice::SelfMedication);
        assert_eq!(c.difference, Yen(8_000));

        let big = medical_expense_deduction(&[e(150_000)], Yen(5_000_000)).unwrap(); // 50,000
        assert_eq!(compare(&big, &otc).larger, DeductionChoice::Medical);

        let same = medical_expense_deduction(&[e(128_000)], Yen(5_000_000)).unwrap(); // 28,000
        let c = compare(&same, &otc);
        assert_eq!(c.larger, DeductionChoice::Equal);
        assert_eq!(c.difference, Yen(0));
    }
}
