//! The REST API (`/api/v1`). Machine clients (insurers) import with a bearer credential from
//! configuration, kept apart from people's sessions.

pub mod checkups;
pub mod deduction;
pub mod drugs;
pub mod edge;
pub mod expenses;
pub mod import;
pub mod openapi;
pub mod own;
pub mod pdf;

pub use edge::{ApiError, SignedIn};

/// Query strings the API cannot read answer with problem JSON like every other API error
/// (actix's default is a plain-text 400).
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(|err, _req| {
        let message = err.to_string();
        let res = actix_web::ResponseError::error_response(&ApiError::new(
            actix_web::http::StatusCode::BAD_REQUEST,
            "bad_query",
            message,
        ));
        actix_web::error::InternalError::from_response(err, res).into()
    })
}
