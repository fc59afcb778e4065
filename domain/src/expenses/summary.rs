//! Everything the expense page and API total over the lines of a period: the period, each
//! calendar year (年間の合計, with how much of the year the period covers), each institution, each
//! 診療区分 and each month (the bar chart), plus which months cannot be complete yet.

use super::{
    by_category, by_institution, by_year, total_in, ExpenseLine, ExpenseTotals, ServiceCategory,
};
use crate::money::MoneyError;
use crate::period::{MonthRange, YearMonth};
use crate::visibility::RecordKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 年間の合計 of one calendar year, over the lines of the period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearTotal {
    pub year: i32,
    /// The months of this year inside the period. When it is not January–December the total
    /// is only part of the year and the UI must say so (it is not the 医療費控除 amount).
    pub covered: MonthRange,
    pub whole_year: bool,
    #[serde(flatten)]
    pub totals: ExpenseTotals,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionTotal {
    pub institution_name: String,
    #[serde(flatten)]
    pub totals: ExpenseTotals,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryTotal {
    pub category: ServiceCategory,
    pub label_ja: String,
    #[serde(flatten)]
    pub totals: ExpenseTotals,
}

/// One month of the period, with zero totals when there is no line.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTotal {
    pub month: YearMonth,
    /// The regular notices of this month are not published yet on the day asked.
    pub incomplete: bool,
    #[serde(flatten)]
    pub totals: ExpenseTotals,
}

/// A month whose notices cannot be complete yet, and when its regular batch appears.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingMonth {
    pub month: YearMonth,
    pub available_from: NaiveDate,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseSummary {
    pub period: ExpenseTotals,
    /// Oldest first.
    pub by_year: Vec<YearTotal>,
    /// By name.
    pub by_institution: Vec<InstitutionTotal>,
    /// In the 診療区分 display order.
    pub by_category: Vec<CategoryTotal>,
    /// Every month of the period, oldest first.
    pub by_month: Vec<MonthTotal>,
    /// Months of the period whose notices cannot all be there on `today`, oldest first.
    pub incomplete: Vec<PendingMonth>,
}

/// The months of `year` inside `range`, if any.
pub fn year_in(range: MonthRange, year: i32) -> Option<MonthRange> {
    let whole = MonthRange::new(
        YearMonth::new(year, 1).ok()?,
        YearMonth::new(year, 12).ok()?,
    )
    .ok()?;
    range.intersect(whole)
}

/// Totals of `lines` over `range` as of `today`. Lines outside `range` are not counted.
pub fn summarize(
    lines: &[ExpenseLine],
    range: MonthRange,
    today: NaiveDate,
) -> Result<ExpenseSummary, MoneyError> {
    let inside: Vec<ExpenseLine> = lines
        .iter()
        .filter(|l| range.contains(l.service_month))
        .cloned()
        .collect();
    let mut per_month: BTreeMap<YearMonth, ExpenseTotals> = BTreeMap::new();
    for line in &inside {
        per_month.entry(line.service_month).or_default().add(line)?;
    }
    // One pass over the months: whether a month is still pending is asked of the month itself
    // (never looked up in a list), so the work grows with the period, not with its square.
    let mut by_month = Vec::with_capacity(range.len());
    let mut incomplete = Vec::new();
    for month in range.months() {
        let available_from = RecordKind::Expenses.regular_publication(month);
        let pending = available_from > today;
        if pending {
            incomplete.push(PendingMonth {
                month,
                available_from,
            });
        }
        by_month.push(MonthTotal {
            month,
            incomplete: pending,
            totals: per_month.get(&month).copied().unwrap_or_default(),
        });
    }
    Ok(ExpenseSummary {
        period: total_in(&inside, range)?,
        by_year: by_year(&inside)?
            .into_iter()
            .filter_map(|(year, totals)| {
                let covered = year_in(range, year)?;
                Some(YearTotal {
                    year,
                    covered,
                    whole_year: covered.len() == 12,
                    totals,
                })
            })
            .collect(),
        by_institution: by_institution(&inside)?
            .into_iter()
            .map(|(institution_name, totals)| InstitutionTotal {
                institution_name,
                totals,
            })
            .collect(),
        by_category: by_category(&inside)?
            .into_iter()
            .map(|(category, totals)| CategoryTotal {
                label_ja: category.label_ja().to_owned(),
                category,
                totals,
            })
            .collect(),
        by_month,
        incomplete,
    })
}

#[cfg(test)]
mod tests {
    use super::super::line::fixtures::expense;
    use super::*;
    use crate::money::Yen;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn show(r: MonthRange) -> String {
        format!("{}..{}", r.from(), r.to())
    }

    fn lines() -> Vec<ExpenseLine> {
        vec![
            expense("2024-11", "b", "医科外来", 3_000),
            expense("2024-12", "a", "調剤", 1_500),
            expense("2025-01", "b", "医科外来", 600),
            expense("2025-01", "c", "歯科外来", 2_100),
            expense("2025-03", "c", "歯科外来", 900),
        ]
    }

    /// The longest range a MonthRange can hold: ~97,000 months. The pending months used to be
    /// looked up in a list once per month (~10⁹ comparisons here, minutes of a worker); now it
    /// is one pass.
    #[test]
    fn the_longest_range_is_summarised_in_one_pass() {
        let range = MonthRange::new(YearMonth::MIN, YearMonth::MAX).unwrap();
        let today = d(2026, 12, 4);
        let s = summarize(&lines(), range, today).unwrap();
        assert_eq!(s.by_month.len(), range.len());
        let first_pending = YearMonth::parse("2026-10").unwrap();
        assert_eq!(s.incomplete.first().map(|p| p.month), Some(first_pending));
        assert_eq!(
            s.incomplete.len(),
            usize::try_from(first_pending.months_until(YearMonth::MAX) + 1).unwrap()
        );
        assert!(s
            .by_month
            .iter()
            .all(|m| m.incomplete == (m.month >= first_pending)));
    }

    #[test]
    fn years_say_how_much_of_them_the_period_covers() {
        let range = MonthRange::parse("2024-11", "2025-03").unwrap();
        let s = summarize(&lines(), range, d(2025, 6, 1)).unwrap();
        let years: Vec<_> = s
            .by_year
            .iter()
            .map(|y| {
                (
                    y.year,
                    show(y.covered),
                    y.whole_year,
                    y.totals.patient_paid.0,
                )
            })
            .collect();
        assert_eq!(
            years,
            [
                (2024, "2024-11..2024-12".to_owned(), false, 4_500),
                (2025, "2025-01..2025-03".to_owned(), false, 3_600)
            ]
        );
        let whole = summarize(
            &lines(),
            MonthRange::parse("2024-01", "2025-12").unwrap(),
            d(2026, 3, 1),
        )
        .unwrap();
        assert!(whole.by_year.iter().all(|y| y.whole_year));
    }

    #[test]
    fn every_month_of_the_period_has_a_bar_even_without_lines() {
        let range = MonthRange::parse("2024-12", "2025-03").unwrap();
        let s = summarize(&lines(), range, d(2025, 3, 11)).unwrap();
        let months: Vec<_> = s
            .by_month
            .iter()
            .map(|m| (m.month.to_string(), m.totals.patient_paid.0, m.incomplete))
            .collect();
        assert_eq!(
            months,
            [
                ("2024-12".to_owned(), 1_500, false),
                ("2025-01".to_owned(), 2_700, false),
                ("2025-02".to_owned(), 0, true),
                ("2025-03".to_owned(), 900, true),
            ]
        );
        // The 2024-11 line is outside the period and counts nowhere.
        assert_eq!(s.period.patient_paid, Yen(5_100));
        assert_eq!(s.period.lines, 4);
        assert_eq!(
            s.incomplete,
            [
                PendingMonth {
                    month: YearMonth::new(2025, 2).unwrap(),
                    available_from: d(2025, 4, 11)
                },
                PendingMonth {
                    month: YearMonth::new(2025, 3).unwrap(),
                    available_from: d(2025, 5, 11)
                },
            ]
        );
    }

    #[test]
    fn december_is_pending_until_february_9() {
        let range = MonthRange::parse("2024-12", "2024-12").unwrap();
        let before = summarize(&[], range, d(2025, 2, 8)).unwrap();
        assert_eq!(before.incomplete.len(), 1);
        assert_eq!(before.incomplete[0].available_from, d(2025, 2, 9));
        assert!(summarize(&[], range, d(2025, 2, 9))
            .unwrap()
            .incomplete
            .is_empty());
    }

    #[test]
    fn parts_add_up_to_the_period() {
        let range = MonthRange::parse("2024-01", "2025-12").unwrap();
        let s = summarize(&lines(), range, d(2026, 3, 1)).unwrap();
        let sum = |ts: Vec<ExpenseTotals>| Yen::checked_sum(ts.iter().map(|t| t.total)).unwrap();
        assert_eq!(
            sum(s.by_year.iter().map(|t| t.totals).collect()),
            s.period.total
        );
        assert_eq!(
            sum(s.by_month.iter().map(|t| t.totals).collect()),
            s.period.total
        );
        assert_eq!(
            sum(s.by_institution.iter().map(|t| t.totals).collect()),
            s.period.total
        );
        assert_eq!(
            sum(s.by_category.iter().map(|t| t.totals).collect()),
            s.period.total
        );
        assert_eq!(s.by_category[0].label_ja, "医科外来");
    }

    #[test]
    fn year_in_clips_to_the_range() {
        let range = MonthRange::parse("2023-05", "2025-02").unwrap();
        assert_eq!(show(year_in(range, 2023).unwrap()), "2023-05..2023-12");
        assert_eq!(year_in(range, 2024).unwrap().len(), 12);
        assert!(year_in(range, 2026).is_none());
    }
}
