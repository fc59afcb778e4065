//! `GET /api/v1/me/checkups`: the checkups of the person on screen (the signed-in person, or
//! someone who granted them checkup records) exactly as the 健診結果 page shows them: the last
//! five from FY2020 on, oldest first, items grouped by section with one value per checkup,
//! units, bands and limits, judgements (computed ones flagged), and each insurer's
//! registration status. 401 signed out; 404 when the person on screen may not show checkups
//! (never 403, so existence is not confirmed).

use super::{ApiError, SignedIn};
use crate::db::Db;
use crate::settings::Clock;
use actix_web::{get, web, HttpResponse};
use app::checkups::CheckupsView;
use serde::Serialize;

#[derive(Serialize)]
struct CheckupsBody<'a> {
    person_id: &'a str,
    #[serde(flatten)]
    view: &'a CheckupsView,
}

#[get("/me/checkups")]
pub async fn my_checkups(
    me: SignedIn,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let (person, _, view) =
        crate::service::checkups::viewed_checkups(&db, &me.principal, clock.today(), me.api_view())
            .await?;
    Ok(HttpResponse::Ok().json(CheckupsBody {
        person_id: person.as_str(),
        view: &view,
    }))
}
