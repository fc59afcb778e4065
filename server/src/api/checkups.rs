//! `GET /api/v1/me/checkups`: the checkups of the person on screen (the signed-in person, or
//! someone who granted them checkup records) exactly as the 健診結果 page shows them: the last
//! five from FY2020 on, oldest first, items grouped by section with one value per checkup,
//! units, bands and limits, judgements (computed ones flagged), and each insurer's
//! registration status. 401 signed out; 404 when the person on screen may not show checkups
//! (never 403, so existence is not confirmed).

use super::{error_response, problem};
use crate::auth::Principal;
use crate::db::Db;
use crate::settings::Clock;
use crate::telemetry::request_id;
use actix_web::{get, web, HttpMessage, HttpRequest, HttpResponse};
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
    req: HttpRequest,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    let principal = req.extensions().get::<Principal>().cloned();
    let Some(p) = principal else {
        return problem(StatusCode::UNAUTHORIZED, "unauthorized", "sign in first");
    };
    let rid = request_id(&req);
    match crate::service::checkups::viewed_checkups(
        &db,
        &p,
        clock.today(),
        Some((Some(app::audit::Channel::Api), rid.as_deref())),
    )
    .await
    {
        Ok((person, _, view)) => HttpResponse::Ok().json(CheckupsBody {
            person_id: person.as_str(),
            view: &view,
        }),
        Err(e) => error_response(&e),
    }
}
