//! The exported documents, built from domain data and the person header. Labels come from the
//! i18n layer, so the same builders give Japanese or English PDFs.

use super::layout::{Block, Column, Document, Row, Table};
use super::PdfError;
use app::components::dates::long_date;
use app::i18n::{Lang, Msg};
use app::record::PersonHeader;
use chrono::{DateTime, NaiveDate, Utc};
use domain::checkups::{
    guidance_judgement, metabolic_judgement, shown_checkups, Band, Checkup, CheckupValue,
    ItemGroup, JudgementSource, RangeFlag,
};
use domain::drugs::DrugLine;
use domain::expenses::{by_category, by_institution, ExpenseLine, ExpenseTotals};
use domain::money::{group_thousands, Yen};
use domain::people::Sex;
use domain::period::{MonthRange, YearMonth};

/// Who the document is about and when it is issued.
#[derive(Debug, Clone)]
pub struct ReportContext {
    pub lang: Lang,
    pub person: PersonHeader,
    /// The issue date (the server's "today", JST).
    pub today: NaiveDate,
    /// The real creation time, for the metadata.
    pub created: DateTime<Utc>,
}

/// What goes into a document; `None` leaves a kind out (the combined report shows only the
/// kinds the viewer may see).
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    pub drugs: Option<Vec<DrugLine>>,
    /// The drug page's "data as of": the latest publication day of the person's drug
    /// information visible today (whatever the period).
    pub drugs_as_of: Option<NaiveDate>,
    /// Every checkup of the person; the last five from FY2020 are shown.
    pub checkups: Option<Vec<Checkup>>,
    pub sex: Option<Sex>,
    pub expenses: Option<Vec<ExpenseLine>>,
}

/// 1,234円 / ¥1,234.
pub fn yen(lang: Lang, y: Yen) -> String {
    match lang {
        Lang::Ja => format!("{}円", group_thousands(y.0)),
        Lang::En => format!("¥{}", group_thousands(y.0)),
    }
}

fn month_label(lang: Lang, m: YearMonth) -> String {
    match lang {
        Lang::Ja => m.label_ja(),
        Lang::En => m.label_en(),
    }
}

fn period_label(lang: Lang, months: MonthRange) -> String {
    format!(
        "{}: {} – {}",
        lang.t(Msg::PeriodLabel),
        month_label(lang, months.from()),
        month_label(lang, months.to())
    )
}

/// 受診者情報: 氏名, 生年月日 (和暦 and 西暦), 年齢, 保険者番号, 記号・番号・枝番.
pub fn person_pairs(lang: Lang, person: &PersonHeader, today: NaiveDate) -> Vec<(String, String)> {
    let birth = match lang {
        Lang::Ja => domain::wareki::format_both(person.birth_date),
        Lang::En => format!(
            "{} ({})",
            long_date(person.birth_date, lang),
            domain::wareki::format_wareki(person.birth_date)
        ),
    };
    let age = domain::wareki::age_on(person.birth_date, today)
        .map(|a| format!("{a}{}", lang.t(Msg::PersonAgeUnit)))
        .unwrap_or_default();
    let card = [&person.symbol, &person.number, &person.branch]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("・");
    vec![
        (lang.t(Msg::PersonName).to_owned(), person.name.clone()),
        (lang.t(Msg::PersonBirth).to_owned(), birth),
        (lang.t(Msg::PersonAge).to_owned(), age),
        (
            lang.t(Msg::PersonInsurer).to_owned(),
            person.insurer_number.clone().unwrap_or_default(),
        ),
        (lang.t(Msg::PersonCard).to_owned(), card),
    ]
}

fn document(
    ctx: &ReportContext,
    title: String,
    notes: Vec<String>,
    blocks: Vec<Block>,
) -> Document {
    let lang = ctx.lang;
    let mut all_notes = vec![format!(
        "{}: {}",
        lang.t(Msg::PdfIssued),
        long_date(ctx.today, lang)
    )];
    all_notes.extend(notes);
    if ctx.person.as_proxy {
        all_notes.push(lang.t(Msg::PdfByProxy).to_owned());
    }
    Document {
        title,
        lang: lang.tag().to_owned(),
        header: person_pairs(lang, &ctx.person, ctx.today),
        notes: vec![all_notes.join(match lang {
            Lang::Ja => "　",
            Lang::En => "   ",
        })],
        blocks,
        created: ctx.created,
    }
}

fn data_as_of(lang: Lang, date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| format!("{}: {}", lang.t(Msg::DataAsOf), long_date(d, lang)))
}

