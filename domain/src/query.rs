//! The query every record URL carries — `preset`, `from`, `to`, `household`, `view`, `usage`,
//! `q`, `year` — parsed here once, for the pages, the API, the PDFs and the command line.
//!
//! Text becomes types in [`RecordQuery::parse`] (one `household` rule, one 使用区分 list,
//! one view name) and the period in [`PeriodQuery::resolve`] (months or days, presets, the
//! 3-year span). Whatever text comes in, the result is a value or a [`QueryError`] naming the
//! field — never a panic — so every edge can answer 400 with the reason.

use crate::drugs::{matches_search, search_fold, DrugLine, UsageKind};
use crate::period::{DateRange, MonthRange, PeriodError, Preset, YearMonth};
use crate::visibility::{retention_window, within_retention_span};
use chrono::NaiveDate;

/// What was wrong with a query; the text names the field and the rule.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueryError {
    #[error("{0:?} is not a day; write it as YYYY-MM-DD")]
    BadDay(String),
    #[error("from/to: {0}")]
    Bound(PeriodError),
    #[error("from/to (YYYY-MM or YYYY-MM-DD): {0}")]
    BadBound(PeriodError),
    #[error("preset")]
    BadPreset,
    #[error("household: use 1 or 0")]
    BadHousehold,
}

/// The period as typed in the URL or on the command line: a preset or a range of months or
/// days, not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodQuery {
    pub preset: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
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
    pub fn contains(&self, day: NaiveDate) -> bool {
        match self.days {
            Some(days) => days.contains(day),
            None => self.months.contains_date(day),
        }
    }
}

impl PeriodQuery {
    /// A custom range only (the API and the command line take no preset).
    pub fn range(from: Option<String>, to: Option<String>) -> Self {
        Self {
            preset: None,
            from,
            to,
        }
    }

    /// The period asked for: from/to months or days (a missing end is filled from the 3-year
    /// window), or a preset, or `default`. At most the 36 months Karte keeps; every month of
    /// the result can be walked (its next month, last day and publication month exist).
    pub fn resolve(&self, today: NaiveDate, default: Preset) -> Result<Period, QueryError> {
        if self.from.is_some() || self.to.is_some() {
            let window = retention_window(today);
            let (from, from_day) = match self.from.as_deref() {
                Some(raw) => bound(raw)?,
                None => (window.from(), None),
            };
            let (to, to_day) = match self.to.as_deref() {
                Some(raw) => bound(raw)?,
                None => (window.to(), None),
            };
            let months = MonthRange::new(from, to)
                .and_then(within_retention_span)
                .map_err(QueryError::Bound)?;
            let days = if from_day.is_some() || to_day.is_some() {
                let first = from_day.unwrap_or_else(|| from.first_day());
                let last = to_day.unwrap_or_else(|| to.last_day());
                Some(DateRange::new(first, last).map_err(QueryError::Bound)?)
            } else {
                None
            };
            return Ok(Period { months, days });
        }
        let months = match self.preset.as_deref() {
            Some(code) => preset(code).ok_or(QueryError::BadPreset)?.range(today),
            None => default.range(today),
        };
        Ok(Period { months, days: None })
    }

    /// [`PeriodQuery::resolve`] in whole months (days widened to their months).
    pub fn months(&self, today: NaiveDate, default: Preset) -> Result<MonthRange, QueryError> {
        self.resolve(today, default).map(|p| p.months)
    }
}

/// A preset by its URL code (`last3_months`, `this_year`, `last_year`, `all_three_years`).
pub fn preset(code: &str) -> Option<Preset> {
    Preset::ALL.into_iter().find(|p| preset_code(*p) == code)
}

/// The URL code of a preset (the serde name).
pub fn preset_code(p: Preset) -> &'static str {
    match p {
        Preset::Last3Months => "last3_months",
        Preset::ThisYear => "this_year",
        Preset::LastYear => "last_year",
        Preset::AllThreeYears => "all_three_years",
    }
}

/// One end of a custom period: a month (YYYY-MM) or a day (YYYY-MM-DD).
fn bound(raw: &str) -> Result<(YearMonth, Option<NaiveDate>), QueryError> {
    let raw = raw.trim();
    if raw.len() == 10 {
        let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| QueryError::BadDay(raw.to_owned()))?;
        // A day goes through the month's checks too (0001-01-01 is a date, not a month we keep).
        let month = YearMonth::of_checked(day).map_err(QueryError::Bound)?;
        return Ok((month, Some(day)));
    }
    YearMonth::parse(raw)
        .map(|m| (m, None))
        .map_err(QueryError::BadBound)
}

