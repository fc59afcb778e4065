use crate::error::AppError;
use leptos::prelude::*;

/// "Stay signed in": marks the session active; returns the new idle deadline (Unix seconds).
#[server(prefix = "/fn", endpoint = "keep-alive")]
pub async fn keep_alive() -> Result<i64, AppError> {
    crate::services::services()?.sessions.keep_alive().await
}
