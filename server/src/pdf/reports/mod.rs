//! The exported documents, built from domain data (drugs, expenses, the 医療費控除 lines), the
//! checkup page's view model (`app::checkups::CheckupsView`) and the person header. Labels come
//! from the i18n layer, so the same builders give Japanese or English PDFs. One file per
//! document; this one holds what they share (the header, notes, money and period labels).

mod checkups;
mod combined;
mod deduction;
mod drugs;
mod expenses;

pub use checkups::{checkup_blocks, checkups_document};
pub use combined::combined_document;
pub use deduction::{deduction_blocks, deduction_document, DeductionData};
pub use drugs::{
    allergy_blocks, drug_blocks, drugs_document, drugs_document_with, notebook_blocks, own_blocks,
};
pub use expenses::{expense_blocks, expenses_document};

use super::layout::{Block, Document};
use app::checkups::CheckupsView;
use app::components::dates::long_date;
use app::i18n::{Lang, Msg};
use app::record::PersonHeader;
use chrono::{DateTime, NaiveDate, Utc};
use domain::drugs::DrugLine;
use domain::expenses::ExpenseLine;
use domain::money::{group_thousands, Yen};
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
    /// The checkups as the page shows them (the last five from FY2020 on).
    pub checkups: Option<CheckupsView>,
    pub expenses: Option<Vec<ExpenseLine>>,
    /// What the person entered themselves (with the drugs).
    pub own: Option<domain::own::OwnEntries>,
}

/// 1,234円 / ¥1,234.
pub fn yen(lang: Lang, y: Yen) -> String {
    match lang {
        Lang::Ja => format!("{}円", group_thousands(y.0)),
        Lang::En => format!("¥{}", group_thousands(y.0)),
    }
}

pub(super) fn month_label(lang: Lang, m: YearMonth) -> String {
    match lang {
        Lang::Ja => m.label_ja(),
        Lang::En => m.label_en(),
    }
}

/// 2025年 / 2025.
pub(super) fn year_label(lang: Lang, year: i32) -> String {
    match lang {
        Lang::Ja => format!("{year}年"),
        Lang::En => year.to_string(),
    }
}

pub(super) fn period_label(lang: Lang, months: MonthRange) -> String {
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

pub(super) fn document(
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

pub(super) fn data_as_of(lang: Lang, date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| format!("{}: {}", lang.t(Msg::DataAsOf), long_date(d, lang)))
}

/// The newest publication date among the lines shown (the data reflects the insurer up to it).
pub(super) fn newest(dates: impl Iterator<Item = NaiveDate>) -> Option<NaiveDate> {
    dates.max()
}

pub(super) fn data_date(data: &ReportData) -> Option<NaiveDate> {
    let drugs = data
        .drugs
        .iter()
        .flatten()
        .map(|l| l.visible_from)
        .chain(data.drugs_as_of);
    let expenses = data.expenses.iter().flatten().map(|l| l.visible_from);
    let checkups = data
        .checkups
        .iter()
        .flat_map(|v| &v.checkups)
        .map(|c| c.performed_on);
    newest(drugs.chain(expenses).chain(checkups))
}
