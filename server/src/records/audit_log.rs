//! Reading the access log: one query for the アクセス履歴 page and everything else that lists
//! a person's history (the command line's checks, the tests). Writing is `crate::audit`.

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::{DateTime, Utc};

/// One line of a person's access history.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Entry {
    #[sqlx(try_from = "i64")]
    pub id: domain::id::AuditEntryId,
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor_person: Option<String>,
    /// The acting person's name (a proxy), when the actor is a person.
    pub actor_name: Option<String>,
    pub actor_client: Option<String>,
    /// Set when an account without a linked person acted.
    pub actor_account: Option<String>,
    pub detail: String,
    /// How many times the person reported this line as not theirs.
    pub reported: i64,
}

/// Every access to `person`'s records, newest first, at most `limit` (scoped by the subject
/// in SQL).
pub async fn history(db: &Db, person: &str, limit: i64) -> Result<Vec<Entry>, DbError> {
    let rows = with_pool!(db, pool => sqlx::query_as(
        "SELECT a.id, a.at, a.action, a.actor_person, p.name AS actor_name, a.actor_client,
                a.actor_account, a.detail,
                (SELECT COUNT(*) FROM access_reports r WHERE r.audit_id = a.id AND r.person_id = $1) AS reported
         FROM audit_log a LEFT JOIN people p ON p.id = a.actor_person
         WHERE a.subject_person = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2",
    )
    .bind(person)
    .bind(limit)
    .fetch_all(pool)
    .await?);
    Ok(rows)
}
