//! The record pages' services: who is on screen (checked against the signed-in person and
//! their grants), the period from the URL, the scoped query, and the access-log entry.
//! One module per record kind; the rule for "who, which period, log it" lives here once.

pub mod checkups;
pub mod deduction;
pub mod drugs;
pub mod expenses;
pub mod export;
pub mod import;

use crate::audit::{self, Action, Event};
use crate::auth::Principal;
use crate::db::Db;
use crate::records::access;
use app::error::AppError;
use app::record::PeriodQuery;
use domain::access::AccessKind;
use domain::people::PersonId;
use domain::period::{DateRange, MonthRange, Preset, YearMonth};

pub use checkups::SqlCheckups;
pub use drugs::{viewed_drug_lines, SqlDrugHistory};
pub use expenses::{viewed_expenses, SqlExpenses};

/// The period asked for: from/to months (a missing end is filled from the 3-year window), or
/// a preset, or `default`. Days (YYYY-MM-DD) are accepted and widened to their months; pages
/// that show days use [`period_with_days`].
pub fn period(
    query: &PeriodQuery,
    today: chrono::NaiveDate,
    default: Preset,
) -> Result<MonthRange, AppError> {
    period_with_days(query, today, default).map(|p| p.months)
}

/// A period in months, narrowed to days when the person gave a day at either end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub months: MonthRange,
    /// Set when `from` or `to` was a day: the inclusive days (a month end counts whole).
    pub days: Option<DateRange>,
}

impl Period {
    /// Whether a day falls in the period (its days if given, else its months).
    pub fn contains(&self, day: chrono::NaiveDate) -> bool {
        match self.days {
            Some(days) => days.contains(day),
            None => self.months.contains_date(day),
        }
    }
}

/// One end of a custom period: a month (YYYY-MM) or a day (YYYY-MM-DD).
fn bound(raw: &str) -> Result<(YearMonth, Option<chrono::NaiveDate>), AppError> {
    let raw = raw.trim();
    if raw.len() == 10 {
        let day = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
            AppError::BadInput(format!("{raw:?} is not a day; write it as YYYY-MM-DD"))
        })?;
        // A day goes through the month's checks too (0001-01-01 is a date, not a month we keep).
        let month =
            YearMonth::of_checked(day).map_err(|e| AppError::BadInput(format!("from/to: {e}")))?;
        return Ok((month, Some(day)));
    }
    YearMonth::parse(raw)
        .map(|m| (m, None))
        .map_err(|e| AppError::BadInput(format!("from/to (YYYY-MM or YYYY-MM-DD): {e}")))
}

