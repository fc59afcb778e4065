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
use domain::period::{MonthRange, Preset};
use domain::visibility::{incomplete_months, RecordKind};

/// The period a page asks for: a preset, or from/to months; 直近3か月 by default.
pub fn period(query: &PeriodQuery, today: chrono::NaiveDate) -> Result<MonthRange, AppError> {
    if let (Some(from), Some(to)) = (&query.from, &query.to) {
        return MonthRange::parse(from, to).map_err(|e| AppError::BadInput(e.to_string()));
    }
    let preset = match query.preset.as_deref() {
        Some(code) => serde_json::from_value::<Preset>(serde_json::Value::String(code.to_owned()))
            .map_err(|_| AppError::BadInput("preset".into()))?,
        None => Preset::Last3Months,
    };
    Ok(preset.range(today))
}

pub struct SqlDrugHistory {
    pub db: Db,
    pub clock: Clock,
}

impl DrugHistory for SqlDrugHistory {
    fn drug_page(&self, query: PeriodQuery) -> BoxFuture<'_, Result<DrugPage, AppError>> {
        // The request is not Send: read what we need from it before the first await.
        let principal = leptos::prelude::use_context::<leptos_actix::Request>().and_then(|req| {
            actix_web::HttpMessage::extensions(&*req)
                .get::<Principal>()
                .cloned()
        });
        let request_id = leptos::prelude::use_context::<leptos_actix::Request>()
            .and_then(|req| crate::telemetry::request_id(&req));
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            let me = p.person_id().ok_or(AppError::NotFound)?.to_owned();
            let viewing = p.viewing().ok_or(AppError::NotFound)?.person_id.clone();
            let today = self.clock.today();
            if !access::may_view(&self.db, &me, &viewing, AccessKind::Drugs, today).await? {
                return Err(AppError::NotFound);
            }
            let months = period(&query, today)?;
            let person =
                domain::people::PersonId::parse(&viewing).map_err(|_| AppError::NotFound)?;
            let header = people::person_header(&self.db, &person, viewing != me)
                .await?
                .ok_or(AppError::NotFound)?;
            let drug_lines = lines::visible_drug_lines(&self.db, &person, months, today).await?;
            let event = Event::new(Action::View)
                .by_account(p.account_id(), Some(&me))
                .on(&viewing);
            let detail = format!("drugs {}..{}", months.from(), months.to());
            audit::record_or_log(
                &self.db,
                event.detail(detail).request(request_id.as_deref()),
            )
            .await;
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
