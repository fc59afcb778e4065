//! Karte's domain: plain types and rules, no IO. Builds for wasm32 too.
//!
//! Everything here takes "now" as a parameter; nothing reads the system clock.
//! Rules follow `shared/spec/health-data.md` (and `etax-export.md` §1 for `deduction`).

#[macro_use]
pub mod id;

pub mod access;
pub mod checkups;
pub mod claim;
pub mod deduction;
pub mod drugs;
pub mod expenses;
pub mod insurance;
pub mod jahis;
pub mod money;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod own;
pub mod people;
pub mod period;
pub mod query;
pub mod visibility;
pub mod wareki;
