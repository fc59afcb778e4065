use super::{clamp, sum_entries, DeductionError, PaidEntry};
use crate::money::Yen;
use serde::{Deserialize, Serialize};

/// 12,000円: the fixed amount below which nothing is deducted.
const FLOOR: Yen = Yen(12_000);
/// 88,000円: the legal cap.
const CAP: Yen = Yen(88_000);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfMedicationDeduction {
    pub paid: Yen,
    pub reimbursed: Yen,
    pub net: Yen,
    /// net − 12,000, floor 0, cap 88,000.
    pub amount: Yen,
}

/// セルフメディケーション税制 = (対象医薬品 − 補填) − 12,000円, floor 0, cap 88,000円.
/// It needs a qualifying health check (特定健診 etc.) that year; that condition is the
/// caller's to check, this is only the arithmetic.
pub fn self_medication_deduction(
    entries: &[PaidEntry],
) -> Result<SelfMedicationDeduction, DeductionError> {
    let (paid, reimbursed) = sum_entries(entries)?;
    let net = paid.checked_sub(reimbursed)?;
    let amount = clamp(net.checked_sub(FLOOR)?, CAP);
    Ok(SelfMedicationDeduction {
        paid,
        reimbursed,
        net,
        amount,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(paid: i64, reimbursed: i64) -> i64 {
        self_medication_deduction(&[PaidEntry {
            paid: Yen(paid),
            reimbursed: Yen(reimbursed),
        }])
        .unwrap()
        .amount
        .0
    }

    #[test]
    fn boundaries() {
        assert_eq!(amount(0, 0), 0);
        assert_eq!(amount(11_999, 0), 0);
        assert_eq!(amount(12_000, 0), 0);
        assert_eq!(amount(12_001, 0), 1);
        assert_eq!(amount(99_999, 0), 87_999);
        assert_eq!(amount(100_000, 0), 88_000);
        assert_eq!(amount(100_001, 0), 88_000);
        assert_eq!(amount(30_000, 10_000), 8_000);
        assert_eq!(amount(30_000, 40_000), 0);
        // Cap after reimbursement: 112,000 − 12,000 = 100,000 → 88,000.
        assert_eq!(amount(112_000, 12_000), 88_000);
        assert_eq!(amount(112_000, 11_999), 88_000);
        assert_eq!(amount(112_000, 12_001), 87_999);
    }

    #[test]
    fn reimbursement_only_offsets_its_own_line() {
        let r = self_medication_deduction(&[
            PaidEntry {
                paid: Yen(5_000),
                reimbursed: Yen(9_000),
            },
            PaidEntry {
                paid: Yen(20_000),
                reimbursed: Yen(0),
            },
        ])
        .unwrap();
        assert_eq!(
            (r.paid.0, r.reimbursed.0, r.net.0, r.amount.0),
            (25_000, 5_000, 20_000, 8_000)
        );
    }
}
