//! A person's checkups and, per insurer, whether checkup results are registered.

use crate::db::{Db, DbError};
use crate::records::codes::{decode_err, from_code};
use crate::with_pool;
use chrono::NaiveDate;
use domain::checkups::{Checkup, CheckupKind, CheckupRegistration, CheckupResult, ItemCode};
use domain::insurance::InsurerNumber;
use domain::people::{PersonId, Sex};
use std::collections::BTreeMap;

#[derive(sqlx::FromRow)]
struct CheckupRow {
    id: i64,
    performed_on: NaiveDate,
    kind: String,
    institution_name: String,
    insurer_number: String,
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    checkup_id: i64,
    code: String,
    value: String,
}

/// Every checkup of a person, newest first, with all its results in the order received.
#[tracing::instrument(skip_all)]
pub async fn checkups_for(db: &Db, person: &PersonId) -> Result<Vec<Checkup>, DbError> {
    const CHECKUPS: &str =
        "SELECT id, performed_on, kind, institution_name, insurer_number FROM checkups
        WHERE person_id = $1 ORDER BY performed_on DESC";
    // Scoped through the checkup's person, never by checkup id alone.
    const RESULTS: &str = "SELECT checkup_id, code, value FROM checkup_results
        WHERE person_id = $1 ORDER BY checkup_id, position";
    let (rows, results): (Vec<CheckupRow>, Vec<ResultRow>) = with_pool!(db, pool => (
        sqlx::query_as(CHECKUPS).bind(person.as_str()).fetch_all(pool).await?,
        sqlx::query_as(RESULTS).bind(person.as_str()).fetch_all(pool).await?,
    ));
    let mut by_checkup: BTreeMap<i64, Vec<CheckupResult>> = BTreeMap::new();
    for r in results {
        let value = serde_json::from_str(&r.value).map_err(decode_err("value"))?;
        let code = ItemCode::parse(&r.code).map_err(decode_err("code"))?;
        by_checkup
            .entry(r.checkup_id)
            .or_default()
            .push(CheckupResult { code, value });
    }
    let checkups = rows
        .into_iter()
        .map(|row| {
            Ok(Checkup {
                performed_on: row.performed_on,
                institution_name: row.institution_name,
                kind: from_code("kind", &row.kind)?,
                insurer: InsurerNumber::parse(&row.insurer_number)
                    .map_err(decode_err("insurer_number"))?,
                results: by_checkup.remove(&row.id).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(checkups)
}

/// The day and kind of each checkup of `person` that came in a batch the person (or a proxy
/// for them) uploaded through `/import` (`import_batches.owner_person`), not from an insurer.
pub async fn self_imported_checkups(
    db: &Db,
    person: &PersonId,
) -> Result<Vec<(NaiveDate, CheckupKind)>, DbError> {
    let rows: Vec<(NaiveDate, String)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT c.performed_on, c.kind FROM checkups c
         JOIN import_batches b ON b.id = c.batch_id
         WHERE c.person_id = $1 AND b.owner_person = $1",
    )
    .bind(person.as_str())
    .fetch_all(pool)
    .await?);
    rows.into_iter()
        .map(|(on, kind)| Ok((on, from_code("kind", &kind)?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(Into::into)
}

/// One of the person's insurers and what it says about checkup results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsurerCheckupStatus {
    pub number: InsurerNumber,
    pub name: String,
    pub registration: Option<CheckupRegistration>,
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    insurer_number: String,
    insurer_name: String,
    checkup_registration: Option<String>,
    checkup_registration_on: Option<NaiveDate>,
}

/// The person's insurers with their checkup registration status: the insurances they hold
/// (newest first), then insurers that registered checkups of theirs under an earlier insurance
/// (a person who moved to 後期高齢者医療 keeps the 国保's checkups), newest checkup first.
pub async fn checkup_status(
    db: &Db,
    person: &PersonId,
) -> Result<Vec<InsurerCheckupStatus>, DbError> {
    const HELD: &str = "SELECT i.insurer_number, COALESCE(n.name, i.insurer_name) AS insurer_name,
            n.checkup_registration, n.checkup_registration_on
        FROM insurances i LEFT JOIN insurers n ON n.number = i.insurer_number
        WHERE i.person_id = $1 ORDER BY i.valid_from DESC";
    const PAST: &str =
        "SELECT c.insurer_number, COALESCE(n.name, c.insurer_number) AS insurer_name,
            n.checkup_registration, n.checkup_registration_on
        FROM checkups c LEFT JOIN insurers n ON n.number = c.insurer_number
        WHERE c.person_id = $1 ORDER BY c.performed_on DESC";
    let (held, past): (Vec<StatusRow>, Vec<StatusRow>) = with_pool!(db, pool => (
        sqlx::query_as(HELD).bind(person.as_str()).fetch_all(pool).await?,
        sqlx::query_as(PAST).bind(person.as_str()).fetch_all(pool).await?,
    ));
    let mut out: Vec<InsurerCheckupStatus> = Vec::new();
    for r in held.into_iter().chain(past) {
        if out.iter().any(|o| o.number.as_str() == r.insurer_number) {
            continue;
        }
        out.push(InsurerCheckupStatus {
            number: InsurerNumber::parse(&r.insurer_number)
                .map_err(decode_err("insurer_number"))
                .map_err(DbError::from)?,
            name: r.insurer_name,
            registration: r
                .checkup_registration
                .as_deref()
                .and_then(|code| CheckupRegistration::from_parts(code, r.checkup_registration_on)),
        });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct SubjectRow {
    birth_date: NaiveDate,
    sex: Option<String>,
}

/// The facts the checkup rules need about the person: birth date (age on the checkup date,
/// for the 65–74 guidance rule) and sex (Hb bands, the waist gate). `None`: no such person.
pub async fn checkup_subject(
    db: &Db,
    person: &PersonId,
) -> Result<Option<(NaiveDate, Option<Sex>)>, DbError> {
    const SQL: &str = "SELECT birth_date, sex FROM people WHERE id = $1";
    let row: Option<SubjectRow> = with_pool!(db, pool => sqlx::query_as(SQL).bind(person.as_str()).fetch_optional(pool).await?);
    row.map(|r| {
        let sex = r
            .sex
            .as_deref()
            .map(|s| from_code::<Sex>("sex", s))
            .transpose()?;
        Ok((r.birth_date, sex))
    })
    .transpose()
    .map_err(|e: sqlx::Error| DbError::from(e))
}
