//! Who may see whose records. The rules live in SQL so every health-data query can be scoped
//! by the asking person: yourself, or a person who granted you this kind of record, until the
//! grant's end date, unless revoked; or a minor dependant on your card while both of your
//! cards are current, and then only records dated from when the child came onto your card
//! (see docs/access-rules.md).

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::{NaiveDate, Utc};
use domain::access::{AccessKind, AccessKinds};
use domain::id::GrantId;

/// A person the viewer may switch to, with what they may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewable {
    pub person_id: String,
    pub name: String,
    /// `None` for the viewer themselves (everything).
    pub kinds: Option<AccessKinds>,
    /// The earliest day whose records the viewer may see (a dependant: the day the child came
    /// onto the viewer's card); `None`: no limit.
    pub since: Option<NaiveDate>,
}

/// The months of `months` from `since` on, if any are left: how a card holder's view of a
/// dependant is cut to the months the dependency covered.
pub fn clamp_months(
    months: domain::period::MonthRange,
    since: Option<NaiveDate>,
) -> Option<domain::period::MonthRange> {
    let Some(since) = since else {
        return Some(months);
    };
    let first = domain::period::YearMonth::of(since);
    if first <= months.from() {
        return Some(months);
    }
    domain::period::MonthRange::new(first, months.to()).ok()
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    id: i64,
    grantor_id: String,
    grantee_id: String,
    name: String,
    kinds: String,
    valid_until: NaiveDate,
}

/// Age below which a dependant on the card holder's card is shown to the card holder.
const MINOR_AGE: u32 = 18;

#[derive(sqlx::FromRow)]
struct MinorRow {
    person_id: String,
    name: String,
    holder_from: NaiveDate,
    dependant_from: NaiveDate,
}

/// A minor dependant on the viewer's card, and the first day of the dependency.
struct Minor {
    person_id: String,
    name: String,
    since: NaiveDate,
}

/// Minor dependants on the viewer's card: a card holder (枝番 00) sees the records of
/// dependants under 18 on the same card (保険者番号, 記号, 番号) without a grant, because a
/// child cannot grant one — only while both insurance rows are current today, and only
/// records from the day both began (`since`). Adults on the card need a grant like anyone else.
async fn minor_dependants(db: &Db, viewer: &str, today: NaiveDate) -> Result<Vec<Minor>, DbError> {
    let cutoff = today
        .checked_sub_months(chrono::Months::new(12 * MINOR_AGE))
        .unwrap_or(today);
    let rows: Vec<MinorRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT c.id AS person_id, c.name, holder.valid_from AS holder_from, dep.valid_from AS dependant_from
         FROM insurances holder
         JOIN insurances dep ON dep.insurer_number = holder.insurer_number AND dep.number = holder.number
              AND COALESCE(dep.symbol, '') = COALESCE(holder.symbol, '') AND COALESCE(dep.branch, '') <> '00'
         JOIN people c ON c.id = dep.person_id
         WHERE holder.person_id = $1 AND holder.branch = '00' AND dep.person_id <> $1 AND c.birth_date > $2
           AND holder.valid_from <= $3 AND (holder.valid_to IS NULL OR holder.valid_to >= $3)
           AND dep.valid_from <= $3 AND (dep.valid_to IS NULL OR dep.valid_to >= $3)
         ORDER BY c.id",
    )
    .bind(viewer)
    .bind(cutoff)
    .bind(today)
    .fetch_all(pool)
    .await?);
    let mut out: Vec<Minor> = Vec::new();
    for r in rows {
        let since = r.holder_from.max(r.dependant_from);
        match out.iter_mut().find(|m| m.person_id == r.person_id) {
            Some(m) => m.since = m.since.min(since),
            None => out.push(Minor {
                person_id: r.person_id,
                name: r.name,
                since,
            }),
        }
    }
    Ok(out)
}

/// What `viewer` may see of `target`'s `kind` records on `today`: `None` nothing; `Some(None)`
/// every date; `Some(Some(day))` records dated from `day` on (a card holder's dependant).
pub async fn view_scope(
    db: &Db,
    viewer: &str,
    target: &str,
    kind: AccessKind,
    today: NaiveDate,
) -> Result<Option<Option<NaiveDate>>, DbError> {
    if viewer == target {
        return Ok(Some(None));
    }
    let rows: Vec<(String,)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT kinds FROM proxies WHERE grantor_id = $1 AND grantee_id = $2 AND revoked_at IS NULL AND valid_until >= $3",
    )
    .bind(target)
    .bind(viewer)
    .bind(today)
    .fetch_all(pool)
    .await?);
    if rows
        .iter()
        .any(|(k,)| AccessKinds::parse_list(k).is_some_and(|k| k.contains(kind)))
    {
        return Ok(Some(None));
    }
    Ok(minor_dependants(db, viewer, today)
        .await?
        .into_iter()
        .find(|m| m.person_id == target)
        .map(|m| Some(m.since)))
}

