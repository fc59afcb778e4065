//! 医療費控除の明細書（集計）: per person and payee, totals, both calculators.

use super::{document, year_label, yen, ReportContext};
use crate::pdf::layout::{Block, Column, Document, Row, Table};
use app::i18n::{Lang, Msg};
use domain::money::Yen;

/// What the 医療費控除 summary is made of: the year's workbench lines (only the ticked ones
/// are shown and counted), the income entered and both calculators' result.
#[derive(Debug, Clone)]
pub struct DeductionData {
    pub year: i32,
    /// Whose notices are on the workbench (the person on screen first).
    pub members: Vec<String>,
    pub lines: Vec<domain::deduction::DeductionLine>,
    pub income: Option<Yen>,
    /// `None` until an income has been entered.
    pub summary: Option<domain::deduction::YearSummary>,
}

fn deduction_title(lang: Lang, year: i32) -> String {
    match lang {
        Lang::Ja => format!("{year}年分　{}", lang.t(Msg::PdfDedTitle)),
        Lang::En => format!("{} {year}", lang.t(Msg::PdfDedTitle)),
    }
}

/// One row of the summary: the ticked lines of one person at one payee, in one 区分, from one
/// source (notices or by hand), summed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PayeeTotal {
    person: String,
    payee: String,
    category: domain::deduction::FormCategory,
    self_medication: bool,
    by_hand: bool,
    lines: usize,
    paid: Yen,
    /// Each line's 補填 capped at its own amount, as the calculator and the page count it.
    reimbursed: Yen,
}

/// The ticked lines per person (in workbench order: the person on screen first) and, within
/// each, per payee, 区分 and source, in order of first appearance.
fn payee_totals(lines: &[domain::deduction::DeductionLine]) -> Vec<Vec<PayeeTotal>> {
    let mut people: Vec<Vec<PayeeTotal>> = Vec::new();
    for l in lines.iter().filter(|l| l.included) {
        let group = match people
            .iter()
            .position(|g| g.first().is_some_and(|t| t.person == l.person_name))
        {
            Some(i) => &mut people[i],
            None => {
                people.push(Vec::new());
                people.last_mut().expect("just pushed")
            }
        };
        let by_hand = !l.is_notice();
        let reimbursed = Yen(l.reimbursed.0.min(l.paid.0).max(0));
        match group.iter_mut().find(|t| {
            t.payee == l.payee
                && t.category == l.category
                && t.self_medication == l.self_medication
                && t.by_hand == by_hand
        }) {
            Some(t) => {
                t.lines += 1;
                t.paid = Yen(t.paid.0.saturating_add(l.paid.0));
                t.reimbursed = Yen(t.reimbursed.0.saturating_add(reimbursed.0));
            }
            None => group.push(PayeeTotal {
                person: l.person_name.clone(),
                payee: l.payee.clone(),
                category: l.category,
                self_medication: l.self_medication,
                by_hand,
                lines: 1,
                paid: l.paid,
                reimbursed,
            }),
        }
    }
    people
}

fn sum_of<'a>(totals: impl Iterator<Item = &'a PayeeTotal>) -> (usize, Yen, Yen) {
    totals.fold((0, Yen::ZERO, Yen::ZERO), |(n, p, r), t| {
        (
            n + t.lines,
            Yen(p.0.saturating_add(t.paid.0)),
            Yen(r.0.saturating_add(t.reimbursed.0)),
        )
    })
}

