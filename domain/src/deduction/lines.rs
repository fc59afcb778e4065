//! The lines of one tax year's deduction workbench: notice lines (with the person's
//! exclusions, 補填 and year moves applied) and lines the person added by hand.

use super::year::{counts_in, TaxYear};
use super::{compare, medical_expense_deduction, self_medication_deduction};
use super::{
    DeductionComparison, DeductionError, MedicalDeduction, PaidEntry, SelfMedicationDeduction,
};
use crate::expenses::{ExpenseLine, ServiceCategory};
use crate::money::Yen;
use crate::people::PersonId;
use crate::period::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The four 医療費の区分 columns of the 集計フォーム (D–G).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormCategory {
    /// D 診療・治療
    Treatment,
    /// E 医薬品購入
    Medicine,
    /// F 介護保険サービス
    Care,
    /// G その他の医療費 (通院の交通費, 柔道整復 …)
    Other,
}

impl FormCategory {
    pub const ALL: [FormCategory; 4] = [Self::Treatment, Self::Medicine, Self::Care, Self::Other];

    pub fn code(self) -> &'static str {
        match self {
            Self::Treatment => "treatment",
            Self::Medicine => "medicine",
            Self::Care => "care",
            Self::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The column header of the form.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Treatment => "診療・治療",
            Self::Medicine => "医薬品購入",
            Self::Care => "介護保険サービス",
            Self::Other => "その他の医療費",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Treatment => "Treatment",
            Self::Medicine => "Medicines",
            Self::Care => "Long-term care services",
            Self::Other => "Other medical costs",
        }
    }

    /// Column index in the form, 0 = D … 3 = G.
    pub fn column(self) -> usize {
        self as usize
    }

    /// A notice's 診療区分 on the form (etax-export.md §4): 調剤 → 医薬品購入, everything else
    /// → 診療・治療. `false` when the 診療区分 is not one the notices are known to use, so the
    /// caller can warn.
    pub fn of_service(category: &ServiceCategory) -> (Self, bool) {
        match category {
            ServiceCategory::Pharmacy => (Self::Medicine, true),
            ServiceCategory::Other(_) => (Self::Treatment, false),
            _ => (Self::Treatment, true),
        }
    }
}

/// A notice line's key that survives re-claims and new downloads: whose it is, 診療年月,
/// institution and 診療区分 (a later claim for the same receipt replaces the line but keeps the
/// key, so the person's edits stay attached to it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NoticeKey(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a notice line key")]
pub struct NoticeKeyError;

impl NoticeKey {
    /// The key of a notice line; `n` tells apart two lines of one receipt with the same 診療区分.
    pub fn of(line: &ExpenseLine, n: usize) -> Self {
        let base = format!(
            "{}~{}~{}",
            line.service_month,
            line.claim.institution.as_str(),
            line.category.label_ja()
        );
        if n == 0 {
            Self(base)
        } else {
            Self(format!("{base}~{n}"))
        }
    }

    /// From a form field: what `of` produced (bounded, no control characters).
    pub fn parse(raw: &str) -> Result<Self, NoticeKeyError> {
        let ok = !raw.is_empty()
            && raw.len() <= 300
            && raw.matches('~').count() >= 2
            && !raw.chars().any(char::is_control);
        ok.then(|| Self(raw.to_owned())).ok_or(NoticeKeyError)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 診療年月 the key starts with.
    pub fn service_month(&self) -> Option<YearMonth> {
        YearMonth::parse(self.0.split('~').next()?).ok()
    }
}

/// What the person changed on one notice line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeAdjustment {
    /// Whose notice line it is.
    pub person: PersonId,
    pub key: NoticeKey,
    /// Unticked: left out of the deduction and the exports.
    pub excluded: bool,
    /// 補填される金額 for this line (`None`: none entered).
    pub reimbursed: Option<Yen>,
    /// The year it was actually paid, when not the year of its 診療年月.
    pub moved_to: Option<TaxYear>,
}

/// Where a line came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineOrigin {
    /// A 医療費通知 line.
    Notice {
        key: NoticeKey,
        service_month: YearMonth,
        category: ServiceCategory,
        /// Counted in another year than its 診療年月 (moved by the person).
        moved: bool,
        /// Position of the line in the notices given to [`assemble`].
        index: usize,
    },
    /// Added by hand (a receipt the notices do not hold).
    Manual { id: i64 },
}

