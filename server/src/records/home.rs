//! ホーム's own queries: how fresh each kind of record is, what arrived since a moment, and
//! proxies' accesses since then. Every query is for one person, filtered by it in SQL.

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::{DateTime, NaiveDate, Utc};
use domain::people::PersonId;

/// The earliest day any record may have (for "no lower limit").
fn floor_day(since: Option<NaiveDate>) -> NaiveDate {
    since.unwrap_or(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default())
}

/// The latest publication day of the person's drug lines visible today (dispensed from
/// `since` on).
pub async fn drugs_as_of(
    db: &Db,
    person: &PersonId,
    today: NaiveDate,
    since: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, DbError> {
    const SQL: &str = "SELECT max(visible_from) FROM drug_lines
         WHERE person_id = $1 AND visible_from <= $2 AND dispensed_on >= $3";
    Ok(with_pool!(db, pool => sqlx::query_scalar(SQL)
        .bind(person.as_str())
        .bind(today)
        .bind(floor_day(since))
        .fetch_one(pool)
        .await?))
}

/// The latest publication day of the person's expense lines visible today (from the month of
/// `since` on).
pub async fn expenses_as_of(
    db: &Db,
    person: &PersonId,
    today: NaiveDate,
    since: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, DbError> {
    const SQL: &str = "SELECT max(visible_from) FROM expense_lines
         WHERE person_id = $1 AND visible_from <= $2 AND service_month >= $3";
    let first = domain::period::YearMonth::of(floor_day(since)).to_string();
    Ok(with_pool!(db, pool => sqlx::query_scalar(SQL)
        .bind(person.as_str())
        .bind(today)
        .bind(first)
        .fetch_one(pool)
        .await?))
}

/// The 実施日 of the person's latest checkup (from `since` on).
pub async fn checkups_as_of(
    db: &Db,
    person: &PersonId,
    since: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, DbError> {
    const SQL: &str =
        "SELECT max(performed_on) FROM checkups WHERE person_id = $1 AND performed_on >= $2";
    Ok(with_pool!(db, pool => sqlx::query_scalar(SQL)
        .bind(person.as_str())
        .bind(floor_day(since))
        .fetch_one(pool)
        .await?))
}

/// When the person signed in before `before` (the start of the current session), if ever.
pub async fn previous_sign_in(
    db: &Db,
    person: &str,
    before: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbError> {
    const SQL: &str = "SELECT at FROM audit_log
         WHERE subject_person = $1 AND actor_person = $1 AND action = 'sign_in' AND at < $2
         ORDER BY at DESC LIMIT 1";
    Ok(with_pool!(db, pool => sqlx::query_scalar(SQL)
        .bind(person)
        .bind(before)
        .fetch_optional(pool)
        .await?))
}

/// How many records arrived for the person since `since`: drug and expense lines published
/// after that day (and by today), and checkups imported after that moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Arrivals {
    pub drug_lines: i64,
    pub expense_lines: i64,
    pub checkups: i64,
}

pub async fn arrivals(
    db: &Db,
    person: &PersonId,
    since: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Arrivals, DbError> {
    // The day in Japan (UTC+9, no daylight saving).
    let day = (since + chrono::Duration::hours(9)).date_naive();
    const DRUGS: &str = "SELECT count(*) FROM drug_lines
         WHERE person_id = $1 AND visible_from > $2 AND visible_from <= $3";
    const EXPENSES: &str = "SELECT count(*) FROM expense_lines
         WHERE person_id = $1 AND visible_from > $2 AND visible_from <= $3";
    const CHECKUPS: &str =
        "SELECT count(*) FROM checkups c JOIN import_batches b ON b.id = c.batch_id
         WHERE c.person_id = $1 AND b.imported_at > $2";
    let drug_lines = published_between(db, DRUGS, person, day, today).await?;
    let expense_lines = published_between(db, EXPENSES, person, day, today).await?;
    let checkups: i64 = match db {
        Db::Sqlite(pool) => {
            // imported_at is text written by SQLite itself ('…T…Z'); compare in the same form.
            sqlx::query_scalar(CHECKUPS)
                .bind(person.as_str())
                .bind(since.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                .fetch_one(pool)
                .await?
        }
        Db::Postgres(pool) => {
            sqlx::query_scalar(CHECKUPS)
                .bind(person.as_str())
                .bind(since)
                .fetch_one(pool)
                .await?
        }
    };
    Ok(Arrivals {
        drug_lines,
        expense_lines,
        checkups,
    })
}

/// Runs a `count(*)` over `person`'s lines published after `after` and by `today`.
async fn published_between(
    db: &Db,
    sql: &'static str,
    person: &PersonId,
    after: NaiveDate,
    today: NaiveDate,
) -> Result<i64, DbError> {
    Ok(with_pool!(db, pool => sqlx::query_scalar(sql)
        .bind(person.as_str())
        .bind(after)
        .bind(today)
        .fetch_one(pool)
        .await?))
}

/// A proxy's view or export of the person's records.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProxyEntry {
    #[sqlx(try_from = "i64")]
    pub id: domain::id::AuditEntryId,
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor_name: Option<String>,
    pub detail: String,
    pub reported: i64,
}

/// Views and exports of `person`'s records by other people (proxies, card holders) after
/// `since` (all of them when `None`), newest first, at most `limit`.
pub async fn proxy_accesses(
    db: &Db,
    person: &str,
    since: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<ProxyEntry>, DbError> {
    const SQL: &str = "SELECT a.id, a.at, a.action, p.name AS actor_name, a.detail,
            (SELECT COUNT(*) FROM access_reports r WHERE r.audit_id = a.id AND r.person_id = $1) AS reported
         FROM audit_log a LEFT JOIN people p ON p.id = a.actor_person
         WHERE a.subject_person = $1 AND a.at > $2
           AND a.actor_person IS NOT NULL AND a.actor_person <> $1
           AND a.action IN ('view', 'export')
         ORDER BY a.at DESC, a.id DESC LIMIT $3";
    let since = since.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    Ok(with_pool!(db, pool => sqlx::query_as(SQL)
        .bind(person)
        .bind(since)
        .bind(limit)
        .fetch_all(pool)
        .await?))
}
