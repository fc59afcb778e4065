//! The record pages' services: who is on screen (checked against the signed-in person and
//! their grants), the period from the URL, the scoped query, and the access-log entry.
//! One module per record kind; the rule for "who, which period, log it" lives here once.

pub mod drugs;

use crate::audit::{self, Action, Event};
use crate::auth::Principal;
use crate::db::Db;
use crate::records::access;
use app::error::AppError;
use app::record::PeriodQuery;
use domain::access::AccessKind;
use domain::people::PersonId;
use domain::period::{MonthRange, Preset};

pub use drugs::{viewed_drug_lines, SqlDrugHistory};

/// The period asked for: from/to months (a missing end is filled from the 3-year window), or
/// a preset, or `default`.
pub fn period(
    query: &PeriodQuery,
    today: chrono::NaiveDate,
    default: Preset,
) -> Result<MonthRange, AppError> {
    if query.from.is_some() || query.to.is_some() {
        let window = domain::visibility::retention_window(today);
        let from = query
            .from
            .clone()
            .unwrap_or_else(|| window.from().to_string());
        let to = query.to.clone().unwrap_or_else(|| window.to().to_string());
        return MonthRange::parse(&from, &to)
            .map_err(|e| AppError::BadInput(format!("from/to (YYYY-MM): {e}")));
    }
    match query.preset.as_deref() {
        Some(code) => serde_json::from_value::<Preset>(serde_json::Value::String(code.to_owned()))
            .map(|p| p.range(today))
            .map_err(|_| AppError::BadInput("preset".into())),
        None => Ok(default.range(today)),
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
    if !access::may_view(db, &me, &viewing, kind, today).await? {
        return Err(AppError::NotFound);
    }
    let person = PersonId::parse(&viewing).map_err(|_| AppError::NotFound)?;
    Ok(OnScreen {
        as_proxy: viewing != me,
        me,
        person,
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
