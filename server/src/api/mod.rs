//! The REST API (`/api/v1`). Machine clients (insurers) import with a bearer credential from
//! configuration, kept apart from people's sessions.

pub mod drugs;
pub mod import;
