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
