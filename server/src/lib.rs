//! Karte's server: everything that does IO.
//!
//! Error policy: `anyhow` at the top (CLI, startup), typed errors from storage, and
//! `app::error::AppError` at the edge towards the browser. Internal detail goes to the
//! log under the request id; a person gets a message they can act on.

pub mod admission;
pub mod api;
pub mod audit;
pub mod auth;
pub mod catch_panic;
pub mod cli;
pub mod clock;
pub mod db;
pub mod deduction;
pub mod demo;
pub mod forms;
pub mod fuzzing;
pub mod hash;
pub mod health;
pub mod import;
pub mod monitoring;
pub mod origin;
pub mod pdf;
pub mod rate_limit;
pub mod records;
pub mod service;
pub mod settings;
pub mod startup;
pub mod telemetry;
pub mod web;
