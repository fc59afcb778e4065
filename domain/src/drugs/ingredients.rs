//! The ingredient view: one row per 成分名 with when it was dispensed and by whom, and a
//! plain hint where the same ingredient came from two prescribing institutions over
//! overlapping days (informational — it may be intended; the person can ask).

use super::{DrugLine, QuantityUnit, UsageKind};
use crate::claim::InstitutionId;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One dispensing of an ingredient, as a span of days: for 日分 quantities the days it
/// covers (調剤日 + n − 1), otherwise the day itself (屯服, 外用 by count, injections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispensing {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// 病院・薬局名 as printed.
    pub dispenser: String,
    /// 処方医療機関識別.
    pub prescriber: InstitutionId,
    pub drug_name: String,
    /// Whether the span is a supply of days (so overlaps mean taking it at the same time).
    pub covers_days: bool,
}

/// Two dispensings of one ingredient from different prescribers whose days overlap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overlap {
    pub first: Dispensing,
    pub second: Dispensing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngredientRow {
    /// 成分名, or the 医薬品名 where the receipt gave no ingredient.
    pub ingredient: String,
    /// The product names it was dispensed as, in first-seen order (newest first).
    pub drug_names: Vec<String>,
    pub usage: UsageKind,
    /// Oldest first.
    pub dispensings: Vec<Dispensing>,
    /// The first overlap between different prescribers, if any.
    pub overlap: Option<Overlap>,
}

impl IngredientRow {
    pub fn first_day(&self) -> NaiveDate {
        self.dispensings
            .iter()
            .map(|d| d.from)
            .min()
            .unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(&self) -> NaiveDate {
        self.dispensings
            .iter()
            .map(|d| d.to)
            .max()
            .unwrap_or(NaiveDate::MIN)
    }

    /// Distinct dispensers (病院・薬局名), in the order first seen (oldest first).
    pub fn dispensers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for d in &self.dispensings {
            if !out.contains(&d.dispenser.as_str()) {
                out.push(&d.dispenser);
            }
        }
        out
    }
}

fn dispensing(line: &DrugLine) -> Dispensing {
    let days = match line.quantity.unit {
        QuantityUnit::Days if line.usage != UsageKind::AsNeeded => line.quantity.amount.max(1),
        _ => 1,
    };
    let covers_days =
        matches!(line.quantity.unit, QuantityUnit::Days) && line.usage != UsageKind::AsNeeded;
    let to = line
        .dispensed_on
        .checked_add_days(Days::new(u64::from(days - 1)))
        .unwrap_or(line.dispensed_on);
    Dispensing {
        from: line.dispensed_on,
        to,
        dispenser: line.dispenser_name.clone(),
        prescriber: line.prescriber.clone(),
        drug_name: line.drug_name.clone(),
        covers_days,
    }
}

fn first_overlap(dispensings: &[Dispensing]) -> Option<Overlap> {
    let supplies: Vec<&Dispensing> = dispensings.iter().filter(|d| d.covers_days).collect();
    for (i, a) in supplies.iter().enumerate() {
        for b in &supplies[i + 1..] {
            if a.prescriber != b.prescriber && a.from <= b.to && b.from <= a.to {
                return Some(Overlap {
                    first: (*a).clone(),
                    second: (*b).clone(),
                });
            }
        }
    }
    None
}

