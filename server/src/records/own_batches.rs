//! Batches a person brought in themselves (`/import`): what is already stored (to tell
//! duplicates apart), the person's own batches, and removing one of them. Every query is
//! scoped by the person in SQL; an insurer's batch (no `owner_person`) is never touched here.

use crate::db::Db;
use crate::db::DbError;
use crate::records::codes::to_code;
use crate::with_pool;
use chrono::NaiveDate;
use domain::people::PersonId;
use std::collections::HashSet;

/// An expense line as a duplicate is recognised: month, institution, category and amounts.
pub type ExpenseKey = (String, String, String, i64, i64);
/// A drug line: day, product, amount and dispenser.
pub type DrugKey = (NaiveDate, String, i64, String);
/// A checkup: day and kind (the table allows one per person, day and kind).
pub type CheckupKey = (NaiveDate, String);

/// What the person already has, in the months and days a batch covers.
#[derive(Debug, Default)]
pub struct Existing {
    pub expenses: HashSet<ExpenseKey>,
    pub drugs: HashSet<DrugKey>,
    pub checkups: HashSet<CheckupKey>,
}

/// The keys of `person`'s stored lines between `from` and `to` (inclusive).
pub async fn existing(
    db: &Db,
    person: &PersonId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Existing, DbError> {
    let from_month = from.format("%Y-%m").to_string();
    let to_month = to.format("%Y-%m").to_string();
    let expenses: Vec<ExpenseKey> = with_pool!(db, pool => sqlx::query_as(
        "SELECT service_month, institution_name, category, total, patient_paid FROM expense_lines
         WHERE person_id = $1 AND service_month >= $2 AND service_month <= $3",
    )
    .bind(person.as_str())
    .bind(&from_month)
    .bind(&to_month)
    .fetch_all(pool)
    .await?);
    let drugs: Vec<DrugKey> = with_pool!(db, pool => sqlx::query_as(
        "SELECT dispensed_on, drug_name, quantity_amount, dispenser_name FROM drug_lines
         WHERE person_id = $1 AND dispensed_on >= $2 AND dispensed_on <= $3",
    )
    .bind(person.as_str())
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?);
    let checkups: Vec<CheckupKey> = with_pool!(db, pool => sqlx::query_as(
        "SELECT performed_on, kind FROM checkups WHERE person_id = $1",
    )
    .bind(person.as_str())
    .fetch_all(pool)
    .await?);
    Ok(Existing {
        expenses: expenses.into_iter().collect(),
        drugs: drugs.into_iter().collect(),
        checkups: checkups.into_iter().collect(),
    })
}

pub fn expense_key(e: &domain::expenses::ExpenseLine) -> ExpenseKey {
    (
        e.service_month.to_string(),
        e.institution_name.clone(),
        e.category.label_ja().to_owned(),
        e.total.0,
        e.patient_paid.0,
    )
}

pub fn drug_key(d: &domain::drugs::DrugLine) -> DrugKey {
    (
        d.dispensed_on,
        d.drug_name.clone(),
        i64::from(d.quantity.amount),
        d.dispenser_name.clone(),
    )
}

pub fn checkup_key(c: &domain::checkups::Checkup) -> CheckupKey {
    (c.performed_on, to_code(&c.kind))
}

/// Whether a batch with this id is stored (for anyone).
pub async fn batch_exists(db: &Db, batch_id: &str) -> Result<bool, DbError> {
    let row: Option<(String,)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT id FROM import_batches WHERE id = $1",
    )
    .bind(batch_id)
    .fetch_optional(pool)
    .await?);
    Ok(row.is_some())
}

/// One batch the person brought in.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OwnBatch {
    pub id: String,
    pub format: String,
    pub line_count: i64,
    pub imported_at: String,
    pub imported_by: Option<String>,
}

/// The batches `person` (or a proxy for them) brought in, newest first.
pub async fn list(db: &Db, person: &PersonId) -> Result<Vec<OwnBatch>, DbError> {
    let rows: Vec<OwnBatch> = with_pool!(db, pool => sqlx::query_as(
        "SELECT id, format, line_count, CAST(imported_at AS TEXT) AS imported_at, imported_by
         FROM import_batches WHERE owner_person = $1 ORDER BY imported_at DESC, id",
    )
    .bind(person.as_str())
    .fetch_all(pool)
    .await?);
    Ok(rows)
}

/// What a removal took away (for the access log: counts, no values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Removed {
    pub drugs: u64,
    pub expenses: u64,
    pub checkups: u64,
}

/// Removes batch `batch_id` of `person` and every line it brought, in one transaction.
/// `None` when there is no such batch *of this person* (an insurer's batch, someone else's,
/// or one already removed): nothing changes then. `by_account`: when set, only a batch that
/// account uploaded (a proxy removes only what they brought in).
pub async fn remove(
    db: &Db,
    person: &PersonId,
    batch_id: &str,
    by_account: Option<&str>,
) -> Result<Option<Removed>, DbError> {
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let owned: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT imported_by FROM import_batches WHERE id = $1 AND owner_person = $2",
        )
        .bind(batch_id)
        .bind(person.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let allowed = match (&owned, by_account) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some((uploader,)), Some(account)) => uploader.as_deref() == Some(account),
        };
        if !allowed {
            tx.rollback().await?;
            return Ok(None);
        }
        let drugs = sqlx::query("DELETE FROM drug_lines WHERE batch_id = $1 AND person_id = $2")
            .bind(batch_id)
            .bind(person.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let expenses = sqlx::query("DELETE FROM expense_lines WHERE batch_id = $1 AND person_id = $2")
            .bind(batch_id)
            .bind(person.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "DELETE FROM checkup_results WHERE person_id = $2 AND checkup_id IN
               (SELECT id FROM checkups WHERE batch_id = $1 AND person_id = $2)",
        )
        .bind(batch_id)
        .bind(person.as_str())
        .execute(&mut *tx)
        .await?;
        let checkups = sqlx::query("DELETE FROM checkups WHERE batch_id = $1 AND person_id = $2")
            .bind(batch_id)
            .bind(person.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM import_batches WHERE id = $1 AND owner_person = $2")
            .bind(batch_id)
            .bind(person.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO record_versions (person_id, token) VALUES ($1, $2)
             ON CONFLICT (person_id) DO UPDATE SET token = excluded.token",
        )
        .bind(person.as_str())
        .bind(crate::records::line_cache::new_token())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(Removed { drugs, expenses, checkups }))
    })
}
