//! ホーム: the dashboard of the person on screen and the footer's freshness, built from the
//! same rules as the record pages (who may see which kind, the visible lines, the last five
//! checkups, the 医療費控除 workbench). Each kind shown is written to the access log as a view.

use super::checkups::viewed_checkups;
use super::deduction::viewed_workbench;
use super::{log_access, on_screen, render_context, viewed_drug_lines, OnScreen};
use crate::audit::Action;
use crate::auth::Principal;
use crate::db::Db;
use crate::records::{home, people};
use crate::settings::Clock;
use app::audit::AuditDetail;
use app::checkups::{CellState, CheckupsView};
use app::error::AppError;
use app::home::{
    Block, Changes, CheckupBrief, CostBrief, Dashboard, FreshKind, Freshness, Leaving, Movement,
    OutsideValue, ProxyAccess, RecentMedicine,
};
use app::services::{BoxFuture, HomeDashboard};
use chrono::{Datelike, NaiveDate};
use domain::access::AccessKind;
use domain::checkups::Band;
use domain::deduction::TaxYear;
use domain::money::Yen;
use domain::period::{MonthRange, Preset};
use domain::query::PeriodQuery;
use domain::visibility::{incomplete_months, RecordKind};

/// Ingredients listed at most on ホーム (the drugs page has them all).
const MEDICINES_SHOWN: usize = 12;
/// Proxies' accesses listed at most (アクセス履歴 has them all).
const PROXY_ACCESSES_SHOWN: i64 = 20;
/// 総所得金額等 assumed when none is entered: from here on the threshold is 100,000 yen.
const ASSUMED_INCOME: Yen = Yen(2_000_000);

