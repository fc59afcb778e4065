//! The audit log: who did what to whose records, and when. Insert-only (triggers refuse
//! UPDATE and DELETE on both backends). `detail` names kinds and periods, never health values.

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SignInFailed,
    SignOut,
    SignOutEverywhere,
    Link,
    /// A linking attempt that failed (also written to the person whose card it named).
    LinkFailed,
    Unlink,
    /// A one-time linking code was issued for the person.
    LinkCode,
    View,
    Export,
    Import,
    /// A proxy invitation was made (the grant follows when someone accepts it).
    Invite,
    Grant,
    Revoke,
    Report,
    /// A person changed their own working data (the 医療費控除 workbench).
    Change,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignInFailed => "sign_in_failed",
            Action::SignOut => "sign_out",
            Action::SignOutEverywhere => "sign_out_everywhere",
            Action::Link => "link",
            Action::LinkFailed => "link_failed",
            Action::Unlink => "unlink",
            Action::LinkCode => "link_code",
            Action::View => "view",
            Action::Export => "export",
            Action::Import => "import",
            Action::Invite => "invite",
            Action::Grant => "grant",
            Action::Revoke => "revoke",
            Action::Report => "report",
            Action::Change => "change",
        }
    }
}

/// One entry. Build with `Event::new(action)` and the `by_*`/`on`/`detail` setters.
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub action: Option<Action>,
    pub actor_person: Option<String>,
    pub actor_account: Option<String>,
    pub actor_client: Option<String>,
    pub subject_person: Option<String>,
    pub detail: String,
    pub request_id: Option<String>,
}

impl Event {
    pub fn new(action: Action) -> Self {
        Self {
            action: Some(action),
            ..Self::default()
        }
    }
    pub fn by_account(mut self, account: impl AsRef<str>, person: Option<&str>) -> Self {
        self.actor_account = Some(account.as_ref().to_owned());
        self.actor_person = person.map(str::to_owned);
        self
    }
    pub fn by_client(mut self, client: &str) -> Self {
        self.actor_client = Some(client.to_owned());
        self
    }
    pub fn on(mut self, person: &str) -> Self {
        self.subject_person = Some(person.to_owned());
        self
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
    pub fn request(mut self, request_id: Option<&str>) -> Self {
        self.request_id = request_id.map(str::to_owned);
        self
    }
}

pub async fn record(db: &Db, event: Event, at: DateTime<Utc>) -> Result<(), DbError> {
    let action = event.action.map(Action::as_str).unwrap_or("unknown");
    with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO audit_log (at, action, actor_person, actor_account, actor_client, subject_person, detail, request_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(at)
        .bind(action)
        .bind(event.actor_person.as_deref())
        .bind(event.actor_account.as_deref())
        .bind(event.actor_client.as_deref())
        .bind(event.subject_person.as_deref())
        .bind(&event.detail)
        .bind(event.request_id.as_deref())
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Records an event; a failure is logged, never shown (the action itself already happened).
pub async fn record_or_log(db: &Db, event: Event) {
    if let Err(e) = record(db, event, Utc::now()).await {
        tracing::error!(error = %e, "audit log write failed");
    }
}

/// A person's access history: the one query, in `records::audit_log`.
pub use crate::records::audit_log::{history, Entry};
