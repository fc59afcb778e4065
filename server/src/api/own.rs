//! `GET /api/v1/me/own-entries`: what the person on screen entered themselves (本人入力: OTC
//! medicines, allergies and side effects, お薬手帳 memos), never the insurer's. Shown to whoever
//! may see the person's drugs (a proxy with the drugs grant reads them); 401 signed out, 404
//! when the person on screen may not show drugs.

use super::edge::ErrorBody;
use super::{ApiError, SignedIn};
use crate::db::Db;
use crate::settings::Clock;
use actix_web::{get, web, HttpResponse};
use domain::own::{Allergy, DrugMemo, OwnMedicine};
use serde::Serialize;

/// Who entered these: always the person themself (本人入力), never the insurer.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnteredBy {
    /// 本人入力
    Person,
}

/// The entries of the person on screen.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OwnEntriesBody {
    person_id: String,
    entered_by: EnteredBy,
    /// Allergies and side effects, most severe first
    allergies: Vec<Allergy>,
    /// OTC medicines, newest first
    medicines: Vec<OwnMedicine>,
    /// お薬手帳 memos, newest dispensing first
    memos: Vec<DrugMemo>,
}

#[utoipa::path(
    get,
    path = "/me/own-entries",
    summary = "What the person on screen entered themselves (本人入力)",
    description = "OTC medicines, allergies and side effects, and memos attached to a dispensing, entered by the person (never the insurer). Readable by whoever may see the person's drugs; written to the access log as a drugs view. Changes are made on the /own page.",
    security(("session" = [])),
    responses(
        (status = 200, description = "The entries", body = OwnEntriesBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Nothing to show for the person on screen", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
    )
)]
#[get("/me/own-entries")]
pub async fn my_own_entries(
    me: SignedIn,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let (on, e) =
        crate::service::own::viewed_own_entries(&db, &me.principal, clock.today(), me.api_view())
            .await?;
    Ok(HttpResponse::Ok().json(OwnEntriesBody {
        person_id: on.person.to_string(),
        entered_by: EnteredBy::Person,
        allergies: e.allergies,
        medicines: e.medicines,
        memos: e.memos,
    }))
}
