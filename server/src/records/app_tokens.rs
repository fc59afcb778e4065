//! Read-only tokens a person issues to a third-party app (連携アプリ) for the FHIR API: an app
//! name, the kinds of records it may read, an end date. The token is shown once; the database
//! keeps only its SHA-256. A token works only while it is not revoked, not past its end date,
//! and while the account that issued it is still linked to the person (unlinking or leaving
//! ends every token of that sign-in).

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::{NaiveDate, Utc};
use domain::access::AccessKinds;
use domain::id::GrantId;

/// What every token starts with, so a leaked one can be recognised (secret scanners, logs).
pub const PREFIX: &str = "karte_app_";

/// Longest app name kept (characters).
pub const MAX_APP_NAME: usize = 60;

/// A fresh token: the prefix and 256 random bits, URL-safe base64.
pub fn new_token() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::random();
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The person and kinds a valid token reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub id: i64,
    pub person_id: String,
    pub account_id: String,
    pub app_name: String,
    pub kinds: AccessKinds,
}

/// A token as the person who issued it sees it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub id: GrantId,
    pub app_name: String,
    pub kinds: AccessKinds,
    pub valid_until: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    person_id: String,
    account_id: String,
    app_name: String,
    kinds: String,
    valid_until: NaiveDate,
}

/// Stores a new token of `person` (issued by `account`) and returns it; the only time the
/// token itself exists outside the app that receives it.
pub async fn issue(
    db: &Db,
    person: &str,
    account: &str,
    app_name: &str,
    kinds: &AccessKinds,
    until: NaiveDate,
) -> Result<String, DbError> {
    let token = new_token();
    with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO app_tokens (person_id, account_id, app_name, kinds, token_hash, valid_until)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(person)
        .bind(account)
        .bind(app_name)
        .bind(kinds.to_list())
        .bind(crate::hash::sha256_hex(&token))
        .bind(until)
        .execute(pool)
        .await?;
    });
    Ok(token)
}

/// The grant behind `token` on `today`, if it is in force: not revoked, not past its end
/// date, and its issuing account still linked to the person.
pub async fn lookup(db: &Db, token: &str, today: NaiveDate) -> Result<Option<TokenGrant>, DbError> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let row: Option<Row> = with_pool!(db, pool => sqlx::query_as(
        "SELECT t.id, t.person_id, t.account_id, t.app_name, t.kinds, t.valid_until FROM app_tokens t
         JOIN accounts a ON a.id = t.account_id AND a.person_id = t.person_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.valid_until >= $2",
    )
    .bind(crate::hash::sha256_hex(token))
    .bind(today)
    .fetch_optional(pool)
    .await?);
    Ok(row.and_then(|r| {
        Some(TokenGrant {
            id: r.id,
            person_id: r.person_id,
            account_id: r.account_id,
            app_name: r.app_name,
            kinds: AccessKinds::parse_list(&r.kinds)?,
        })
    }))
}

/// The tokens `person` has issued that are still in force, oldest first.
pub async fn issued(db: &Db, person: &str, today: NaiveDate) -> Result<Vec<IssuedToken>, DbError> {
    let rows: Vec<Row> = with_pool!(db, pool => sqlx::query_as(
        "SELECT id, person_id, account_id, app_name, kinds, valid_until FROM app_tokens
         WHERE person_id = $1 AND revoked_at IS NULL AND valid_until >= $2 ORDER BY id",
    )
    .bind(person)
    .bind(today)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(IssuedToken {
                id: GrantId::new(r.id).ok()?,
                app_name: r.app_name,
                kinds: AccessKinds::parse_list(&r.kinds)?,
                valid_until: r.valid_until,
            })
        })
        .collect())
}

/// Revokes one of `person`'s tokens at once; `Ok(false)` when it is not theirs (or already
/// revoked).
pub async fn revoke(db: &Db, person: &str, id: GrantId) -> Result<bool, DbError> {
    let n = with_pool!(db, pool => sqlx::query(
        "UPDATE app_tokens SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL",
    )
    .bind(Utc::now())
    .bind(id.get())
    .bind(person)
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}