/// One line of the workbench, as the page lists it and the exports write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeductionLine {
    pub origin: LineOrigin,
    /// Whose expense it is (医療を受けた人) when a Karte person; hand lines for someone
    /// not in Karte carry only the name.
    pub person: Option<PersonId>,
    pub person_name: String,
    /// 病院・薬局などの名称
    pub payee: String,
    pub category: FormCategory,
    /// 支払った医療費の金額
    pub paid: Yen,
    /// 左のうち、補填される金額
    pub reimbursed: Yen,
    /// 支払年月日, when known (hand lines).
    pub paid_on: Option<NaiveDate>,
    /// Counts for セルフメディケーション税制 (a qualifying OTC medicine; hand lines only).
    pub self_medication: bool,
    /// Ticked: part of the deduction and the exports.
    pub included: bool,
    pub note: String,
}

impl DeductionLine {
    pub fn is_notice(&self) -> bool {
        matches!(self.origin, LineOrigin::Notice { .. })
    }

    fn entry(&self) -> PaidEntry {
        PaidEntry {
            paid: self.paid,
            reimbursed: self.reimbursed,
        }
    }
}

/// A notice line with whose it is.
#[derive(Debug, Clone, Copy)]
pub struct PersonNotice<'a> {
    pub person: &'a PersonId,
    pub person_name: &'a str,
    pub line: &'a ExpenseLine,
}

/// The year's lines: each notice line that counts in `year` (by [`counts_in`], after the
/// person's moves), with exclusions and 補填 applied, followed by the hand-added lines.
/// Notice lines keep their input order; give them per person, oldest first.
pub fn assemble(
    year: TaxYear,
    notices: &[PersonNotice<'_>],
    adjustments: &[NoticeAdjustment],
    manual: Vec<DeductionLine>,
) -> Vec<DeductionLine> {
    let adjust: HashMap<(&PersonId, &NoticeKey), &NoticeAdjustment> = adjustments
        .iter()
        .map(|a| ((&a.person, &a.key), a))
        .collect();
    let mut seen: HashMap<(&PersonId, NoticeKey), usize> = HashMap::new();
    let mut out = Vec::new();
    for (index, n) in notices.iter().enumerate() {
        let base = NoticeKey::of(n.line, 0);
        let count = seen.entry((n.person, base)).or_insert(0);
        let key = NoticeKey::of(n.line, *count);
        *count += 1;
        let a = adjust.get(&(n.person, &key)).copied();
        let moved_to = a.and_then(|a| a.moved_to);
        if counts_in(n.line.service_month, moved_to) != year {
            continue;
        }
        out.push(DeductionLine {
            origin: LineOrigin::Notice {
                key,
                service_month: n.line.service_month,
                category: n.line.category.clone(),
                moved: moved_to.is_some_and(|to| to.value() != n.line.service_month.year()),
                index,
            },
            person: Some(n.person.clone()),
            person_name: n.person_name.to_owned(),
            payee: n.line.institution_name.clone(),
            category: FormCategory::of_service(&n.line.category).0,
            paid: n.line.patient_paid,
            reimbursed: a.and_then(|a| a.reimbursed).unwrap_or(Yen::ZERO),
            paid_on: None,
            self_medication: false,
            included: !a.is_some_and(|a| a.excluded),
            note: String::new(),
        });
    }
    out.extend(manual);
    out
}

/// Both calculators over the ticked lines, for the income the person entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSummary {
    pub medical: MedicalDeduction,
    pub self_medication: SelfMedicationDeduction,
    pub comparison: DeductionComparison,
    /// Ticked lines.
    pub lines: usize,
}

