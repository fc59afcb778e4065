//! One import from bytes to tables: parse (format given or detected), then store as one batch.
//! Shared by `karte import` and `POST /api/v1/import`.

use crate::db::Db;
use crate::import::{parse_any, ImportError, ImportFormat, ImportWarning, ParseOptions};
use crate::records::import::{store_batch, ImportOutcome, StoreError};
use domain::people::PersonId;

/// Largest input accepted from a file or an upload.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug)]
pub struct ImportReport {
    pub batch_id: String,
    pub format: ImportFormat,
    pub outcome: ImportOutcome,
    pub warnings: Vec<ImportWarning>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportRunError {
    /// The input is wrong: says file, line and field. Nothing was written.
    #[error(transparent)]
    Invalid(#[from] ImportError),
    #[error("{file}: {source}")]
    Store { file: String, source: StoreError },
    #[error("{file}: larger than {max} bytes; split it into several batches", max = MAX_IMPORT_BYTES)]
    TooLarge { file: String },
}

impl ImportRunError {
    /// A problem with the input (4xx), as opposed to ours (5xx).
    pub fn is_client_error(&self) -> bool {
        match self {
            ImportRunError::Invalid(_) | ImportRunError::TooLarge { .. } => true,
            ImportRunError::Store { source, .. } => !matches!(source, StoreError::Db(_)),
        }
    }
}

/// Parses and stores one file or upload; `source` says where it came from (cli, api, demo).
#[tracing::instrument(skip_all, fields(source))]
pub async fn import_bytes(
    db: &Db,
    format: Option<ImportFormat>,
    file_name: &str,
    bytes: &[u8],
    person: Option<PersonId>,
    source: &str,
) -> Result<ImportReport, ImportRunError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportRunError::TooLarge {
            file: file_name.to_owned(),
        });
    }
    let batch = parse_any(format, file_name, bytes, &ParseOptions { person })?;
    let batch_id = batch.batch_id.to_string();
    let format = batch.format;
    let warnings = batch.warnings.clone();
    let outcome = store_batch(db, batch, source)
        .await
        .map_err(|source| ImportRunError::Store {
            file: file_name.to_owned(),
            source,
        })?;
    Ok(ImportReport {
        batch_id,
        format,
        outcome,
        warnings,
    })
}
