//! Imports: one parser per format, all into the same `ImportBatch`, stored in one
//! transaction per batch (idempotent by batch id).

pub mod batch;

pub use batch::{BatchId, ImportBatch, ImportError, ImportFormat, ImportWarning, InsurerInfo, PersonIdentity, PersonRecords};
