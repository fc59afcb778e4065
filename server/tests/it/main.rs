//! Integration tests through real parts: a real SQLite file, the PostgreSQL server on this
//! machine (a fresh database per test), and real HTTP to the real server on a free port.
//! One binary, so it links once.

mod cli;
mod helpers;
mod http;
mod readiness;
mod storage;
