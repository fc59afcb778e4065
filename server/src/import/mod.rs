//! Imports: one parser per format, all into the same `ImportBatch`, stored in one
//! transaction per batch (idempotent by batch id).

pub mod batch;
pub mod cda;
pub mod detect;
pub mod jahis;
pub mod json;
pub mod mynaportal_csv;
pub mod options;
pub mod qr_image;
mod text;
pub mod uke;

pub use batch::{
    BatchId, ImportBatch, ImportError, ImportFormat, ImportWarning, InsurerInfo, PersonIdentity,
    PersonRecords,
};
pub use detect::{detect, parse_any};
pub use options::{unassigned_person, ParseOptions};