/// Groups lines by ingredient (the 成分名, else the product name), rows sorted by the most
/// recent dispensing first, then by name.
pub fn by_ingredient(lines: &[DrugLine]) -> Vec<IngredientRow> {
    let mut groups: BTreeMap<&str, Vec<&DrugLine>> = BTreeMap::new();
    for line in lines {
        let key = line.ingredient.as_deref().unwrap_or(&line.drug_name);
        groups.entry(key).or_default().push(line);
    }
    let mut rows: Vec<IngredientRow> = groups
        .into_iter()
        .map(|(ingredient, group)| {
            let mut drug_names: Vec<String> = Vec::new();
            for l in &group {
                if !drug_names.contains(&l.drug_name) {
                    drug_names.push(l.drug_name.clone());
                }
            }
            let mut dispensings: Vec<Dispensing> = group.iter().map(|l| dispensing(l)).collect();
            dispensings.sort_by(|a, b| a.from.cmp(&b.from).then(a.to.cmp(&b.to)));
            let overlap = first_overlap(&dispensings);
            IngredientRow {
                ingredient: ingredient.to_owned(),
                drug_names,
                usage: group[0].usage,
                dispensings,
                overlap,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.last_day()
            .cmp(&a.last_day())
            .then(a.ingredient.cmp(&b.ingredient))
    });
    rows
}

/// Folds text for search: ASCII and full-width letters/digits compare equal, case is
/// ignored, katakana matches hiragana. So 「ロキソ」, 「ろきそ」 and "loxo" find what a person
/// typed however their keyboard spelled it.
pub fn search_fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        // ASCII only: names are Japanese plus Latin letters, and the full Unicode case tables
        // would add kilobytes to the browser bundle.
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a line matches a search (over 医薬品名 and 成分名); an empty query matches all.
pub fn matches_search(line: &DrugLine, folded_query: &str) -> bool {
    let q = folded_query.trim();
    q.is_empty()
        || search_fold(&line.drug_name).contains(q)
        || line
            .ingredient
            .as_deref()
            .is_some_and(|i| search_fold(i).contains(q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drugs::line_fixture;
    use crate::drugs::DispensedQuantity;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn line(on: NaiveDate, name: &str, ingredient: &str, prescriber: &str, days: u32) -> DrugLine {
        let mut l = line_fixture(on, name, None);
        l.ingredient = Some(ingredient.into());
        l.prescriber = InstitutionId::parse(prescriber).unwrap();
        l.quantity = DispensedQuantity {
            amount: days,
            unit: QuantityUnit::Days,
        };
        l
    }

    #[test]
    fn groups_by_ingredient_across_product_names() {
        let lines = vec![
            line(
                d(2025, 3, 1),
                "ロキソニン錠60mg",
                "ロキソプロフェン",
                "c1",
                14,
            ),
            line(
                d(2025, 1, 1),
                "ロキソプロフェンNa錠60mg「サワイ」",
                "ロキソプロフェン",
                "c1",
                14,
            ),
            line(d(2025, 2, 1), "ムコスタ錠100mg", "レバミピド", "c1", 14),
        ];
        let rows = by_ingredient(&lines);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].ingredient, "ロキソプロフェン");
        assert_eq!(rows[0].drug_names.len(), 2);
        assert_eq!(rows[0].first_day(), d(2025, 1, 1));
        assert_eq!(rows[0].last_day(), d(2025, 3, 14));
        assert_eq!(rows[1].ingredient, "レバミピド");
    }

    #[test]
    fn a_supply_of_days_covers_them_both_ends_counted() {
        let rows = by_ingredient(&[line(d(2025, 1, 30), "A", "a", "c1", 3)]);
        assert_eq!(rows[0].dispensings[0].to, d(2025, 2, 1));
    }

    #[test]
    fn overlap_needs_two_prescribers_and_shared_days() {
        // Same prescriber, overlapping: a refill, no hint.
        let same = by_ingredient(&[
            line(d(2025, 1, 1), "A", "a", "c1", 30),
            line(d(2025, 1, 20), "A", "a", "c1", 30),
        ]);
        assert_eq!(same[0].overlap, None);
        // Two prescribers, back to back (Jan 1–14, Jan 15–28): no shared day.
        let back_to_back = by_ingredient(&[
            line(d(2025, 1, 1), "A", "a", "c1", 14),
            line(d(2025, 1, 15), "A", "a", "c2", 14),
        ]);
        assert_eq!(back_to_back[0].overlap, None);
        // Two prescribers, sharing Jan 14.
        let shared = by_ingredient(&[
            line(d(2025, 1, 1), "A", "a", "c1", 14),
            line(d(2025, 1, 14), "A", "a", "c2", 14),
        ]);
        let o = shared[0].overlap.as_ref().expect("overlap");
        assert_eq!(o.first.prescriber.as_str(), "c1");
        assert_eq!(o.second.prescriber.as_str(), "c2");
    }

    #[test]
    fn as_needed_doses_are_single_days_and_never_overlap() {
        let mut a = line(d(2025, 1, 1), "A", "a", "c1", 10);
        a.usage = UsageKind::AsNeeded;
        let mut b = line(d(2025, 1, 1), "A", "a", "c2", 10);
        b.usage = UsageKind::AsNeeded;
        let rows = by_ingredient(&[a, b]);
        assert_eq!(rows[0].dispensings[0].to, d(2025, 1, 1));
        assert_eq!(rows[0].overlap, None);
    }

    #[test]
    fn search_folds_width_case_and_kana() {
        assert_eq!(search_fold("ＡＢＣ１"), "abc1");
        assert_eq!(search_fold("ロキソ"), "ろきそ");
        let l = line(
            d(2025, 1, 1),
            "ロキソニン錠60mg",
            "ロキソプロフェンナトリウム水和物",
            "c1",
            1,
        );
        assert!(matches_search(&l, &search_fold("ろきそ")));
        assert!(matches_search(&l, &search_fold("６０ＭＧ")));
        assert!(matches_search(&l, &search_fold("ナトリウム")));
        assert!(matches_search(&l, ""));
        assert!(!matches_search(&l, &search_fold("レバミピド")));
    }
}
