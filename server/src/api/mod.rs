//! The REST API (`/api/v1`). Machine clients (insurers) import with a bearer credential from
//! configuration, kept apart from people's sessions.

pub mod checkups;
pub mod deduction;
pub mod drugs;
pub mod expenses;
pub mod import;
pub mod pdf;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use app::error::AppError;

/// An API error: `{"error": {"code", "message"}}` with the status.
pub fn problem(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .json(serde_json::json!({ "error": { "code": code, "message": message } }))
}

/// One mapping from the shared errors to API answers: 404 (never 403) when the person on
/// screen may not show this kind, 400 with the reason for bad input, 503 otherwise.
pub fn error_response(e: &AppError) -> HttpResponse {
    match e {
        AppError::NotFound => problem(StatusCode::NOT_FOUND, "not_found", "no records"),
        AppError::BadInput(why) => problem(StatusCode::BAD_REQUEST, "bad_input", why),
        _ => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "try again in a moment",
        ),
    }
}

/// Query strings the API cannot read answer with problem JSON like every other API error
/// (actix's default is a plain-text 400).
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(|err, _req| {
        let res = problem(StatusCode::BAD_REQUEST, "bad_query", &err.to_string());
        actix_web::error::InternalError::from_response(err, res).into()
    })
}
