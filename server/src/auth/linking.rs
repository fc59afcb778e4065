//! The linking step (`POST /auth/link`) and its undoing (`POST /auth/unlink`).
//!
//! - An account that has a person cannot link again; unlinking is a separate, audited step
//!   that needs a fresh sign-in.
//! - Every field of a current card must match (保険者番号, 記号, 番号, 枝番) with the birth date,
//!   and, where the insurer issues them, a one-time code (`KARTE_LINK_CODE_REQUIRED`).
//! - Failures are kept in the database and throttled per account and per client address; a
//!   failure that names a real card (or a real birth date at that insurer) is also written to
//!   that person's access history.

use super::accounts::{self, CardProof, LinkError};
use super::extract::FormUser;
use crate::audit::{self, Action, Event};
use crate::db::{Db, DbError};
use crate::settings::Clock;
use crate::telemetry::request_id;
use crate::web::see_other as redirect;
use crate::with_pool;
use actix_web::{post, web, HttpRequest, HttpResponse};
use app::notice::Notice;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use domain::id::AccountId;
use domain::insurance::CardIdentity;
use serde::Deserialize;

/// Failed attempts one account may make in [`FAILURE_WINDOW`] before it is locked out.
pub const FAILURES_PER_ACCOUNT: u32 = 5;
/// How far back failures count.
pub const FAILURE_WINDOW: Duration = Duration::hours(24);
/// How recent a sign-in must be to unlink.
pub const FRESH_SIGN_IN: Duration = Duration::minutes(5);

/// The linking rules this server applies (from the sign-in settings).
#[derive(Debug, Clone, Copy)]
pub struct LinkPolicy {
    pub code_required: bool,
    /// 0: no per-address limit.
    pub failures_per_address: u32,
}

impl LinkPolicy {
    pub fn from_settings(s: &crate::settings::AuthSettings) -> Self {
        Self {
            code_required: s.link_code_required,
            failures_per_address: s.link_failures_per_address,
        }
    }
}

