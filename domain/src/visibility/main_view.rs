use super::{current_lines, is_visible, within_retention};
use crate::claim::ClaimedLine;
use chrono::NaiveDate;

/// What the drug and expense lists show on `today`: published lines only, later claims
/// replacing earlier ones (decided among published lines), inside the 3-year window.
pub fn main_view<L: ClaimedLine + Clone>(lines: &[L], today: NaiveDate) -> Vec<L> {
    let published: Vec<L> = lines
        .iter()
        .filter(|l| is_visible(*l, today))
        .cloned()
        .collect();
    current_lines(&published)
        .into_iter()
        .filter(|l| within_retention(l.claim().service_month, today))
        .cloned()
        .collect()
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
}
