//! Integration tests through real parts: a real SQLite file, the PostgreSQL server on this
//! machine (a fresh database per test), and real HTTP to the real server on a free port.
//! One binary, so it links once.

mod access;
mod api_checkups;
mod api_drugs;
mod api_expenses;
mod api_import;
mod backup;
mod cli;
mod etax;
mod fixtures;
mod hardening;
mod helpers;
mod hostile;
mod http;
mod import_limits;
mod import_store;
mod pdf;
mod rate_limits;
mod readiness;
mod redirects;
mod signin;
mod status_codes;
mod storage;