/// The one `household` rule: `1`, `true` or `on` turns the household view on; nothing, empty,
/// `0` or `false` leaves it off; anything else is refused.
pub fn household(raw: Option<&str>) -> Result<bool, QueryError> {
    match raw {
        None | Some("" | "0" | "false") => Ok(false),
        Some("1" | "true" | "on") => Ok(true),
        Some(_) => Err(QueryError::BadHousehold),
    }
}

/// How the drug page lists the lines: one row per line (grouped by dispensing), or one row per
/// ingredient with a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DrugView {
    #[default]
    Lines,
    Ingredients,
}

impl DrugView {
    /// An unknown view is the default list.
    pub fn from_query(raw: Option<&str>) -> Self {
        match raw {
            Some("ingredients") => Self::Ingredients,
            _ => Self::Lines,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Lines => "lines",
            Self::Ingredients => "ingredients",
        }
    }
}

/// Every 使用区分, in the order the filter offers them.
pub const USAGES: [UsageKind; 5] = [
    UsageKind::Oral,
    UsageKind::External,
    UsageKind::AsNeeded,
    UsageKind::Injection,
    UsageKind::HomeCare,
];

/// The longest search text kept (characters).
pub const MAX_SEARCH_CHARS: usize = 100;

/// The drug filter in the URL (`usage`, `q`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrugFilter {
    pub usage: Option<UsageKind>,
    pub q: String,
}

impl DrugFilter {
    /// From the URL; an unknown 使用区分 means "all" rather than an error page.
    pub fn from_query(usage: Option<&str>, q: Option<&str>) -> Self {
        let usage = usage.and_then(|u| USAGES.into_iter().find(|k| k.code() == u));
        Self {
            usage,
            q: q.unwrap_or_default()
                .trim()
                .chars()
                .take(MAX_SEARCH_CHARS)
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.usage.is_none() && self.q.is_empty()
    }

    pub fn matches(&self, line: &DrugLine) -> bool {
        self.usage.is_none_or(|u| u == line.usage) && matches_search(line, &search_fold(&self.q))
    }
}

/// Everything a record URL may carry, as types. The period stays as typed until
/// [`PeriodQuery::resolve`] is given "today" (presets move with the clock).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordQuery {
    pub period: PeriodQuery,
    /// `household=1`: everyone whose records the signed-in person may see, together.
    pub household: bool,
    pub view: DrugView,
    pub filter: DrugFilter,
    /// The 医療費控除 page's tax year, as typed (checked against the years it offers).
    pub year: Option<String>,
}

impl RecordQuery {
    /// Reads the query through `get` (a URL's parameters, an API query, …); an unknown
    /// `household` value is refused (see [`household`]).
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, QueryError> {
        let household = household(get("household").as_deref())?;
        Ok(Self {
            household,
            ..Self::lenient(get)
        })
    }

