//! Integration tests through real parts: a real SQLite file, the PostgreSQL server on this
//! machine (a fresh database per test, copied from a migrated template: see `helpers`), and real
//! HTTP to the real server on a free port.
//! One binary, so it links once.

#![allow(clippy::unwrap_used)]

mod access;
mod api_checkups;
mod api_drugs;
mod api_edge;
mod api_expenses;
mod api_fhir;
mod api_import;
mod architecture;
mod backup;
mod card_periods;
mod cli;
mod crash;
mod etax;
mod etax_grouping;
mod fixtures;
mod forms_edge;
mod fuzz_corpus;
mod grants;
mod hardening;
mod helpers;
mod home;
mod hostile;
mod http;
mod import_lanes;
mod import_limits;
mod import_store;
mod jahis;
mod leave;
mod linking;
mod metrics;
mod notices;
mod openapi;
mod own_entries;
mod partitions;
mod pdf;
mod query_fuzz;
mod rate_limits;
mod readiness;
mod receipts;
mod redirects;
mod self_import;
mod signin;
mod sqlite_rows;
mod standby;
mod status_codes;
mod storage;
mod uke;
