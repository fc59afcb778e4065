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

/// Installs the global subscriber, writing to stderr. Besides the log lines it feeds the
/// pool's connection-wait events to the metrics (`monitoring::AcquireWaitLayer`), whatever
/// the log filter says: each layer has its own filter.
pub fn init(settings: &Settings) {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::Layer as _;
    let filter = EnvFilter::try_new(&settings.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let log = match settings.log_format {
        LogFormat::Json => fmt.json().with_filter(filter).boxed(),
        LogFormat::Text => fmt.with_filter(filter).boxed(),
    };
    let acquire_wait = crate::monitoring::AcquireWaitLayer.with_filter(
        tracing_subscriber::filter::Targets::new().with_target(
            crate::monitoring::SQLX_ACQUIRE_TARGET,
            tracing::Level::TRACE,
        ),
    );
    let result = tracing_subscriber::registry()
        .with(log)
        .with(acquire_wait)
        .try_init();
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
    let method = crate::monitoring::method_label(req.method());
    actix_web::HttpMessage::extensions_mut(&req).insert(RequestId(request_id.clone()));
    let mut res = next.call(req).instrument(span.clone()).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let status = res.status().as_u16();
    span.record("route", route.as_str());
    span.record("status", status);
    let elapsed = started.elapsed();
    let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(elapsed_ms, "request finished"));
    crate::monitoring::http_request(method, route, status, elapsed);
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    Ok(res)
}
