//! Queries of people and their records, one module per concept. Every health-data query takes
//! the person it is for and filters by it in SQL.

pub mod access;
pub mod app_tokens;
pub mod audit_log;
pub mod checkups;
pub mod codes;
pub mod deduction;
pub mod erase;
pub mod home;
pub mod import;
pub mod invitations;
pub mod line_cache;
pub mod lines;
pub mod own;
pub mod own_batches;
pub mod people;
pub mod sqlite_rows;
