//! View models of the person's own pages, and their loaders (server side; in islands mode
//! these pages never render in the browser).

use crate::error::AppError;

/// One grant as its grantor sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantView {
    pub id: domain::id::GrantId,
    pub grantee_id: String,
    pub grantee_name: String,
    pub kinds: Vec<domain::access::AccessKind>,
    pub valid_until: chrono::NaiveDate,
}

/// An invitation its grantor made that nobody has accepted yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationView {
    pub id: domain::id::InvitationId,
    pub kinds: Vec<domain::access::AccessKind>,
    pub valid_until: chrono::NaiveDate,
    /// The last day it can be accepted (Japanese date).
    pub expires_on: chrono::NaiveDate,
}

/// What an invitation offers, shown to whoever holds its code before they accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferView {
    pub grantor_name: String,
    pub kinds: Vec<domain::access::AccessKind>,
    pub valid_until: chrono::NaiveDate,
}

/// A read-only token the person issued to an app (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppTokenView {
    pub id: domain::id::GrantId,
    pub app_name: String,
    pub kinds: Vec<domain::access::AccessKind>,
    pub valid_until: chrono::NaiveDate,
}

/// The cookie that carries a just-issued app token from the form post to the one page render
/// that shows it (HttpOnly, two minutes; the render removes it): the server keeps only the
/// token's hash, so this is the only way back to the person.
pub const NEW_APP_TOKEN_COOKIE: &str = "__Host-karte_new_app_token";

/// Who did something, as the person reading their access history sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Me,
    Person(String),
    Client(String),
    /// A sign-in not linked to any person (a failed linking attempt).
    Unlinked,
    System,
}

/// One line of a person's access history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessView {
    pub id: domain::id::AuditEntryId,
    /// Japanese time, `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub action: String,
    pub actor: Actor,
    pub detail: crate::audit::Detail,
    pub reported: bool,
}

/// The grants `person` has given.
pub async fn load_grants(person: String) -> Result<Vec<GrantView>, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.account.grants(person).await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = person;
        Err(AppError::Internal)
    }
}

/// Every access to `person`'s records.
pub async fn load_history(person: String) -> Result<Vec<AccessView>, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.account.history(person).await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = person;
        Err(AppError::Internal)
    }
}

/// The invitations `person` made that wait for acceptance.
pub async fn load_invitations(person: String) -> Result<Vec<InvitationView>, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?
            .account
            .invitations(person)
            .await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = person;
        Err(AppError::Internal)
    }
}

/// What the invitation with `code` offers; `None` when the code cannot be used.
pub async fn load_offer(code: String) -> Result<Option<OfferView>, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.account.offer(code).await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = code;
        Err(AppError::Internal)
    }
}

/// The app tokens `person` has issued that are still in force.
pub async fn load_app_tokens(person: String) -> Result<Vec<AppTokenView>, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?
            .account
            .app_tokens(person)
            .await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = person;
        Err(AppError::Internal)
    }
}

/// The app token issued by the post that led to this render, once: read from its cookie,
/// which this response removes.
pub fn take_new_app_token() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        let req = use_context::<leptos_actix::Request>()?;
        let token = req
            .cookie(NEW_APP_TOKEN_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|t| t.starts_with("karte_app_") && t.len() < 200)?;
        if let Some(res) = use_context::<leptos_actix::ResponseOptions>() {
            let removal = format!(
                "{NEW_APP_TOKEN_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
            );
            if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&removal) {
                res.append_header(actix_web::http::header::SET_COOKIE, v);
            }
        }
        Some(token)
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}
