//! The services the UI calls, implemented by the server over its storage.
//! Plain data in and out; server functions get them from context.

use crate::account::{AccessView, GrantView, InvitationView, OfferView};
use crate::error::AppError;
use domain::people::PersonSummary;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Who is registered. (Becomes the dev sign-in picker once sign-in exists.)
pub trait PeopleDirectory: Send + Sync {
    fn list_people(&self) -> BoxFuture<'_, Result<Vec<PersonSummary>, AppError>>;
}

/// A person's own settings and history. Every method is for the signed-in person only: the
/// caller passes their id from the server-side session, never from the URL.
pub trait AccountPages: Send + Sync {
    fn grants(&self, person: String) -> BoxFuture<'_, Result<Vec<GrantView>, AppError>>;
    fn history(&self, person: String) -> BoxFuture<'_, Result<Vec<AccessView>, AppError>>;
    fn invitations(&self, person: String) -> BoxFuture<'_, Result<Vec<InvitationView>, AppError>>;
    fn offer(&self, code: String) -> BoxFuture<'_, Result<Option<OfferView>, AppError>>;
    fn app_tokens(
        &self,
        person: String,
    ) -> BoxFuture<'_, Result<Vec<crate::account::AppTokenView>, AppError>>;
}

/// The signed-in session of the current request.
pub trait Sessions: Send + Sync {
    /// Marks the session active; returns its new idle deadline (Unix seconds).
    fn keep_alive(&self) -> BoxFuture<'_, Result<i64, AppError>>;
}

/// The record pages' data, for the person on screen (checked against the signed-in person).
pub trait DrugHistory: Send + Sync {
    fn drug_page(
        &self,
        query: crate::drugs::PeriodQuery,
    ) -> BoxFuture<'_, Result<crate::drugs::DrugPage, AppError>>;
}

// ── checkups: trait here ──
/// 健診結果 of the person on screen (checked against the signed-in person).
pub trait CheckupResults: Send + Sync {
    fn checkup_page(&self) -> BoxFuture<'_, Result<crate::checkups::CheckupPage, AppError>>;
}

// ── expenses: trait here ──
/// 医療費通知情報 of the person on screen, or of everyone the signed-in person may see together.
pub trait ExpenseNotices: Send + Sync {
    fn expense_page(
        &self,
        query: crate::expenses::ExpenseQuery,
    ) -> BoxFuture<'_, Result<crate::expenses::ExpensePage, AppError>>;
}

// ── deduction: trait here ──
/// The 医療費控除 workbench of the person on screen for one tax year.
pub trait DeductionWorkbench: Send + Sync {
    fn deduction_page(
        &self,
        query: crate::deduction::DeductionQuery,
    ) -> BoxFuture<'_, Result<crate::deduction::DeductionPage, AppError>>;
}

// ── export: trait here ──
/// The export page: who is on screen, the period, and which kinds may be exported.
pub trait ExportPages: Send + Sync {
    fn export_page(
        &self,
        query: crate::record::PeriodQuery,
    ) -> BoxFuture<'_, Result<crate::export::ExportPage, AppError>>;
}

/// 本人入力: what the person on screen entered themselves (read-only for a proxy).
pub trait OwnEntryPages: Send + Sync {
    fn own_page(&self) -> BoxFuture<'_, Result<crate::own::OwnPage, AppError>>;
}

/// ホーム and the footer: the dashboard of the person on screen.
pub trait HomeDashboard: Send + Sync {
    fn dashboard(&self) -> BoxFuture<'_, Result<crate::home::Dashboard, AppError>>;
    /// How fresh each kind is (the footer's "data as of"); empty when nobody linked is signed in.
    fn freshness(&self) -> BoxFuture<'_, Result<Vec<crate::home::Freshness>, AppError>>;
}

/// Bring your own files: the person on screen, a previewed upload, their own batches.
pub trait ImportPages: Send + Sync {
    fn import_page(
        &self,
        query: crate::import::ImportQuery,
    ) -> BoxFuture<'_, Result<crate::import::ImportPage, AppError>>;
}

/// Everything the UI needs from the server, provided once per request via context.
#[derive(Clone)]
pub struct Services {
    pub people: Arc<dyn PeopleDirectory>,
    pub account: Arc<dyn AccountPages>,
    pub sessions: Arc<dyn Sessions>,
    pub drugs: Arc<dyn DrugHistory>,
    // ── checkups field ──
    pub checkups: Arc<dyn CheckupResults>,

    // ── expenses field ──
    pub expenses: Arc<dyn ExpenseNotices>,
    // ── deduction field ──
    pub deduction: Arc<dyn DeductionWorkbench>,

    // ── export field ──
    pub export: Arc<dyn ExportPages>,
    pub home: Arc<dyn HomeDashboard>,
    pub import: Arc<dyn ImportPages>,
    pub own: Arc<dyn OwnEntryPages>,
}

/// The services from context; a missing context is a wiring bug, reported as internal.
pub fn services() -> Result<Services, AppError> {
    leptos::prelude::use_context::<Services>().ok_or(AppError::Internal)
}
