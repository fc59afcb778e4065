use super::{current_lines, is_visible, retire_notebook_lines, within_retention};
use crate::claim::ClaimedLine;
use chrono::NaiveDate;

/// What the drug and expense lists show on `today`: published lines only, later claims
/// replacing earlier ones (decided among published lines), inside the 3-year window; lines
/// brought in from a pharmacy's お薬手帳 retire once the claim for that pharmacy and month is
/// published.
pub fn main_view<L: ClaimedLine + Clone>(lines: &[L], today: NaiveDate) -> Vec<L> {
    let published: Vec<L> = lines
        .iter()
        .filter(|l| is_visible(*l, today))
        .cloned()
        .collect();
    retire_notebook_lines(
        current_lines(&published)
            .into_iter()
            .filter(|l| within_retention(l.claim().service_month, today))
            .cloned()
            .collect(),
    )
}

/// [`main_view`] taking the lines by value: the same rule without cloning every line (the
/// drug page reads thousands).
pub fn into_main_view<L: ClaimedLine>(lines: Vec<L>, today: NaiveDate) -> Vec<L> {
    let published: Vec<L> = lines.into_iter().filter(|l| is_visible(l, today)).collect();
    let keep: Vec<bool> = {
        let current: std::collections::HashSet<*const L> = current_lines(&published)
            .into_iter()
            .map(|l| l as *const L)
            .collect();
        published
            .iter()
            .map(|l| {
                current.contains(&(l as *const L))
                    && within_retention(l.claim().service_month, today)
            })
            .collect()
    };
    retire_notebook_lines(
        published
            .into_iter()
            .zip(keep)
            .filter_map(|(l, k)| k.then_some(l))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drugs::DrugLine;
    use crate::period::YearMonth;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn line(on: NaiveDate, claim: &str, accepted: NaiveDate) -> DrugLine {
        let mut l = crate::drugs::line_fixture(on, claim, None);
        l.claim.claim_id = crate::claim::ClaimId::parse(claim).unwrap();
        l.claim.accepted_on = accepted;
        l.visible_from = super::super::drug_visible_from(YearMonth::of(on), Some(accepted));
        l
    }

    #[test]
    fn unpublished_reclaim_does_not_hide_the_original() {
        let original = line(d(2025, 1, 10), "orig", d(2025, 2, 7));
        let reclaim = line(d(2025, 1, 10), "re", d(2025, 4, 7));
        let lines = vec![original, reclaim];
        let before: Vec<_> = main_view(&lines, d(2025, 4, 10))
            .into_iter()
            .map(|l| l.claim.claim_id.to_string())
            .collect();
        assert_eq!(before, ["orig"]);
        let after: Vec<_> = main_view(&lines, d(2025, 4, 11))
            .into_iter()
            .map(|l| l.claim.claim_id.to_string())
            .collect();
        assert_eq!(after, ["re"]);
    }

    #[test]
    fn old_lines_leave_after_three_years() {
        let lines = vec![line(d(2022, 2, 10), "old", d(2022, 3, 7))];
        assert_eq!(main_view(&lines, d(2025, 1, 31)).len(), 1);
        assert_eq!(main_view(&lines, d(2025, 2, 1)).len(), 0);
    }

    proptest::proptest! {
        /// The owning variant keeps exactly what the borrowing one keeps, in the same order.
        #[test]
        fn into_main_view_equals_main_view(
            spec in proptest::collection::vec((0u32..40, 0usize..4, 0u32..90, 0u32..40), 0..40),
            today_offset in 0u32..1300,
        ) {
            let base = d(2023, 1, 1);
            let lines: Vec<DrugLine> = spec
                .iter()
                .map(|(day, claim, accept_delay, _)| {
                    let on = base + chrono::Duration::days(i64::from(*day) * 30);
                    line(on, ["a", "b", "c", "d"][*claim], on + chrono::Duration::days(i64::from(*accept_delay)))
                })
                .collect();
            let today = base + chrono::Duration::days(i64::from(today_offset));
            proptest::prop_assert_eq!(into_main_view(lines.clone(), today), main_view(&lines, today));
        }
    }
}
