//! Leaving: deleting an account and every health record of its person, in one transaction,
//! on both backends. The access log (insert-only) keeps who did what and when; nothing else
//! of the person is left. Each table is named (rather than left to `ON DELETE CASCADE`) so a
//! schema change that drops a cascade cannot leave records behind unnoticed; the `people` row
//! goes last and cascades to any table added later.

use crate::db::{Db, DbError};
use crate::with_pool;

/// The person's tables, in deletion order, with the column that names them.
pub const HEALTH_TABLES: &[(&str, &str)] = &[
    ("drug_lines", "person_id"),
    ("expense_lines", "person_id"),
    ("checkups", "person_id"),
    ("insurances", "person_id"),
    ("deduction_manual_lines", "person_id"),
    ("deduction_notice_adjustments", "person_id"),
    ("deduction_notice_adjustments", "line_person_id"),
    ("deduction_years", "person_id"),
    ("record_versions", "person_id"),
    ("insurer_link_codes", "person_id"),
    ("access_reports", "person_id"),
    ("proxies", "grantor_id"),
    ("proxies", "grantee_id"),
    ("proxy_invitations", "grantor_id"),
    ("app_tokens", "person_id"),
    ("import_batches", "owner_person"),
    ("people", "id"),
];

/// How much was deleted, by kind (for the access log: counts, never values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Erased {
    pub drug_lines: i64,
    pub expense_lines: i64,
    pub checkups: i64,
}

/// Deletes account `account`, its sessions and — when it is linked — its person with every
/// record of theirs. `person` must be the account's linked person (checked in SQL).
pub async fn erase_account(
    db: &Db,
    account: &str,
    person: Option<&str>,
) -> Result<Erased, DbError> {
    let postgres = matches!(db, Db::Postgres(_));
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let mut erased = Erased::default();
        if let Some(person) = person {
            let linked: Option<(String,)> = sqlx::query_as(
                "SELECT id FROM accounts WHERE id = $1 AND person_id = $2",
            )
            .bind(account)
            .bind(person)
            .fetch_optional(&mut *tx)
            .await?;
            if linked.is_none() {
                tx.rollback().await?;
                return Err(DbError::Query(sqlx::Error::RowNotFound));
            }
            if postgres {
                // An import in flight holds the person FOR KEY SHARE until it commits (its
                // lines have no per-line foreign key): wait for it, so its lines are deleted
                // below; a later one finds the person gone and stores nothing.
                sqlx::query("SELECT id FROM people WHERE id = $1 FOR UPDATE")
                    .bind(person)
                    .execute(&mut *tx)
                    .await?;
            }
            for (field, table) in [
                (&mut erased.drug_lines, "drug_lines"),
                (&mut erased.expense_lines, "expense_lines"),
                (&mut erased.checkups, "checkups"),
            ] {
                let (n,): (i64,) = sqlx::query_as(&format!(
                    "SELECT COUNT(*) FROM {table} WHERE person_id = $1"
                ))
                .bind(person)
                .fetch_one(&mut *tx)
                .await?;
                *field = n;
            }
            sqlx::query(
                "DELETE FROM checkup_results WHERE person_id = $1",
            )
            .bind(person)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE proxy_invitations SET accepted_by = NULL WHERE accepted_by = $1")
                .bind(person)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE sessions SET viewing_id = NULL WHERE viewing_id = $1")
                .bind(person)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE accounts SET person_id = NULL WHERE person_id = $1")
                .bind(person)
                .execute(&mut *tx)
                .await?;
            for (table, column) in HEALTH_TABLES {
                sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
                    .bind(person)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM link_failures WHERE account_id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM accounts WHERE id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(erased)
    })
}
