//! The record pages' services: who is on screen (checked against the signed-in person and
//! their grants), the period from the URL, the scoped query, and the access-log entry.
//! One module per record kind; the rule for "who, which period, log it" lives here once.

pub mod account;
pub mod archive;
pub mod archive_cda;
pub mod checkups;
pub mod deduction;
pub mod deduction_export;
pub mod drugs;
pub mod expenses;
pub mod export;
pub mod home;
pub mod import;
pub mod notebook;
pub mod own;
pub mod people;
pub mod self_import;

use crate::audit::{self, Action, Event};
use crate::auth::Principal;
use crate::db::Db;
use crate::records::access;
use app::error::AppError;
use domain::access::AccessKind;
use domain::people::PersonId;
use domain::period::{MonthRange, Preset};
pub use domain::query::Period;
use domain::query::PeriodQuery;

pub use checkups::SqlCheckups;
pub use drugs::{viewed_drug_lines, SqlDrugHistory};
pub use expenses::{viewed_expenses, SqlExpenses};

/// The period asked for, in months ([`PeriodQuery::resolve`] in `domain` is the one parser;
/// this is it with the page layer's error).
pub fn period(
    query: &PeriodQuery,
    today: chrono::NaiveDate,
    default: Preset,
) -> Result<MonthRange, AppError> {
    Ok(query.months(today, default)?)
}

/// [`period`], keeping the days when the person asked for days.
pub fn period_with_days(
    query: &PeriodQuery,
    today: chrono::NaiveDate,
    default: Preset,
) -> Result<Period, AppError> {
    Ok(query.resolve(today, default)?)
}

/// What a browser learns of a storage failure: "try again later" or "something went wrong".
impl From<crate::db::DbError> for AppError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Unavailable(_) => {
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

/// Whose records are on screen, once the signed-in person may see that kind of theirs.
#[derive(Debug, Clone)]
pub struct OnScreen {
    /// The signed-in person.
    pub me: String,
    /// The person whose records are shown (`me`, or someone who granted access).
    pub person: PersonId,
    /// Shown through a grant or as a card holder's dependant, not the person themselves.
    pub as_proxy: bool,
    /// The earliest day whose records may be shown (a card holder's dependant: from when the
    /// child came onto the card); `None`: no limit.
    pub since: Option<chrono::NaiveDate>,
}

/// The person on screen if the signed-in person may see their `kind` records today; otherwise
/// `NotFound` (never "forbidden", so existence is not confirmed).
pub async fn on_screen(
    db: &Db,
    principal: &Principal,
    kind: AccessKind,
    today: chrono::NaiveDate,
) -> Result<OnScreen, AppError> {
    let me = principal.person_id().ok_or(AppError::NotFound)?.to_owned();
    let viewing = principal
        .viewing()
        .ok_or(AppError::NotFound)?
        .person_id
        .clone();
    let since = access::view_scope(db, &me, &viewing, kind, today)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = PersonId::parse(&viewing).map_err(|_| AppError::NotFound)?;
    Ok(OnScreen {
        as_proxy: viewing != me,
        me,
        person,
        since,
    })
}

/// Writes "this was viewed/exported" to the access log (failures are logged, never shown).
pub async fn log_access(
    db: &Db,
    principal: &Principal,
    on: &OnScreen,
    action: Action,
    detail: String,
    request_id: Option<&str>,
) {
    let event = Event::new(action)
        .by_account(principal.account_id(), Some(&on.me))
        .on(on.person.as_str());
    audit::record_or_log(db, event.detail(detail).request(request_id)).await;
}

/// The signed-in principal and request id of the page being rendered. Read them before the
/// first `.await`: the request itself is not `Send`.
pub fn render_context() -> (Option<Principal>, Option<String>) {
    let req = leptos::prelude::use_context::<leptos_actix::Request>();
    let principal = req.as_ref().and_then(|r| {
        actix_web::HttpMessage::extensions(&**r)
            .get::<Principal>()
            .cloned()
    });
    let request_id = req.as_ref().and_then(|r| crate::telemetry::request_id(r));
    (principal, request_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn q(from: Option<&str>, to: Option<&str>) -> PeriodQuery {
        PeriodQuery::range(from.map(str::to_owned), to.map(str::to_owned))
    }

    /// The parser and its property test live in `domain::query`; here: its refusals reach the
    /// page layer as bad input (a 400 with the reason), never anything else.
    #[test]
    fn far_ancient_bad_and_reversed_bounds_are_bad_input() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        for (f, t) in [
            (None, Some("9999-12")),
            (Some("0001-01-01"), Some("0001-02-01")),
            (Some("1900-01"), Some("9999-10")),
            (Some("9999-12-31"), None),
            (Some("2025-02-30"), Some("2025-03")),
            (Some("2025-05-02"), Some("2025-05-01")),
            (Some("2025/05"), Some("2025-06")),
        ] {
            let err = period_with_days(&q(f, t), today, Preset::Last3Months).unwrap_err();
            assert!(
                matches!(err, AppError::BadInput(_)),
                "{f:?}..{t:?}: {err:?}"
            );
        }
        let err =
            period_with_days(&q(None, Some("9999-12")), today, Preset::Last3Months).unwrap_err();
        assert!(err.to_string().contains("at most 36"), "{err}");
    }
}
