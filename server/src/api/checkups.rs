//! `GET /api/v1/me/checkups`: the checkups of the person on screen (the signed-in person, or
//! someone who granted them checkup records) exactly as the 健診結果 page shows them: the last
//! five from FY2020 on, oldest first, items grouped by section with one value per checkup,
//! units, bands and limits, judgements (computed ones flagged), and each insurer's
//! registration status. 401 signed out; 404 when the person on screen may not show checkups
//! (never 403, so existence is not confirmed).

use super::edge::ErrorBody;
use super::{ApiError, SignedIn};
use crate::db::{Db, Reads};
use crate::settings::Clock;
use actix_web::{get, web, HttpResponse};
use app::checkups::CheckupsView;
use serde::Serialize;

/// The checkups, as the page shows them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckupsBody<'a> {
    person_id: &'a str,
    #[serde(flatten)]
    view: &'a CheckupsView,
}

#[utoipa::path(
    get,
    path = "/me/checkups",
    summary = "Checkup results of the person on screen: the last five from FY2020 on, as the page shows them",
    description = "The signed-in person, or the person chosen in the switcher when they granted checkup records. Checkups oldest first; items grouped by section (診察, 身体計測, 血圧, 肝機能, 血糖, 脂質, 腎機能, 貧血, 尿, 心電図, 眼底, 質問票, メタボ判定, 特定保健指導レベル, その他), each with one value per checkup, its unit, band and limits. Judgements the insurer did not send are computed and flagged. Unknown item codes are kept and named by their code. Each insurer's registration status says why there may be nothing. Each call is written to the access log.",
    security(("session" = [])),
    responses(
        (status = 200, description = "The checkups", body = CheckupsBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Nothing to show for the person on screen", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
    )
)]
#[get("/me/checkups")]
pub async fn my_checkups(
    me: SignedIn,
    db: web::Data<Db>,
    reads: web::Data<Reads>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let (person, _, view) = crate::service::checkups::viewed_checkups(
        &db,
        &reads,
        &me.principal,
        clock.today(),
        me.api_view(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(CheckupsBody {
        person_id: person.as_str(),
        view: &view,
    }))
}