/// The table per person and payee with totals, then both calculators side by side, which is
/// larger, and that only one may be claimed.
pub fn deduction_blocks(lang: Lang, data: &DeductionData) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(format!(
        "{}{}",
        lang.t(Msg::PdfDedLinesHeading),
        lang.parenthesized(&year_label(lang, data.year))
    ))];
    let people = payee_totals(&data.lines);
    if people.is_empty() {
        blocks.push(Block::Text(lang.t(Msg::PdfDedNone).to_owned()));
    } else {
        let columns = vec![
            Column::new(lang.t(Msg::DedColWho), 1.3),
            Column::new(lang.t(Msg::PdfDedColPayee), 2.4),
            Column::new(lang.t(Msg::DedColCategory), 1.4),
            Column::new(lang.t(Msg::DedColSource), 0.9),
            Column::new(lang.t(Msg::PdfLines), 0.6).right(),
            Column::new(lang.t(Msg::DedColPaid), 1.2).right(),
            Column::new(lang.t(Msg::PdfDedColReimbursed), 1.2).right(),
        ];
        let count = |n: usize| format!("{n}{}", lang.t(Msg::DrugsCount));
        // A subtotal or total row: its label, then the count and the two sums.
        let total_row = |label: String, (n, paid, reimbursed): (usize, Yen, Yen)| {
            Row::total(vec![
                label,
                String::new(),
                String::new(),
                String::new(),
                count(n),
                yen(lang, paid),
                yen(lang, reimbursed),
            ])
        };
        let mut rows = Vec::new();
        for group in &people {
            let who = lang.addressed(&group[0].person);
            for t in group {
                let mut category = match lang {
                    Lang::Ja => t.category.label_ja().to_owned(),
                    Lang::En => t.category.label_en().to_owned(),
                };
                if t.self_medication {
                    category.push_str(&lang.parenthesized(lang.t(Msg::DedSelfMed)));
                }
                let source = if t.by_hand {
                    lang.t(Msg::DedByHand)
                } else {
                    lang.t(Msg::DedFromNotice)
                };
                rows.push(Row::body(vec![
                    who.clone(),
                    t.payee.clone(),
                    category,
                    source.to_owned(),
                    t.lines.to_string(),
                    yen(lang, t.paid),
                    yen(lang, t.reimbursed),
                ]));
            }
            let subtotal = format!("{who} {}", lang.t(Msg::PdfDedSubtotal));
            rows.push(total_row(subtotal, sum_of(group.iter())));
        }
        rows.push(total_row(
            lang.t(Msg::PdfTotal).to_owned(),
            sum_of(people.iter().flatten()),
        ));
        blocks.push(Block::Table(Table { columns, rows }));
        blocks.push(Block::Text(lang.t(Msg::PdfDedScope).to_owned()));
        if data.lines.iter().any(|l| l.included && l.is_notice()) {
            blocks.push(Block::Text(lang.t(Msg::DedComputedNote).to_owned()));
        }
    }

    blocks.push(Block::Heading(lang.t(Msg::DedIncomeHeading).to_owned()));
    match (data.income, data.summary) {
        (Some(income), Some(s)) => {
            blocks.push(Block::Text(format!(
                "{}: {}",
                lang.t(Msg::DedIncomeLabel),
                yen(lang, income)
            )));
            let (m, o) = (s.medical, s.self_medication);
            let minus = |y: Yen| format!("−{}", yen(lang, y));
            let columns = vec![
                Column::new(lang.t(Msg::DedMedical), 2.2),
                Column::new("", 1.1).right(),
                Column::new(lang.t(Msg::DedSelfMed), 2.2),
                Column::new("", 1.1).right(),
            ];
            let rows = vec![
                Row::body(vec![
                    lang.t(Msg::DedCalcPaid).to_owned(),
                    yen(lang, m.paid),
                    lang.t(Msg::DedCalcOtcPaid).to_owned(),
                    yen(lang, o.paid),
                ]),
                Row::body(vec![
                    lang.t(Msg::DedCalcReimbursed).to_owned(),
                    minus(m.reimbursed),
                    lang.t(Msg::DedCalcReimbursed).to_owned(),
                    minus(o.reimbursed),
                ]),
                Row::body(vec![
                    lang.t(Msg::DedCalcThreshold).to_owned(),
                    minus(m.threshold),
                    lang.t(Msg::DedCalcOtcFloor).to_owned(),
                    minus(Yen(12_000)),
                ]),
                Row::total(vec![
                    format!(
                        "{}{}",
                        lang.t(Msg::DedCalcAmount),
                        lang.parenthesized(lang.t(Msg::DedCalcCapMedical))
                    ),
                    yen(lang, m.amount),
                    format!(
                        "{}{}",
                        lang.t(Msg::DedCalcAmount),
                        lang.parenthesized(lang.t(Msg::DedCalcCapSelfMed))
                    ),
                    yen(lang, o.amount),
                ]),
            ];
            blocks.push(Block::Table(Table { columns, rows }));
            let verdict = match s.comparison.larger {
                domain::deduction::DeductionChoice::Medical => Msg::DedLargerMedical,
                domain::deduction::DeductionChoice::SelfMedication => Msg::DedLargerSelfMed,
                domain::deduction::DeductionChoice::Equal => Msg::DedEqual,
            };
            let mut text = lang.t(verdict).to_owned();
            if s.comparison.difference.0 > 0 {
                text.push_str(&lang.parenthesized(&format!(
                    "{}: {}",
                    lang.t(Msg::DedDifference),
                    yen(lang, s.comparison.difference)
                )));
            }
            blocks.push(Block::Text(text));
        }
        _ => blocks.push(Block::Text(lang.t(Msg::PdfDedNoIncome).to_owned())),
    }
    blocks.push(Block::Text(lang.t(Msg::DedOnlyOne).to_owned()));
    blocks
}

