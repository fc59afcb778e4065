//! The last resort: a handler that panics answers 500 with the request id instead of dropping
//! the connection. Nothing should panic on any input; this is for the bug we have not found.

use crate::telemetry::RequestId;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse};
use app::i18n::{Lang, Msg};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::task::Poll;

/// Middleware: polls the rest of the chain inside `catch_unwind`. Sits inside the request span
/// (so the id is known) and inside the security headers (so the 500 carries them).
pub async fn catch_panic(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let mut inner = Box::pin(next.call(req));
    let mut done = false;
    let outcome = std::future::poll_fn(move |cx| {
        if done {
            return Poll::Ready(None);
        }
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(result)) => {
                done = true;
                Poll::Ready(Some(result))
            }
            Err(_) => {
                done = true;
                Poll::Ready(None)
            }
        }
    })
    .await;
    match outcome {
        Some(result) => result.map(|r| r.map_into_left_body()),
        None => {
            // The panic message went to stderr through the panic hook; this line ties it to
            // the request without repeating anything from the request itself.
            tracing::error!("handler panicked; answered 500");
            let id = request_id.unwrap_or_default();
            let said = |lang: Lang| lang.t(Msg::ErrorGeneric);
            let body = serde_json::json!({ "error": {
                "code": "internal",
                "message": format!("{} {} (request id {id})", said(Lang::Ja), said(Lang::En)),
                "request_id": id,
            }});
            let res = HttpResponse::InternalServerError().json(body);
            // The request went into the handler that panicked, and holding a clone of it while
            // the router runs is not allowed (it must own the request to record the match), so
            // the answer rides on a blank request; the middlewares outside only add headers.
            let blank = actix_web::test::TestRequest::default().to_http_request();
            Ok(ServiceResponse::new(blank, res).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::middleware::from_fn;
    use actix_web::{test, web, App};

    async fn boom() -> HttpResponse {
        let months: Vec<u32> = Vec::new();
        HttpResponse::Ok().body(months[3].to_string())
    }

    #[actix_web::test]
    async fn a_panicking_handler_answers_500_with_the_request_id() {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(catch_panic))
                .wrap(from_fn(crate::telemetry::request_span))
                .route("/boom", web::get().to(boom))
                .route(
                    "/fine",
                    web::get().to(|| async { HttpResponse::Ok().finish() }),
                ),
        )
        .await;
        let res =
            test::call_service(&app, test::TestRequest::get().uri("/boom").to_request()).await;
        assert_eq!(res.status(), 500);
        let id = res
            .headers()
            .get("x-request-id")
            .expect("request id header")
            .to_str()
            .unwrap()
            .to_owned();
        let body: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(body["error"]["request_id"], id.as_str());
        let res =
            test::call_service(&app, test::TestRequest::get().uri("/fine").to_request()).await;
        assert_eq!(res.status(), 200);
    }
}