    /// [`RecordQuery::parse`] for a page: an unknown `household` value reads as off, as an
    /// unknown `usage` reads as all (a hand-edited link still shows the page).
    pub fn lenient(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            period: PeriodQuery {
                preset: get("preset"),
                from: get("from"),
                to: get("to"),
            },
            household: household(get("household").as_deref()).unwrap_or(false),
            view: DrugView::from_query(get("view").as_deref()),
            filter: DrugFilter::from_query(get("usage").as_deref(), get("q").as_deref()),
            year: get("year"),
        }
    }

    /// From a decoded list of pairs (the first value of a repeated key counts).
    pub fn parse_pairs(pairs: &[(String, String)]) -> Result<Self, QueryError> {
        Self::parse(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(from: Option<&str>, to: Option<&str>) -> PeriodQuery {
        PeriodQuery::range(from.map(str::to_owned), to.map(str::to_owned))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn months_stay_months() {
        let p = q(Some("2025-04"), Some("2026-03"))
            .resolve(today(), Preset::Last3Months)
            .unwrap();
        assert_eq!(
            (p.months.from().to_string(), p.months.to().to_string()),
            ("2025-04".into(), "2026-03".into())
        );
        assert_eq!(p.days, None);
    }

    #[test]
    fn a_day_at_either_end_narrows_to_days() {
        let p = q(Some("2025-04-15"), Some("2025-06"))
            .resolve(today(), Preset::Last3Months)
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
    fn far_and_ancient_bounds_are_errors_not_panics() {
        for (f, t) in [
            (None, Some("9999-12")),
            (Some("0001-01-01"), Some("0001-02-01")),
            (Some("1900-01"), Some("9999-10")),
            (Some("9999-12-31"), None),
            (Some("2025-02-30"), Some("2025-03")),
            (Some("2025-05-02"), Some("2025-05-01")),
            (Some("2025/05"), Some("2025-06")),
        ] {
            assert!(
                q(f, t).resolve(today(), Preset::Last3Months).is_err(),
                "{f:?}..{t:?}"
            );
        }
        let err = q(None, Some("9999-12"))
            .resolve(today(), Preset::Last3Months)
            .unwrap_err();
        assert!(err.to_string().contains("at most 36"), "{err}");
    }

    #[test]
    fn presets_by_code_match_their_serde_names() {
        for p in Preset::ALL {
            let serde = serde_json::to_value(p).unwrap();
            assert_eq!(serde.as_str(), Some(preset_code(p)));
            assert_eq!(preset(preset_code(p)), Some(p));
        }
        assert_eq!(preset("nonsense"), None);
    }

    #[test]
    fn one_household_rule() {
        for on in ["1", "true", "on"] {
            assert_eq!(household(Some(on)), Ok(true));
        }
        for off in [None, Some(""), Some("0"), Some("false")] {
            assert_eq!(household(off), Ok(false));
        }
        assert_eq!(household(Some("yes")), Err(QueryError::BadHousehold));
        let pairs = [("household".to_owned(), "2".to_owned())];
        assert!(RecordQuery::parse_pairs(&pairs).is_err());
        let get = |k: &str| (k == "household").then(|| "2".to_owned());
        assert!(!RecordQuery::lenient(get).household);
    }

    #[test]
    fn the_whole_query_in_one_read() {
        let pairs: Vec<(String, String)> = [
            ("preset", "last_year"),
            ("household", "1"),
            ("view", "ingredients"),
            ("usage", "as_needed"),
            ("q", "  ロキソ "),
            ("year", "2025"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let r = RecordQuery::parse_pairs(&pairs).unwrap();
        assert_eq!(r.period.preset.as_deref(), Some("last_year"));
        assert!(r.household);
        assert_eq!(r.view, DrugView::Ingredients);
        assert_eq!(r.filter.usage, Some(UsageKind::AsNeeded));
        assert_eq!(r.filter.q, "ロキソ");
        assert_eq!(r.year.as_deref(), Some("2025"));
    }

    /// A bound as a person or a script might type it: mostly month- and day-shaped text with
    /// any digits, sometimes anything at all.
    fn bound_text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(prop_oneof![
            "[0-9]{4}-[0-9]{1,2}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            "(0001|1899|1900|2026|9998|9999)-(01|02|11|12)(-(01|28|29|30|31))?",
            any::<String>(),
        ])
    }

    proptest! {
        /// Every query gives a period or an error with a reason — never a panic — and any
        /// period it gives can be walked month by month and day by day.
        #[test]
        fn any_query_is_a_period_or_an_error(
            from in bound_text(),
            to in bound_text(),
            preset in proptest::option::of("[a-z_0-9]{0,16}"),
            days in 0i64..80_000,
        ) {
            let today = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(days);
            let query = PeriodQuery { preset, from, to };
            match query.resolve(today, Preset::Last3Months) {
                Ok(p) => {
                    prop_assert!(p.months.len() <= 36);
                    prop_assert!(p.months.to_date_range().days() > 0);
                    for month in p.months {
                        let _ = (month.next(), month.prev(), month.last_day());
                        let _ = crate::visibility::expense_visible_from(month);
                        let _ = crate::visibility::drug_visible_from(month, None);
                    }
                    if let Some(days) = p.days {
                        prop_assert!(p.contains(days.from()) && p.contains(days.to()));
                    }
                }
                Err(why) => prop_assert!(!why.to_string().is_empty()),
            }
        }

        /// Any text under any key reads as a query or a named refusal.
        #[test]
        fn any_pairs_parse_or_refuse(pairs in proptest::collection::vec(
            (prop_oneof![Just("household".to_owned()), Just("view".to_owned()),
                         Just("usage".to_owned()), Just("q".to_owned()), any::<String>()],
             any::<String>()), 0..6)) {
            match RecordQuery::parse_pairs(&pairs) {
                Ok(r) => prop_assert!(r.filter.q.chars().count() <= MAX_SEARCH_CHARS),
                Err(e) => prop_assert_eq!(e, QueryError::BadHousehold),
            }
        }
    }
}
