//! 書き出し: the export page's service. Shows no records, so it writes nothing to the access
//! log; each download does (see `api::pdf`).

use super::{on_screen, period, render_context, OnScreen};
use crate::db::Db;
use crate::records::people;
use crate::settings::Clock;
use app::error::AppError;
use app::export::ExportPage;
use app::services::{BoxFuture, ExportPages};
use domain::access::AccessKind;
use domain::period::Preset;
use domain::query::PeriodQuery;

pub struct SqlExportPages {
    pub db: Db,
    pub clock: Clock,
}

impl ExportPages for SqlExportPages {
    fn export_page(&self, query: PeriodQuery) -> BoxFuture<'_, Result<ExportPage, AppError>> {
        let (principal, _) = render_context();
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            let today = self.clock.today();
            let months = period(&query, today, Preset::AllThreeYears)?;
            let mut on: Option<OnScreen> = None;
            let mut kinds = Vec::new();
            for kind in AccessKind::ALL {
                match on_screen(&self.db, &p, kind, today).await {
                    Ok(o) => {
                        on.get_or_insert(o);
                        kinds.push(kind);
                    }
                    Err(AppError::NotFound) => {}
                    Err(e) => return Err(e),
                }
            }
            let on = on.ok_or(AppError::NotFound)?;
            let person = people::person_header(&self.db, &on.person, on.as_proxy)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(ExportPage {
                person,
                months,
                today,
                kinds,
            })
        })
    }
}
