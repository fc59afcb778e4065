//! Sign-in (OpenID Connect as a backend-for-frontend, and a loopback-only dev sign-in),
//! sessions, the signed-in principal, and CSRF protection.
//!
//! Tokens from the identity provider never leave the server. The browser holds one cookie,
//! `__Host-karte_session`: a random 256-bit value whose SHA-256 hash is the session's key in the
//! database, so a copy of the database does not hold usable session ids.

pub mod accounts;
pub mod csrf;
pub mod dev;
pub mod extract;
pub mod handlers;
pub mod linking;
pub mod oidc;
pub mod principal;
pub mod session;

pub use principal::Principal;