/// The newest publication date among the lines shown (the data reflects the insurer up to it).
fn newest(dates: impl Iterator<Item = NaiveDate>) -> Option<NaiveDate> {
    dates.max()
}

fn data_date(data: &ReportData) -> Option<NaiveDate> {
    let drugs = data
        .drugs
        .iter()
        .flatten()
        .map(|l| l.visible_from)
        .chain(data.drugs_as_of);
    let expenses = data.expenses.iter().flatten().map(|l| l.visible_from);
    let checkups = data.checkups.iter().flatten().map(|c| c.performed_on);
    newest(drugs.chain(expenses).chain(checkups))
}

// ── drugs ──

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

// ── checkups ──

fn band_mark(lang: Lang, band: Option<Band>) -> &'static str {
    match band {
        Some(Band::Guidance) => lang.t(Msg::PdfBandGuidance),
        Some(Band::Referral) => lang.t(Msg::PdfBandReferral),
        _ => "",
    }
}

fn value_text(lang: Lang, result: &domain::checkups::CheckupResult) -> String {
    match &result.value {
        CheckupValue::Numeric {
            value,
            unit,
            out_of_range,
        } => {
            let prefix = match out_of_range {
                Some(RangeFlag::Above) => "> ",
                Some(RangeFlag::Below) => "< ",
                None => "",
            };
            if unit.is_empty() {
                format!("{prefix}{value}")
            } else {
                format!("{prefix}{value} {unit}")
            }
        }
        // The answer in words (as the page shows it), else what the file said, else the code.
        CheckupValue::Coded { code, display } => result
            .item()
            .and_then(|item| item.answer(code))
            .map(|a| match lang {
                Lang::Ja => a.ja.to_owned(),
                Lang::En => a.en.to_owned(),
            })
            .or_else(|| display.clone())
            .unwrap_or_else(|| code.clone()),
        CheckupValue::Text(text) => text.clone(),
        CheckupValue::NotMeasured(reason) => match lang {
            Lang::Ja => reason.label_ja().to_owned(),
            Lang::En => reason.label_en().to_owned(),
        },
    }
}

fn source_note(lang: Lang, source: JudgementSource) -> String {
    match source {
        JudgementSource::Insurer => String::new(),
        JudgementSource::Computed => format!(
            "\n{}",
            lang.parenthesized(match lang {
                Lang::Ja => source.label_ja(),
                Lang::En => source.label_en(),
            })
            .trim()
        ),
    }
}

/// The five-column table: one column per checkup shown (newest first), one row per item in
/// section order, values with their band marked in text, then the two judgements (computed
/// ones labelled so).
pub fn checkup_blocks(
    lang: Lang,
    checkups: &[Checkup],
    sex: Option<Sex>,
    birth: NaiveDate,
) -> Vec<Block> {
    let shown = shown_checkups(checkups);
    if shown.is_empty() {
        return vec![Block::Text(lang.t(Msg::PdfCheckupsNone).to_owned())];
    }
    let mut columns = vec![Column::new(lang.t(Msg::PdfCheckupItem), 2.0)];
    for c in &shown {
        let kind = match lang {
            Lang::Ja => c.kind.label_ja(),
            Lang::En => c.kind.label_en(),
        };
        columns.push(Column::new(
            format!(
                "{}\n{kind}\n{}",
                long_date(c.performed_on, lang),
                c.institution_name
            ),
            1.0,
        ));
    }
    // Items in section order, each code once, in the order first received.
    let mut items: Vec<(ItemGroup, &domain::checkups::CheckupResult)> = Vec::new();
    for c in &shown {
        for r in &c.results {
            let group = r.group();
            if matches!(
                group,
                ItemGroup::MetabolicJudgement | ItemGroup::GuidanceLevel
            ) {
                continue;
            }
            if !items.iter().any(|(_, seen)| seen.code == r.code) {
                items.push((group, r));
            }
        }
    }
    items.sort_by_key(|(g, _)| *g);
    let mut rows = Vec::new();
    let mut current: Option<ItemGroup> = None;
    for (group, item) in &items {
        if current != Some(*group) {
            current = Some(*group);
            rows.push(Row::group(match lang {
                Lang::Ja => group.label_ja(),
                Lang::En => group.label_en(),
            }));
        }
        let mut label = match lang {
            Lang::Ja => item.label_ja(),
            Lang::En => item.label_en(),
        };
        if let Some(method) = item.method() {
            label.push_str(&lang.parenthesized(method));
        }
        let mut cells = vec![label];
        for c in &shown {
            let cell = c
                .results
                .iter()
                .find(|r| r.code == item.code)
                .map(|r| {
                    let band = sex.and_then(|s| r.band(s));
                    format!("{}{}", value_text(lang, r), band_mark(lang, band))
                })
                .unwrap_or_default();
            cells.push(cell);
        }
        rows.push(Row::body(cells));
    }
    // Judgements.
    if let Some(sex) = sex {
        rows.push(Row::group(lang.t(Msg::PdfJudgements)));
        let mut metabolic = vec![lang.t(Msg::PdfMetabolic).to_owned()];
        let mut guidance = vec![lang.t(Msg::PdfGuidance).to_owned()];
        for c in &shown {
            metabolic.push(
                metabolic_judgement(c, sex)
                    .map(|j| {
                        let text = match lang {
                            Lang::Ja => j.value.label_ja(),
                            Lang::En => j.value.label_en(),
                        };
                        format!("{text}{}", source_note(lang, j.source))
                    })
                    .unwrap_or_else(|| "—".into()),
            );
            let age = domain::wareki::age_on(birth, c.performed_on).unwrap_or(0);
            guidance.push(
                guidance_judgement(c, sex, age)
                    .map(|j| {
                        let text = match lang {
                            Lang::Ja => j.value.label_ja(),
                            Lang::En => j.value.label_en(),
                        };
                        format!("{text}{}", source_note(lang, j.source))
                    })
                    .unwrap_or_else(|| "—".into()),
            );
        }
        rows.push(Row::body(metabolic));
        rows.push(Row::body(guidance));
    }
    vec![
        Block::Table(Table { columns, rows }),
        Block::Text(lang.t(Msg::PdfBandLegend).to_owned()),
    ]
}

