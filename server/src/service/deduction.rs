//! 医療費控除: the page's service, the one form handler for every change (answered with a
//! redirect back to the page), and the rule shared with the export API: whose workbench is on
//! screen (the person on screen, if the signed-in person may see their expenses), whose
//! notices are on it, which year.

use super::{log_access, on_screen, render_context, OnScreen};
use crate::audit::Action;
use crate::auth::Principal;
use crate::db::Db;
use crate::deduction::{self, Workbench};
use crate::records::{access, people};
use crate::settings::Clock;
use app::audit::AuditDetail;
use app::deduction::{default_year, DeductionPage, DeductionQuery, MemberView};
use app::error::AppError;
use app::record::PersonHeader;
use app::services::{BoxFuture, DeductionWorkbench};
use chrono::{Datelike, NaiveDate};
use domain::access::AccessKind;
use domain::deduction::form::FormError;
use domain::deduction::TaxYear;

/// The year asked for, or the default (last year during the filing season).
pub fn tax_year(raw: Option<&str>, today: NaiveDate) -> Result<TaxYear, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => TaxYear::parse(raw).map_err(|e| AppError::BadInput(format!("year: {e}"))),
        None => TaxYear::new(default_year(today)).map_err(|e| AppError::BadInput(e.to_string())),
    }
}

/// The workbench on screen, with the person header and everyone who could join it.
pub struct Viewed {
    pub on: OnScreen,
    pub header: PersonHeader,
    pub workbench: Workbench,
    /// Household members the signed-in person may add (besides the person on screen).
    pub others: usize,
}

/// The year's workbench of the person on screen, if the signed-in person may see their
/// expenses today (else `NotFound`, never "forbidden"). With `household`, the notices of
/// everyone whose expenses the signed-in person may see are on it too.
pub async fn viewed_workbench(
    db: &Db,
    principal: &Principal,
    year: TaxYear,
    household: bool,
    today: NaiveDate,
) -> Result<Viewed, AppError> {
    let on = on_screen(db, principal, AccessKind::Expenses, today).await?;
    let header = people::person_header(db, &on.person, on.as_proxy)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut members = deduction::members(db, &on.me, &on.person, &header.name, true, today).await?;
    let others = members.len() - 1;
    if !household {
        members.truncate(1);
    }
    let workbench = deduction::load(db, &on.person, members, year, today).await?;
    Ok(Viewed {
        on,
        header,
        workbench,
        others,
    })
}

pub struct SqlDeduction {
    pub db: Db,
    pub clock: Clock,
}

impl DeductionWorkbench for SqlDeduction {
    fn deduction_page(
        &self,
        query: DeductionQuery,
    ) -> BoxFuture<'_, Result<DeductionPage, AppError>> {
        let (principal, request_id) = render_context();
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            let today = self.clock.today();
            let year = tax_year(query.year.as_deref(), today)?;
            let v = viewed_workbench(&self.db, &p, year, query.household, today).await?;
            let detail = AuditDetail::new(app::audit::RecordKind::Deduction)
                .period(year, year)
                .household(query.household)
                .to_stored();
            log_access(
                &self.db,
                &p,
                &v.on,
                Action::View,
                detail,
                request_id.as_deref(),
            )
            .await;
            let wb = &v.workbench;
            let (form_error, truncated, grouped) = match wb.form_rows() {
                Ok(rows) => (None, rows.truncated, rows.grouped),
                Err(FormError::TooManyRows { rows, .. }) => (Some(rows), Vec::new(), false),
                Err(_) => (None, Vec::new(), false),
            };
            let mut years: Vec<i32> = (today.year() - 3..=today.year()).rev().collect();
            if !years.contains(&year.value()) {
                years.push(year.value());
            }
            Ok(DeductionPage {
                person: v.header.clone(),
                today,
                year: year.value(),
                years,
                household: query.household && v.others > 0,
                members: wb
                    .members
                    .iter()
                    .map(|m| MemberView {
                        person_id: m.person.to_string(),
                        name: m.name.clone(),
                    })
                    .collect(),
                household_available: v.others > 0,
                summary: wb.summary().and_then(Result::ok),
                lines: wb.lines.clone(),
                income: wb.income,
                form_error,
                truncated,
                grouped,
                editable: may_edit(&self.db, &v.on, today).await?,
            })
        })
    }
}

/// Whether the signed-in person may change the on-screen person's workbench: their own, or
/// with a grant of 医療費控除の編集 (a card holder has it for a minor dependant). Reading
/// 医療費通知 alone does not allow it.
pub(crate) async fn may_edit(
    db: &Db,
    on: &OnScreen,
    today: NaiveDate,
) -> Result<bool, crate::db::DbError> {
    if !on.as_proxy {
        return Ok(true);
    }
    access::may_view(
        db,
        &on.me,
        on.person.as_str(),
        AccessKind::DeductionEdit,
        today,
    )
    .await
}
