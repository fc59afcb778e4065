//! Dev sign-in: pick a person without a password. Only when `KARTE_DEV_LOGIN=1` and the server
//! listens on a loopback address; startup refuses any other combination.

use std::net::SocketAddr;

/// Identities made by the dev sign-in carry this issuer, so they are never mistaken for real ones.
pub const ISSUER: &str = "urn:karte:dev-login";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("KARTE_DEV_LOGIN is only allowed when listening on a loopback address (127.0.0.1 or ::1), not {0}")]
pub struct DevLoginOnPublicAddress(pub SocketAddr);

/// Whether dev sign-in may run on `addr`.
pub fn check(enabled: bool, addr: SocketAddr) -> Result<bool, DevLoginOnPublicAddress> {
    if enabled && !addr.ip().is_loopback() {
        return Err(DevLoginOnPublicAddress(addr));
    }
    Ok(enabled)
}

/// Headers a reverse proxy adds. A request carrying any of them came through a proxy, so it may
/// come from anywhere: the dev sign-in (and its people list) is refused then, whatever the
/// listen address.
const FORWARDING_HEADERS: [&str; 5] = [
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
];

/// The routes that exist only for the dev sign-in.
const DEV_ONLY: [&str; 2] = ["/auth/dev", "/fn/people"];

pub fn forwarded(headers: &actix_web::http::header::HeaderMap) -> bool {
    FORWARDING_HEADERS.iter().any(|h| headers.contains_key(*h))
}

/// Middleware: the dev-only routes answer 404 to a forwarded request.
pub async fn refuse_forwarded(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    if DEV_ONLY.contains(&req.path()) && forwarded(req.headers()) {
        tracing::warn!("dev sign-in refused: the request came through a proxy");
        let res = actix_web::HttpResponse::NotFound().finish();
        return Ok(req.into_response(res).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_on_public_addresses() {
        assert_eq!(check(true, "127.0.0.1:3000".parse().unwrap()), Ok(true));
        assert_eq!(check(true, "[::1]:3000".parse().unwrap()), Ok(true));
        assert!(check(true, "0.0.0.0:3000".parse().unwrap()).is_err());
        assert!(check(true, "192.0.2.10:3000".parse().unwrap()).is_err());
        assert_eq!(check(false, "0.0.0.0:3000".parse().unwrap()), Ok(false));
    }
}
