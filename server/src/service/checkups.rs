//! 健診結果: the page's service and the rule shared with the checkup API.

use super::{log_access, on_screen, render_context};
use crate::audit::Action;
use crate::auth::Principal;
use crate::db::{Db, Reads};
use crate::records::{checkups, people};
use crate::settings::Clock;
use app::audit::AuditDetail;
use app::checkups::{build_view, CheckupPage, CheckupsView, Insurer, Subject};
use app::error::AppError;
use app::services::{BoxFuture, CheckupResults};
use domain::access::AccessKind;
use domain::checkups::shown_checkups;
use domain::people::PersonId;

/// The checkups of the person on screen as the page and the API show them — the domain's last
/// five from FY2020 on, with bands, judgements (computed ones flagged) and each insurer's
/// registration status — if the signed-in person may see their checkups today (else
/// `NotFound`, never "forbidden"). Writes the view to the access log when `log_view`. The
/// access rule and the log use the primary `db`; the checkups come from `reads`.
pub async fn viewed_checkups(
    db: &Db,
    reads: &Db,
    principal: &Principal,
    today: chrono::NaiveDate,
    log_view: Option<(Option<app::audit::Channel>, Option<&str>)>,
) -> Result<(PersonId, bool, CheckupsView), AppError> {
    let on = on_screen(db, principal, AccessKind::Checkups, today).await?;
    let mut all = checkups::checkups_for(reads, &on.person).await?;
    if let Some(since) = on.since {
        all.retain(|c| c.performed_on >= since);
    }
    let insurers = checkups::checkup_status(reads, &on.person).await?;
    let (birth_date, sex) = checkups::checkup_subject(db, &on.person)
        .await?
        .ok_or(AppError::NotFound)?;
    let shown = shown_checkups(&all);
    let own = checkups::self_imported_checkups(reads, &on.person).await?;
    let mut view = build_view(
        &shown,
        Subject { birth_date, sex },
        insurers
            .into_iter()
            .map(|i| Insurer {
                number: i.number.to_string(),
                name: i.name,
                registration: i.registration,
            })
            .collect(),
        today,
    );
    view.mark_imported_by_you(&own);
    if let Some((channel, request_id)) = log_view {
        let detail = AuditDetail::new(app::audit::RecordKind::Checkups)
            .channel(channel)
            .to_stored();
        log_access(db, principal, &on, Action::View, detail, request_id).await;
    }
    Ok((on.person, on.as_proxy, view))
}

pub struct SqlCheckups {
    pub db: Db,
    pub reads: Reads,
    pub clock: Clock,
}

impl CheckupResults for SqlCheckups {
    fn checkup_page(&self) -> BoxFuture<'_, Result<CheckupPage, AppError>> {
        let (principal, request_id) = render_context();
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            let today = self.clock.today();
            let (person, as_proxy, view) = viewed_checkups(
                &self.db,
                &self.reads,
                &p,
                today,
                Some((None, request_id.as_deref())),
            )
            .await?;
            let header = people::person_header(&self.db, &person, as_proxy)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(CheckupPage {
                person: header,
                today,
                view,
            })
        })
    }
}
