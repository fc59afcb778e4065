//! お薬の情報: the page's service and the rule shared with the drug API.

use super::{log_access, on_screen, period_with_days, render_context, Period};
use crate::audit::Action;
use crate::auth::Principal;
use crate::db::{Db, Reads};
use crate::records::{lines, people};
use crate::settings::Clock;
use app::audit::AuditDetail;
use app::drugs::DrugPage;
use app::error::AppError;
use app::services::{BoxFuture, DrugHistory};
use domain::access::AccessKind;
use domain::drugs::DrugLine;
use domain::people::PersonId;
use domain::period::Preset;
use domain::query::PeriodQuery;
use domain::visibility::{incomplete_months, RecordKind};
use std::sync::Arc;

/// The drug lines of the person on screen for the period, if the signed-in person may see their
/// drugs today (else `NotFound`, never "forbidden"); writes the view to the access log when
/// `log_view`. Shared by the page and the API so both apply the same rule. The access rule and
/// the log use the primary `db`; the lines come from `reads` (a standby, when there is one).
pub async fn viewed_drug_lines(
    db: &Db,
    reads: &Db,
    principal: &Principal,
    period: Period,
    today: chrono::NaiveDate,
    log_view: Option<(Option<app::audit::Channel>, Option<&str>)>,
) -> Result<(PersonId, bool, Arc<Vec<DrugLine>>), AppError> {
    let on = on_screen(db, principal, AccessKind::Drugs, today).await?;
    // Shared with the cache (no copy) unless days or a card holder's start day cut it.
    let mut drug_lines = match crate::records::access::clamp_months(period.months, on.since) {
        Some(months) => lines::shared_visible_drug_lines(reads, &on.person, months, today).await?,
        None => Arc::default(),
    };
    if period.days.is_some() && drug_lines.iter().any(|l| !period.contains(l.dispensed_on)) {
        Arc::make_mut(&mut drug_lines).retain(|l| period.contains(l.dispensed_on));
    }
    if let Some(since) = on.since {
        if drug_lines.iter().any(|l| l.dispensed_on < since) {
            Arc::make_mut(&mut drug_lines).retain(|l| l.dispensed_on >= since);
        }
    }
    if let Some((channel, request_id)) = log_view {
        let detail = AuditDetail::new(app::audit::RecordKind::Drugs).channel(channel);
        let detail = match period.days {
            Some(d) => detail.period(d.from(), d.to()),
            None => detail.period(period.months.from(), period.months.to()),
        }
        .to_stored();
        log_access(db, principal, &on, Action::View, detail, request_id).await;
    }
    Ok((on.person, on.as_proxy, drug_lines))
}

pub struct SqlDrugHistory {
    pub db: Db,
    pub reads: Reads,
    pub clock: Clock,
}

impl DrugHistory for SqlDrugHistory {
    fn drug_page(&self, query: PeriodQuery) -> BoxFuture<'_, Result<DrugPage, AppError>> {
        let (principal, request_id) = render_context();
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            let today = self.clock.today();
            let period = period_with_days(&query, today, Preset::Last3Months)?;
            let months = period.months;
            let (person, as_proxy, drug_lines) = viewed_drug_lines(
                &self.db,
                &self.reads,
                &p,
                period,
                today,
                Some((None, request_id.as_deref())),
            )
            .await?;
            let header = people::person_header(&self.db, &person, as_proxy)
                .await?
                .ok_or(AppError::NotFound)?;
            let data_as_of = lines::drug_data_as_of(&self.reads, &person, today).await?;
            // 本人入力 beside the claims (part of the drugs view logged above).
            let own = crate::records::own::entries(&self.db, &person).await?;
            Ok(DrugPage {
                person: header,
                months,
                days: period.days,
                today,
                data_as_of,
                lines: drug_lines,
                incomplete: incomplete_months(months, today, RecordKind::Drugs),
                own,
            })
        })
    }
}
