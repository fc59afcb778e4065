//! The drug history: a caption per 調剤日 and 薬局, the lines as on the page.

use super::{data_as_of, document, newest, period_label, yen, ReportContext};
use crate::pdf::layout::{Block, Column, Document, Row, Table};
use app::components::dates::long_date;
use app::i18n::{Lang, Msg};
use chrono::NaiveDate;
use domain::drugs::DrugLine;
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
        if l.claim.self_imported() {
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

/// `as_of`: the page's "data as of" (see `ReportData::drugs_as_of`); without it, the newest
/// publication day among `lines`.
pub fn drugs_document(
    ctx: &ReportContext,
    months: MonthRange,
    lines: &[DrugLine],
    as_of: Option<NaiveDate>,
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
        drug_blocks(lang, lines),
    )
}
