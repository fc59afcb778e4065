//! Queries of people and their records, one module per concept.

pub mod people;
