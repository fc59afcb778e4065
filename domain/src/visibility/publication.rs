use crate::claim::ClaimedLine;
use crate::period::{PeriodError, YearMonth};
use chrono::{Datelike, NaiveDate};

/// A 診療年月 as a claim gives it: a month whose publication (two months later, see
/// [`expense_visible_from`]) Karte can still date. Importers check every claim's month here.
pub fn claim_month(month: YearMonth) -> Result<YearMonth, PeriodError> {
    match month.checked_add_months(2) {
        Some(_) => Ok(month),
        None => Err(PeriodError::TooLateForClaim(month.to_string())),
    }
}

/// 医療費通知情報: visible from the 11th of the second month after the visit month
/// (Sep → Nov 11). December visits come early, on Feb 9 of the next year, so they are there
/// for 確定申告 (mid-Feb to mid-Mar).
pub fn expense_visible_from(service_month: YearMonth) -> NaiveDate {
    let publish_month = service_month.add_months(2);
    let day = if service_month.month() == 12 { 9 } else { 11 };
    publish_month
        .day(day)
        .expect("days 9 and 11 exist in every month")
}

/// 医療費通知情報 of one claim: the regular date for its month, or for a claim accepted later
/// than usual (月遅れ請求, 返戻再請求) the batch a regular claim accepted in the same month
/// joins — the 11th of the month after acceptance (9 February after a January acceptance) —
/// whichever is later. The one rule for every source (JSON import, CSV import, demo, seed).
///
/// Interpretation: the spec gives only the regular rule, by service month. A claim cannot be
/// published before it was accepted, and notices are published monthly for the claims accepted
/// the month before, so a late claim accepted on 8 April is published on 11 May (with the
/// claims of March), not on 11 April (the drug batch date of [`batch_visible_from`]).
pub fn expense_claim_visible_from(service_month: YearMonth, accepted_on: NaiveDate) -> NaiveDate {
    expense_visible_from(service_month).max(expense_visible_from(YearMonth::of(accepted_on).prev()))
}

/// The publication batch for a receipt accepted on `accepted_on`: receipts accepted on the
/// 5th–10th are visible on the 11th, on the 11th by the 12th, on the 12th by the 13th.
///
/// Interpretation: the spec lists only those days. We generalise to "the day after acceptance,
/// and never before the 11th", which gives exactly the listed dates and a sensible answer for
/// the 1st–4th (11th) and for days after the 12th (next day) that the spec does not cover.
pub fn batch_visible_from(accepted_on: NaiveDate) -> NaiveDate {
    let eleventh = accepted_on.with_day(11).expect("every month has an 11th");
    let next_day = accepted_on.succ_opt().expect("not at the end of time");
    eleventh.max(next_day)
}

/// 薬剤情報: receipts for month M are normally accepted in early M+1, so lines of month M are
/// visible from the 11th of M+1. A receipt accepted later (月遅れ請求, re-claim after 返戻) is
/// visible only from its own batch date, whichever is later.
pub fn drug_visible_from(service_month: YearMonth, accepted_on: Option<NaiveDate>) -> NaiveDate {
    let regular = service_month
        .next()
        .day(11)
        .expect("every month has an 11th");
    match accepted_on {
        Some(accepted) => regular.max(batch_visible_from(accepted)),
        None => regular,
    }
}

