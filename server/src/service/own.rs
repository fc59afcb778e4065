//! 本人入力: the page's service and the rule shared with the API and the drugs PDF — the
//! entries are the person's, shown to whoever may see their drugs (a proxy with the drugs
//! grant reads them), and changed only by the person themself.

use super::{log_access, on_screen, render_context, OnScreen};
use crate::audit::Action;
use crate::auth::Principal;
use crate::db::Db;
use crate::records::{lines, own, people};
use crate::settings::Clock;
use app::audit::{AuditDetail, Channel, RecordKind};
use app::error::AppError;
use app::own::{Dispensing, OwnPage};
use app::services::{BoxFuture, OwnEntryPages};
use domain::access::AccessKind;
use domain::own::OwnEntries;

/// The entries of the person on screen, if the signed-in person may see their drugs today
/// (else `NotFound`); written to the access log as a drugs view when `log_view`.
pub async fn viewed_own_entries(
    db: &Db,
    principal: &Principal,
    today: chrono::NaiveDate,
    log_view: Option<(Option<Channel>, Option<&str>)>,
) -> Result<(OnScreen, OwnEntries), AppError> {
    let on = on_screen(db, principal, AccessKind::Drugs, today).await?;
    let entries = own::entries(db, &on.person).await?;
    if let Some((channel, request_id)) = log_view {
        let detail = AuditDetail::new(RecordKind::Drugs)
            .channel(channel)
            .to_stored();
        log_access(db, principal, &on, Action::View, detail, request_id).await;
    }
    Ok((on, entries))
}

pub struct SqlOwnEntries {
    pub db: Db,
    pub clock: Clock,
}

impl OwnEntryPages for SqlOwnEntries {
    fn own_page(&self) -> BoxFuture<'_, Result<OwnPage, AppError>> {
        let (principal, request_id) = render_context();
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            let today = self.clock.today();
            let (on, entries) =
                viewed_own_entries(&self.db, &p, today, Some((None, request_id.as_deref())))
                    .await?;
            let header = people::person_header(&self.db, &on.person, on.as_proxy)
                .await?
                .ok_or(AppError::NotFound)?;
            // The dispensings a memo can be attached to: the person's, in the 3-year window.
            let dispensings = if on.as_proxy {
                Vec::new()
            } else {
                let window = domain::visibility::retention_window(today);
                let all =
                    lines::shared_visible_drug_lines(&self.db, &on.person, window, today).await?;
                let mut out: Vec<Dispensing> = Vec::new();
                for l in all.iter() {
                    if !out
                        .iter()
                        .any(|d| d.on == l.dispensed_on && d.dispenser == l.dispenser_name)
                    {
                        out.push(Dispensing {
                            on: l.dispensed_on,
                            dispenser: l.dispenser_name.clone(),
                        });
                    }
                }
                out
            };
            Ok(OwnPage {
                person: header,
                today,
                entries,
                dispensings,
                editable: !on.as_proxy,
            })
        })
    }
}
