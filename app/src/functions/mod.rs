//! Server functions: public endpoints, kept thin. Each identifies the caller (once sign-in
//! exists), parses its input, calls one service from context and maps the error.

pub mod people;
pub mod session;
