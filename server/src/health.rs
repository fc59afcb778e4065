//! `/healthz`: the process answers. `/readyz`: the database answers too (503 otherwise,
//! and 200 again as soon as it is back; the pool reconnects by itself).

use crate::db::Db;
use actix_web::{get, http::header, web, HttpResponse};
use std::time::Duration;

#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok\n")
}

#[get("/readyz")]
pub async fn readyz(db: web::Data<Db>) -> HttpResponse {
    match tokio::time::timeout(Duration::from_secs(3), db.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ready\n"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            not_ready()
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            not_ready()
        }
    }
}

fn not_ready() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((header::RETRY_AFTER, "5"))
        .content_type("text/plain; charset=utf-8")
        .body("database unavailable\n")
}
