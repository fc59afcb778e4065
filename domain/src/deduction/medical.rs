use super::{clamp, sum_entries, DeductionError, PaidEntry};
use crate::money::Yen;
use serde::{Deserialize, Serialize};

/// 10万円: the fixed part of the threshold.
const FIXED_THRESHOLD: Yen = Yen(100_000);
/// 200万円: the legal cap (所得税法第73条).
const CAP: Yen = Yen(2_000_000);

/// Every step of the calculation, so the page can show how the number came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicalDeduction {
    pub paid: Yen,
    /// 補填 actually subtracted (each row capped at its own amount).
    pub reimbursed: Yen,
    /// paid − reimbursed.
    pub net: Yen,
    /// min(100,000, 5% of 総所得金額等).
    pub threshold: Yen,
    /// The deduction: net − threshold, floor 0, cap 2,000,000.
    pub amount: Yen,
}

/// 医療費控除 = (支払った医療費 − 補填) − min(100,000円, 5% × 総所得金額等), floor 0, cap 2,000,000円.
///
/// 5% is truncated to whole yen (x / 20 is exactly floor(5x / 100) for x ≥ 0). A negative
/// 総所得金額等 (losses) is taken as 0, so the threshold is 0 and never raises the deduction.
pub fn medical_expense_deduction(
    entries: &[PaidEntry],
    total_income: Yen,
) -> Result<MedicalDeduction, DeductionError> {
    let (paid, reimbursed) = sum_entries(entries)?;
    let net = paid.checked_sub(reimbursed)?;
    let five_percent = Yen(total_income.0.max(0) / 20);
    let threshold = five_percent.min(FIXED_THRESHOLD);
    let amount = clamp(net.checked_sub(threshold)?, CAP);
    Ok(MedicalDeduction {
        paid,
        reimbursed,
        net,
        threshold,
        amount,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(paid: i64, reimbursed: i64) -> PaidEntry {
        PaidEntry {
            paid: Yen(paid),
            reimbursed: Yen(reimbursed),
        }
    }

    fn amount(paid: i64, income: i64) -> i64 {
        medical_expense_deduction(&[entry(paid, 0)], Yen(income))
            .unwrap()
            .amount
            .0
    }

    #[test]
    fn threshold_switches_at_two_million_income() {
        let t = |income| {
            medical_expense_deduction(&[], Yen(income))
                .unwrap()
                .threshold
                .0
        };
        assert_eq!(t(1_999_999), 99_999);
        assert_eq!(t(1_999_980), 99_999);
        assert_eq!(t(1_999_979), 99_998);
        assert_eq!(t(2_000_000), 100_000);
        assert_eq!(t(2_000_001), 100_000);
        assert_eq!(t(10_000_000), 100_000);
        assert_eq!(t(19), 0);
        assert_eq!(t(20), 1);
        assert_eq!(t(0), 0);
        assert_eq!(t(-500_000), 0);
    }

    #[test]
    fn totals_around_the_threshold() {
        assert_eq!(amount(99_999, 5_000_000), 0);
        assert_eq!(amount(100_000, 5_000_000), 0);
        assert_eq!(amount(100_001, 5_000_000), 1);
        // Low income: 5% of 1,500,000 = 75,000.
        assert_eq!(amount(80_000, 1_500_000), 5_000);
        assert_eq!(amount(75_000, 1_500_000), 0);
    }

    #[test]
    fn cap_at_two_million() {
        assert_eq!(amount(2_099_999, 5_000_000), 1_999_999);
        assert_eq!(amount(2_100_000, 5_000_000), 2_000_000);
        assert_eq!(amount(2_100_001, 5_000_000), 2_000_000);
        assert_eq!(amount(50_000_000, 5_000_000), 2_000_000);
    }

    #[test]
    fn reimbursement_only_offsets_its_own_row() {
        // 出産育児一時金 500,000 against a 420,000 birth: only 420,000 is subtracted,
        // the other 80,000 must not eat into the dental bill.
        let r = medical_expense_deduction(
            &[entry(420_000, 500_000), entry(300_000, 0)],
            Yen(5_000_000),
        )
        .unwrap();
        assert_eq!(r.paid, Yen(720_000));
        assert_eq!(r.reimbursed, Yen(420_000));
        assert_eq!(r.net, Yen(300_000));
        assert_eq!(r.amount, Yen(200_000));
    }

    #[test]
    fn income_just_under_and_over_two_million() {
        // Under 2,000,000 the threshold is 5% (truncated to the yen), over it 100,000.
        assert_eq!(amount(100_000, 1_999_999), 1);
        assert_eq!(amount(100_000, 2_000_000), 0);
        assert_eq!(amount(100_000, 2_000_001), 0);
        assert_eq!(amount(150_000, 1_000_000), 100_000);
        assert_eq!(amount(150_000, 3_000_000), 50_000);
        // 5% of 1,234,567 = 61,728.35 → 61,728.
        let r = medical_expense_deduction(&[entry(70_000, 0)], Yen(1_234_567)).unwrap();
        assert_eq!((r.threshold.0, r.amount.0), (61_728, 8_272));
    }

    #[test]
    fn totals_under_one_hundred_thousand() {
        // High income: under 100,000 paid gives nothing.
        assert_eq!(amount(0, 5_000_000), 0);
        assert_eq!(amount(50_000, 5_000_000), 0);
        // Low income: the same total gives a deduction.
        assert_eq!(amount(50_000, 600_000), 20_000);
        assert_eq!(amount(50_000, 0), 50_000);
    }

    #[test]
    fn cap_applies_after_reimbursement() {
        let r = medical_expense_deduction(&[entry(3_000_000, 500_000)], Yen(5_000_000)).unwrap();
        assert_eq!((r.net.0, r.amount.0), (2_500_000, 2_000_000));
        let r = medical_expense_deduction(&[entry(2_500_000, 400_001)], Yen(5_000_000)).unwrap();
        assert_eq!((r.net.0, r.amount.0), (2_099_999, 1_999_999));
    }

    #[test]
    fn reimbursement_larger_than_the_line_stops_at_zero() {
        let r = medical_expense_deduction(&[entry(10_000, 50_000)], Yen(0)).unwrap();
        assert_eq!((r.reimbursed.0, r.net.0, r.amount.0), (10_000, 0, 0));
        // Equal: nothing left of that line.
        let r =
            medical_expense_deduction(&[entry(10_000, 10_000), entry(120_000, 0)], Yen(5_000_000))
                .unwrap();
        assert_eq!((r.net.0, r.amount.0), (120_000, 20_000));
    }

    #[test]
    fn negative_rows_are_rejected() {
        assert_eq!(
            medical_expense_deduction(&[entry(1, 0), entry(-1, 0)], Yen(0)),
            Err(DeductionError::NegativeAmount { row: 2 })
        );
        assert_eq!(
            medical_expense_deduction(&[entry(1, -1)], Yen(0)),
            Err(DeductionError::NegativeAmount { row: 1 })
        );
    }

    proptest! {
        #[test]
        fn result_is_within_bounds(
            rows in proptest::collection::vec((0i64..5_000_000, 0i64..5_000_000), 0..20),
            income in -10_000_000i64..100_000_000,
        ) {
            let entries: Vec<_> = rows.iter().map(|(p, r)| entry(*p, *r)).collect();
            let r = medical_expense_deduction(&entries, Yen(income)).unwrap();
            prop_assert!(r.amount >= Yen(0) && r.amount <= CAP);
            prop_assert!(r.reimbursed <= r.paid);
            prop_assert!(r.threshold >= Yen(0) && r.threshold <= FIXED_THRESHOLD);
            prop_assert!(r.amount <= r.net);
        }

        #[test]
        fn more_paid_never_lowers_the_deduction(paid in 0i64..3_000_000, extra in 0i64..100_000, income in 0i64..10_000_000) {
            prop_assert!(amount(paid + extra, income) >= amount(paid, income));
        }
    }
}
