//! What a person entered themselves (本人入力): OTC medicines, allergies and side effects,
//! お薬手帳 memos. Every statement is scoped in SQL by the person the entries belong to; a
//! change to an id that is not theirs touches nothing and answers `false`.
//!
//! An OTC medicine with the セルフメディケーション switch on owns one line of the 医療費控除
//! workbench (`deduction_manual_lines`, the year of its start date); the line is written,
//! replaced and removed in the same transaction as the entry.

use crate::db::{Db, DbError};
use crate::records::codes::decode_err;
use crate::with_pool;
use chrono::{Datelike, NaiveDate};
use domain::money::Yen;
use domain::own::{Allergy, DrugMemo, OwnEntries, OwnMedicine, Severity};
use domain::people::PersonId;

#[derive(sqlx::FromRow)]
struct MedicineRow {
    id: i64,
    name: String,
    ingredient: String,
    from_date: NaiveDate,
    to_date: Option<NaiveDate>,
    bought_at: String,
    price: Option<i64>,
    deduction_line_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AllergyRow {
    id: i64,
    substance: String,
    reaction: String,
    since: Option<NaiveDate>,
    severity: String,
}

#[derive(sqlx::FromRow)]
struct MemoRow {
    id: i64,
    dispensed_on: NaiveDate,
    dispenser: String,
    memo: String,
}

/// Everything `person` entered: medicines newest first, allergies most severe first, memos
/// newest dispensing first.
#[tracing::instrument(skip_all)]
pub async fn entries(db: &Db, person: &PersonId) -> Result<OwnEntries, DbError> {
    const MEDICINES: &str = "SELECT id, name, ingredient, from_date, to_date, bought_at, price,
            deduction_line_id
        FROM own_medicines WHERE person_id = $1 ORDER BY from_date DESC, id DESC";
    const ALLERGIES: &str = "SELECT id, substance, reaction, since, severity
        FROM own_allergies WHERE person_id = $1
        ORDER BY CASE severity WHEN 'severe' THEN 0 WHEN 'moderate' THEN 1 WHEN 'mild' THEN 2 ELSE 3 END, id";
    const MEMOS: &str = "SELECT id, dispensed_on, dispenser, memo
        FROM own_drug_memos WHERE person_id = $1 ORDER BY dispensed_on DESC, id DESC";
    let (medicines, allergies, memos): (Vec<MedicineRow>, Vec<AllergyRow>, Vec<MemoRow>) = with_pool!(db, pool => (
        sqlx::query_as(MEDICINES).bind(person.as_str()).fetch_all(pool).await?,
        sqlx::query_as(ALLERGIES).bind(person.as_str()).fetch_all(pool).await?,
        sqlx::query_as(MEMOS).bind(person.as_str()).fetch_all(pool).await?,
    ));
    let allergies = allergies
        .into_iter()
        .map(|r| {
            let severity = Severity::parse(&r.severity).ok_or_else(|| {
                DbError::Query(decode_err("severity")(std::io::Error::other(
                    "unknown severity",
                )))
            })?;
            Ok(Allergy {
                id: r.id,
                substance: r.substance,
                reaction: r.reaction,
                since: r.since,
                severity,
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok(OwnEntries {
        medicines: medicines
            .into_iter()
            .map(|r| OwnMedicine {
                id: r.id,
                name: r.name,
                ingredient: r.ingredient,
                from: r.from_date,
                to: r.to_date,
                bought_at: r.bought_at,
                price: r.price.map(Yen),
                self_medication: r.deduction_line_id.is_some(),
            })
            .collect(),
        allergies,
        memos: memos
            .into_iter()
            .map(|r| DrugMemo {
                id: r.id,
                dispensed_on: r.dispensed_on,
                dispenser: r.dispenser,
                memo: r.memo,
            })
            .collect(),
    })
}

/// The workbench line of a medicine with the switch on: for the person themself, 医薬品購入,
/// paid on the start day, in that year, counted for セルフメディケーション税制.
const DEDUCTION_LINE: &str = "INSERT INTO deduction_manual_lines
        (person_id, tax_year, patient_name, payee, category, amount, reimbursed, paid_on, self_medication, note)
    SELECT id, $2, name, $3, 'medicine', $4, 0, $5, $6, $7 FROM people WHERE id = $1
    RETURNING id";

/// Adds a medicine (and its workbench line when the switch is on); returns its id.
pub async fn add_medicine(db: &Db, person: &PersonId, m: &OwnMedicine) -> Result<i64, DbError> {
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let line: Option<i64> = if m.self_medication {
            let (id,): (i64,) = sqlx::query_as(DEDUCTION_LINE)
                .bind(person.as_str())
                .bind(i64::from(m.from.year()))
                .bind(&m.bought_at)
                .bind(m.price.unwrap_or(Yen::ZERO).value())
                .bind(m.from)
                .bind(true)
                .bind(&m.name)
                .fetch_one(&mut *tx)
                .await?;
            Some(id)
        } else {
            None
        };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO own_medicines (person_id, name, ingredient, from_date, to_date, bought_at, price, deduction_line_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(person.as_str())
        .bind(&m.name)
        .bind(&m.ingredient)
        .bind(m.from)
        .bind(m.to)
        .bind(&m.bought_at)
        .bind(m.price.map(Yen::value))
        .bind(line)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    })
}

/// Replaces one of `person`'s medicines (its workbench line too); `false` when the id is not
/// theirs (nothing changed).
pub async fn update_medicine(
    db: &Db,
    person: &PersonId,
    id: i64,
    m: &OwnMedicine,
) -> Result<bool, DbError> {
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let old: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT deduction_line_id FROM own_medicines WHERE id = $1 AND person_id = $2",
        )
        .bind(id)
        .bind(person.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((old_line,)) = old else {
            tx.rollback().await?;
            return Ok(false);
        };
        if let Some(line) = old_line {
            sqlx::query("DELETE FROM deduction_manual_lines WHERE id = $1 AND person_id = $2")
                .bind(line)
                .bind(person.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let line: Option<i64> = if m.self_medication {
            let (id,): (i64,) = sqlx::query_as(DEDUCTION_LINE)
                .bind(person.as_str())
                .bind(i64::from(m.from.year()))
                .bind(&m.bought_at)
                .bind(m.price.unwrap_or(Yen::ZERO).value())
                .bind(m.from)
                .bind(true)
                .bind(&m.name)
                .fetch_one(&mut *tx)
                .await?;
            Some(id)
        } else {
            None
        };
        sqlx::query(
            "UPDATE own_medicines SET name = $1, ingredient = $2, from_date = $3, to_date = $4,
                bought_at = $5, price = $6, deduction_line_id = $7
             WHERE id = $8 AND person_id = $9",
        )
        .bind(&m.name)
        .bind(&m.ingredient)
        .bind(m.from)
        .bind(m.to)
        .bind(&m.bought_at)
        .bind(m.price.map(Yen::value))
        .bind(line)
        .bind(id)
        .bind(person.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    })
}

/// Removes one of `person`'s medicines and its workbench line; `false` when not theirs.
pub async fn delete_medicine(db: &Db, person: &PersonId, id: i64) -> Result<bool, DbError> {
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let old: Option<(Option<i64>,)> = sqlx::query_as(
            "DELETE FROM own_medicines WHERE id = $1 AND person_id = $2 RETURNING deduction_line_id",
        )
        .bind(id)
        .bind(person.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((line,)) = old else {
            tx.rollback().await?;
            return Ok(false);
        };
        if let Some(line) = line {
            sqlx::query("DELETE FROM deduction_manual_lines WHERE id = $1 AND person_id = $2")
                .bind(line)
                .bind(person.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    })
}

pub async fn add_allergy(db: &Db, person: &PersonId, a: &Allergy) -> Result<i64, DbError> {
    let (id,): (i64,) = with_pool!(db, pool => sqlx::query_as(
        "INSERT INTO own_allergies (person_id, substance, reaction, since, severity)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(person.as_str())
    .bind(&a.substance)
    .bind(&a.reaction)
    .bind(a.since)
    .bind(a.severity.code())
    .fetch_one(pool)
    .await?);
    Ok(id)
}

pub async fn update_allergy(
    db: &Db,
    person: &PersonId,
    id: i64,
    a: &Allergy,
) -> Result<bool, DbError> {
    let n = with_pool!(db, pool => sqlx::query(
        "UPDATE own_allergies SET substance = $1, reaction = $2, since = $3, severity = $4
         WHERE id = $5 AND person_id = $6",
    )
    .bind(&a.substance)
    .bind(&a.reaction)
    .bind(a.since)
    .bind(a.severity.code())
    .bind(id)
    .bind(person.as_str())
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}

pub async fn add_memo(db: &Db, person: &PersonId, m: &DrugMemo) -> Result<i64, DbError> {
    let (id,): (i64,) = with_pool!(db, pool => sqlx::query_as(
        "INSERT INTO own_drug_memos (person_id, dispensed_on, dispenser, memo)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(person.as_str())
    .bind(m.dispensed_on)
    .bind(&m.dispenser)
    .bind(&m.memo)
    .fetch_one(pool)
    .await?);
    Ok(id)
}

pub async fn update_memo(
    db: &Db,
    person: &PersonId,
    id: i64,
    m: &DrugMemo,
) -> Result<bool, DbError> {
    let n = with_pool!(db, pool => sqlx::query(
        "UPDATE own_drug_memos SET dispensed_on = $1, dispenser = $2, memo = $3
         WHERE id = $4 AND person_id = $5",
    )
    .bind(m.dispensed_on)
    .bind(&m.dispenser)
    .bind(&m.memo)
    .bind(id)
    .bind(person.as_str())
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// Which table a plain delete is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Allergies,
    Memos,
}

/// Removes one of `person`'s allergies or memos; `false` when not theirs.
pub async fn delete(db: &Db, person: &PersonId, table: Table, id: i64) -> Result<bool, DbError> {
    // The table name is fixed here, never from input.
    let sql = match table {
        Table::Allergies => "DELETE FROM own_allergies WHERE id = $1 AND person_id = $2",
        Table::Memos => "DELETE FROM own_drug_memos WHERE id = $1 AND person_id = $2",
    };
    let n = with_pool!(db, pool => sqlx::query(sql)
        .bind(id)
        .bind(person.as_str())
        .execute(pool)
        .await?
        .rows_affected());
    Ok(n == 1)
}
