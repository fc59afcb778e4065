use crate::error::AppError;
use leptos::prelude::*;

/// "Stay signed in": marks the session active; returns the new idle deadline (Unix seconds).
#[server(prefix = "/fn", endpoint = "keep-alive")]
pub async fn keep_alive() -> Result<i64, AppError> {
    let status = crate::error::PageStatus::here();
    let result = crate::services::services()?.sessions.keep_alive().await;
    match &result {
        // No session to keep: 401, as the API says to someone signed out.
        Err(AppError::NotFound) => status.set(401),
        Err(e) => status.set_for(e),
        Ok(_) => {}
    }
    result
}
