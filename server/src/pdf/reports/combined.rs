//! The combined report: every kind the viewer may see, each under its own heading.

use super::checkups::checkup_blocks;
use super::drugs::drug_blocks;
use super::expenses::expense_blocks;
use super::{data_as_of, data_date, document, period_label, ReportContext, ReportData};
use crate::pdf::layout::{Block, Document};
use crate::pdf::PdfError;
use app::i18n::Msg;
use domain::period::MonthRange;

/// One report with every kind the viewer may see, each under its own heading.
pub fn combined_document(
    ctx: &ReportContext,
    months: MonthRange,
    data: &ReportData,
) -> Result<Document, PdfError> {
    let lang = ctx.lang;
    let mut blocks = Vec::new();
    if let Some(lines) = &data.drugs {
        blocks.push(Block::Heading(lang.t(Msg::DrugsTitle).to_owned()));
        if let Some(own) = &data.own {
            blocks.extend(super::drugs::allergy_blocks(lang, own));
        }
        blocks.extend(drug_blocks(lang, lines));
        if let Some(own) = &data.own {
            blocks.extend(super::drugs::own_blocks(lang, own));
        }
    }
    if let Some(checkups) = &data.checkups {
        blocks.push(Block::Heading(format!(
            "{}{}",
            lang.t(Msg::CheckupsTitle),
            lang.parenthesized(lang.t(Msg::PdfCheckupsScope))
        )));
        blocks.extend(checkup_blocks(lang, checkups));
    }
    if let Some(lines) = &data.expenses {
        blocks.push(Block::Heading(lang.t(Msg::ExpensesTitle).to_owned()));
        blocks.extend(expense_blocks(lang, lines)?);
    }
    let notes = [
        Some(period_label(lang, months)),
        data_as_of(lang, data_date(data)),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(document(
        ctx,
        lang.t(Msg::PdfReportTitle).to_owned(),
        notes,
        blocks,
    ))
}
