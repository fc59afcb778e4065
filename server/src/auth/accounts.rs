//! Accounts: an identity (issuer, subject) from a provider, linked to a person by an explicit
//! step that checks what the insurer sent (insurance card and birth date).

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::{NaiveDate, Utc};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub id: String,
    pub person_id: Option<String>,
}

/// The account of (issuer, subject), created on first sign-in.
pub async fn find_or_create(db: &Db, issuer: &str, subject: &str) -> Result<Account, DbError> {
    let new_id = format!(
        "acc-{}",
        super::session::new_token()
            .chars()
            .take(22)
            .collect::<String>()
    );
    let account = with_pool!(db, pool => {
        sqlx::query("INSERT INTO accounts (id, issuer, subject) VALUES ($1, $2, $3) ON CONFLICT (issuer, subject) DO NOTHING")
            .bind(&new_id)
            .bind(issuer)
            .bind(subject)
            .execute(pool)
            .await?;
        sqlx::query_as::<_, Account>("SELECT id, person_id FROM accounts WHERE issuer = $1 AND subject = $2")
            .bind(issuer)
            .bind(subject)
            .fetch_one(pool)
            .await?
    });
    Ok(account)
}

/// Why linking did not happen; each says what the person can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// No insured person with that card and birth date (or a typo).
    NoMatch,
    /// That person is already linked to another sign-in.
    AlreadyLinked,
}

/// Links `account` to the person whose insurance card and birth date match, as the insurer
/// registered them. The caller writes the audit entry.
pub async fn link_by_card(
    db: &Db,
    account_id: &str,
    insurer_number: &str,
    number: &str,
    branch: &str,
    birth_date: NaiveDate,
) -> Result<Result<String, LinkError>, DbError> {
    let matched: Option<(String,)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT i.person_id FROM insurances i JOIN people p ON p.id = i.person_id
         WHERE i.insurer_number = $1 AND i.number = $2 AND COALESCE(i.branch, '') = $3 AND p.birth_date = $4
         LIMIT 1",
    )
    .bind(insurer_number)
    .bind(number)
    .bind(branch)
    .bind(birth_date)
    .fetch_optional(pool)
    .await?);
    let Some((person,)) = matched else {
        return Ok(Err(LinkError::NoMatch));
    };
    link(db, account_id, &person).await
}

/// Links an account to a person, unless another account already is.
pub async fn link(
    db: &Db,
    account_id: &str,
    person: &str,
) -> Result<Result<String, LinkError>, DbError> {
    let taken: Option<(String,)> = with_pool!(db, pool => sqlx::query_as("SELECT id FROM accounts WHERE person_id = $1")
        .bind(person)
        .fetch_optional(pool)
        .await?);
    if let Some((other,)) = taken {
        return Ok(if other == account_id {
            Ok(person.to_owned())
        } else {
            Err(LinkError::AlreadyLinked)
        });
    }
    with_pool!(db, pool => {
        sqlx::query("UPDATE accounts SET person_id = $1, linked_at = $2 WHERE id = $3")
            .bind(person)
            .bind(Utc::now())
            .bind(account_id)
            .execute(pool)
            .await?;
    });
    Ok(Ok(person.to_owned()))
}