/// The address the request came from (the socket's peer; behind a reverse proxy, the proxy).
fn client_addr(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// When the earliest of the last `limit` failures in `times` (oldest first) leaves the window,
/// if there are `limit` of them.
fn lifted_at(times: &[DateTime<Utc>], limit: u32) -> Option<DateTime<Utc>> {
    let limit = usize::try_from(limit).ok().filter(|l| *l > 0)?;
    (times.len() >= limit).then(|| times[times.len() - limit] + FAILURE_WINDOW)
}

/// Until when linking is refused for this account or address, if it is.
pub async fn locked_until(
    db: &Db,
    account_id: &AccountId,
    addr: &str,
    policy: LinkPolicy,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbError> {
    let since = now - FAILURE_WINDOW;
    type Times = Vec<(DateTime<Utc>,)>;
    let (by_account, by_addr): (Times, Times) = with_pool!(db, pool => (
        sqlx::query_as("SELECT at FROM link_failures WHERE account_id = $1 AND at > $2 ORDER BY at")
            .bind(account_id.as_str())
            .bind(since)
            .fetch_all(pool)
            .await?,
        sqlx::query_as("SELECT at FROM link_failures WHERE client_addr = $1 AND at > $2 ORDER BY at")
            .bind(addr)
            .bind(since)
            .fetch_all(pool)
            .await?,
    ));
    let times = |v: Vec<(DateTime<Utc>,)>| v.into_iter().map(|(t,)| t).collect::<Vec<_>>();
    Ok([
        lifted_at(&times(by_account), FAILURES_PER_ACCOUNT),
        lifted_at(&times(by_addr), policy.failures_per_address),
    ]
    .into_iter()
    .flatten()
    .max())
}

/// Keeps one failure (and forgets those too old to count).
async fn record_failure(
    db: &Db,
    account_id: &AccountId,
    addr: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    crate::monitoring::link_failure();
    with_pool!(db, pool => {
        sqlx::query("DELETE FROM link_failures WHERE at < $1")
            .bind(now - FAILURE_WINDOW - FAILURE_WINDOW)
            .execute(pool)
            .await?;
        sqlx::query("INSERT INTO link_failures (at, account_id, client_addr) VALUES ($1, $2, $3)")
            .bind(now)
            .bind(account_id.as_str())
            .bind(addr)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Japanese time as the pages show it.
fn jst(t: DateTime<Utc>) -> String {
    let offset = FixedOffset::east_opt(9 * 3600).expect("JST");
    t.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn locked(until: DateTime<Utc>) -> HttpResponse {
    redirect(&format!(
        "/link?{}&until={}",
        Notice::LinkLocked.query(),
        jst(until).replace(' ', "T")
    ))
}

#[derive(Deserialize)]
pub struct LinkForm {
    insurer_number: String,
    #[serde(default)]
    symbol: String,
    number: String,
    #[serde(default)]
    branch: String,
    birth_date: String,
    #[serde(default)]
    code: String,
}

/// The explicit linking step: the signed-in account proves which insured person it is with
/// the card and birth date the insurer registered (and the insurer's code where required).
#[post("/auth/link")]
pub async fn link(
    FormUser(principal): FormUser,
    req: HttpRequest,
    form: web::Form<LinkForm>,
    db: web::Data<Db>,
    policy: web::Data<LinkPolicy>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    let account = principal.account_id().clone();
    if principal.person_id().is_some() {
        return redirect(&Notice::LinkAccountLinked.location());
    }
    let Ok(birth) = NaiveDate::parse_from_str(form.birth_date.trim(), "%Y-%m-%d") else {
        return redirect(&Notice::LinkBirthDate.location());
    };
    let Ok(card) = CardIdentity::parse(
        &form.insurer_number,
        &form.symbol,
        &form.number,
        &form.branch,
    ) else {
        return redirect(&Notice::LinkCard.location());
    };
    let addr = client_addr(&req);
    let now = Utc::now();
    let rid = request_id(&req);
    match locked_until(&db, &account, &addr, **policy, now).await {
        Ok(Some(until)) => return locked(until),
        Ok(None) => {}
        Err(e) => {
            tracing::error!(error = %e, "link throttle check failed");
            return redirect(&Notice::LinkUnavailable.location());
        }
    }
    let code = Some(form.code.trim()).filter(|c| !c.is_empty());
    let proof = CardProof {
        card: &card,
        birth_date: birth,
        code,
    };
    let outcome =
        accounts::link_by_card(&db, &account, &proof, policy.code_required, clock.today()).await;
    let refused = match outcome {
        Ok(Ok(person)) => {
            let event = Event::new(Action::Link)
                .by_account(&account, Some(&person))
                .on(&person)
                .request(rid.as_deref());
            audit::record_or_log(&db, event).await;
            return redirect("/");
        }
        Ok(Err(LinkError::AccountLinked)) => {
            return redirect(&Notice::LinkAccountLinked.location())
        }
        Ok(Err(why)) => why,
        Err(e) => {
            tracing::error!(error = %e, "link failed");
            return redirect(&Notice::LinkUnavailable.location());
        }
    };
    if let Err(e) = record_failure(&db, &account, &addr, now).await {
        tracing::error!(error = %e, "link failure not kept");
    }
    let event = Event::new(Action::LinkFailed)
        .by_account(&account, None)
        .detail("no match")
        .request(rid.as_deref());
    audit::record_or_log(&db, event).await;
    match accounts::people_probed(&db, &card, birth).await {
        Ok(people) => {
            for person in people {
                let event = Event::new(Action::LinkFailed)
                    .by_account(&account, None)
                    .on(&person)
                    .detail("card details entered")
                    .request(rid.as_deref());
                audit::record_or_log(&db, event).await;
            }
        }
        Err(e) => tracing::error!(error = %e, "probed people lookup failed"),
    }
    match locked_until(&db, &account, &addr, **policy, now).await {
        Ok(Some(until)) => locked(until),
        _ if refused == LinkError::AlreadyLinked => redirect(&Notice::LinkLinked.location()),
        _ => redirect(&Notice::LinkNoMatch.location()),
    }
}

/// Ends the link between the signed-in account and its person: only within a few minutes of
/// signing in (so a session left open cannot be re-pointed), and audited on that person.
#[post("/auth/unlink")]
pub async fn unlink(
    FormUser(principal): FormUser,
    req: HttpRequest,
    db: web::Data<Db>,
) -> HttpResponse {
    if principal.person_id().is_none() {
        return redirect("/link");
    }
    if Utc::now() - principal.session.created_at > FRESH_SIGN_IN {
        return redirect(&Notice::AccountReauth.location());
    }
    match accounts::unlink(&db, principal.account_id()).await {
        Ok(Some(person)) => {
            let event = Event::new(Action::Unlink)
                .by_account(principal.account_id(), Some(&person))
                .on(&person)
                .request(request_id(&req).as_deref());
            audit::record_or_log(&db, event).await;
            redirect(&Notice::LinkUnlinked.location())
        }
        Ok(None) => redirect("/link"),
        Err(e) => {
            tracing::error!(error = %e, "unlink failed");
            redirect(&Notice::AccountUnavailable.location())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lockout_lifts_when_the_oldest_counted_failure_leaves_the_window() {
        let t0 = DateTime::parse_from_rfc3339("2026-12-04T00:00:00Z")
            .unwrap()
            .to_utc();
        let times: Vec<_> = (0..6).map(|i| t0 + Duration::minutes(i)).collect();
        assert_eq!(lifted_at(&times[..4], 5), None);
        assert_eq!(lifted_at(&times[..5], 5), Some(t0 + FAILURE_WINDOW));
        assert_eq!(
            lifted_at(&times, 5),
            Some(t0 + Duration::minutes(1) + FAILURE_WINDOW)
        );
        assert_eq!(lifted_at(&times, 0), None, "0 turns the limit off");
    }
}
