//! Sessions in the database: created at sign-in (always a new id), ended at sign-out, idle
//! after 15 minutes and over after 8 hours (configurable).

use crate::db::{Db, DbError};
use crate::settings::AuthSettings;
use crate::with_pool;
use actix_web::cookie::{Cookie, SameSite};
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use domain::id::AccountId;

pub const COOKIE: &str = "__Host-karte_session";

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Timeouts {
    pub fn from_settings(s: &AuthSettings) -> Self {
        Self {
            idle: Duration::minutes(i64::from(s.session_idle_minutes)),
            absolute: Duration::hours(i64::from(s.session_absolute_hours)),
        }
    }
}

/// A fresh 256-bit session token, URL-safe base64.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps instead of the token.
pub fn hash(token: &str) -> String {
    crate::hash::sha256_hex(token)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub account_id: AccountId,
    pub person_id: Option<String>,
    pub person_name: Option<String>,
    pub viewing_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Session {
    /// When the session ends if nothing more happens.
    pub fn idle_deadline(&self, t: Timeouts) -> DateTime<Utc> {
        (self.last_seen_at + t.idle).min(self.expires_at)
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    #[sqlx(try_from = "String")]
    account_id: AccountId,
    person_id: Option<String>,
    person_name: Option<String>,
    viewing_id: Option<String>,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// Starts a session for `account`; returns the token for the cookie.
pub async fn create(
    db: &Db,
    account_id: &AccountId,
    t: Timeouts,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let token = new_token();
    with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(hash(&token))
        .bind(account_id.as_str())
        .bind(now)
        .bind(now + t.absolute)
        .execute(pool)
        .await?;
    });
    Ok(token)
}

/// How stale `last_seen_at` may get before a request writes it again: the idle limit is exact
/// to within this.
pub const TOUCH_EVERY: Duration = Duration::seconds(10);

/// The live session for a cookie token, touched; `None` (and the row removed) when unknown,
/// idle too long or past its absolute end.
pub async fn load(
    db: &Db,
    token: &str,
    t: Timeouts,
    now: DateTime<Utc>,
) -> Result<Option<Session>, DbError> {
    let id_hash = hash(token);
    let row: Option<SessionRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT s.id_hash, s.account_id, a.person_id, p.name AS person_name, s.viewing_id, s.created_at,
                s.last_seen_at, s.expires_at
         FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN people p ON p.id = a.person_id
         WHERE s.id_hash = $1",
    )
    .bind(&id_hash)
    .fetch_optional(pool)
    .await?);
    let Some(r) = row else { return Ok(None) };
    let mut session = Session {
        id_hash: r.id_hash,
        account_id: r.account_id,
        person_id: r.person_id,
        person_name: r.person_name,
        viewing_id: r.viewing_id,
        created_at: r.created_at,
        last_seen_at: r.last_seen_at,
        expires_at: r.expires_at,
    };
    if now >= session.idle_deadline(t) {
        delete(db, &session.id_hash).await?;
        return Ok(None);
    }
    // Every request counts as activity, so the idle limit runs from the last request — to
    // within TOUCH_EVERY: a page and its stylesheet, script and bundle (or a burst of API
    // calls) cost one durable write, not one each.
    // Best effort: a database that can read but not write (a full disk) still shows people
    // their records; the session then ends at most TOUCH_EVERY early.
    if now - session.last_seen_at >= TOUCH_EVERY {
        match touch(db, &session.id_hash, now).await {
            Ok(()) => session.last_seen_at = now,
            Err(e) => tracing::warn!(error = %e, "session touch failed"),
        }
    }
    Ok(Some(session))
}

/// Marks the session as active now (the "stay signed in" button).
pub async fn touch(db: &Db, id_hash: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    with_pool!(db, pool => {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2").bind(now).bind(id_hash).execute(pool).await?;
    });
    Ok(())
}

pub async fn delete(db: &Db, id_hash: &str) -> Result<(), DbError> {
    with_pool!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(pool).await?;
    });
    Ok(())
}

/// Sessions alive at `now` (neither idle too long nor past their end), in the whole
/// database: what `karte_sessions_active` shows.
pub async fn count_active(db: &Db, t: Timeouts, now: DateTime<Utc>) -> Result<u64, DbError> {
    let n: i64 = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions WHERE expires_at > $1 AND last_seen_at > $2",
    )
    .bind(now)
    .bind(now - t.idle)
    .fetch_one(pool)
    .await?);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Ends every session of an account ("sign out everywhere").
pub async fn delete_all(db: &Db, account_id: &AccountId) -> Result<u64, DbError> {
    let n = with_pool!(db, pool => sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id.as_str())
        .execute(pool)
        .await?
        .rows_affected());
    Ok(n)
}

/// The session cookie: `__Host-` (Secure, Path=/, no Domain), HttpOnly, SameSite=Lax.
pub fn cookie(token: String) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish()
}

/// A cookie that removes the session cookie from the browser.
pub fn removal_cookie() -> Cookie<'static> {
    let mut c = cookie(String::new());
    c.make_removal();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "32 bytes in unpadded base64");
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), a);
    }

    #[test]
    fn cookie_has_the_host_prefix_attributes() {
        let c = cookie("x".into()).to_string();
        for part in [
            "__Host-karte_session=x",
            "Secure",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
        ] {
            assert!(c.contains(part), "{c}");
        }
        assert!(!c.contains("Domain"));
    }
}
