//! Accounts: an identity (issuer, subject) from a provider, linked to a person by an explicit
//! step that checks what the insurer sent (insurance card and birth date).

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::{DateTime, NaiveDate, Utc};
use domain::id::AccountId;
use domain::insurance::CardIdentity;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    #[sqlx(try_from = "String")]
    pub id: AccountId,
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
    /// No insured person with that card and birth date (or a typo, or a wrong or used code).
    NoMatch,
    /// That person is already linked to another sign-in.
    AlreadyLinked,
    /// This sign-in is already linked to a person: unlink first (a separate, audited step).
    AccountLinked,
}

/// What a person proves at the linking step: every field of a current card as the insurer
/// registered it, the birth date, and (where required) a one-time code from the insurer.
pub struct CardProof<'a> {
    pub card: &'a CardIdentity,
    pub birth_date: NaiveDate,
    pub code: Option<&'a str>,
}

/// Links `account` to the person whose current card (保険者番号, 記号, 番号, 枝番) and birth date
/// match, as the insurer registered them; with `code_required`, only with an unused, unexpired
/// code issued for that person (used up by linking). The caller audits and throttles.
pub async fn link_by_card(
    db: &Db,
    account_id: &AccountId,
    proof: &CardProof<'_>,
    code_required: bool,
    today: NaiveDate,
) -> Result<Result<String, LinkError>, DbError> {
    let card = proof.card;
    let matched: Option<(String,)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT i.person_id FROM insurances i JOIN people p ON p.id = i.person_id
         WHERE i.insurer_number = $1 AND COALESCE(i.symbol, '') = $2 AND i.number = $3
           AND COALESCE(i.branch, '') = $4 AND p.birth_date = $5
           AND i.valid_from <= $6 AND (i.valid_to IS NULL OR i.valid_to >= $6)
         LIMIT 1",
    )
    .bind(card.insurer().as_str())
    .bind(card.symbol().map_or("", |s| s.as_str()))
    .bind(card.number().as_str())
    .bind(card.branch().map_or("", |b| b.as_str()))
    .bind(proof.birth_date)
    .bind(today)
    .fetch_optional(pool)
    .await?);
    let Some((person,)) = matched else {
        return Ok(Err(LinkError::NoMatch));
    };
    if let Some(refused) = refusal(db, account_id, &person).await? {
        return Ok(Err(refused));
    }
    if code_required {
        let used = match proof.code {
            Some(code) => use_link_code(db, &person, code, Utc::now()).await?,
            None => false,
        };
        if !used {
            return Ok(Err(LinkError::NoMatch));
        }
    }
    link(db, account_id, &person).await
}

/// Why `account` may not be linked to `person`, if it may not.
async fn refusal(
    db: &Db,
    account_id: &AccountId,
    person: &str,
) -> Result<Option<LinkError>, DbError> {
    let mine: Option<(Option<String>,)> = with_pool!(db, pool => sqlx::query_as("SELECT person_id FROM accounts WHERE id = $1")
        .bind(account_id.as_str())
        .fetch_optional(pool)
        .await?);
    match mine.and_then(|(p,)| p) {
        Some(p) if p == person => return Ok(None),
        Some(_) => return Ok(Some(LinkError::AccountLinked)),
        None => {}
    }
    let taken: Option<(String,)> = with_pool!(db, pool => sqlx::query_as("SELECT id FROM accounts WHERE person_id = $1")
        .bind(person)
        .fetch_optional(pool)
        .await?);
    Ok(taken.map(|_| LinkError::AlreadyLinked))
}

/// Links an account to a person, unless another account already is, or this account is
/// linked to someone else.
pub async fn link(
    db: &Db,
    account_id: &AccountId,
    person: &str,
) -> Result<Result<String, LinkError>, DbError> {
    if let Some(refused) = refusal(db, account_id, person).await? {
        return Ok(Err(refused));
    }
    with_pool!(db, pool => {
        sqlx::query("UPDATE accounts SET person_id = $1, linked_at = $2 WHERE id = $3 AND (person_id IS NULL OR person_id = $1)")
            .bind(person)
            .bind(Utc::now())
            .bind(account_id.as_str())
            .execute(pool)
            .await?;
    });
    Ok(Ok(person.to_owned()))
}

