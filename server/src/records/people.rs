use crate::db::{Db, DbError};
use crate::with_pool;
use app::error::AppError;
use app::services::{BoxFuture, PeopleDirectory};
use domain::people::{PersonId, PersonSummary};

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    name: String,
    birth_date: chrono::NaiveDate,
    insurer_name: Option<String>,
}

/// Everyone registered, with their current insurer, ordered by id (stable for scripts).
#[tracing::instrument(skip_all)]
pub async fn list_people(db: &Db) -> Result<Vec<PersonSummary>, DbError> {
    // The current insurance is the one with the latest start date.
    const SQL: &str = "SELECT p.id, p.name, p.birth_date,
            (SELECT i.insurer_name FROM insurances i WHERE i.person_id = p.id
             ORDER BY i.valid_from DESC LIMIT 1) AS insurer_name
        FROM people p ORDER BY p.id";
    let rows: Vec<PersonRow> = with_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await?);
    rows.into_iter()
        .map(|r| {
            let id = PersonId::parse(&r.id)
                .map_err(|e| DbError::Query(sqlx::Error::Decode(Box::new(e))))?;
            Ok(PersonSummary {
                id,
                name: r.name,
                birth_date: r.birth_date,
                insurer_name: r.insurer_name.unwrap_or_default(),
            })
        })
        .collect()
}

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
