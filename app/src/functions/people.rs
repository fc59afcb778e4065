use crate::error::AppError;
use crate::i18n::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the people list, formatted on the server for the chosen language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub birth_date: String,
    pub insurer: String,
}

/// The people of the dev sign-in list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleList {
    pub people: Vec<PersonRow>,
}

#[server(prefix = "/fn", endpoint = "people")]
pub async fn list_people(lang: Lang) -> Result<PeopleList, AppError> {
    let services = crate::services::services()?;
    let people = services.people.list_people().await?;
    Ok(PeopleList {
        people: people.into_iter().map(|p| ssr::row(p, lang)).collect(),
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::PersonRow;
    use crate::i18n::Lang;
    use domain::people::PersonSummary;

    pub fn row(p: PersonSummary, lang: Lang) -> PersonRow {
        PersonRow {
            id: p.id.to_string(),
            name: p.name,
            birth_date: crate::components::dates::long_date(p.birth_date, lang),
            insurer: p.insurer_name,
        }
    }
}