/// Ends the link of an account; returns the person it was linked to, if any.
pub async fn unlink(db: &Db, account_id: &AccountId) -> Result<Option<String>, DbError> {
    let was: Option<(Option<String>,)> = with_pool!(db, pool => sqlx::query_as("SELECT person_id FROM accounts WHERE id = $1")
        .bind(account_id.as_str())
        .fetch_optional(pool)
        .await?);
    let Some(person) = was.and_then(|(p,)| p) else {
        return Ok(None);
    };
    with_pool!(db, pool => {
        sqlx::query("UPDATE accounts SET person_id = NULL, linked_at = NULL WHERE id = $1 AND person_id = $2")
            .bind(account_id.as_str())
            .bind(&person)
            .execute(pool)
            .await?;
        sqlx::query("UPDATE sessions SET viewing_id = NULL WHERE account_id = $1")
            .bind(account_id.as_str())
            .execute(pool)
            .await?;
    });
    Ok(Some(person))
}

/// People a failed attempt was aimed at: those on a card with the 保険者番号 and 番号 given,
/// and (when few enough to mean something) those of that insurer born on the day given.
pub async fn people_probed(
    db: &Db,
    card: &CardIdentity,
    birth_date: NaiveDate,
) -> Result<Vec<String>, DbError> {
    const BIRTH_DATE_MATCHES_SHOWN: usize = 3;
    let (by_card, by_birth): (Vec<(String,)>, Vec<(String,)>) = with_pool!(db, pool => (
        sqlx::query_as("SELECT DISTINCT person_id FROM insurances WHERE insurer_number = $1 AND number = $2 ORDER BY person_id LIMIT 10")
            .bind(card.insurer().as_str())
            .bind(card.number().as_str())
            .fetch_all(pool)
            .await?,
        sqlx::query_as(
            "SELECT DISTINCT i.person_id FROM insurances i JOIN people p ON p.id = i.person_id
             WHERE i.insurer_number = $1 AND p.birth_date = $2 ORDER BY i.person_id LIMIT 4",
        )
        .bind(card.insurer().as_str())
        .bind(birth_date)
        .fetch_all(pool)
        .await?,
    ));
    let mut out: Vec<String> = by_card.into_iter().map(|(p,)| p).collect();
    if by_birth.len() <= BIRTH_DATE_MATCHES_SHOWN {
        out.extend(by_birth.into_iter().map(|(p,)| p));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// How long an insurer's one-time linking code stays valid by default.
pub const LINK_CODE_DAYS: i64 = 60;

pub use crate::hash::{code_hash, one_time_code};

/// Issues a one-time linking code for `person` (12 characters, printed as XXXX-XXXX-XXXX);
/// only its hash is stored. `Ok(None)` when there is no such person.
pub async fn issue_link_code(
    db: &Db,
    person: &str,
    valid_for: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbError> {
    let exists: Option<(String,)> = with_pool!(db, pool => sqlx::query_as("SELECT id FROM people WHERE id = $1")
        .bind(person)
        .fetch_optional(pool)
        .await?);
    if exists.is_none() {
        return Ok(None);
    }
    let code = one_time_code();
    with_pool!(db, pool => {
        sqlx::query("INSERT INTO insurer_link_codes (person_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(person)
            .bind(code_hash(&code))
            .bind(now)
            .bind(now + valid_for)
            .execute(pool)
            .await?;
    });
    Ok(Some(code))
}

/// Uses up `person`'s code if it is theirs, unused and unexpired.
async fn use_link_code(
    db: &Db,
    person: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let n = with_pool!(db, pool => sqlx::query(
        "UPDATE insurer_link_codes SET used_at = $1
         WHERE person_id = $2 AND code_hash = $3 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(person)
    .bind(code_hash(code))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}
