use super::{ExpenseLine, ServiceCategory};
use crate::money::{MoneyError, Yen};
use crate::period::MonthRange;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Sums of the amount columns and 診療実日数 over some lines.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseTotals {
    pub lines: u32,
    pub days: u64,
    pub total: Yen,
    pub insurer_paid: Yen,
    pub public_paid: Yen,
    pub patient_paid: Yen,
}

impl ExpenseTotals {
    pub fn add(&mut self, line: &ExpenseLine) -> Result<(), MoneyError> {
        self.lines = self.lines.checked_add(1).ok_or(MoneyError::Overflow)?;
        self.days = self
            .days
            .checked_add(u64::from(line.days))
            .ok_or(MoneyError::Overflow)?;
        self.total = self.total.checked_add(line.total)?;
        self.insurer_paid = self.insurer_paid.checked_add(line.insurer_paid)?;
        self.public_paid = self.public_paid.checked_add(line.public_paid)?;
        self.patient_paid = self.patient_paid.checked_add(line.patient_paid)?;
        Ok(())
    }

    pub fn of<'a>(lines: impl IntoIterator<Item = &'a ExpenseLine>) -> Result<Self, MoneyError> {
        let mut totals = Self::default();
        for line in lines {
            totals.add(line)?;
        }
        Ok(totals)
    }
}

fn grouped<'a, K: Ord>(
    lines: impl IntoIterator<Item = &'a ExpenseLine>,
    key: impl Fn(&ExpenseLine) -> K,
) -> Result<Vec<(K, ExpenseTotals)>, MoneyError> {
    let mut groups: BTreeMap<K, ExpenseTotals> = BTreeMap::new();
    for line in lines {
        groups.entry(key(line)).or_default().add(line)?;
    }
    Ok(groups.into_iter().collect())
}

/// Totals of the lines whose 診療年月 is inside `range`.
pub fn total_in(lines: &[ExpenseLine], range: MonthRange) -> Result<ExpenseTotals, MoneyError> {
    ExpenseTotals::of(lines.iter().filter(|l| range.contains(l.service_month)))
}

/// 年間の合計: per calendar year of 診療年月, oldest first.
///
/// This groups by treatment month. 医療費控除 counts the year of *payment*; for notices the two
/// differ only for unpaid or late-paid bills, which the notice cannot know.
pub fn by_year(lines: &[ExpenseLine]) -> Result<Vec<(i32, ExpenseTotals)>, MoneyError> {
    grouped(lines, |l| l.service_month.year())
}

/// Per 医療機関等名称, sorted by name (code-point order, stable across runs).
pub fn by_institution(lines: &[ExpenseLine]) -> Result<Vec<(String, ExpenseTotals)>, MoneyError> {
    grouped(lines, |l| l.institution_name.clone())
}

/// Per 診療区分 in the enum's declaration order; unknown labels last, by text.
pub fn by_category(
    lines: &[ExpenseLine],
) -> Result<Vec<(ServiceCategory, ExpenseTotals)>, MoneyError> {
    grouped(lines, |l| l.category.clone())
}

#[cfg(test)]
mod tests {
    use super::super::line::fixtures::expense;
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Vec<ExpenseLine> {
        vec![
            expense("2024-11", "b-clinic", "医科外来", 3_000),
            expense("2024-12", "a-pharmacy", "調剤", 1_500),
            expense("2025-01", "b-clinic", "医科外来", 600),
            expense("2025-01", "c-dental", "歯科外来", 2_100),
            expense("2025-02", "c-dental", "はり", 900),
        ]
    }

    #[test]
    fn range_total_is_inclusive() {
        let lines = sample();
        let t = total_in(&lines, MonthRange::parse("2024-12", "2025-01").unwrap()).unwrap();
        assert_eq!(t.patient_paid, Yen(4_200));
        assert_eq!(t.lines, 3);
        assert_eq!(t.days, 3);
    }

    #[test]
    fn per_year_institution_and_category() {
        let lines = sample();
        let years: Vec<_> = by_year(&lines)
            .unwrap()
            .into_iter()
            .map(|(y, t)| (y, t.patient_paid.0))
            .collect();
        assert_eq!(years, [(2024, 4_500), (2025, 3_600)]);

        let inst: Vec<_> = by_institution(&lines)
            .unwrap()
            .into_iter()
            .map(|(n, t)| (n, t.patient_paid.0))
            .collect();
        assert_eq!(
            inst,
            [
                ("a-pharmacy 名称".to_owned(), 1_500),
                ("b-clinic 名称".to_owned(), 3_600),
                ("c-dental 名称".to_owned(), 3_000)
            ]
        );

        let cats: Vec<_> = by_category(&lines)
            .unwrap()
            .into_iter()
            .map(|(c, t)| (c.label_ja().to_owned(), t.patient_paid.0))
            .collect();
        assert_eq!(
            cats,
            [
                ("医科外来".to_owned(), 3_600),
                ("歯科外来".to_owned(), 2_100),
                ("調剤".to_owned(), 1_500),
                ("はり".to_owned(), 900)
            ]
        );
    }

    #[test]
    fn overflow_is_reported() {
        let mut a = expense("2025-01", "x", "調剤", 1);
        a.total = Yen(i64::MAX);
        let b = expense("2025-01", "y", "調剤", 1);
        assert_eq!(ExpenseTotals::of([&a, &b]), Err(MoneyError::Overflow));
    }

    proptest! {
        #[test]
        fn groupings_add_up_to_the_whole(amounts in proptest::collection::vec((0usize..3, 1u32..=12, 0i64..100_000), 0..40)) {
            let lines: Vec<_> = amounts
                .iter()
                .map(|(inst, m, yen)| expense(&format!("2024-{m:02}"), ["a", "b", "c"][*inst], ["調剤", "医科外来", "歯科外来"][*inst], *yen))
                .collect();
            let whole = ExpenseTotals::of(&lines).unwrap();
            for parts in [
                by_institution(&lines).unwrap().into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
                by_category(&lines).unwrap().into_iter().map(|(_, t)| t).collect(),
                by_year(&lines).unwrap().into_iter().map(|(_, t)| t).collect(),
            ] {
                let sum = Yen::checked_sum(parts.iter().map(|t| t.patient_paid)).unwrap();
                prop_assert_eq!(sum, whole.patient_paid);
                prop_assert_eq!(parts.iter().map(|t| t.lines).sum::<u32>(), whole.lines);
            }
        }
    }
}
