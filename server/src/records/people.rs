use crate::db::{Db, DbError};
use crate::with_pool;
use domain::people::{PersonHeader, PersonId, PersonSummary};

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    name: String,
    birth_date: chrono::NaiveDate,
    insurer_name: Option<String>,
}

/// Everyone registered, with their current insurer, ordered by id (stable for scripts).
#[tracing::instrument(skip_all)]
pub async fn list_people(db: &Db) -> Result<Vec<PersonSummary>, DbError> {
    // The current insurance is the one with the latest start date.
    const SQL: &str = "SELECT p.id, p.name, p.birth_date,
            (SELECT i.insurer_name FROM insurances i WHERE i.person_id = p.id
             ORDER BY i.valid_from DESC LIMIT 1) AS insurer_name
        FROM people p ORDER BY p.id";
    let rows: Vec<PersonRow> = with_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await?);
    rows.into_iter()
        .map(|r| {
            let id = PersonId::parse(&r.id)
                .map_err(|e| DbError::Query(sqlx::Error::Decode(Box::new(e))))?;
            Ok(PersonSummary {
                id,
                name: r.name,
                birth_date: r.birth_date,
                insurer_name: r.insurer_name.unwrap_or_default(),
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct HeaderRow {
    name: String,
    birth_date: chrono::NaiveDate,
    insurer_number: Option<String>,
    symbol: Option<String>,
    number: Option<String>,
    branch: Option<String>,
}

/// 受診者情報 of one person with their current insurance card (`None`: no such person).
pub async fn person_header(
    db: &Db,
    person: &PersonId,
    as_proxy: bool,
) -> Result<Option<PersonHeader>, DbError> {
    const SQL: &str = "SELECT p.name, p.birth_date, i.insurer_number, i.symbol, i.number, i.branch
        FROM people p LEFT JOIN insurances i ON i.id = (
            SELECT id FROM insurances WHERE person_id = p.id ORDER BY valid_from DESC LIMIT 1)
        WHERE p.id = $1";
    let row: Option<HeaderRow> = with_pool!(db, pool => sqlx::query_as(SQL).bind(person.as_str()).fetch_optional(pool).await?);
    Ok(row.map(|r| PersonHeader {
        person_id: person.to_string(),
        name: r.name,
        birth_date: r.birth_date,
        insurer_number: r.insurer_number,
        symbol: r.symbol,
        number: r.number,
        branch: r.branch,
        as_proxy,
    }))
}

/// The name of insurer `number` (保険者番号), if it is known.
pub async fn insurer_name(db: &Db, number: &str) -> Result<Option<String>, DbError> {
    let row: Option<(String,)> = with_pool!(db, pool => sqlx::query_as("SELECT name FROM insurers WHERE number = $1")
        .bind(number)
        .fetch_optional(pool)
        .await?);
    Ok(row.map(|(n,)| n))
}

/// Name, birth date and sex (`Some(true)`: female) of one person, for the お薬手帳 file.
pub async fn patient_of(
    db: &Db,
    person: &PersonId,
) -> Result<Option<(String, chrono::NaiveDate, Option<bool>)>, DbError> {
    const SQL: &str = "SELECT name, birth_date, sex FROM people WHERE id = $1";
    let row: Option<(String, chrono::NaiveDate, Option<String>)> = with_pool!(db, pool => sqlx::query_as(SQL).bind(person.as_str()).fetch_optional(pool).await?);
    Ok(row.map(|(name, birth, sex)| (name, birth, sex.map(|s| s == "female"))))
}