/// 医療費控除 counts every ticked line; セルフメディケーション税制 only the ticked lines marked as
/// qualifying OTC medicines. The filer claims one of the two.
pub fn summarize(
    lines: &[DeductionLine],
    total_income: Yen,
) -> Result<YearSummary, DeductionError> {
    let ticked: Vec<&DeductionLine> = lines.iter().filter(|l| l.included).collect();
    let all: Vec<PaidEntry> = ticked.iter().map(|l| l.entry()).collect();
    let otc: Vec<PaidEntry> = ticked
        .iter()
        .filter(|l| l.self_medication)
        .map(|l| l.entry())
        .collect();
    let medical = medical_expense_deduction(&all, total_income)?;
    let self_medication = self_medication_deduction(&otc)?;
    Ok(YearSummary {
        comparison: compare(&medical, &self_medication),
        medical,
        self_medication,
        lines: ticked.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expenses::line::fixtures::expense;

    fn pid(s: &str) -> PersonId {
        PersonId::parse(s).unwrap()
    }

    fn y(n: i32) -> TaxYear {
        TaxYear::new(n).unwrap()
    }

    fn manual(paid: i64, otc: bool) -> DeductionLine {
        DeductionLine {
            origin: LineOrigin::Manual { id: 1 },
            person: None,
            person_name: "田中　花子".into(),
            payee: "ドラッグストア".into(),
            category: FormCategory::Medicine,
            paid: Yen(paid),
            reimbursed: Yen(0),
            paid_on: NaiveDate::from_ymd_opt(2025, 3, 1),
            self_medication: otc,
            included: true,
            note: String::new(),
        }
    }

    #[test]
    fn notice_lines_count_in_their_year_unless_moved() {
        let me = pid("demo-sato");
        let lines = [
            expense("2024-12", "x", "医科外来", 1_000),
            expense("2025-01", "x", "医科外来", 2_000),
            expense("2025-12", "y", "調剤", 3_000),
        ];
        let notices: Vec<_> = lines
            .iter()
            .map(|line| PersonNotice {
                person: &me,
                person_name: "A",
                line,
            })
            .collect();
        let moves = [
            NoticeAdjustment {
                person: me.clone(),
                key: NoticeKey::of(&lines[0], 0),
                excluded: false,
                reimbursed: None,
                moved_to: Some(y(2025)),
            },
            NoticeAdjustment {
                person: me.clone(),
                key: NoticeKey::of(&lines[2], 0),
                excluded: false,
                reimbursed: Some(Yen(500)),
                moved_to: Some(y(2026)),
            },
        ];
        let y2025 = assemble(y(2025), &notices, &moves, vec![]);
        let paid: Vec<_> = y2025.iter().map(|l| l.paid.0).collect();
        assert_eq!(paid, [1_000, 2_000]);
        assert!(matches!(
            y2025[0].origin,
            LineOrigin::Notice { moved: true, .. }
        ));
        assert!(matches!(
            y2025[1].origin,
            LineOrigin::Notice { moved: false, .. }
        ));
        let y2026 = assemble(y(2026), &notices, &moves, vec![]);
        assert_eq!(y2026.len(), 1);
        assert_eq!(y2026[0].reimbursed, Yen(500));
        assert_eq!(y2026[0].category, FormCategory::Medicine);
        assert!(assemble(y(2024), &notices, &moves, vec![]).is_empty());
    }

    #[test]
    fn exclusions_and_manual_lines() {
        let me = pid("demo-sato");
        let kid = pid("demo-b");
        let a = expense("2025-02", "x", "医科外来", 60_000);
        let b = expense("2025-02", "x", "医科外来", 50_000);
        let notices = [
            PersonNotice {
                person: &me,
                person_name: "A",
                line: &a,
            },
            PersonNotice {
                person: &kid,
                person_name: "B",
                line: &a,
            },
            PersonNotice {
                person: &kid,
                person_name: "B",
                line: &b,
            },
        ];
        // Same key twice for the child: the second gets its own key.
        let second = NoticeKey::of(&b, 1);
        assert_ne!(second, NoticeKey::of(&b, 0));
        let adj = [NoticeAdjustment {
            person: kid.clone(),
            key: second,
            excluded: true,
            reimbursed: None,
            moved_to: None,
        }];
        let lines = assemble(y(2025), &notices, &adj, vec![manual(30_000, true)]);
        assert_eq!(lines.len(), 4);
        assert!(lines[0].included && lines[1].included && !lines[2].included);
        assert!(!lines[3].is_notice());
        let s = summarize(&lines, Yen(5_000_000)).unwrap();
        assert_eq!(s.lines, 3);
        assert_eq!(s.medical.paid, Yen(150_000));
        assert_eq!(s.medical.amount, Yen(50_000));
        assert_eq!(s.self_medication.paid, Yen(30_000));
        assert_eq!(s.self_medication.amount, Yen(18_000));
        assert_eq!(s.comparison.larger, super::super::DeductionChoice::Medical);
    }

    #[test]
    fn notice_keys_parse_back() {
        let line = expense("2025-02", "x", "医科外来", 1);
        let key = NoticeKey::of(&line, 0);
        assert_eq!(key.service_month(), YearMonth::parse("2025-02").ok());
        assert_eq!(NoticeKey::parse(key.as_str()), Ok(key));
        assert!(NoticeKey::parse("").is_err());
        assert!(NoticeKey::parse("no-separators").is_err());
        assert!(NoticeKey::parse("a~b~c\n").is_err());
    }

    #[test]
    fn categories_from_notices() {
        assert_eq!(
            FormCategory::of_service(&ServiceCategory::Pharmacy),
            (FormCategory::Medicine, true)
        );
        assert_eq!(
            FormCategory::of_service(&ServiceCategory::MedicalInpatient),
            (FormCategory::Treatment, true)
        );
        assert_eq!(
            FormCategory::of_service(&ServiceCategory::parse("柔道整復")),
            (FormCategory::Treatment, false)
        );
        for c in FormCategory::ALL {
            assert_eq!(FormCategory::parse(c.code()), Some(c));
        }
    }
}
