//! The 医療費控除 workbench's storage: hand-added lines, per-notice-line changes (unticked,
//! 補填, year moves) and the income entered, per person and tax year. Every query is scoped in
//! SQL by the person whose workbench it is (`owner`).

use crate::db::{Db, DbError};
use crate::records::codes::decode_err;
use crate::records::lines;
use crate::with_pool;
use chrono::NaiveDate;
use domain::deduction::{
    DeductionLine, FormCategory, LineOrigin, NoticeAdjustment, NoticeKey, TaxYear,
};
use domain::expenses::ExpenseLine;
use domain::id::HandLineId;
use domain::money::Yen;
use domain::people::PersonId;

/// A line the person adds by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewManualLine {
    pub patient_name: String,
    pub payee: String,
    pub category: FormCategory,
    pub amount: Yen,
    pub reimbursed: Yen,
    pub paid_on: Option<NaiveDate>,
    pub self_medication: bool,
    pub note: String,
}

#[derive(sqlx::FromRow)]
struct ManualRow {
    id: i64,
    patient_name: String,
    payee: String,
    category: String,
    amount: i64,
    reimbursed: i64,
    paid_on: Option<NaiveDate>,
    self_medication: bool,
    included: bool,
    note: String,
}

/// The hand-added lines of `owner`'s workbench for `year`, in the order they were added.
#[tracing::instrument(skip_all)]
pub async fn manual_lines(
    db: &Db,
    owner: &PersonId,
    year: TaxYear,
) -> Result<Vec<DeductionLine>, DbError> {
    const SQL: &str =
        "SELECT id, patient_name, payee, category, amount, reimbursed, paid_on, self_medication,
            included, note
        FROM deduction_manual_lines WHERE person_id = $1 AND tax_year = $2 ORDER BY id";
    let rows: Vec<ManualRow> = with_pool!(db, pool => sqlx::query_as(SQL)
        .bind(owner.as_str())
        .bind(i64::from(year.value()))
        .fetch_all(pool)
        .await?);
    rows.into_iter()
        .map(|r| {
            let category = FormCategory::parse(&r.category).ok_or_else(|| {
                DbError::Query(decode_err("category")(std::io::Error::other(format!(
                    "unknown category {:?}",
                    r.category
                ))))
            })?;
            Ok(DeductionLine {
                origin: LineOrigin::Manual { id: r.id },
                person: None,
                person_name: r.patient_name,
                payee: r.payee,
                category,
                paid: Yen(r.amount),
                reimbursed: Yen(r.reimbursed),
                paid_on: r.paid_on,
                self_medication: r.self_medication,
                included: r.included,
                note: r.note,
            })
        })
        .collect()
}

/// Adds a hand line; returns its id.
pub async fn add_manual_line(
    db: &Db,
    owner: &PersonId,
    year: TaxYear,
    line: &NewManualLine,
) -> Result<HandLineId, DbError> {
    const SQL: &str = "INSERT INTO deduction_manual_lines
            (person_id, tax_year, patient_name, payee, category, amount, reimbursed, paid_on, self_medication, note)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
    let (id,): (i64,) = with_pool!(db, pool => sqlx::query_as(SQL)
        .bind(owner.as_str())
        .bind(i64::from(year.value()))
        .bind(&line.patient_name)
        .bind(&line.payee)
        .bind(line.category.code())
        .bind(line.amount.value())
        .bind(line.reimbursed.value())
        .bind(line.paid_on)
        .bind(line.self_medication)
        .bind(&line.note)
        .fetch_one(pool)
        .await?);
    Ok(HandLineId::new(id).map_err(decode_err("id"))?)
}

/// Removes one of `owner`'s hand lines; `false` when it is not theirs.
pub async fn delete_manual_line(
    db: &Db,
    owner: &PersonId,
    id: HandLineId,
) -> Result<bool, DbError> {
    let n = with_pool!(db, pool => sqlx::query("DELETE FROM deduction_manual_lines WHERE id = $1 AND person_id = $2")
        .bind(id.get())
        .bind(owner.as_str())
        .execute(pool)
        .await?
        .rows_affected());
    Ok(n == 1)
}

/// Ticks or unticks one of `owner`'s hand lines; `false` when it is not theirs.
pub async fn set_manual_included(
    db: &Db,
    owner: &PersonId,
    id: HandLineId,
    included: bool,
) -> Result<bool, DbError> {
    let n = with_pool!(db, pool => sqlx::query("UPDATE deduction_manual_lines SET included = $1 WHERE id = $2 AND person_id = $3")
        .bind(included)
        .bind(id.get())
        .bind(owner.as_str())
        .execute(pool)
        .await?
        .rows_affected());
    Ok(n == 1)
}

/// Sets the 補填 of one of `owner`'s hand lines; `false` when it is not theirs.
pub async fn set_manual_reimbursed(
    db: &Db,
    owner: &PersonId,
    id: HandLineId,
    reimbursed: Yen,
) -> Result<bool, DbError> {
    let n = with_pool!(db, pool => sqlx::query("UPDATE deduction_manual_lines SET reimbursed = $1 WHERE id = $2 AND person_id = $3")
        .bind(reimbursed.value())
        .bind(id.get())
        .bind(owner.as_str())
        .execute(pool)
        .await?
        .rows_affected());
    Ok(n == 1)
}

