//! 健診結果 from the page's view model (`CheckupsView`, also the body of
//! `GET /api/v1/me/checkups`): the same rows, values, bands and judgements, each value written
//! by the page's own formatter (`Cell::text_with_unit`), so the page and the PDF cannot disagree.

use super::{data_as_of, document, newest, ReportContext};
use crate::pdf::layout::{Block, Column, Document, Row, Table};
use app::checkups::{Cell, CellState, CheckupsView, ItemRow};
use app::components::dates::long_date;
use app::i18n::{Lang, Msg};
use domain::checkups::Band;

fn band_mark(lang: Lang, band: Option<Band>) -> &'static str {
    match band {
        Some(Band::Guidance) => lang.t(Msg::PdfBandGuidance),
        Some(Band::Referral) => lang.t(Msg::PdfBandReferral),
        _ => "",
    }
}

/// One cell as the page shows it, with its band in text and a computed judgement labelled so.
fn cell_text(lang: Lang, cell: &Cell, with_method: bool) -> String {
    match cell.state {
        CellState::Absent => "—".to_owned(),
        CellState::NotApplicable => lang.t(Msg::CheckupsNotApplicable).to_owned(),
        CellState::Value => {
            let mut text = cell.text_with_unit(lang);
            text.push_str(band_mark(lang, cell.band));
            if let Some(method) = cell.method.filter(|_| with_method) {
                text.push_str(&lang.parenthesized(method));
            }
            if let Some(source) = cell.source.filter(|_| cell.computed) {
                let label = match lang {
                    Lang::Ja => source.label_ja(),
                    Lang::En => source.label_en(),
                };
                text.push('\n');
                text.push_str(lang.parenthesized(label).trim());
            }
            text
        }
    }
}

/// The 検査方法 every value of the row shares, if one does (it then goes with the label).
fn shared_method(row: &ItemRow) -> Option<&'static str> {
    let mut methods = row
        .values
        .iter()
        .filter(|c| c.state == CellState::Value)
        .map(|c| c.method);
    let first = methods.next()??;
    methods.all(|m| m == Some(first)).then_some(first)
}

/// One column per checkup shown (newest first), one row per item in the page's section order,
/// values with their band marked in text, judgements (computed ones labelled so).
pub fn checkup_blocks(lang: Lang, view: &CheckupsView) -> Vec<Block> {
    if view.checkups.is_empty() {
        return vec![Block::Text(lang.t(Msg::PdfCheckupsNone).to_owned())];
    }
    let newest_first: Vec<usize> = (0..view.checkups.len()).rev().collect();
    let mut columns = vec![Column::new(lang.t(Msg::PdfCheckupItem), 2.0)];
    for &i in &newest_first {
        let c = &view.checkups[i];
        let kind = match lang {
            Lang::Ja => c.kind.label_ja(),
            Lang::En => c.kind.label_en(),
        };
        let mark = if c.imported_by_you {
            format!("\n{}", lang.parenthesized(lang.t(Msg::SelfImportedMark)))
        } else {
            String::new()
        };
        columns.push(Column::new(
            format!(
                "{}\n{kind}\n{}{mark}",
                long_date(c.performed_on, lang),
                c.institution_name
            ),
            1.0,
        ));
    }
    let mut rows = Vec::new();
    for group in &view.groups {
        rows.push(Row::group(match lang {
            Lang::Ja => group.label_ja,
            Lang::En => group.label_en,
        }));
        for item in &group.items {
            let method = shared_method(item);
            let mut label = match lang {
                Lang::Ja => item.label_ja.clone(),
                Lang::En => item.label_en.clone(),
            };
            if let Some(m) = method {
                label.push_str(&lang.parenthesized(m));
            }
            let mut cells = vec![label];
            cells.extend(
                newest_first
                    .iter()
                    .map(|&i| cell_text(lang, &item.values[i], method.is_none())),
            );
            rows.push(Row::body(cells));
        }
    }
    let not_applicable = view
        .groups
        .iter()
        .flat_map(|g| &g.items)
        .flat_map(|r| &r.values)
        .any(|c| c.state == CellState::NotApplicable);
    let mut blocks = vec![
        Block::Table(Table { columns, rows }),
        Block::Text(lang.t(Msg::PdfBandLegend).to_owned()),
    ];
    if not_applicable {
        blocks.push(Block::Text(
            lang.t(Msg::CheckupsNotApplicableNote).to_owned(),
        ));
    }
    blocks
}

pub fn checkups_document(ctx: &ReportContext, view: &CheckupsView) -> Document {
    let lang = ctx.lang;
    let notes = [
        Some(format!(
            "{}: {}",
            lang.t(Msg::PeriodLabel),
            lang.t(Msg::PdfCheckupsScope)
        )),
        data_as_of(lang, newest(view.checkups.iter().map(|c| c.performed_on))),
    ]
    .into_iter()
    .flatten()
    .collect();
    document(
        ctx,
        lang.t(Msg::CheckupsTitle).to_owned(),
        notes,
        checkup_blocks(lang, view),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::checkups::{build_view, Subject};
    use chrono::NaiveDate;
    use domain::checkups::{
        Checkup, CheckupKind, CheckupResult, CheckupValue, Decimal, ItemCode, RangeFlag,
    };
    use domain::insurance::InsurerNumber;
    use domain::people::Sex;

    fn result(code: &str, value: &str, out_of_range: Option<RangeFlag>) -> CheckupResult {
        CheckupResult {
            code: ItemCode::parse(code).unwrap(),
            value: CheckupValue::Numeric {
                value: Decimal::parse(value).unwrap(),
                unit: "mg/dL".into(),
                out_of_range,
            },
        }
    }

    fn texts(blocks: &[Block]) -> Vec<Vec<String>> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t.rows.iter().map(|r| r.cells.clone()).collect::<Vec<_>>()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// A value beyond the analyser's range reads in the PDF exactly as on the page: the cell
    /// text comes from the view model's one formatter (it read `> 120` in the PDF and `≧120`
    /// on the page when each had its own).
    #[test]
    fn beyond_range_values_read_as_on_the_page() {
        let on = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let checkup = Checkup {
            performed_on: on,
            institution_name: "健診センター".into(),
            kind: CheckupKind::SpecificHealthCheckup,
            insurer: InsurerNumber::parse("01130012").unwrap(),
            results: vec![
                result("3D046000001906202", "120", Some(RangeFlag::Above)),
                result("3F015000002327101", "5", Some(RangeFlag::Below)),
            ],
        };
        let subject = Subject {
            birth_date: NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(),
            sex: Some(Sex::Male),
        };
        let view = build_view(&[&checkup], subject, vec![], on);
        let page: Vec<String> = view
            .groups
            .iter()
            .flat_map(|g| &g.items)
            .map(|r| r.values[0].text_with_unit(Lang::Ja))
            .collect();
        assert!(page.iter().any(|t| t == "≧120 mg/dL"), "{page:?}");
        assert!(page.iter().any(|t| t == "≦5 mg/dL"), "{page:?}");
        for lang in [Lang::Ja, Lang::En] {
            let rows = texts(&checkup_blocks(lang, &view));
            let cells: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get(1))
                .map(|c| c.as_str())
                .collect();
            assert!(
                cells.iter().any(|c| c.starts_with("≧120 mg/dL")),
                "{cells:?}"
            );
            assert!(cells.iter().any(|c| c.starts_with("≦5 mg/dL")), "{cells:?}");
        }
    }
}