/// 医療費控除の明細書（集計）for a tax year.
pub fn deduction_document(ctx: &ReportContext, data: &DeductionData) -> Document {
    let lang = ctx.lang;
    let mut notes = vec![format!(
        "{}: {}",
        lang.t(Msg::DedYear),
        year_label(lang, data.year)
    )];
    if data.members.len() > 1 {
        notes.push(format!(
            "{}: {}",
            lang.t(Msg::DedColWho),
            data.members
                .iter()
                .map(|m| lang.addressed(m))
                .collect::<Vec<_>>()
                .join(lang.t(Msg::ListSeparator))
        ));
    }
    document(
        ctx,
        deduction_title(lang, data.year),
        notes,
        deduction_blocks(lang, data),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::reports::PersonHeader;
    use chrono::{NaiveDate, Utc};
    use domain::deduction::{
        summarize, DeductionChoice, DeductionLine, FormCategory, LineOrigin, NoticeKey,
    };
    use domain::expenses::ServiceCategory;
    use domain::period::YearMonth;

    fn line(who: &str, payee: &str, paid: i64, reimbursed: i64, by_hand: bool) -> DeductionLine {
        let month = YearMonth::new(2025, 3).unwrap();
        DeductionLine {
            origin: if by_hand {
                LineOrigin::Manual { id: 1 }
            } else {
                LineOrigin::Notice {
                    key: NoticeKey::parse("2025-03~x~医科外来").unwrap(),
                    service_month: month,
                    category: ServiceCategory::Pharmacy,
                    moved: false,
                    index: 0,
                }
            },
            person: None,
            person_name: who.into(),
            payee: payee.into(),
            category: if by_hand {
                FormCategory::Other
            } else {
                FormCategory::Treatment
            },
            paid: Yen(paid),
            reimbursed: Yen(reimbursed),
            paid_on: None,
            self_medication: false,
            included: true,
            note: String::new(),
        }
    }

    fn lines() -> Vec<DeductionLine> {
        let mut excluded = line("田中　宏", "みどり内科", 99_999, 0, false);
        excluded.included = false;
        let mut otc = line("田中　宏", "さくらドラッグ", 30_000, 0, true);
        otc.category = FormCategory::Medicine;
        otc.self_medication = true;
        vec![
            line("田中　宏", "みどり内科", 60_000, 0, false),
            line("田中　結衣", "こども医院", 20_000, 500, false),
            line("田中　宏", "みどり内科", 70_000, 80_000, false),
            excluded,
            line("田中　宏", "みどり内科", 5_000, 0, true),
            otc,
        ]
    }

    #[test]
    fn totals_per_person_payee_and_source_count_only_ticked_lines() {
        let people = payee_totals(&lines());
        assert_eq!(people.len(), 2, "in order of first appearance");
        let hiroshi = &people[0];
        assert_eq!(hiroshi[0].person, "田中　宏");
        assert_eq!(
            (
                hiroshi[0].payee.as_str(),
                hiroshi[0].by_hand,
                hiroshi[0].lines
            ),
            ("みどり内科", false, 2)
        );
        assert_eq!(
            hiroshi[0].paid,
            Yen(130_000),
            "the unticked line is left out"
        );
        assert_eq!(
            hiroshi[0].reimbursed,
            Yen(70_000),
            "capped per line at its paid"
        );
        assert!(hiroshi[1].by_hand, "hand lines are their own row");
        assert!(hiroshi[2].self_medication);
        assert_eq!(people[1][0].person, "田中　結衣");
        let (n, paid, reimbursed) = sum_of(people.iter().flatten());
        assert_eq!((n, paid, reimbursed), (5, Yen(185_000), Yen(70_500)));
    }

    fn texts(blocks: &[Block]) -> String {
        let mut out = String::new();
        for b in blocks {
            match b {
                Block::Heading(t) | Block::Text(t) => out.push_str(t),
                Block::Table(t) => {
                    for c in &t.columns {
                        out.push_str(&c.label);
                    }
                    for r in &t.rows {
                        out.push_str(&r.cells.join("|"));
                    }
                }
                Block::Qr(_) => {}
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn the_summary_has_totals_both_calculators_and_the_choice() {
        let lines = lines();
        let summary = summarize(&lines, Yen(1_500_000)).unwrap();
        assert_eq!(summary.comparison.larger, DeductionChoice::Medical);
        let data = DeductionData {
            year: 2025,
            members: vec!["田中　宏".into(), "田中　結衣".into()],
            lines,
            income: Some(Yen(1_500_000)),
            summary: Some(summary),
        };
        let text = texts(&deduction_blocks(Lang::Ja, &data));
        for expected in [
            "田中　宏さん 計||||4件|165,000円|70,000円",
            "田中　結衣さん 計||||1件|20,000円|500円",
            "合計||||5件|185,000円|70,500円",
            "手入力",
            "医薬品購入（セルフメディケーション税制）",
            "総所得金額等（円）: 1,500,000円",
            "−75,000円",
            &format!(
                "控除額（上限200万円）|{}",
                yen(Lang::Ja, summary.medical.amount)
            ),
            "控除額（上限8万8千円）|18,000円",
            "医療費控除のほうが大きくなります",
            "どちらか一方しか申告できません",
        ] {
            assert!(text.contains(expected), "{expected} in:\n{text}");
        }
        // Without an income: no calculation, but still the rule.
        let data = DeductionData {
            income: None,
            summary: None,
            ..data
        };
        let text = texts(&deduction_blocks(Lang::En, &data));
        assert!(text.contains("No total income has been entered"), "{text}");
        assert!(text.contains("only one of the two"), "{text}");
    }

    #[test]
    fn the_document_renders_with_the_title_and_year() {
        let ctx = ReportContext {
            lang: Lang::Ja,
            person: PersonHeader {
                person_id: "demo-tanaka-hiroshi".into(),
                name: "田中　宏".into(),
                birth_date: NaiveDate::from_ymd_opt(1985, 4, 2).unwrap(),
                insurer_number: None,
                symbol: None,
                number: None,
                branch: None,
                as_proxy: false,
            },
            today: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            created: Utc::now(),
        };
        let data = DeductionData {
            year: 2025,
            members: vec!["田中　宏".into()],
            lines: lines(),
            income: None,
            summary: None,
        };
        let doc = deduction_document(&ctx, &data);
        assert_eq!(doc.title, "2025年分　医療費控除の明細書（集計）");
        assert!(doc.notes[0].contains("対象の年（支払った年）: 2025年"));
        let pdf = crate::pdf::layout::render(&doc, crate::pdf::font::font().unwrap()).unwrap();
        assert!(pdf.bytes.starts_with(b"%PDF-") && pdf.pages == 1);
    }
}
