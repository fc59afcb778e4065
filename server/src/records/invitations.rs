//! Proxy invitations: how a grant is made without the grantor naming (or learning anything
//! about) the grantee. The grantor invites (kinds, end date) and hands over a one-time code;
//! the grantee, signed in, accepts it, and only then is the grant made. A code is single use,
//! expires after [`INVITATION_DAYS`], can be cancelled, and only its hash is stored. Unknown,
//! expired, used and cancelled codes all answer the same.

use crate::db::{Db, DbError};
use crate::hash::{code_hash, one_time_code};
use crate::records::access;
use crate::with_pool;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::access::AccessKinds;
use domain::id::InvitationId;

/// How long an invitation can be accepted.
pub const INVITATION_DAYS: i64 = 7;

/// What an invitation offers, as its holder sees it before accepting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub grantor_id: String,
    pub grantor_name: String,
    pub kinds: AccessKinds,
    pub valid_until: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct OfferRow {
    grantor_id: String,
    name: String,
    kinds: String,
    valid_until: NaiveDate,
}

/// An invitation not yet accepted, as its grantor sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Pending {
    #[sqlx(try_from = "i64")]
    pub id: InvitationId,
    pub kinds: String,
    pub valid_until: NaiveDate,
    pub expires_at: DateTime<Utc>,
}

/// Creates an invitation; returns its code (to show once to the grantor).
pub async fn invite(
    db: &Db,
    grantor: &str,
    kinds: &AccessKinds,
    until: NaiveDate,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let code = one_time_code();
    with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO proxy_invitations (grantor_id, code_hash, kinds, valid_until, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(grantor)
        .bind(code_hash(&code))
        .bind(kinds.to_list())
        .bind(until)
        .bind(now + Duration::days(INVITATION_DAYS))
        .bind(now)
        .execute(pool)
        .await?;
    });
    Ok(code)
}

/// What a usable code offers (`None` for any code that cannot be used).
pub async fn offer(db: &Db, code: &str, now: DateTime<Utc>) -> Result<Option<Offer>, DbError> {
    let row: Option<OfferRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT i.grantor_id, p.name, i.kinds, i.valid_until FROM proxy_invitations i
         JOIN people p ON p.id = i.grantor_id
         WHERE i.code_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2",
    )
    .bind(code_hash(code))
    .bind(now)
    .fetch_optional(pool)
    .await?);
    Ok(row.and_then(|r| {
        Some(Offer {
            grantor_id: r.grantor_id,
            grantor_name: r.name,
            kinds: AccessKinds::parse_list(&r.kinds)?,
            valid_until: r.valid_until,
        })
    }))
}

/// Why an invitation was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptError {
    /// Unknown, expired, used, cancelled, or its grant would already have ended.
    Unusable,
    /// The grantor's own invitation.
    Own,
}

/// Accepts an invitation for `grantee`: uses the code up and makes the grant.
pub async fn accept(
    db: &Db,
    code: &str,
    grantee: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Result<Offer, AcceptError>, DbError> {
    let Some(offer) = offer(db, code, now).await? else {
        return Ok(Err(AcceptError::Unusable));
    };
    if offer.grantor_id == grantee {
        return Ok(Err(AcceptError::Own));
    }
    if offer.valid_until < today {
        return Ok(Err(AcceptError::Unusable));
    }
    // Claim the code first: of two acceptances at once, only one changes the row.
    let claimed = with_pool!(db, pool => sqlx::query(
        "UPDATE proxy_invitations SET accepted_at = $1, accepted_by = $2
         WHERE code_hash = $3 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(grantee)
    .bind(code_hash(code))
    .execute(pool)
    .await?
    .rows_affected());
    if claimed != 1 {
        return Ok(Err(AcceptError::Unusable));
    }
    if !access::grant(
        db,
        &offer.grantor_id,
        grantee,
        &offer.kinds,
        offer.valid_until,
    )
    .await?
    {
        return Ok(Err(AcceptError::Unusable));
    }
    Ok(Ok(offer))
}

/// The grantor's invitations still waiting, oldest first.
pub async fn pending(db: &Db, grantor: &str, now: DateTime<Utc>) -> Result<Vec<Pending>, DbError> {
    let rows = with_pool!(db, pool => sqlx::query_as(
        "SELECT id, kinds, valid_until, expires_at FROM proxy_invitations
         WHERE grantor_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ORDER BY id",
    )
    .bind(grantor)
    .bind(now)
    .fetch_all(pool)
    .await?);
    Ok(rows)
}

/// Cancels one of `grantor`'s waiting invitations; `Ok(false)` when it is not theirs or gone.
pub async fn cancel(
    db: &Db,
    grantor: &str,
    id: InvitationId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let n = with_pool!(db, pool => sqlx::query(
        "UPDATE proxy_invitations SET revoked_at = $1
         WHERE id = $2 AND grantor_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id.get())
    .bind(grantor)
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}
