//! ホーム: the dashboard's view model and loaders (server side; the page is not an island).
//! The footer's "data as of" comes from here too, so the page and the footer agree.

use crate::error::AppError;
use crate::record::PersonHeader;
use chrono::NaiveDate;
use domain::checkups::{Band, CheckupKind};
use domain::money::Yen;
use domain::period::YearMonth;

/// Which kind of record a freshness line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreshKind {
    Drugs,
    Checkups,
    Expenses,
}

impl FreshKind {
    pub fn code(self) -> &'static str {
        match self {
            FreshKind::Drugs => "drugs",
            FreshKind::Checkups => "checkups",
            FreshKind::Expenses => "expenses",
        }
    }

    /// The page title of the kind, as the navigation and the pages name it.
    pub fn title(self) -> crate::i18n::Msg {
        match self {
            FreshKind::Drugs => crate::i18n::Msg::DrugsTitle,
            FreshKind::Checkups => crate::i18n::Msg::CheckupsTitle,
            FreshKind::Expenses => crate::i18n::Msg::ExpensesTitle,
        }
    }
}

/// How fresh one kind of record is for the person on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    pub kind: FreshKind,
    /// The latest publication day (drugs, expenses) or 実施日 (checkups) that may be shown.
    pub as_of: Option<NaiveDate>,
    /// Months of the last three whose regular batch is not published yet (drugs, expenses).
    pub to_come: Vec<(YearMonth, NaiveDate)>,
}

/// One ingredient taken recently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentMedicine {
    /// 成分名, or the product name when the receipt gave none.
    pub ingredient: String,
    /// The product names it came as, newest first.
    pub drug_names: Vec<String>,
    /// The last 調剤日.
    pub last_dispensed: NaiveDate,
    /// Who dispensed it last.
    pub dispenser: String,
    /// Days of the last supply still left today (日分 supplies only, and only while running).
    pub days_left: Option<i64>,
}

/// How a value moved since the previous checkup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Up,
    Down,
    Same,
}

/// A value of the latest checkup outside its band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideValue {
    pub label_ja: String,
    pub label_en: String,
    pub value_ja: String,
    pub value_en: String,
    pub band: Band,
    /// The previous checkup's value, with its band, if it had one.
    pub previous_ja: Option<String>,
    pub previous_en: Option<String>,
    pub previous_band: Option<Band>,
    pub movement: Option<Movement>,
}

/// The latest checkup in brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckupBrief {
    pub performed_on: NaiveDate,
    pub kind: CheckupKind,
    pub institution_name: String,
    pub previous_on: Option<NaiveDate>,
    pub outside: Vec<OutsideValue>,
}

/// This year's costs so far and the deduction they would give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostBrief {
    pub year: i32,
    /// 窓口負担相当額 (and receipts added by hand) counted in the year, ticked lines only.
    pub paid: Yen,
    pub lines: usize,
    /// The medical-expense deduction for the income entered, or assuming 総所得金額等 of 2
    /// million yen or more (a 100,000 yen threshold) when none is entered.
    pub estimate: Yen,
    pub income_entered: bool,
}

/// What changed since the previous sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The previous sign-in (in Japan), `None` on the first.
    pub since: Option<String>,
    pub drug_lines: i64,
    pub expense_lines: i64,
    pub checkups: i64,
}

/// A proxy's view or export of the person's records since the previous sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAccess {
    pub id: domain::id::AuditEntryId,
    /// When, in Japan (YYYY-MM-DD HH:MM).
    pub at: String,
    pub who: String,
    /// `view` or `export`.
    pub action: String,
    pub detail: crate::audit::Detail,
    pub reported: bool,
}

/// One block the signed-in person may not see for the person on screen (no grant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block<T> {
    Shown(T),
    NotGranted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub person: PersonHeader,
    pub today: NaiveDate,
    pub medicines: Block<Vec<RecentMedicine>>,
    /// `Shown(None)`: no checkup at all.
    pub checkups: Block<Option<CheckupBrief>>,
    /// Why there are no checkups, when that is known (a child, or not yet registered).
    pub checkups_not_applicable: bool,
    pub costs: Block<CostBrief>,
    pub freshness: Vec<Freshness>,
    /// Only for the signed-in person's own records.
    pub changes: Option<Changes>,
    pub proxy_accesses: Vec<ProxyAccess>,
    /// Lines about to pass the 3-year window (only on one's own dashboard, when there are any).
    pub leaving: Option<Leaving>,
}

/// The oldest month of the 3-year window: its lines leave the pages on `leaves_on` (the first
/// day of next month), so the person may want to export them first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaving {
    pub month: YearMonth,
    pub leaves_on: NaiveDate,
    pub drug_lines: usize,
    pub expense_lines: usize,
}

pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.home.dashboard().await
    }
    #[cfg(not(feature = "ssr"))]
    {
        Err(AppError::Internal)
    }
}

/// How fresh each kind of record of the person on screen is, for the footer; empty signed out.
pub async fn load_freshness() -> Result<Vec<Freshness>, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.home.freshness().await
    }
    #[cfg(not(feature = "ssr"))]
    {
        Ok(Vec::new())
    }
}
