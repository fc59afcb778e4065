//! Karte's server: everything that does IO.
//!
//! Error policy: `anyhow` at the top (CLI, startup), typed errors from storage, and
//! `app::error::AppError` at the edge towards the browser. Internal detail goes to the
//! log under the request id; a person gets a message they can act on.

pub mod account;
pub mod api;
pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod etax;
pub mod health;
pub mod import;
pub mod lang;
pub mod pages;
pub mod pdf;
pub mod records;
pub mod startup;
pub mod telemetry;
pub mod web;
