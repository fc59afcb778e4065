//! 医療費通知情報: the page's service and the rule shared with the expense API, including the
//! household view (the person on screen together with everyone else whose expenses the
//! signed-in person may see).

use super::{log_access, on_screen, period, render_context, OnScreen};
use crate::audit::Action;
use crate::auth::Principal;
use crate::db::{Db, Reads};
use crate::records::{access, lines, people};
use crate::settings::Clock;
use app::audit::AuditDetail;
use app::error::AppError;
use app::expenses::{ExpensePage, ExpenseQuery, Member};
use app::services::{BoxFuture, ExpenseNotices};
use domain::access::AccessKind;
use domain::expenses::{summarize, ExpenseLine, ExpenseSummary};
use domain::people::PersonId;
use domain::period::{MonthRange, Preset};

/// The expense lines a page or API call shows, with whose they are.
#[derive(Debug)]
pub struct ViewedExpenses {
    /// The person on screen.
    pub on: OnScreen,
    /// Whose lines are included, the person on screen first.
    pub shown: Vec<Member>,
    /// How many people the household view would show (1: no household to show).
    pub household_size: usize,
    /// Newest month first; within a month in the order of `shown`, then by institution.
    pub lines: Vec<ExpenseLine>,
    pub summary: ExpenseSummary,
}

/// The person on screen and everyone else whose expenses the signed-in person may see today
/// (their minor dependants on the same card, and adults who granted them expenses), by the
/// access rule in `records::access` — never from ids in the request.
async fn household(
    db: &Db,
    on: &OnScreen,
    today: chrono::NaiveDate,
) -> Result<Vec<(Member, Option<chrono::NaiveDate>)>, AppError> {
    let viewable = access::viewable(db, &on.me, today).await?;
    let may_see_expenses = |v: &access::Viewable| {
        v.kinds
            .as_ref()
            .is_none_or(|k| k.contains(AccessKind::Expenses))
    };
    let member = |v: &access::Viewable| {
        let m = Member {
            person_id: v.person_id.clone(),
            name: v.name.clone(),
        };
        (m, v.since)
    };
    let mut out: Vec<(Member, Option<chrono::NaiveDate>)> = viewable
        .iter()
        .filter(|v| v.person_id == on.person.as_str())
        .map(|v| (member(v).0, on.since))
        .collect();
    out.extend(
        viewable
            .iter()
            .filter(|v| v.person_id != on.person.as_str() && may_see_expenses(v))
            .map(member),
    );
    Ok(out)
}

/// The expense lines of the person on screen (or, with `with_household`, of the whole
/// household) for `months`, if the signed-in person may see the on-screen person's expenses
/// today (else `NotFound`, never "forbidden"). Each person's lines come from their own
/// person-scoped query. Writes one access-log entry per person shown when `log_view`.
/// Shared by the page and the API so both apply the same rule. The access rule and the log use
/// the primary `db`; the lines come from `reads` (a standby, when there is one).
pub async fn viewed_expenses(
    db: &Db,
    reads: &Db,
    principal: &Principal,
    months: MonthRange,
    today: chrono::NaiveDate,
    with_household: bool,
    log_view: Option<(Option<app::audit::Channel>, Option<&str>)>,
) -> Result<ViewedExpenses, AppError> {
    let on = on_screen(db, principal, AccessKind::Expenses, today).await?;
    let members = household(db, &on, today).await?;
    let household_size = members.len();
    let shown: Vec<(Member, Option<chrono::NaiveDate>)> = if with_household {
        members
    } else {
        members.into_iter().take(1).collect()
    };
    if shown.first().map(|(m, _)| m.person_id.as_str()) != Some(on.person.as_str()) {
        // The person on screen passed `on_screen`, so the access rule lists them; anything else
        // is the two rules disagreeing, and showing nothing is the safe answer.
        return Err(AppError::NotFound);
    }
    let mut all = Vec::new();
    for (member, since) in &shown {
        let person = PersonId::parse(&member.person_id).map_err(|_| AppError::NotFound)?;
        // A card holder sees a dependant's months from the month the child came onto the card.
        if let Some(months) = access::clamp_months(months, *since) {
            all.extend(lines::visible_expense_lines(reads, &person, months, today).await?);
        }
    }
    let shown: Vec<Member> = shown.into_iter().map(|(m, _)| m).collect();
    // Stable: within a month the people keep their order, each already sorted by institution.
    all.sort_by_key(|l| std::cmp::Reverse(l.service_month));
    let summary = summarize(&all, months, today).map_err(|e| {
        tracing::error!(error = %e, "expense totals overflow");
        AppError::Internal
    })?;
    if let Some((channel, request_id)) = log_view {
        let detail = AuditDetail::new(app::audit::RecordKind::Expenses)
            .period(months.from(), months.to())
            .household(with_household)
            .channel(channel)
            .to_stored();
        for member in &shown {
            let Ok(person) = PersonId::parse(&member.person_id) else {
                continue;
            };
            let entry = OnScreen {
                me: on.me.clone(),
                as_proxy: member.person_id != on.me,
                person,
                since: None,
            };
            log_access(
                db,
                principal,
                &entry,
                Action::View,
                detail.clone(),
                request_id,
            )
            .await;
        }
    }
    Ok(ViewedExpenses {
        on,
        shown,
        household_size,
        lines: all,
        summary,
    })
}

pub struct SqlExpenses {
    pub db: Db,
    pub reads: Reads,
    pub clock: Clock,
}

impl ExpenseNotices for SqlExpenses {
    fn expense_page(&self, query: ExpenseQuery) -> BoxFuture<'_, Result<ExpensePage, AppError>> {
        let (principal, request_id) = render_context();
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            let today = self.clock.today();
            let months = period(&query.period, today, Preset::ThisYear)?;
            let viewed = viewed_expenses(
                &self.db,
                &self.reads,
                &p,
                months,
                today,
                query.household,
                Some((None, request_id.as_deref())),
            )
            .await?;
            let header = people::person_header(&self.db, &viewed.on.person, viewed.on.as_proxy)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(ExpensePage {
                person: header,
                months,
                today,
                household: query.household && viewed.shown.len() > 1,
                household_size: viewed.household_size,
                shown: viewed.shown,
                lines: viewed.lines,
                summary: viewed.summary,
            })
        })
    }
}
