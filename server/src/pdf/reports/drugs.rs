//! The drug history: a caption per 調剤日 and 薬局, the lines as on the page.

use super::{data_as_of, document, newest, period_label, yen, ReportContext};
use crate::pdf::layout::{Block, Column, Document, Row, Table};
use app::components::dates::long_date;
use app::components::own::severity_label;
use app::i18n::own::Msg as O;
use app::i18n::{Lang, Msg};
use chrono::NaiveDate;
use domain::drugs::DrugLine;
use domain::own::OwnEntries;
use domain::period::MonthRange;

/// The drug table: a caption row per 調剤日 and 薬局 (newest first, as the page), then the
/// lines with the page's remaining columns in the page's order.
pub fn drug_blocks(lang: Lang, lines: &[DrugLine]) -> Vec<Block> {
    if lines.is_empty() {
        return vec![Block::Text(lang.t(Msg::DrugsNone).to_owned())];
    }
    let columns = vec![
        Column::new(lang.t(Msg::DrugColKind), 1.3),
        Column::new(lang.t(Msg::DrugColName), 2.5),
        Column::new(lang.t(Msg::DrugColUsage), 2.0),
        Column::new(lang.t(Msg::DrugColSpecial), 1.3),
        Column::new(lang.t(Msg::DrugColQuantity), 0.8).right(),
        Column::new(lang.t(Msg::DrugColCost), 1.3).right(),
    ];
    let mut rows = Vec::with_capacity(lines.len() * 5 / 4);
    let mut group: Option<(NaiveDate, &str)> = None;
    for l in lines {
        let key = (l.dispensed_on, l.dispenser_name.as_str());
        if group != Some(key) {
            group = Some(key);
            let sep = match lang {
                Lang::Ja => "　",
                Lang::En => " — ",
            };
            rows.push(Row::group(format!(
                "{}: {}{sep}{}: {}",
                lang.t(Msg::DrugColDate),
                long_date(l.dispensed_on, lang),
                lang.t(Msg::DrugColPlace),
                l.dispenser_name
            )));
        }
        let (prescription, usage) = match lang {
            Lang::Ja => (l.prescription.label_ja(), l.usage.label_ja()),
            Lang::En => (l.prescription.label_en(), l.usage.label_en()),
        };
        let mut name = l.display_name();
        if let Some(i) = &l.ingredient {
            name.push_str(&lang.parenthesized(i));
        }
        if l.claim.from_pharmacy_notebook() {
            name.push_str(&lang.parenthesized(lang.t(Msg::PharmacyNotebookMark)));
        } else if l.claim.self_imported() {
            name.push_str(&lang.parenthesized(lang.t(Msg::SelfImportedMark)));
        }
        let usage_text = [
            l.directions.clone(),
            l.daily_dose.clone(),
            l.single_dose
                .clone()
                .map(|s| format!("{} {s}", lang.t(Msg::SingleDosePrefix))),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ");
        let cost = match (l.copay, l.savings) {
            (Some(c), Some(s)) => format!("{} / {}", yen(lang, c), yen(lang, s)),
            (Some(c), None) => yen(lang, c),
            _ => String::new(),
        };
        rows.push(Row::body(vec![
            format!("{prescription}・{usage}"),
            name,
            usage_text,
            l.special_instructions.clone().unwrap_or_default(),
            l.quantity.to_string(),
            cost,
        ]));
    }
    let mut blocks = vec![Block::Table(Table { columns, rows })];
    let mut summary = format!("{}{}", lines.len(), lang.t(Msg::DrugsCount));
    if let Ok(savings) = domain::drugs::total_savings(lines) {
        if savings.0 > 0 {
            summary.push_str(&format!(
                "　{}: {}",
                lang.t(Msg::DrugsSavingsTotal),
                yen(lang, savings)
            ));
        }
    }
    blocks.push(Block::Text(summary));
    if lines.iter().any(|l| l.mark.is_some()) {
        blocks.push(Block::Text(lang.t(Msg::MarkLegend).to_owned()));
    }
    blocks.push(Block::Text(lang.t(Msg::DrugsRetention).to_owned()));
    blocks
}

/// Allergies and side effects the person entered (本人入力), first in the drugs report so they
/// are seen before anything else; said plainly when there are none.
pub fn allergy_blocks(lang: Lang, own: &OwnEntries) -> Vec<Block> {
    let heading = format!(
        "{}{}",
        lang.o(O::AllergiesHeading),
        lang.parenthesized(lang.o(O::Badge))
    );
    let mut blocks = vec![Block::Heading(heading)];
    if own.allergies.is_empty() {
        blocks.push(Block::Text(lang.o(O::NoAllergies).to_owned()));
        return blocks;
    }
    let columns = vec![
        Column::new(lang.o(O::FieldSubstance), 2.0),
        Column::new(lang.o(O::ColSeverity), 1.0),
        Column::new(lang.o(O::ColReaction), 2.5),
        Column::new(lang.o(O::ColSince), 1.3),
    ];
    let rows = own
        .allergies
        .iter()
        .map(|a| {
            Row::body(vec![
                a.substance.clone(),
                severity_label(a.severity, lang).to_owned(),
                a.reaction.clone(),
                a.since.map(|d| long_date(d, lang)).unwrap_or_default(),
            ])
        })
        .collect();
    blocks.push(Block::Table(Table { columns, rows }));
    blocks
}

/// OTC medicines and お薬手帳 memos the person entered (本人入力), after the claims.
pub fn own_blocks(lang: Lang, own: &OwnEntries) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mark = lang.parenthesized(lang.o(O::Badge));
    if !own.medicines.is_empty() {
        blocks.push(Block::Heading(format!(
            "{}{mark}",
            lang.o(O::MedicinesHeading)
        )));
        let columns = vec![
            Column::new(lang.t(Msg::DrugColName), 2.5),
            Column::new(lang.o(O::ColPeriod), 2.2),
            Column::new(lang.o(O::ColBoughtAt), 1.6),
            Column::new(lang.o(O::ColPrice), 1.0).right(),
        ];
        let rows = own
            .medicines
            .iter()
            .map(|m| {
                let mut name = m.name.clone();
                if !m.ingredient.is_empty() {
                    name.push_str(&lang.parenthesized(&m.ingredient));
                }
                let period = match m.to {
                    Some(to) => format!("{} – {}", long_date(m.from, lang), long_date(to, lang)),
                    None => format!("{} –{}", long_date(m.from, lang), lang.o(O::Ongoing)),
                };
                Row::body(vec![
                    name,
                    period,
                    m.bought_at.clone(),
                    m.price.map(|p| yen(lang, p)).unwrap_or_default(),
                ])
            })
            .collect();
        blocks.push(Block::Table(Table { columns, rows }));
    }
    if !own.memos.is_empty() {
        blocks.push(Block::Heading(format!("{}{mark}", lang.o(O::MemosHeading))));
        let columns = vec![
            Column::new(lang.t(Msg::DrugColDate), 1.3),
            Column::new(lang.t(Msg::DrugColPlace), 1.7),
            Column::new(lang.o(O::FieldMemo), 4.0),
        ];
        let rows = own
            .memos
            .iter()
            .map(|m| {
                Row::body(vec![
                    long_date(m.dispensed_on, lang),
                    m.dispenser.clone(),
                    m.memo.replace('\n', " "),
                ])
            })
            .collect();
        blocks.push(Block::Table(Table { columns, rows }));
    }
    blocks
}

