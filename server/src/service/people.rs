//! The people directory the UI sees (`app::services::PeopleDirectory`).

use crate::db::Db;
use crate::records::people::list_people;
use app::error::AppError;
use app::services::{BoxFuture, PeopleDirectory};
use domain::people::PersonSummary;

/// The people directory the UI sees: only the dev sign-in picker uses it, so it answers only
/// when dev sign-in is on (otherwise it would list everyone to anyone).
pub struct SqlPeople {
    pub db: Db,
    pub dev_login: bool,
}

impl PeopleDirectory for SqlPeople {
    fn list_people(&self) -> BoxFuture<'_, Result<Vec<PersonSummary>, AppError>> {
        Box::pin(async move {
            if !self.dev_login {
                return Err(AppError::NotFound);
            }
            Ok(list_people(&self.db).await?)
        })
    }
}
