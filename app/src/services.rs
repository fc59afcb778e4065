//! The services the UI calls, implemented by the server over its storage.
//! Plain data in and out; server functions get them from context.

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

/// Everything the UI needs from the server, provided once per request via context.
#[derive(Clone)]
pub struct Services {
    pub people: Arc<dyn PeopleDirectory>,
}

/// The services from context; a missing context is a wiring bug, reported as internal.
pub fn services() -> Result<Services, AppError> {
    leptos::prelude::use_context::<Services>().ok_or(AppError::Internal)
}
