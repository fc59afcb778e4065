//! CSRF: besides SameSite=Lax on the session cookie, every state-changing request (server
//! functions included) must come from our own origin: its `Origin` header (or, where a browser
//! sends none, `Sec-Fetch-Site: same-origin`) must be the public origin Karte is configured
//! with. Machine
//! clients of the import API carry a bearer token and no cookie, so they are exempt.

use crate::origin::PublicOrigin;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};

const EXEMPT: &[&str] = &["/api/v1/import"];

/// With `Referrer-Policy: no-referrer` browsers send `Origin: null` on form posts, so an
/// opaque origin falls back to Fetch Metadata, which pages cannot forge. A real `Origin` must
/// be the configured public origin — scheme, host and port — not whatever `Host` or
/// `X-Forwarded-Host` the request itself claims.
fn same_origin(req: &ServiceRequest) -> bool {
    let Some(public) = req.app_data::<web::Data<PublicOrigin>>() else {
        return false;
    };
    match req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        Some(origin) if origin != "null" => public.matches(origin),
        _ => {
            req.headers()
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok())
                == Some("same-origin")
        }
    }
}

pub async fn check(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || EXEMPT.contains(&req.path()) || same_origin(&req) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    tracing::warn!("cross-origin state-changing request refused");
    let res = HttpResponse::Forbidden()
        .content_type("text/plain; charset=utf-8")
        .body("このリクエストは受け付けられません。ページを開き直してからもう一度お試しください。 / Request refused: reload the page and try again.\n");
    Ok(req.into_response(res).map_into_right_body())
}
