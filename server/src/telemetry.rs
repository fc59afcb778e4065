//! Logs: `tracing`, one root span per request with a request id. What never goes in a log:
//! names, birth dates, any health value, tokens, cookies, IP addresses, request bodies, query
//! strings. We log the matched route template, not the path.

use crate::settings::{LogFormat, Settings};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use std::time::Instant;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber, writing to stderr.
pub fn init(settings: &Settings) {
    let filter = EnvFilter::try_new(&settings.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match settings.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
    // A second init (tests) keeps the first subscriber.
    drop(result);
}

/// The id of the current request, for handlers that write it into the audit log.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The request id of a request, for the audit log.
pub fn request_id(req: &actix_web::HttpRequest) -> Option<String> {
    actix_web::HttpMessage::extensions(req)
        .get::<RequestId>()
        .map(|r| r.0.clone())
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn new_request_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Middleware: a span per request carrying its id, and one line when it ends.
pub async fn request_span(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = new_request_id();
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        route = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    let started = Instant::now();
    actix_web::HttpMessage::extensions_mut(&req).insert(RequestId(request_id.clone()));
    let mut res = next.call(req).instrument(span.clone()).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let status = res.status().as_u16();
    span.record("route", route.as_str());
    span.record("status", status);
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(elapsed_ms, "request finished"));
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    Ok(res)
}
