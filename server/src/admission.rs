//! Admission: at most as many requests use the database at once as the pool has connections;
//! the others wait their turn here, in order, and are answered 503 with `Retry-After` when the
//! turn does not come within the pool wait (`KARTE_DB_TIMEOUT_SECS`).
//!
//! Why here and not in the pool: a page takes the pool 4–37 times (`bench/pool-acquires`),
//! one query each. Queued per acquire, a burst of 1,000 sessions on PostgreSQL left every
//! request waiting behind every other at each of its acquires; most then ran out of time at a
//! later one, their earlier queries wasted, and the server stayed in that state — 90 % 503s
//! for the whole run, CPU and PostgreSQL idle (docs/reliability.md, "PostgreSQL under load").
//! Queued per request, an admitted request finds connections free at each step and finishes;
//! the wait is spent once, before any work.
//!
//! The turn ends when the response's head is ready: pages render whole before that
//! (`SsrMode::Async`), and a slow reader of a long body must not hold a turn. Only reads
//! (GET, HEAD) take turns: a request with a body reads it inside its handler, and a script
//! sending twenty uploads a byte a second would otherwise hold every turn; writes are few and
//! have limits of their own (uploads and exports in flight, rate limits).

use crate::web::unavailable;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Turns per HTTP worker when `KARTE_REQUESTS_IN_FLIGHT` is 0, from the connections the
/// worker's requests draw from (`pool_share`: its own PostgreSQL pool, or its share of the
/// SQLite pool). A page can render its body and its footer at once (two queries in flight) and
/// the worker's access-log writer needs one more; with at most `(pool_share - 1) / 2` requests
/// a query never waits for a connection. The pool is then never the queue: a contended pool is
/// where the PostgreSQL load drill collapsed, with the CPU and the database idle
/// (docs/reliability.md, "PostgreSQL under load").
pub fn turns_for(pool_share: u32) -> u32 {
    (pool_share.saturating_sub(1) / 2).max(1)
}

/// Turns per HTTP worker: `configured` (the server's whole, 0 = derived) split across
/// `workers`, or [`turns_for`] the worker's share of the pool.
pub fn turns_per_worker(configured: u32, workers: usize, pool_share: u32) -> u32 {
    let workers = u32::try_from(workers.max(1)).unwrap_or(u32::MAX);
    match configured {
        0 => turns_for(pool_share),
        n => n.div_ceil(workers),
    }
}

/// One HTTP worker's turns. Each worker has its own (its requests use its own connections,
/// `Db::for_this_runtime`): turns shared by all workers let one worker take more requests
/// than its pool serves while the other's connections sat idle.
#[derive(Debug, Clone)]
pub struct Admission {
    turns: Arc<Semaphore>,
    wait: Duration,
}

impl Admission {
    /// `in_flight` requests at once (at least one); a request waits at most `wait` for its turn.
    pub fn new(in_flight: u32, wait: Duration) -> Self {
        let n = usize::try_from(in_flight.max(1)).unwrap_or(1);
        Self {
            turns: Arc::new(Semaphore::new(n)),
            wait,
        }
    }

    /// Requests that may start now.
    pub fn free(&self) -> usize {
        self.turns.available_permits()
    }
}

/// What needs no turn: requests with a body (see the module's notes), what never touches the
/// database (the liveness probe, the bundle and the stylesheet), and the readiness probe, which
/// has a pool wait of its own and must tell a busy server from a database that is away.
fn needs_no_turn(method: &actix_web::http::Method, path: &str) -> bool {
    use actix_web::http::Method;
    !(method == Method::GET || method == Method::HEAD) || crate::auth::principal::is_exempt(path)
}

