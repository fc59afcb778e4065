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
            let shown = RangeFlag::show(*out_of_range, value);
            if unit.is_empty() {
                shown
            } else {
                format!("{shown} {unit}")
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
                    let band = sex.and_then(|s| c.band_of(r, s));
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
            guidance.push(
                guidance_judgement(c, sex, Some(birth))
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

// ── 医療費控除 ──

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
            let (n, paid, reimbursed) = sum_of(group.iter());
            rows.push(Row::total(vec![
                format!("{who} {}", lang.t(Msg::PdfDedSubtotal)),
                String::new(),
                String::new(),
                String::new(),
                count(n),
                yen(lang, paid),
                yen(lang, reimbursed),
            ]));
        }
        let (n, paid, reimbursed) = sum_of(people.iter().flatten());
        rows.push(Row::total(vec![
            lang.t(Msg::PdfTotal).to_owned(),
            String::new(),
            String::new(),
            String::new(),
            count(n),
            yen(lang, paid),
            yen(lang, reimbursed),
        ]));
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
    use domain::deduction::{
        summarize, DeductionChoice, DeductionLine, FormCategory, LineOrigin, NoticeKey,
    };
    use domain::expenses::ServiceCategory;

    #[test]
    fn beyond_range_values_read_as_on_the_page() {
        // The page's cell text comes from the same `RangeFlag::show`.
        let result = |flag| domain::checkups::CheckupResult {
            code: domain::checkups::ItemCode::parse("3D046000001906202").unwrap(),
            value: CheckupValue::Numeric {
                value: domain::checkups::Decimal::parse("120").unwrap(),
                unit: "mg/dL".into(),
                out_of_range: flag,
            },
        };
        assert_eq!(
            value_text(Lang::Ja, &result(Some(RangeFlag::Above))),
            "≧120 mg/dL"
        );
        assert_eq!(
            value_text(Lang::En, &result(Some(RangeFlag::Below))),
            "≦120 mg/dL"
        );
        assert_eq!(value_text(Lang::Ja, &result(None)), "120 mg/dL");
    }

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
        let pdf = super::super::layout::render(&doc, super::super::font::font().unwrap()).unwrap();
        assert!(pdf.bytes.starts_with(b"%PDF-") && pdf.pages == 1);
    }
}
