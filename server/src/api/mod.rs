//! The REST API (`/api/v1`). Machine clients (insurers) import with a bearer credential from
//! configuration, kept apart from people's sessions.

pub mod checkups;
pub mod deduction;
pub mod drugs;
pub mod edge;
pub mod expenses;
pub mod fhir;
pub mod import;
pub mod jahis;
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

/// The API's period: `from` and `to` exactly as the document's patterns write them (the pages
/// also read `2024-1`, `202401` and surrounding spaces, for people typing a URL; the API does
/// not), days only where the operation takes them; then the rules between them.
pub fn period_query(
    from: Option<&str>,
    to: Option<&str>,
    days: bool,
) -> Result<domain::query::PeriodQuery, ApiError> {
    let exact = |name: &str, raw: Option<&str>| -> Result<Option<String>, ApiError> {
        let Some(raw) = raw else { return Ok(None) };
        let b = raw.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let month = b.len() >= 7 && digits(0..4) && b[4] == b'-' && digits(5..7);
        let ok = match b.len() {
            7 => month,
            10 if days => month && b[7] == b'-' && digits(8..10),
            _ => false,
        };
        if ok {
            Ok(Some(raw.to_owned()))
        } else {
            Err(ApiError::bad_input(format!(
                "{name}: use {}",
                if days {
                    "YYYY-MM or YYYY-MM-DD"
                } else {
                    "YYYY-MM"
                }
            )))
        }
    };
    Ok(domain::query::PeriodQuery::range(
        exact("from", from)?,
        exact("to", to)?,
    ))
}