/// Middleware: waits for a turn, then lets the request through.
pub async fn admit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let admission = req
        .app_data::<actix_web::web::Data<Admission>>()
        .map(|a| a.get_ref().clone());
    let Some(admission) = admission.filter(|_| !needs_no_turn(req.method(), req.path())) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let turn = tokio::time::timeout(admission.wait, admission.turns.acquire_owned()).await;
    let Ok(Ok(turn)) = turn else {
        tracing::warn!("no turn within the pool wait: answered 503");
        crate::monitoring::admission_refused();
        let res = unavailable(req.path(), app::i18n::Msg::ErrorBusy, "busy");
        return Ok(req.into_response(res).map_into_right_body());
    };
    let res = next.call(req).await;
    drop(turn);
    Ok(res?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_leave_every_admitted_request_a_connection() {
        // PostgreSQL, 20 connections over two workers: 10 each, 4 requests each
        // (2 × 4 in flight + the log writer = 9 ≤ 10).
        assert_eq!(turns_per_worker(0, 2, 10), 4);
        for share in 2..64 {
            let turns = turns_for(share);
            assert!(turns >= 1);
            assert!(
                share < 3 || 2 * turns + 1 <= share,
                "share {share}: {turns} turns"
            );
        }
        // A pool of one or two still admits one request at a time.
        assert_eq!(turns_for(1), 1);
        assert_eq!(turns_for(0), 1);
        // A configured figure is the server's: split across the workers, rounded up.
        assert_eq!(turns_per_worker(9, 2, 10), 5);
        assert_eq!(turns_per_worker(1, 4, 10), 1);
    }

    #[test]
    fn probes_static_files_and_requests_with_a_body_need_no_turn_reads_do() {
        use actix_web::http::Method;
        for path in ["/healthz", "/readyz", "/pkg/karte.wasm", "/style/karte.css"] {
            assert!(needs_no_turn(&Method::GET, path), "{path}");
        }
        for path in ["/", "/drugs", "/api/v1/me/drugs", "/readyz/x"] {
            assert!(!needs_no_turn(&Method::GET, path), "GET {path}");
            assert!(!needs_no_turn(&Method::HEAD, path), "HEAD {path}");
        }
        for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            assert!(needs_no_turn(&method, "/api/v1/import"), "{method}");
        }
    }

    /// One turn, a 200 ms wait: while a slow request holds the turn, the next one is answered
    /// 503 "busy" with `Retry-After` after the wait, the liveness probe is not kept waiting,
    /// and once the turn is free again requests are admitted.
    #[actix_web::test]
    async fn a_request_without_a_turn_in_time_is_answered_busy_and_the_turn_comes_back() {
        use actix_web::{middleware::from_fn, test, web, App, HttpResponse};
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(Admission::new(
                    1,
                    Duration::from_millis(200),
                )))
                .wrap(from_fn(admit))
                .route(
                    "/api/v1/slow",
                    web::get().to(|| async {
                        tokio::time::sleep(Duration::from_millis(600)).await;
                        HttpResponse::Ok().body("slow")
                    }),
                )
                .route("/api/v1/quick", web::get().to(HttpResponse::Ok))
                .route("/api/v1/write", web::post().to(HttpResponse::Ok))
                .route("/healthz", web::get().to(HttpResponse::Ok)),
        )
        .await;
        let slow = test::call_service(
            &app,
            test::TestRequest::get().uri("/api/v1/slow").to_request(),
        );
        let others = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let health =
                test::call_service(&app, test::TestRequest::get().uri("/healthz").to_request())
                    .await;
            let write = test::call_service(
                &app,
                test::TestRequest::post().uri("/api/v1/write").to_request(),
            )
            .await;
            assert_eq!(write.status(), 200, "a request with a body takes no turn");
            let started = std::time::Instant::now();
            let busy = test::call_service(
                &app,
                test::TestRequest::get().uri("/api/v1/quick").to_request(),
            )
            .await;
            (health, busy, started.elapsed())
        };
        let (slow, (health, busy, waited)) = tokio::join!(slow, others);
        assert_eq!(slow.status(), 200);
        assert_eq!(health.status(), 200, "the liveness probe needs no turn");
        assert_eq!(busy.status(), 503);
        assert!(busy.headers().contains_key("retry-after"));
        assert!(
            waited >= Duration::from_millis(200),
            "it waited its turn first: {waited:?}"
        );
        let body: serde_json::Value = test::read_body_json(busy).await;
        assert_eq!(body["error"]["code"], "busy");
        let after = test::call_service(
            &app,
            test::TestRequest::get().uri("/api/v1/quick").to_request(),
        )
        .await;
        assert_eq!(after.status(), 200, "the turn came back");
    }

    #[test]
    fn at_least_one_request_is_admitted() {
        assert_eq!(Admission::new(0, Duration::from_secs(1)).free(), 1);
        assert_eq!(Admission::new(20, Duration::from_secs(1)).free(), 20);
    }
}
