//! Metrics for Prometheus: what the server counts and times, recorded through the `metrics`
//! facade and rendered in the Prometheus text format by `metrics-exporter-prometheus` (no
//! listener of its own: `startup::metrics_server` serves the text on `KARTE_METRICS_ADDR`,
//! never on the public address).
//!
//! What may be a label: a route TEMPLATE (`/api/v1/me/{kind}/pdf`, never the path), a method,
//! a status code, a channel (`api`, `cli`, `self`, `demo`), an outcome, a sign-in notice code —
//! values from a short closed set. Never a person id, a name, a token, a client address or
//! any health value: those are unbounded and they are personal data.
//!
//! Until [`install`] runs (the `karte serve` command) the `metrics` macros record into
//! nothing, so tests and the other commands pay nothing.

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, histogram, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

pub const HTTP_REQUESTS: &str = "karte_http_requests_total";
pub const HTTP_DURATION: &str = "karte_http_request_duration_seconds";
pub const DB_POOL_CONNECTIONS: &str = "karte_db_pool_connections";
pub const DB_POOL_MAX: &str = "karte_db_pool_max_connections";
pub const DB_ACQUIRE_WAIT: &str = "karte_db_pool_acquire_wait_seconds";
pub const DB_POOL_TIMEOUTS: &str = "karte_db_pool_timeouts_total";
pub const ADMISSION_REFUSED: &str = "karte_admission_refused_total";
pub const AUDIT_WAIT: &str = "karte_audit_log_wait_seconds";
pub const AUDIT_BATCHES: &str = "karte_audit_log_batches_total";
pub const IMPORT_BATCHES: &str = "karte_import_batches_total";
pub const IMPORT_LINES: &str = "karte_import_lines_total";
pub const PDF_RENDERS: &str = "karte_pdf_renders_total";
pub const PDF_RENDER_TIME: &str = "karte_pdf_render_seconds";
pub const SESSIONS_ACTIVE: &str = "karte_sessions_active";
pub const SIGN_IN_FAILURES: &str = "karte_sign_in_failures_total";
pub const LINK_FAILURES: &str = "karte_link_failures_total";

/// Histogram buckets for every `…_seconds` metric: 1 ms to 30 s.
const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder (once; later calls return the same handle).
pub fn install() -> anyhow::Result<&'static PrometheusHandle> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle);
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).map_err(|e| anyhow::anyhow!("metrics recorder: {e}"))?;
    describe();
    Ok(HANDLE.get_or_init(|| handle))
}

/// The handle, once [`install`] has run.
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE.get()
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by method, route template and status"
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request, by method and route template"
    );
    describe_gauge!(
        DB_POOL_CONNECTIONS,
        "Open database connections of this server, by state (in_use, idle)"
    );
    describe_gauge!(
        DB_POOL_MAX,
        "Largest number of database connections this server may open"
    );
    describe_histogram!(
        DB_ACQUIRE_WAIT,
        Unit::Seconds,
        "Time a query waited for a database connection from the pool"
    );
    describe_counter!(
        DB_POOL_TIMEOUTS,
        "Requests that found no free database connection in time (answered 503)"
    );
    describe_counter!(
        ADMISSION_REFUSED,
        "Requests that found no turn to use the database in time (answered 503; see server::admission)"
    );
    describe_histogram!(
        AUDIT_WAIT,
        Unit::Seconds,
        "Time a request waited for its access-log entries to be committed (the turn and the write)"
    );
    describe_counter!(
        AUDIT_BATCHES,
        "Access-log commits; each writes every entry waiting at that moment"
    );
    describe_counter!(
        IMPORT_BATCHES,
        "Import batches, by channel (api, cli, self, demo) and outcome (imported, duplicate, failed)"
    );
    describe_counter!(IMPORT_LINES, "Lines stored by imports, by channel");
    describe_counter!(
        PDF_RENDERS,
        "PDF documents rendered, by outcome (ok, failed)"
    );
    describe_histogram!(
        PDF_RENDER_TIME,
        Unit::Seconds,
        "Time to lay out and render one PDF document"
    );
    describe_gauge!(
        SESSIONS_ACTIVE,
        "Sessions neither idle too long nor past their absolute end (the whole database)"
    );
    describe_counter!(
        SIGN_IN_FAILURES,
        "Sign-ins that failed, by notice code (state, provider, cancelled, dev, …)"
    );
    describe_counter!(
        LINK_FAILURES,
        "Failed attempts to link an account to a person (card and birth date)"
    );
}

