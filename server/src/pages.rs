//! The record pages' services: who is on screen (checked against the signed-in person and
//! their grants), the period from the URL, the scoped query, and the access-log entry.

use crate::audit::{self, Action, Event};
use crate::auth::Principal;
use crate::config::Clock;
use crate::db::Db;
use crate::records::{access, lines, people};
use app::drugs::{DrugPage, PeriodQuery};
use app::error::AppError;
use app::services::{BoxFuture, DrugHistory};
use domain::access::AccessKind;
use domain::drugs::DrugLine;
use domain::people::PersonId;
use domain::period::{MonthRange, Preset};
use domain::visibility::{incomplete_months, RecordKind};

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

/// The drug lines of the person on screen for `months`, if the signed-in person may see their
/// drugs today (else `NotFound`, never "forbidden"); writes the view to the access log when
/// `log_view`. Shared by the page and the API so both apply the same rule.
pub async fn viewed_drug_lines(
    db: &Db,
    principal: &Principal,
    months: MonthRange,
    today: chrono::NaiveDate,
    log_view: Option<(&str, Option<&str>)>,
) -> Result<(PersonId, bool, Vec<DrugLine>), AppError> {
    let me = principal.person_id().ok_or(AppError::NotFound)?.to_owned();
    let viewing = principal
        .viewing()
        .ok_or(AppError::NotFound)?
        .person_id
        .clone();
    if !access::may_view(db, &me, &viewing, AccessKind::Drugs, today).await? {
        return Err(AppError::NotFound);
    }
    let person = PersonId::parse(&viewing).map_err(|_| AppError::NotFound)?;
    let drug_lines = lines::visible_drug_lines(db, &person, months, today).await?;
    if let Some((channel, request_id)) = log_view {
        let detail = format!("drugs {}..{}{channel}", months.from(), months.to());
        let event = Event::new(Action::View)
            .by_account(principal.account_id(), Some(&me))
            .on(&viewing);
        audit::record_or_log(db, event.detail(detail).request(request_id)).await;
    }
    Ok((person, viewing != me, drug_lines))
}

pub struct SqlDrugHistory {
    pub db: Db,
    pub clock: Clock,
}

impl DrugHistory for SqlDrugHistory {
    fn drug_page(&self, query: PeriodQuery) -> BoxFuture<'_, Result<DrugPage, AppError>> {
        // The request is not Send: read what we need from it before the first await.
        let req = leptos::prelude::use_context::<leptos_actix::Request>();
        let principal = req.as_ref().and_then(|r| {
            actix_web::HttpMessage::extensions(&**r)
                .get::<Principal>()
                .cloned()
        });
        let request_id = req.as_ref().and_then(|r| crate::telemetry::request_id(r));
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            let today = self.clock.today();
            let months = period(&query, today, Preset::Last3Months)?;
            let (person, as_proxy, drug_lines) = viewed_drug_lines(
                &self.db,
                &p,
                months,
                today,
                Some(("", request_id.as_deref())),
            )
            .await?;
            let header = people::person_header(&self.db, &person, as_proxy)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(DrugPage {
                person: header,
                months,
                today,
                lines: drug_lines,
                incomplete: incomplete_months(months, today, RecordKind::Drugs),
            })
        })
    }
}