/// The person on screen for `kind`, or `None` when the signed-in person may not see it.
async fn may_see(
    db: &Db,
    p: &Principal,
    kind: AccessKind,
    today: NaiveDate,
) -> Result<Option<OnScreen>, AppError> {
    match on_screen(db, p, kind, today).await {
        Ok(on) => Ok(Some(on)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

fn last_three_months(today: NaiveDate) -> Result<MonthRange, AppError> {
    Ok(PeriodQuery::default().months(today, Preset::Last3Months)?)
}

fn to_come(
    months: MonthRange,
    today: NaiveDate,
    kind: RecordKind,
) -> Vec<(domain::period::YearMonth, NaiveDate)> {
    incomplete_months(months, today, kind)
        .into_iter()
        .map(|m| (m, kind.regular_publication(m)))
        .collect()
}

/// How fresh each kind the signed-in person may see is, for the person on screen.
pub async fn freshness(
    db: &Db,
    p: &Principal,
    today: NaiveDate,
) -> Result<Vec<Freshness>, AppError> {
    let months = last_three_months(today)?;
    let mut out = Vec::new();
    if let Some(on) = may_see(db, p, AccessKind::Drugs, today).await? {
        out.push(Freshness {
            kind: FreshKind::Drugs,
            as_of: home::drugs_as_of(db, &on.person, today, on.since).await?,
            to_come: to_come(months, today, RecordKind::Drugs),
        });
    }
    if let Some(on) = may_see(db, p, AccessKind::Checkups, today).await? {
        out.push(Freshness {
            kind: FreshKind::Checkups,
            as_of: home::checkups_as_of(db, &on.person, on.since).await?,
            to_come: Vec::new(),
        });
    }
    if let Some(on) = may_see(db, p, AccessKind::Expenses, today).await? {
        out.push(Freshness {
            kind: FreshKind::Expenses,
            as_of: home::expenses_as_of(db, &on.person, today, on.since).await?,
            to_come: to_come(months, today, RecordKind::Expenses),
        });
    }
    Ok(out)
}

/// Medicines dispensed in the last three months, one row per ingredient, newest first.
fn recent_medicines(lines: &[domain::drugs::DrugLine], today: NaiveDate) -> Vec<RecentMedicine> {
    domain::drugs::by_ingredient(lines)
        .into_iter()
        .filter_map(|row| {
            let last = row.dispensings.iter().max_by_key(|d| d.from)?;
            let days_left = row
                .dispensings
                .iter()
                .filter(|d| d.covers_days && d.to >= today && d.from <= today)
                .map(|d| (d.to - today).num_days() + 1)
                .max();
            Some(RecentMedicine {
                ingredient: row.ingredient.clone(),
                drug_names: row.drug_names.clone(),
                last_dispensed: last.from,
                dispenser: last.dispenser.clone(),
                days_left,
            })
        })
        .take(MEDICINES_SHOWN)
        .collect()
}

/// The latest checkup's values outside their bands, with the previous checkup's value.
fn checkup_brief(view: &CheckupsView) -> Option<CheckupBrief> {
    let latest_at = view.checkups.len().checked_sub(1)?;
    let latest = &view.checkups[latest_at];
    let previous_at = latest_at.checked_sub(1);
    let mut outside = Vec::new();
    for group in &view.groups {
        for item in &group.items {
            let Some(cell) = item.values.get(latest_at) else {
                continue;
            };
            let Some(band) = cell.band.filter(|b| *b != Band::Normal) else {
                continue;
            };
            let prev = previous_at
                .and_then(|i| item.values.get(i))
                .filter(|c| c.state == CellState::Value);
            let movement = match (cell.number, prev.and_then(|c| c.number)) {
                (Some(now), Some(before)) => Some(match now.cmp(&before) {
                    std::cmp::Ordering::Greater => Movement::Up,
                    std::cmp::Ordering::Less => Movement::Down,
                    std::cmp::Ordering::Equal => Movement::Same,
                }),
                _ => None,
            };
            outside.push(OutsideValue {
                label_ja: item.label_ja.clone(),
                label_en: item.label_en.clone(),
                value_ja: cell.text_with_unit(app::i18n::Lang::Ja),
                value_en: cell.text_with_unit(app::i18n::Lang::En),
                band,
                previous_ja: prev.map(|c| c.text_with_unit(app::i18n::Lang::Ja)),
                previous_en: prev.map(|c| c.text_with_unit(app::i18n::Lang::En)),
                previous_band: prev.and_then(|c| c.band),
                movement,
            });
        }
    }
    Some(CheckupBrief {
        performed_on: latest.performed_on,
        kind: latest.kind,
        institution_name: latest.institution_name.clone(),
        previous_on: previous_at
            .and_then(|i| view.checkups.get(i))
            .map(|c| c.performed_on),
        outside,
    })
}

pub struct SqlHome {
    pub db: Db,
    pub clock: Clock,
}

impl SqlHome {
    async fn build(&self, p: Principal, request_id: Option<String>) -> Result<Dashboard, AppError> {
        let db = &self.db;
        let today = self.clock.today();
        let rid = request_id.as_deref();
        let viewing = p.viewing().ok_or(AppError::NotFound)?.person_id.clone();
        let me = p.person_id().ok_or(AppError::NotFound)?.to_owned();
        let person_id =
            domain::people::PersonId::parse(&viewing).map_err(|_| AppError::NotFound)?;
        let as_proxy = viewing != me;
        let person = people::person_header(db, &person_id, as_proxy)
            .await?
            .ok_or(AppError::NotFound)?;

        let medicines = match may_see(db, &p, AccessKind::Drugs, today).await? {
            None => Block::NotGranted,
            Some(_) => {
                let period = PeriodQuery::default().resolve(today, Preset::Last3Months)?;
                let (_, _, lines) =
                    viewed_drug_lines(db, db, &p, period, today, Some((None, rid))).await?;
                Block::Shown(recent_medicines(&lines, today))
            }
        };

        let (checkups, not_of_age) = match may_see(db, &p, AccessKind::Checkups, today).await? {
            None => (Block::NotGranted, false),
            Some(_) => {
                let (_, _, view) = viewed_checkups(db, db, &p, today, Some((None, rid))).await?;
                let brief = checkup_brief(&view);
                let young =
                    domain::wareki::age_on(person.birth_date, today).is_some_and(|a| a < 40);
                (Block::Shown(brief.clone()), brief.is_none() && young)
            }
        };

        let costs = match may_see(db, &p, AccessKind::Expenses, today).await? {
            None => Block::NotGranted,
            Some(on) => {
                let year =
                    TaxYear::new(today.year()).map_err(|e| AppError::BadInput(e.to_string()))?;
                let v = viewed_workbench(db, &p, year, false, today).await?;
                let wb = &v.workbench;
                let summary =
                    domain::deduction::summarize(&wb.lines, wb.income.unwrap_or(ASSUMED_INCOME))
                        .map_err(|e| {
                            tracing::error!(error = %e, "deduction estimate failed");
                            AppError::Internal
                        })?;
                let detail = AuditDetail::new(app::audit::RecordKind::Deduction)
                    .period(year, year)
                    .to_stored();
                log_access(db, &p, &on, Action::View, detail, rid).await;
                Block::Shown(CostBrief {
                    year: year.value(),
                    paid: summary.medical.paid,
                    lines: summary.lines,
                    estimate: summary.medical.amount,
                    income_entered: wb.income.is_some(),
                })
            }
        };

        let freshness = freshness(db, &p, today).await?;

        // What changed and who looked: only on the person's own dashboard.
        let (changes, proxy_accesses) = if as_proxy {
            (None, Vec::new())
        } else {
            let since = home::previous_sign_in(db, &me, p.session.created_at).await?;
            let changes = match since {
                None => Changes {
                    since: None,
                    drug_lines: 0,
                    expense_lines: 0,
                    checkups: 0,
                },
                Some(at) => {
                    let a = home::arrivals(db, &person_id, at, today).await?;
                    Changes {
                        since: Some(japan_time(at)),
                        drug_lines: a.drug_lines,
                        expense_lines: a.expense_lines,
                        checkups: a.checkups,
                    }
                }
            };
            let accesses = home::proxy_accesses(db, &me, since, PROXY_ACCESSES_SHOWN)
                .await?
                .into_iter()
                .map(|e| ProxyAccess {
                    id: e.id,
                    at: japan_time(e.at),
                    who: e.actor_name.unwrap_or_default(),
                    action: e.action,
                    detail: app::audit::Detail::from_stored(e.detail),
                    reported: e.reported > 0,
                })
                .collect();
            (Some(changes), accesses)
        };
        let leaving = if as_proxy {
            None
        } else {
            leaving(db, &person_id, today).await?
        };
        Ok(Dashboard {
            person,
            today,
            medicines,
            checkups,
            checkups_not_applicable: not_of_age,
            costs,
            freshness,
            changes,
            proxy_accesses,
            leaving,
        })
    }
}

/// The lines of the oldest month of the 3-year window (they leave the pages on the first day of
/// next month), when there are any: the dashboard's reminder to export them first.
async fn leaving(
    db: &Db,
    person: &domain::people::PersonId,
    today: NaiveDate,
) -> Result<Option<Leaving>, AppError> {
    let window = domain::visibility::retention_window(today);
    let month = window.from();
    let only = MonthRange::new(month, month).map_err(|_| AppError::Internal)?;
    let drug_lines = crate::records::lines::shared_visible_drug_lines(db, person, only, today)
        .await?
        .len();
    let expense_lines = crate::records::lines::visible_expense_lines(db, person, only, today)
        .await?
        .len();
    if drug_lines == 0 && expense_lines == 0 {
        return Ok(None);
    }
    let leaves_on = window.to().add_months(1).first_day();
    Ok(Some(Leaving {
        month,
        leaves_on,
        drug_lines,
        expense_lines,
    }))
}

/// `YYYY-MM-DD HH:MM` in Japan (UTC+9, no daylight saving), as アクセス履歴 writes it.
fn japan_time(at: chrono::DateTime<chrono::Utc>) -> String {
    (at + chrono::Duration::hours(9))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

impl HomeDashboard for SqlHome {
    fn dashboard(&self) -> BoxFuture<'_, Result<Dashboard, AppError>> {
        let (principal, request_id) = render_context();
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            self.build(p, request_id).await
        })
    }

    fn freshness(&self) -> BoxFuture<'_, Result<Vec<Freshness>, AppError>> {
        let (principal, _) = render_context();
        Box::pin(async move {
            match principal {
                Some(p) if p.person_id().is_some() => {
                    freshness(&self.db, &p, self.clock.today()).await
                }
                _ => Ok(Vec::new()),
            }
        })
    }
}
