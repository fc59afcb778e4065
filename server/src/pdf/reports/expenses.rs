//! 医療費: the lines per calendar year with totals, then per institution and 診療区分.

use super::{
    data_as_of, document, month_label, newest, period_label, year_label, yen, ReportContext,
};
use crate::pdf::layout::{Block, Column, Document, Row, Table};
use crate::pdf::PdfError;
use app::i18n::{Lang, Msg};
use domain::expenses::{by_category, by_institution, ExpenseLine, ExpenseTotals};
use domain::period::MonthRange;

fn expense_columns(lang: Lang, first: Msg) -> Vec<Column> {
    vec![
        Column::new(lang.t(first), 1.0),
        Column::new(lang.t(Msg::PdfExpInstitution), 2.4),
        Column::new(lang.t(Msg::PdfExpCategory), 1.1),
        Column::new(lang.t(Msg::PdfExpDays), 0.6).right(),
        Column::new(lang.t(Msg::PdfExpTotal), 1.1).right(),
        Column::new(lang.t(Msg::PdfExpInsurer), 1.1).right(),
        Column::new(lang.t(Msg::PdfExpPublic), 1.0).right(),
        Column::new(lang.t(Msg::PdfExpPatient), 1.1).right(),
    ]
}

/// A breakdown table (per institution, per category): one row per group with its line count,
/// then the total of all lines.
fn breakdown<'a>(
    lang: Lang,
    groups: impl Iterator<Item = ([String; 2], &'a ExpenseTotals)>,
    all: &ExpenseTotals,
) -> Block {
    let mut rows: Vec<Row> = groups
        .map(|(middle, t)| {
            Row::body(totals_cells(
                lang,
                format!("{}{}", t.lines, lang.t(Msg::DrugsCount)),
                middle,
                t,
            ))
        })
        .collect();
    rows.push(Row::total(totals_cells(
        lang,
        lang.t(Msg::PdfTotal).to_owned(),
        [String::new(), String::new()],
        all,
    )));
    Block::Table(Table {
        columns: expense_columns(lang, Msg::PdfLines),
        rows,
    })
}

fn totals_cells(lang: Lang, label: String, middle: [String; 2], t: &ExpenseTotals) -> Vec<String> {
    let [a, b] = middle;
    vec![
        label,
        a,
        b,
        t.days.to_string(),
        yen(lang, t.total),
        yen(lang, t.insurer_paid),
        yen(lang, t.public_paid),
        yen(lang, t.patient_paid),
    ]
}

fn category_label(lang: Lang, c: &domain::expenses::ServiceCategory) -> String {
    match lang {
        Lang::Ja => c.label_ja().to_owned(),
        Lang::En => c.label_en().to_owned(),
    }
}

/// The lines (newest month first) under a caption per calendar year, each year closed by its
/// totals; then totals per institution and per 診療区分, and the whole period.
pub fn expense_blocks(lang: Lang, lines: &[ExpenseLine]) -> Result<Vec<Block>, PdfError> {
    if lines.is_empty() {
        return Ok(vec![Block::Text(lang.t(Msg::PdfNoRecords).to_owned())]);
    }
    let money = |e: domain::money::MoneyError| PdfError::Render(e.to_string());
    let mut rows = Vec::new();
    let mut year: Option<i32> = None;
    let mut year_lines: Vec<&ExpenseLine> = Vec::new();
    let close_year =
        |rows: &mut Vec<Row>, year: i32, ls: &[&ExpenseLine]| -> Result<(), PdfError> {
            let t = ExpenseTotals::of(ls.iter().copied()).map_err(money)?;
            rows.push(Row::total(totals_cells(
                lang,
                format!("{} {}", year_label(lang, year), lang.t(Msg::PdfTotal)),
                [
                    format!("{}{}", t.lines, lang.t(Msg::DrugsCount)),
                    String::new(),
                ],
                &t,
            )));
            Ok(())
        };
    for l in lines {
        let y = l.service_month.year();
        if year != Some(y) {
            if let Some(prev) = year {
                close_year(&mut rows, prev, &year_lines)?;
                year_lines.clear();
            }
            year = Some(y);
            rows.push(Row::group(year_label(lang, y)));
        }
        year_lines.push(l);
        rows.push(Row::body(vec![
            month_label(lang, l.service_month),
            if l.claim.self_imported() {
                format!(
                    "{}{}",
                    l.institution_name,
                    lang.parenthesized(lang.t(Msg::SelfImportedMark))
                )
            } else {
                l.institution_name.clone()
            },
            category_label(lang, &l.category),
            l.days.to_string(),
            yen(lang, l.total),
            yen(lang, l.insurer_paid),
            yen(lang, l.public_paid),
            yen(lang, l.patient_paid),
        ]));
    }
    if let Some(prev) = year {
        close_year(&mut rows, prev, &year_lines)?;
    }
    let all = ExpenseTotals::of(lines).map_err(money)?;
    rows.push(Row::total(totals_cells(
        lang,
        lang.t(Msg::PdfTotal).to_owned(),
        [
            format!("{}{}", all.lines, lang.t(Msg::DrugsCount)),
            String::new(),
        ],
        &all,
    )));
    let mut blocks = vec![
        Block::Table(Table {
            columns: expense_columns(lang, Msg::PdfExpMonth),
            rows,
        }),
        Block::Text(lang.t(Msg::PdfExpPatientNote).to_owned()),
    ];
    let institutions = by_institution(lines).map_err(money)?;
    blocks.push(Block::Heading(lang.t(Msg::PdfExpByInstitution).to_owned()));
    blocks.push(breakdown(
        lang,
        institutions
            .iter()
            .map(|(name, t)| ([name.clone(), String::new()], t)),
        &all,
    ));
    let categories = by_category(lines).map_err(money)?;
    blocks.push(Block::Heading(lang.t(Msg::PdfExpByCategory).to_owned()));
    blocks.push(breakdown(
        lang,
        categories
            .iter()
            .map(|(c, t)| ([String::new(), category_label(lang, c)], t)),
        &all,
    ));
    Ok(blocks)
}

pub fn expenses_document(
    ctx: &ReportContext,
    months: MonthRange,
    lines: &[ExpenseLine],
) -> Result<Document, PdfError> {
    let lang = ctx.lang;
    let notes = [
        Some(period_label(lang, months)),
        data_as_of(lang, newest(lines.iter().map(|l| l.visible_from))),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(document(
        ctx,
        lang.t(Msg::ExpensesTitle).to_owned(),
        notes,
        expense_blocks(lang, lines)?,
    ))
}