/// [`period`], keeping the days when the person asked for days.
pub fn period_with_days(
    query: &PeriodQuery,
    today: chrono::NaiveDate,
    default: Preset,
) -> Result<Period, AppError> {
    if query.from.is_some() || query.to.is_some() {
        let window = domain::visibility::retention_window(today);
        let (from, from_day) = match query.from.as_deref() {
            Some(raw) => bound(raw)?,
            None => (window.from(), None),
        };
        let (to, to_day) = match query.to.as_deref() {
            Some(raw) => bound(raw)?,
            None => (window.to(), None),
        };
        let months = MonthRange::new(from, to)
            .and_then(domain::visibility::within_retention_span)
            .map_err(|e| AppError::BadInput(format!("from/to: {e}")))?;
        let days = if from_day.is_some() || to_day.is_some() {
            let first = from_day.unwrap_or_else(|| from.first_day());
            let last = to_day.unwrap_or_else(|| to.last_day());
            Some(
                DateRange::new(first, last)
                    .map_err(|e| AppError::BadInput(format!("from/to: {e}")))?,
            )
        } else {
            None
        };
        return Ok(Period { months, days });
    }
    let months = match query.preset.as_deref() {
        Some(code) => serde_json::from_value::<Preset>(serde_json::Value::String(code.to_owned()))
            .map(|p| p.range(today))
            .map_err(|_| AppError::BadInput("preset".into()))?,
        None => default.range(today),
    };
    Ok(Period { months, days: None })
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
    /// The earliest day whose records may be shown (a card holder's dependant: from when the
    /// child came onto the card); `None`: no limit.
    pub since: Option<chrono::NaiveDate>,
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
    let since = access::view_scope(db, &me, &viewing, kind, today)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = PersonId::parse(&viewing).map_err(|_| AppError::NotFound)?;
    Ok(OnScreen {
        as_proxy: viewing != me,
        me,
        person,
        since,
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn q(from: Option<&str>, to: Option<&str>) -> PeriodQuery {
        PeriodQuery {
            preset: None,
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn months_stay_months() {
        let p = period_with_days(
            &q(Some("2025-04"), Some("2026-03")),
            today(),
            Preset::Last3Months,
        )
        .unwrap();
        assert_eq!(
            (p.months.from().to_string(), p.months.to().to_string()),
            ("2025-04".into(), "2026-03".into())
        );
        assert_eq!(p.days, None);
    }

    #[test]
    fn a_day_at_either_end_narrows_to_days() {
        let p = period_with_days(
            &q(Some("2025-04-15"), Some("2025-06")),
            today(),
            Preset::Last3Months,
        )
        .unwrap();
        assert_eq!(
            (p.months.from().to_string(), p.months.to().to_string()),
            ("2025-04".into(), "2025-06".into())
        );
        let days = p.days.unwrap();
        assert_eq!(days.from(), NaiveDate::from_ymd_opt(2025, 4, 15).unwrap());
        assert_eq!(days.to(), NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
        assert!(!p.contains(NaiveDate::from_ymd_opt(2025, 4, 14).unwrap()));
        assert!(p.contains(NaiveDate::from_ymd_opt(2025, 4, 15).unwrap()));
    }

    #[test]
    fn far_and_ancient_bounds_are_bad_input_not_panics() {
        for (f, t) in [
            (None, Some("9999-12")),
            (Some("0001-01-01"), Some("0001-02-01")),
            (Some("1900-01"), Some("9999-10")),
            (Some("9999-12-31"), None),
        ] {
            let err = period_with_days(&q(f, t), today(), Preset::Last3Months).unwrap_err();
            assert!(
                matches!(err, AppError::BadInput(_)),
                "{f:?}..{t:?}: {err:?}"
            );
        }
        let err =
            period_with_days(&q(None, Some("9999-12")), today(), Preset::Last3Months).unwrap_err();
        assert!(err.to_string().contains("at most 36"), "{err}");
    }

    /// A bound as a person or a script might type it: mostly month- and day-shaped text with
    /// any digits, sometimes anything at all.
    fn bound_text() -> impl proptest::strategy::Strategy<Value = Option<String>> {
        use proptest::prelude::*;
        proptest::option::of(prop_oneof![
            "[0-9]{4}-[0-9]{1,2}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            "(0001|1899|1900|2026|9998|9999)-(01|02|11|12)(-(01|28|29|30|31))?",
            any::<String>(),
        ])
    }

    proptest::proptest! {
        /// Every query string gives a period or a 400 with a reason — never a panic — and any
        /// period it gives can be walked month by month and day by day.
        #[test]
        fn any_query_is_a_period_or_bad_input(
            from in bound_text(),
            to in bound_text(),
            preset in proptest::option::of("[a-z_0-9]{0,16}"),
            days in 0i64..80_000,
        ) {
            let today = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(days);
            let query = PeriodQuery { preset, from, to };
            match period_with_days(&query, today, Preset::Last3Months) {
                Ok(p) => {
                    proptest::prop_assert!(p.months.len() <= 36);
                    let span = p.months.to_date_range();
                    proptest::prop_assert!(span.days() > 0);
                    for month in p.months {
                        let _ = (month.next(), month.prev(), month.last_day());
                        let _ = domain::visibility::expense_visible_from(month);
                        let _ = domain::visibility::drug_visible_from(month, None);
                    }
                    if let Some(days) = p.days {
                        proptest::prop_assert!(p.contains(days.from()) && p.contains(days.to()));
                    }
                }
                Err(AppError::BadInput(why)) => proptest::prop_assert!(!why.is_empty()),
                Err(other) => proptest::prop_assert!(false, "{other:?}"),
            }
        }
    }

    #[test]
    fn bad_and_reversed_days_are_bad_input() {
        for (f, t) in [
            ("2025-02-30", "2025-03"),
            ("2025-05-02", "2025-05-01"),
            ("2025/05", "2025-06"),
        ] {
            let err =
                period_with_days(&q(Some(f), Some(t)), today(), Preset::Last3Months).unwrap_err();
            assert!(matches!(err, AppError::BadInput(_)), "{f}..{t}: {err:?}");
        }
    }
}
