use super::DrugLine;
use crate::insurance::{InsurerKind, InsurerNumber};
use crate::money::{MoneyError, Yen};
use chrono::NaiveDate;
use std::cmp::Reverse;

/// Newest 調剤年月日 first, as the spec orders the list. Ties are broken by dispenser, then drug
/// name, then claim, so the order never depends on how the database returned rows.
pub fn sort_newest_first(lines: &mut [DrugLine]) {
    lines.sort_by(|a, b| {
        (
            Reverse(a.dispensed_on),
            &a.dispenser_name,
            &a.drug_name,
            &a.claim.claim_id,
        )
            .cmp(&(
                Reverse(b.dispensed_on),
                &b.dispenser_name,
                &b.drug_name,
                &b.claim.claim_id,
            ))
    });
}

/// 削減可能額 is not shown to 後期高齢者 (health-data.md §2): clears it on every line dispensed
/// while the person was insured by a 後期高齢者医療広域連合 (法別番号 39), whatever the source
/// sent. `insurances` are (valid from, 保険者番号) in any order; the one in force on the
/// 調剤年月日 is the latest that started on or before it.
pub fn hide_savings_under_late_stage_insurance(
    lines: &mut [DrugLine],
    insurances: &[(NaiveDate, InsurerNumber)],
) {
    for line in lines {
        let in_force = insurances
            .iter()
            .filter(|(from, _)| *from <= line.dispensed_on)
            .max_by_key(|(from, _)| *from);
        if in_force.is_some_and(|(_, n)| n.kind() == InsurerKind::LateStageElderly) {
            line.savings = None;
        }
    }
}

/// Sum of 削減可能額 over the lines that have one.
pub fn total_savings<'a>(lines: impl IntoIterator<Item = &'a DrugLine>) -> Result<Yen, MoneyError> {
    Yen::checked_sum(lines.into_iter().filter_map(|l| l.savings))
}

/// Sum of 自己負担相当額 over the lines that have one.
pub fn total_copay<'a>(lines: impl IntoIterator<Item = &'a DrugLine>) -> Result<Yen, MoneyError> {
    Yen::checked_sum(lines.into_iter().filter_map(|l| l.copay))
}

#[cfg(test)]
mod tests {
    use super::super::line::fixtures::drug_line;
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn newest_first_with_stable_ties() {
        let mut lines = vec![
            drug_line(d(2025, 1, 5), "B", None),
            drug_line(d(2025, 3, 1), "A", None),
            drug_line(d(2025, 1, 5), "A", None),
        ];
        sort_newest_first(&mut lines);
        let got: Vec<_> = lines
            .iter()
            .map(|l| format!("{} {}", l.dispensed_on, l.drug_name))
            .collect();
        assert_eq!(got, ["2025-03-01 A", "2025-01-05 A", "2025-01-05 B"]);
    }

    #[test]
    fn savings_total_skips_lines_without_generic() {
        let lines = vec![
            drug_line(d(2025, 1, 5), "A", Some(120)),
            drug_line(d(2025, 1, 6), "B", None),
            drug_line(d(2025, 1, 7), "C", Some(30)),
        ];
        assert_eq!(total_savings(&lines), Ok(Yen(150)));
        assert_eq!(total_copay(&lines), Ok(Yen(450)));
    }

    /// Hidden by insurer kind, even when the source sent a 削減可能額: from the day the person
    /// joined a 後期高齢者医療広域連合 (39…), not before.
    #[test]
    fn savings_are_hidden_while_insured_as_late_stage_elderly() {
        let mut lines = vec![
            drug_line(d(2025, 1, 5), "before", Some(120)),
            drug_line(d(2025, 2, 1), "on the day", Some(30)),
            drug_line(d(2025, 3, 7), "after", Some(40)),
        ];
        let insurances = [
            (d(2025, 2, 1), InsurerNumber::parse("39139993").unwrap()),
            (d(2015, 4, 1), InsurerNumber::parse("01130012").unwrap()),
        ];
        hide_savings_under_late_stage_insurance(&mut lines, &insurances);
        let kept: Vec<_> = lines.iter().map(|l| l.savings).collect();
        assert_eq!(kept, [Some(Yen(120)), None, None]);
        assert_eq!(lines[2].copay, Some(Yen(120)), "自己負担相当額 stays");
    }

    proptest! {
        #[test]
        fn sorted_dates_descend(days in proptest::collection::vec(0i64..2000, 0..30)) {
            let mut lines: Vec<_> = days
                .iter()
                .map(|n| drug_line(d(2021, 9, 1) + chrono::Duration::days(*n), "X", None))
                .collect();
            sort_newest_first(&mut lines);
            prop_assert!(lines.windows(2).all(|w| w[0].dispensed_on >= w[1].dispensed_on));
        }
    }
}
