//! One import from bytes to tables: parse (format given or detected), then store as one batch
//! and write one access-log entry per person it changed. Shared by `karte import` and
//! `POST /api/v1/import` ([`store_and_audit`]); the demo loader and tests store without
//! the log ([`import_bytes`]).

use crate::audit::{self, Action, Event};
use crate::db::Db;
use crate::import::{
    parse_any, ImportBatch, ImportError, ImportFormat, ImportWarning, ParseOptions,
};
use crate::records::import::{store_batch, ImportOutcome, StoreError};
use domain::people::PersonId;

/// Largest input accepted from a file or an upload: the largest any format takes (a JSON
/// batch); each format's parser has its own, smaller or equal, cap.
pub const MAX_IMPORT_BYTES: usize = crate::import::json::MAX_BYTES;

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
    let batch = parse_bytes(format, file_name, bytes, person)?;
    store_parsed(db, batch, file_name, source).await
}

/// The parse half of [`import_bytes`], for callers that check the batch before storing it.
pub fn parse_bytes(
    format: Option<ImportFormat>,
    file_name: &str,
    bytes: &[u8],
    person: Option<PersonId>,
) -> Result<ImportBatch, ImportRunError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportRunError::TooLarge {
            file: file_name.to_owned(),
        });
    }
    Ok(parse_any(
        format,
        file_name,
        bytes,
        &ParseOptions { person },
    )?)
}

/// A file read and parsed ahead of its storing: its name, and the read error or the parse.
pub type ParsedFile = (String, std::io::Result<Result<ImportBatch, ImportRunError>>);

/// Reads and parses `files` in order on a blocking thread, one file ahead of the caller: while
/// the caller stores one batch, the next is parsed (two cores, twice the work). Stops after the
/// first file that cannot be read or parsed, so errors arrive in file order, after every
/// earlier file.
pub fn parse_ahead(
    files: Vec<std::path::PathBuf>,
    format: Option<ImportFormat>,
    person: Option<PersonId>,
) -> tokio::sync::mpsc::Receiver<ParsedFile> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::task::spawn_blocking(move || {
        for path in files {
            let name = path.display().to_string();
            let parsed = std::fs::read(&path)
                .map(|bytes| parse_bytes(format, &name, &bytes, person.clone()));
            let stop = !matches!(parsed, Ok(Ok(_)));
            if tx.blocking_send((name, parsed)).is_err() || stop {
                break;
            }
        }
    });
    rx
}

/// The store half of [`import_bytes`]: the whole batch, or nothing.
pub async fn store_parsed(
    db: &Db,
    batch: ImportBatch,
    file_name: &str,
    source: &str,
) -> Result<ImportReport, ImportRunError> {
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

/// An insurer's batch may not use claim ids a person's own uploads are stored under
/// (`domain::claim::SELF_IMPORTED_PREFIX`): its lines would be marked as the person's.
fn refuse_reserved_claims(batch: &ImportBatch, file_name: &str) -> Result<(), ImportRunError> {
    let prefix = domain::claim::SELF_IMPORTED_PREFIX;
    // A pharmacy's お薬手帳 is the person's own record, not a claim: only `/import` takes it.
    if batch.format == crate::import::ImportFormat::Jahis {
        return Err(ImportRunError::Invalid(ImportError::new(
            file_name,
            None,
            "(format)",
            "JAHIS お薬手帳 text is a person's own record, not an insurer's claim: bring it in on the drugs page or /import",
        )));
    }
    for (i, p) in batch.people.iter().enumerate() {
        let claims = p
            .drugs
            .iter()
            .map(|d| &d.claim)
            .chain(p.expenses.iter().map(|e| &e.claim));
        if let Some(c) = claims.into_iter().find(|c| c.self_imported()) {
            return Err(ImportRunError::Invalid(ImportError::new(
                file_name,
                None,
                &format!("people[{i}].claim_id"),
                format!(
                    "claim ids starting with {prefix:?} are reserved for a person's own uploads: {}",
                    c.claim_id.as_str()
                ),
            )));
        }
    }
    Ok(())
}

/// Who sent an import, for the batch's source and the access log.
#[derive(Debug, Clone, Copy)]
pub struct Importer<'a> {
    /// Stored with the batch (`cli`, `api:<client>`).
    pub source: &'a str,
    /// The access log's client (`cli`, the import client's name).
    pub client: &'a str,
    pub request_id: Option<&'a str>,
}

/// Stores a parsed batch and writes "imported" to the access log for every person it changed
/// (nothing for a batch imported before): the one path of the API and the command line.
pub async fn store_and_audit(
    db: &Db,
    batch: ImportBatch,
    file_name: &str,
    by: Importer<'_>,
) -> Result<ImportReport, ImportRunError> {
    refuse_reserved_claims(&batch, file_name)?;
    let report = store_parsed(db, batch, file_name, by.source).await?;
    if let ImportOutcome::Imported { people, lines } = &report.outcome {
        let detail = format!(
            "{} batch {} ({lines} records)",
            report.format.as_str(),
            report.batch_id
        );
        let mut seen = std::collections::HashSet::new();
        let events = people
            .iter()
            .filter(|p| seen.insert(p.as_str()))
            .map(|person| {
                Event::new(Action::Import)
                    .by_client(by.client)
                    .on(person.as_str())
                    .detail(detail.clone())
                    .request(by.request_id)
            })
            .collect();
        audit::record_all_or_log(db, events).await;
    }
    Ok(report)
}