#[derive(sqlx::FromRow)]
struct AdjustmentRow {
    line_person_id: String,
    notice_key: String,
    excluded: bool,
    reimbursed: Option<i64>,
    moved_to: Option<i64>,
}

/// Every change `owner` made to notice lines (any year: a move takes a line across years).
#[tracing::instrument(skip_all)]
pub async fn adjustments(db: &Db, owner: &PersonId) -> Result<Vec<NoticeAdjustment>, DbError> {
    const SQL: &str = "SELECT line_person_id, notice_key, excluded, reimbursed, moved_to
        FROM deduction_notice_adjustments WHERE person_id = $1";
    let rows: Vec<AdjustmentRow> = with_pool!(db, pool => sqlx::query_as(SQL)
        .bind(owner.as_str())
        .fetch_all(pool)
        .await?);
    rows.into_iter()
        .map(|r| {
            Ok(NoticeAdjustment {
                person: PersonId::parse(&r.line_person_id)
                    .map_err(|e| DbError::Query(decode_err("line_person_id")(e)))?,
                key: NoticeKey::parse(&r.notice_key)
                    .map_err(|e| DbError::Query(decode_err("notice_key")(e)))?,
                excluded: r.excluded,
                reimbursed: r.reimbursed.map(Yen),
                moved_to: r
                    .moved_to
                    .and_then(|y| i32::try_from(y).ok())
                    .and_then(|y| TaxYear::new(y).ok()),
            })
        })
        .collect()
}

/// One change to a notice line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeChange {
    Excluded(bool),
    Reimbursed(Option<Yen>),
    MovedTo(Option<TaxYear>),
}

/// Records a change to one notice line of `line_person` in `owner`'s workbench.
pub async fn change_notice_line(
    db: &Db,
    owner: &PersonId,
    line_person: &PersonId,
    key: &NoticeKey,
    change: NoticeChange,
) -> Result<(), DbError> {
    // One statement per column: the column names are fixed here, never from input.
    let (sql, value): (&str, Option<i64>) = match change {
        NoticeChange::Excluded(x) => (
            "INSERT INTO deduction_notice_adjustments (person_id, line_person_id, notice_key, excluded)
             VALUES ($1, $2, $3, $4 = 1)
             ON CONFLICT (person_id, line_person_id, notice_key) DO UPDATE SET excluded = EXCLUDED.excluded, updated_at = CURRENT_TIMESTAMP",
            Some(i64::from(x)),
        ),
        NoticeChange::Reimbursed(y) => (
            "INSERT INTO deduction_notice_adjustments (person_id, line_person_id, notice_key, reimbursed)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (person_id, line_person_id, notice_key) DO UPDATE SET reimbursed = EXCLUDED.reimbursed, updated_at = CURRENT_TIMESTAMP",
            y.map(Yen::value),
        ),
        NoticeChange::MovedTo(year) => (
            "INSERT INTO deduction_notice_adjustments (person_id, line_person_id, notice_key, moved_to)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (person_id, line_person_id, notice_key) DO UPDATE SET moved_to = EXCLUDED.moved_to, updated_at = CURRENT_TIMESTAMP",
            year.map(|y| i64::from(y.value())),
        ),
    };
    with_pool!(db, pool => {
        sqlx::query(sql)
            .bind(owner.as_str())
            .bind(line_person.as_str())
            .bind(key.as_str())
            .bind(value)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// 総所得金額等 entered for the year, if any.
pub async fn total_income(
    db: &Db,
    owner: &PersonId,
    year: TaxYear,
) -> Result<Option<Yen>, DbError> {
    let row: Option<(i64,)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT total_income FROM deduction_years WHERE person_id = $1 AND tax_year = $2",
    )
    .bind(owner.as_str())
    .bind(i64::from(year.value()))
    .fetch_optional(pool)
    .await?);
    Ok(row.map(|(v,)| Yen(v)))
}

pub async fn set_total_income(
    db: &Db,
    owner: &PersonId,
    year: TaxYear,
    income: Yen,
) -> Result<(), DbError> {
    with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO deduction_years (person_id, tax_year, total_income) VALUES ($1, $2, $3)
             ON CONFLICT (person_id, tax_year) DO UPDATE SET total_income = EXCLUDED.total_income, updated_at = CURRENT_TIMESTAMP",
        )
        .bind(owner.as_str())
        .bind(i64::from(year.value()))
        .bind(income.value())
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// The notice lines a person sees today (publication, supersession, 3-year window), oldest
/// month first, then by institution and 診療区分: the order the deduction lists them in.
#[tracing::instrument(skip_all)]
pub async fn notice_lines(
    db: &Db,
    person: &PersonId,
    today: NaiveDate,
) -> Result<Vec<ExpenseLine>, DbError> {
    let window = domain::visibility::retention_window(today);
    let mut lines = lines::visible_expense_lines(db, person, window, today).await?;
    lines.sort_by(|a, b| {
        (a.service_month, &a.institution_name, &a.category).cmp(&(
            b.service_month,
            &b.institution_name,
            &b.category,
        ))
    });
    Ok(lines)
}