/// Keeps a label to a known method, so a crafted method cannot make a new series.
pub fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// One answered request. `route` is the matched template (or `unmatched`), never the path.
pub fn http_request(method: &'static str, route: String, status: u16, elapsed: Duration) {
    counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    histogram!(HTTP_DURATION, "method" => method, "route" => route).record(elapsed.as_secs_f64());
}

/// The channel of an import source: `api:CLIENT` → `api` (client names stay out of labels).
fn channel(source: &str) -> &'static str {
    match source.split(':').next().unwrap_or("") {
        "api" => "api",
        "cli" => "cli",
        "self" => "self",
        "demo" => "demo",
        _ => "other",
    }
}

/// How an import batch ended.
#[derive(Debug, Clone, Copy)]
pub enum ImportResult {
    Imported { lines: usize },
    Duplicate,
    Failed,
}

pub fn import_batch(source: &str, result: ImportResult) {
    let channel = channel(source);
    let outcome = match result {
        ImportResult::Imported { lines } => {
            counter!(IMPORT_LINES, "channel" => channel)
                .increment(u64::try_from(lines).unwrap_or(u64::MAX));
            "imported"
        }
        ImportResult::Duplicate => "duplicate",
        ImportResult::Failed => "failed",
    };
    counter!(IMPORT_BATCHES, "channel" => channel, "outcome" => outcome).increment(1);
}

pub fn pdf_render(ok: bool, elapsed: Duration) {
    let outcome = if ok { "ok" } else { "failed" };
    counter!(PDF_RENDERS, "outcome" => outcome).increment(1);
    histogram!(PDF_RENDER_TIME).record(elapsed.as_secs_f64());
}

/// `reason` is a sign-in notice code (a fixed set: `app::notice`).
pub fn sign_in_failure(reason: &'static str) {
    counter!(SIGN_IN_FAILURES, "reason" => reason).increment(1);
}

pub fn link_failure() {
    counter!(LINK_FAILURES).increment(1);
}

pub fn pool_timeout() {
    counter!(DB_POOL_TIMEOUTS).increment(1);
}

/// One request's wait for its access-log entries (see `audit::record_all_or_log`).
pub fn audit_wait(elapsed: Duration) {
    histogram!(AUDIT_WAIT).record(elapsed.as_secs_f64());
}

pub fn audit_batch() {
    counter!(AUDIT_BATCHES).increment(1);
}

pub fn admission_refused() {
    counter!(ADMISSION_REFUSED).increment(1);
}

/// Connection counts of the server's pools, set just before a scrape is rendered.
pub fn pool_gauges(in_use: u64, idle: u64, max: u64) {
    metrics::gauge!(DB_POOL_CONNECTIONS, "state" => "in_use").set(in_use as f64);
    metrics::gauge!(DB_POOL_CONNECTIONS, "state" => "idle").set(idle as f64);
    metrics::gauge!(DB_POOL_MAX).set(max as f64);
}

pub fn sessions_active(n: u64) {
    metrics::gauge!(SESSIONS_ACTIVE).set(n as f64);
}

/// The tracing target and field sqlx reports each connection acquire under (when the pool's
/// `acquire_time_level` is on): the wait, measured by the pool itself.
pub const SQLX_ACQUIRE_TARGET: &str = "sqlx::pool::acquire";

/// A tracing layer that turns sqlx's "acquired connection" events into
/// [`DB_ACQUIRE_WAIT`] samples. It reads the one number and nothing else of the event.
pub struct AcquireWaitLayer;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for AcquireWaitLayer {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if event.metadata().target() != SQLX_ACQUIRE_TARGET {
            return;
        }
        let mut wait = AcquiredAfter(None);
        event.record(&mut wait);
        if let Some(secs) = wait.0.filter(|s| s.is_finite() && *s >= 0.0) {
            histogram!(DB_ACQUIRE_WAIT).record(secs);
        }
    }
}

struct AcquiredAfter(Option<f64>);

impl tracing::field::Visit for AcquiredAfter {
    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        // sqlx 0.8 spells it `aquired_after_secs`; accept the corrected spelling too.
        if matches!(field.name(), "aquired_after_secs" | "acquired_after_secs") {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_channels_drop_client_names() {
        assert_eq!(channel("api:kyokai"), "api");
        assert_eq!(channel("cli"), "cli");
        assert_eq!(channel("self"), "self");
        assert_eq!(channel("p-0123"), "other");
    }

    #[test]
    fn unknown_methods_share_one_label() {
        let odd = actix_web::http::Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&odd), "OTHER");
        assert_eq!(method_label(&actix_web::http::Method::GET), "GET");
    }
}