/// Whether `viewer` may see any `kind` records of `target` on `today`.
pub async fn may_view(
    db: &Db,
    viewer: &str,
    target: &str,
    kind: AccessKind,
    today: NaiveDate,
) -> Result<bool, DbError> {
    Ok(view_scope(db, viewer, target, kind, today).await?.is_some())
}

/// The viewer and everyone whose records they may see today, self first.
pub async fn viewable(db: &Db, viewer: &str, today: NaiveDate) -> Result<Vec<Viewable>, DbError> {
    let me: Option<(String,)> = with_pool!(db, pool => sqlx::query_as("SELECT name FROM people WHERE id = $1")
        .bind(viewer)
        .fetch_optional(pool)
        .await?);
    let mut out: Vec<Viewable> = me
        .into_iter()
        .map(|(name,)| Viewable {
            person_id: viewer.to_owned(),
            name,
            kinds: None,
            since: None,
        })
        .collect();
    for m in minor_dependants(db, viewer, today).await? {
        out.push(Viewable {
            person_id: m.person_id,
            name: m.name,
            // A card holder acts for a minor in everything (a child cannot grant).
            kinds: AccessKinds::new(AccessKind::GRANTABLE),
            since: Some(m.since),
        });
    }
    let rows: Vec<GrantRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT g.id, g.grantor_id, g.grantee_id, p.name, g.kinds, g.valid_until FROM proxies g
         JOIN people p ON p.id = g.grantor_id
         WHERE g.grantee_id = $1 AND g.revoked_at IS NULL AND g.valid_until >= $2 ORDER BY p.id, g.id",
    )
    .bind(viewer)
    .bind(today)
    .fetch_all(pool)
    .await?);
    for r in rows {
        let Some(kinds) = AccessKinds::parse_list(&r.kinds) else {
            continue;
        };
        match out.iter_mut().find(|v| v.person_id == r.grantor_id) {
            Some(v) => {
                let merged = v
                    .kinds
                    .iter()
                    .flat_map(|k| k.iter().collect::<Vec<_>>())
                    .chain(kinds.iter());
                v.kinds = AccessKinds::new(merged);
                // A grant of every kind covers every date (a narrower one keeps the limit: safe).
                if AccessKind::ALL.iter().all(|k| kinds.contains(*k)) {
                    v.since = None;
                }
            }
            None => out.push(Viewable {
                person_id: r.grantor_id,
                name: r.name,
                kinds: Some(kinds),
                since: None,
            }),
        }
    }
    Ok(out)
}

/// A grant as its grantor sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: GrantId,
    pub grantee_id: String,
    pub grantee_name: String,
    pub kinds: AccessKinds,
    pub valid_until: NaiveDate,
}

/// The grants a person has given that are still in force, oldest first.
pub async fn grants_given(db: &Db, grantor: &str, today: NaiveDate) -> Result<Vec<Grant>, DbError> {
    let rows: Vec<GrantRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT g.id, g.grantor_id, g.grantee_id, p.name, g.kinds, g.valid_until FROM proxies g
         JOIN people p ON p.id = g.grantee_id
         WHERE g.grantor_id = $1 AND g.revoked_at IS NULL AND g.valid_until >= $2 ORDER BY g.id",
    )
    .bind(grantor)
    .bind(today)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            debug_assert_eq!(r.grantor_id, grantor);
            Some(Grant {
                id: GrantId::new(r.id).ok()?,
                grantee_id: r.grantee_id,
                grantee_name: r.name,
                kinds: AccessKinds::parse_list(&r.kinds)?,
                valid_until: r.valid_until,
            })
        })
        .collect())
}

/// Records a grant; `Ok(false)` when the grantee is not a registered person.
pub async fn grant(
    db: &Db,
    grantor: &str,
    grantee: &str,
    kinds: &AccessKinds,
    until: NaiveDate,
) -> Result<bool, DbError> {
    let exists: Option<(String,)> = with_pool!(db, pool => sqlx::query_as("SELECT id FROM people WHERE id = $1")
        .bind(grantee)
        .fetch_optional(pool)
        .await?);
    if exists.is_none() {
        return Ok(false);
    }
    with_pool!(db, pool => {
        sqlx::query("INSERT INTO proxies (grantor_id, grantee_id, kinds, valid_until) VALUES ($1, $2, $3, $4)")
            .bind(grantor)
            .bind(grantee)
            .bind(kinds.to_list())
            .bind(until)
            .execute(pool)
            .await?;
    });
    Ok(true)
}

/// Revokes one of `grantor`'s grants at once; `Ok(false)` when it is not theirs.
pub async fn revoke(db: &Db, grantor: &str, id: GrantId) -> Result<bool, DbError> {
    let n = with_pool!(db, pool => sqlx::query(
        "UPDATE proxies SET revoked_at = $1 WHERE id = $2 AND grantor_id = $3 AND revoked_at IS NULL",
    )
    .bind(Utc::now())
    .bind(id.get())
    .bind(grantor)
    .execute(pool)
    .await?
    .rows_affected());
    Ok(n == 1)
}