/// Whether the portal may show the line on `today`.
pub fn is_visible<L: ClaimedLine>(line: &L, today: NaiveDate) -> bool {
    line.visible_from() <= today
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn claim_months_leave_room_for_publication() {
        assert_eq!(claim_month(ym(9999, 10)), Ok(ym(9999, 10)));
        assert_eq!(
            claim_month(ym(9999, 12)),
            Err(PeriodError::TooLateForClaim("9999-12".into()))
        );
    }

    #[test]
    fn expenses_second_month_after() {
        assert_eq!(expense_visible_from(ym(2024, 9)), d(2024, 11, 11));
        assert_eq!(expense_visible_from(ym(2024, 11)), d(2025, 1, 11));
        assert_eq!(expense_visible_from(ym(2024, 12)), d(2025, 2, 9));
        assert_eq!(expense_visible_from(ym(2025, 1)), d(2025, 3, 11));
    }

    /// The day before and the day of publication, for every visit month of a year: the 10th
    /// (8th for December visits) is still pending, the 11th (9th) is out.
    #[test]
    fn expenses_boundary_days() {
        for m in 1..=12 {
            let month = ym(2025, m);
            let from = expense_visible_from(month);
            let (y, pm) = if m >= 11 {
                (2026, m - 10)
            } else {
                (2025, m + 2)
            };
            let first_day = if m == 12 { 9 } else { 11 };
            assert_eq!(from, d(y, pm, first_day), "visit month {m}");
            let single = crate::period::MonthRange::single(month);
            let pending = |on| {
                super::super::incomplete_months(single, on, super::super::RecordKind::Expenses)
            };
            assert_eq!(
                pending(d(y, pm, first_day - 1)),
                [month],
                "month {m}: pending the day before"
            );
            assert!(pending(from).is_empty(), "month {m}: out on the day");
        }
    }

    #[test]
    fn late_notices_join_the_batch_after_their_acceptance_month() {
        // Regular: a March visit accepted in early April is out on 11 May.
        assert_eq!(
            expense_claim_visible_from(ym(2025, 3), d(2025, 4, 8)),
            d(2025, 5, 11)
        );
        // 月遅れ: a January visit accepted on 8 April joins that batch, not 11 April.
        assert_eq!(
            expense_claim_visible_from(ym(2025, 1), d(2025, 4, 8)),
            d(2025, 5, 11)
        );
        // Accepted in January: published with the December visits, on 9 February.
        assert_eq!(
            expense_claim_visible_from(ym(2024, 10), d(2025, 1, 9)),
            d(2025, 2, 9)
        );
        // Never before the regular date.
        assert_eq!(
            expense_claim_visible_from(ym(2025, 6), d(2025, 6, 30)),
            d(2025, 8, 11)
        );
    }

    #[test]
    fn drug_batches_follow_acceptance_day() {
        assert_eq!(batch_visible_from(d(2025, 2, 5)), d(2025, 2, 11));
        assert_eq!(batch_visible_from(d(2025, 2, 10)), d(2025, 2, 11));
        assert_eq!(batch_visible_from(d(2025, 2, 11)), d(2025, 2, 12));
        assert_eq!(batch_visible_from(d(2025, 2, 12)), d(2025, 2, 13));
        assert_eq!(batch_visible_from(d(2025, 2, 1)), d(2025, 2, 11));
    }

    #[test]
    fn drug_lines_wait_for_the_later_of_month_and_batch() {
        assert_eq!(drug_visible_from(ym(2025, 1), None), d(2025, 2, 11));
        assert_eq!(
            drug_visible_from(ym(2025, 1), Some(d(2025, 2, 7))),
            d(2025, 2, 11)
        );
        assert_eq!(
            drug_visible_from(ym(2025, 1), Some(d(2025, 2, 12))),
            d(2025, 2, 13)
        );
        // 月遅れ: January visit accepted in April.
        assert_eq!(
            drug_visible_from(ym(2025, 1), Some(d(2025, 4, 8))),
            d(2025, 4, 11)
        );
        assert_eq!(drug_visible_from(ym(2024, 12), None), d(2025, 1, 11));
    }

    proptest! {
        #[test]
        fn never_visible_before_the_month_ends(y in 2021i32..2100, m in 1u32..=12, late in 0i64..400) {
            let month = ym(y, m);
            prop_assert!(expense_visible_from(month) > month.last_day());
            let accepted = month.next().first_day() + chrono::Duration::days(late);
            let v = drug_visible_from(month, Some(accepted));
            prop_assert!(v > month.last_day());
            prop_assert!(v > accepted);
        }
    }
}