pub fn checkups_document(ctx: &ReportContext, checkups: &[Checkup], sex: Option<Sex>) -> Document {
    let lang = ctx.lang;
    let notes = [
        Some(format!(
            "{}: {}",
            lang.t(Msg::PeriodLabel),
            lang.t(Msg::PdfCheckupsScope)
        )),
        data_as_of(
            lang,
            newest(shown_checkups(checkups).iter().map(|c| c.performed_on)),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    document(
        ctx,
        lang.t(Msg::CheckupsTitle).to_owned(),
        notes,
        checkup_blocks(lang, checkups, sex, ctx.person.birth_date),
    )
}

// ── expenses ──

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

fn year_label(lang: Lang, year: i32) -> String {
    match lang {
        Lang::Ja => format!("{year}年"),
        Lang::En => year.to_string(),
    }
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
            l.institution_name.clone(),
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
    let mut rows: Vec<Row> = institutions
        .iter()
        .map(|(name, t)| {
            Row::body(totals_cells(
                lang,
                format!("{}{}", t.lines, lang.t(Msg::DrugsCount)),
                [name.clone(), String::new()],
                t,
            ))
        })
        .collect();
    rows.push(Row::total(totals_cells(
        lang,
        lang.t(Msg::PdfTotal).to_owned(),
        [String::new(), String::new()],
        &all,
    )));
    blocks.push(Block::Table(Table {
        columns: expense_columns(lang, Msg::PdfLines),
        rows,
    }));
    let categories = by_category(lines).map_err(money)?;
    blocks.push(Block::Heading(lang.t(Msg::PdfExpByCategory).to_owned()));
    let mut rows: Vec<Row> = categories
        .iter()
        .map(|(c, t)| {
            Row::body(totals_cells(
                lang,
                format!("{}{}", t.lines, lang.t(Msg::DrugsCount)),
                [String::new(), category_label(lang, c)],
                t,
            ))
        })
        .collect();
    rows.push(Row::total(totals_cells(
        lang,
        lang.t(Msg::PdfTotal).to_owned(),
        [String::new(), String::new()],
        &all,
    )));
    blocks.push(Block::Table(Table {
        columns: expense_columns(lang, Msg::PdfLines),
        rows,
    }));
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

// ── all ──

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
        blocks.extend(drug_blocks(lang, lines));
    }
    if let Some(checkups) = &data.checkups {
        blocks.push(Block::Heading(format!(
            "{}{}",
            lang.t(Msg::CheckupsTitle),
            lang.parenthesized(lang.t(Msg::PdfCheckupsScope))
        )));
        blocks.extend(checkup_blocks(
            lang,
            checkups,
            data.sex,
            ctx.person.birth_date,
        ));
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