/// [`drugs_document_with`] without self-entered entries.
pub fn drugs_document(
    ctx: &ReportContext,
    months: MonthRange,
    lines: &[DrugLine],
    as_of: Option<NaiveDate>,
) -> Document {
    drugs_document_with(ctx, months, lines, as_of, &OwnEntries::default())
}

/// `as_of`: the page's "data as of" (see `ReportData::drugs_as_of`); without it, the newest
/// publication day among `lines`. The person's allergies come first, their OTC medicines and
/// memos after the claims, each marked 本人入力.
pub fn drugs_document_with(
    ctx: &ReportContext,
    months: MonthRange,
    lines: &[DrugLine],
    as_of: Option<NaiveDate>,
    own: &OwnEntries,
) -> Document {
    let lang = ctx.lang;
    let notes = [
        Some(period_label(lang, months)),
        data_as_of(
            lang,
            as_of.or_else(|| newest(lines.iter().map(|l| l.visible_from))),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    document(
        ctx,
        lang.t(Msg::DrugsTitle).to_owned(),
        notes,
        allergy_blocks(lang, own)
            .into_iter()
            .chain(drug_blocks(lang, lines))
            .chain(own_blocks(lang, own))
            .collect(),
    )
}

/// The most QR codes the drugs PDF carries; a longer period gets the current medicines' codes.
pub const MAX_PDF_CODES: usize = 40;

/// The period's lines as お薬手帳 (JAHIS) QR codes, numbered, after the tables; when they would
/// take more than [`MAX_PDF_CODES`] codes, the medicines current on `today` instead.
pub fn notebook_blocks(
    lang: Lang,
    patient: Option<domain::jahis::Patient>,
    lines: &[DrugLine],
    today: NaiveDate,
) -> Vec<Block> {
    use domain::jahis::QR_PART_BYTES;
    if lines.is_empty() {
        return Vec::new();
    }
    let id_base = today
        .format("%Y%m%d")
        .to_string()
        .parse::<u64>()
        .unwrap_or(0)
        * 1_000_000;
    let parts_of = |chosen: Vec<&DrugLine>| {
        let text = domain::jahis::write(&domain::jahis::from_drug_lines(patient.clone(), &chosen));
        let id = id_base + crate::hash::fnv1a64(text.as_bytes()) % 1_000_000;
        domain::jahis::split_text(&text, QR_PART_BYTES, id)
    };
    let mut parts = parts_of(lines.iter().collect());
    let mut heading = lang.t(Msg::NotebookQrPdf).to_owned();
    if parts.len() > MAX_PDF_CODES {
        parts = parts_of(domain::jahis::current_medicines(lines, today));
        heading = lang.t(Msg::NotebookQrPdfCurrent).to_owned();
    }
    let n = parts.len();
    let codes: Vec<crate::pdf::layout::QrImage> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            crate::pdf::qr::modules(p).map(|m| crate::pdf::layout::QrImage {
                width: m.width,
                dark: m.dark,
                label: if n > 1 {
                    format!("{}/{n}", i + 1)
                } else {
                    String::new()
                },
            })
        })
        .collect();
    if codes.is_empty() {
        return Vec::new();
    }
    vec![
        Block::Heading(heading),
        Block::Text(lang.t(Msg::NotebookQrHint).to_owned()),
        Block::Qr(codes),
    ]
}
