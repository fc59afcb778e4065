//! 医療費控除: one tax year's workbench (notice lines of the person and, if asked, their
//! household, with the person's changes, plus hand-added lines) and its exports — the NTA
//! 医療費集計フォーム (.xlsx) and the マイナポータル 医療費通知情報 CSV. The page, the API and the
//! CLI all load the year through [`load`], so they show and export the same lines.

pub mod csv;
pub mod xlsx;

use crate::db::{Db, DbError};
use crate::records::{access, deduction};
use crate::with_pool;
use chrono::NaiveDate;
use domain::access::AccessKind;
use domain::deduction::form::{form_rows, FormError, FormRows};
use domain::deduction::{
    assemble, summarize, DeductionError, DeductionLine, LineOrigin, PersonNotice, TaxYear,
    YearSummary,
};
use domain::expenses::ExpenseLine;
use domain::money::Yen;
use domain::people::{PersonId, Sex};
use domain::period::YearMonth;

/// Someone whose notice lines are on the workbench.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub person: PersonId,
    pub name: String,
    /// A card holder's dependant: only notice months from this day's month on count (see
    /// `records::access`); `None`: every month.
    pub since: Option<NaiveDate>,
}

/// One tax year of one person's workbench.
#[derive(Debug, Clone)]
pub struct Workbench {
    pub owner: PersonId,
    pub year: TaxYear,
    /// Whose notices are included: the owner first, then household members.
    pub members: Vec<Member>,
    /// Notice lines that count in the year, then hand lines.
    pub lines: Vec<DeductionLine>,
    /// The notice lines behind `lines` (`LineOrigin::Notice::index` points here).
    notices: Vec<(PersonId, ExpenseLine)>,
    pub income: Option<Yen>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Form(#[from] FormError),
    #[error(transparent)]
    Xlsx(#[from] xlsx::XlsxError),
}

/// The household members `me` may see expenses of today (self included), with `owner` first.
/// Without `household`, only the owner.
pub async fn members(
    db: &Db,
    me: &str,
    owner: &PersonId,
    owner_name: &str,
    household: bool,
    today: NaiveDate,
) -> Result<Vec<Member>, DbError> {
    let viewable = if me == owner.as_str() {
        Vec::new()
    } else {
        access::viewable(db, me, today).await?
    };
    let owner_since = viewable
        .iter()
        .find(|v| v.person_id == owner.as_str())
        .and_then(|v| v.since);
    let mut out = vec![Member {
        person: owner.clone(),
        name: owner_name.to_owned(),
        since: owner_since,
    }];
    if !household {
        return Ok(out);
    }
    let viewable = if me == owner.as_str() {
        access::viewable(db, me, today).await?
    } else {
        viewable
    };
    for v in viewable {
        let sees_expenses = v
            .kinds
            .as_ref()
            .is_none_or(|k| k.contains(AccessKind::Expenses));
        if !sees_expenses || v.person_id == owner.as_str() {
            continue;
        }
        if let Ok(person) = PersonId::parse(&v.person_id) {
            out.push(Member {
                person,
                name: v.name,
                since: v.since,
            });
        }
    }
    Ok(out)
}

/// Loads the year: every member's visible notice lines (any year, since a move can bring a
/// line into this one), the owner's changes and hand lines, and the income entered.
pub async fn load(
    db: &Db,
    owner: &PersonId,
    members: Vec<Member>,
    year: TaxYear,
    today: NaiveDate,
) -> Result<Workbench, DbError> {
    let mut notices = Vec::new();
    for m in &members {
        let first = m.since.map(YearMonth::of);
        for line in deduction::notice_lines(db, &m.person, today).await? {
            if first.is_none_or(|f| line.service_month >= f) {
                notices.push((m.person.clone(), line));
            }
        }
    }
    let adjustments = deduction::adjustments(db, owner).await?;
    let manual = deduction::manual_lines(db, owner, year).await?;
    let income = deduction::total_income(db, owner, year).await?;
    let names: Vec<&str> = notices
        .iter()
        .map(|(p, _)| {
            members
                .iter()
                .find(|m| &m.person == p)
                .map_or("", |m| m.name.as_str())
        })
        .collect();
    let inputs: Vec<PersonNotice<'_>> = notices
        .iter()
        .zip(&names)
        .map(|((person, line), name)| PersonNotice {
            person,
            person_name: name,
            line,
        })
        .collect();
    let lines = assemble(year, &inputs, &adjustments, manual);
    Ok(Workbench {
        owner: owner.clone(),
        year,
        members,
        lines,
        notices,
        income,
    })
}

impl Workbench {
    /// Both calculators, once an income has been entered.
    pub fn summary(&self) -> Option<Result<YearSummary, DeductionError>> {
        self.income.map(|income| summarize(&self.lines, income))
    }

    pub fn form_rows(&self) -> Result<FormRows, FormError> {
        form_rows(&self.lines)
    }

    /// The filled 医療費集計フォーム.
    pub fn xlsx(&self) -> Result<Vec<u8>, ExportError> {
        let rows = self.form_rows()?;
        Ok(xlsx::workbook(&rows.rows)?)
    }

    /// The ticked notice lines of `person` that count in the year, in workbench order.
    pub fn notice_lines_of(&self, person: &PersonId) -> Vec<ExpenseLine> {
        self.lines
            .iter()
            .filter(|l| l.included)
            .filter_map(|l| match &l.origin {
                LineOrigin::Notice { index, .. } => self.notices.get(*index),
                LineOrigin::Manual { .. } => None,
            })
            .filter(|(p, _)| p == person)
            .map(|(_, line)| line.clone())
            .collect()
    }

    /// The owner's ticked notice lines of the year as a マイナポータル CSV (one file is one
    /// person; hand lines have no place in it).
    pub fn csv(&self, person: &csv::CsvPerson, created_on: NaiveDate) -> String {
        let y = self.year.value();
        let from = YearMonth::new(y, 1).expect("tax years are 2000–2100");
        let to = YearMonth::new(y, 12).expect("tax years are 2000–2100");
        csv::write(
            person,
            &self.notice_lines_of(&self.owner),
            from,
            to,
            created_on,
        )
    }
}

#[derive(sqlx::FromRow)]
struct CsvPersonRow {
    name: String,
    name_kana: Option<String>,
    sex: Option<String>,
    birth_date: Option<NaiveDate>,
    insurer_number: Option<String>,
    symbol: Option<String>,
    number: Option<String>,
    branch: Option<String>,
    insurer_name: Option<String>,
}

/// 資格情報 of a person for the CSV: their current insurance card.
pub async fn csv_person(db: &Db, person: &PersonId) -> Result<Option<csv::CsvPerson>, DbError> {
    const SQL: &str =
        "SELECT p.name, p.name_kana, p.sex, p.birth_date, i.insurer_number, i.symbol, i.number,
            i.branch, i.insurer_name
        FROM people p LEFT JOIN insurances i ON i.id = (
            SELECT id FROM insurances WHERE person_id = p.id ORDER BY valid_from DESC LIMIT 1)
        WHERE p.id = $1";
    let row: Option<CsvPersonRow> = with_pool!(db, pool => sqlx::query_as(SQL)
        .bind(person.as_str())
        .fetch_optional(pool)
        .await?);
    Ok(row.map(|r| csv::CsvPerson {
        name: r.name,
        name_kana: r.name_kana,
        birth_date: r.birth_date,
        sex: match r.sex.as_deref() {
            Some("male") => Some(Sex::Male),
            Some("female") => Some(Sex::Female),
            _ => None,
        },
        insurer_number: r.insurer_number,
        symbol: r.symbol,
        number: r.number,
        branch: r.branch,
        insurer_name: r.insurer_name,
    }))
}

/// The file name offered for download (ASCII, so every browser keeps it).
pub fn file_name(year: TaxYear, ext: &str) -> String {
    format!("iryouhi_{year}.{ext}")
}
