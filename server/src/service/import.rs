//! One import from bytes to tables: parse (format given or detected), then store as one batch
//! and write one access-log entry per person it changed ([`audit_import`], for
//! `POST /api/v1/import` through [`store_and_audit`] and for `karte import`'s files through
//! [`import_files`]); the demo loader and tests store without the log ([`import_bytes`]).

use crate::audit::{self, Action, Event};
use crate::db::Db;
use crate::import::{
    parse_any, ImportBatch, ImportError, ImportFormat, ImportWarning, ParseOptions,
};
use crate::records::import::{
    batch_keys, lanes, stage_batch, store_batch, ImportOutcome, Staged, StoreError,
};
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
    #[error("{file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
}

impl ImportRunError {
    /// A problem with the input (4xx), as opposed to ours (5xx).
    pub fn is_client_error(&self) -> bool {
        match self {
            ImportRunError::Invalid(_)
            | ImportRunError::TooLarge { .. }
            | ImportRunError::Read { .. } => true,
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

/// Reads `path` into `buf` (emptied first), at most one byte more than [`MAX_IMPORT_BYTES`]:
/// enough for [`parse_bytes`] to refuse a larger file without reading all of it.
fn read_into(path: &std::path::Path, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let limit = MAX_IMPORT_BYTES as u64 + 1;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0).min(limit);
    buf.clear();
    buf.reserve(usize::try_from(size).unwrap_or(0));
    file.take(limit).read_to_end(buf)?;
    Ok(())
}

/// Reads and parses `files` in order on a blocking thread, one file ahead of the caller: while
/// the caller stores one batch, the next is parsed (two cores, twice the work). Stops after the
/// first file that cannot be read or parsed, so errors arrive in file order, after every
/// earlier file.
///
/// Every file is read into the same buffer (a parsed batch keeps nothing of it): a fresh
/// 14 MB buffer per file had the kernel zero and fill new pages, over a quarter of this
/// thread's time in a profile (bench/README.md).
pub fn parse_ahead(
    files: Vec<std::path::PathBuf>,
    format: Option<ImportFormat>,
    person: Option<PersonId>,
) -> tokio::sync::mpsc::Receiver<ParsedFile> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::task::spawn_blocking(move || {
        let mut buf = Vec::new();
        for path in files {
            let name = path.display().to_string();
            let parsed = read_into(&path, &mut buf)
                .map(|()| parse_bytes(format, &name, &buf, person.clone()));
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
/// (nothing for a batch imported before): the API's path ([`import_files`] is the command's).
pub async fn store_and_audit(
    db: &Db,
    batch: ImportBatch,
    file_name: &str,
    by: Importer<'_>,
) -> Result<ImportReport, ImportRunError> {
    refuse_reserved_claims(&batch, file_name)?;
    let report = store_parsed(db, batch, file_name, by.source).await?;
    audit_import(db, &report, by).await;
    Ok(report)
}

/// "imported" in the access log for every person a stored batch changed.
async fn audit_import(db: &Db, report: &ImportReport, by: Importer<'_>) {
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
}

/// A file being written by [`import_files`]: what it must not share with another file written
/// at the same time, the signal that its shared rows are written, and the task writing it.
struct Writing {
    keys: std::collections::HashSet<String>,
    opened: Option<tokio::sync::oneshot::Receiver<()>>,
    task: tokio::task::JoinHandle<Result<(Staged, BatchAbout), ImportRunError>>,
}

/// What a report says of a batch besides its outcome: its id, format and warnings.
type BatchAbout = (String, ImportFormat, Vec<ImportWarning>);

/// Imports files parsed by [`parse_ahead`] in their order, each all or nothing, as
/// [`store_and_audit`] would one by one, calling `each` as each file is committed. Stops at the
/// first file that cannot be read, parsed or stored: the files before it are imported, none
/// after it.
///
/// On PostgreSQL two files are written at once, on two connections ([`lanes`]), when they name
/// different people ([`batch_keys`]; otherwise the later one waits), and are committed in file
/// order — the database's work on one file overlaps Karte's and the database's on the next.
pub async fn import_files(
    db: &Db,
    mut files: tokio::sync::mpsc::Receiver<ParsedFile>,
    by: Importer<'_>,
    mut each: impl FnMut(&str, &ImportReport),
) -> Result<(), ImportRunError> {
    let lanes = lanes(db);
    let mut writing: std::collections::VecDeque<(String, Writing)> = Default::default();
    // The next file to write, read and parsed; and the error that ends the command once every
    // file before it is done.
    let mut next: Option<(String, ImportBatch)> = None;
    let mut stop: Option<ImportRunError> = None;
    let mut read_all = false;
    loop {
        while stop.is_none() && writing.len() < lanes {
            if next.is_none() && !read_all {
                match files.recv().await {
                    None => read_all = true,
                    Some((file, Err(source))) => stop = Some(ImportRunError::Read { file, source }),
                    Some((_, Ok(Err(e)))) => stop = Some(e),
                    Some((name, Ok(Ok(batch)))) => next = Some((name, batch)),
                }
            }
            let Some((name, batch)) = next.take() else {
                break;
            };
            if let Err(e) = refuse_reserved_claims(&batch, &name) {
                stop = Some(e);
                break;
            }
            // Worked out again after each wait: a file committed meanwhile may have given a
            // stored person the card this one names.
            let keys = if lanes > 1 {
                match batch_keys(db, &batch).await {
                    Ok(keys) => keys,
                    Err(source) => {
                        stop = Some(ImportRunError::Store { file: name, source });
                        break;
                    }
                }
            } else {
                Default::default()
            };
            if writing.iter().any(|(_, w)| !w.keys.is_disjoint(&keys)) {
                next = Some((name, batch));
                break;
            }
            // A file starts once the one before it holds its shared rows (`stage_batch`): then
            // this one may wait for that one's commit, never the other way round.
            if let Some(rx) = writing.back_mut().and_then(|(_, w)| w.opened.take()) {
                let _ = rx.await;
            }
            let (opened, shared_rows_written) = tokio::sync::oneshot::channel();
            let (db, source, file) = (db.clone(), by.source.to_owned(), name.clone());
            let task = tokio::spawn(async move {
                let about = (
                    batch.batch_id.to_string(),
                    batch.format,
                    batch.warnings.clone(),
                );
                let staged = stage_batch(&db, batch, &source, opened)
                    .await
                    .map_err(|source| ImportRunError::Store { file, source })?;
                Ok((staged, about))
            });
            writing.push_back((
                name,
                Writing {
                    keys,
                    opened: Some(shared_rows_written),
                    task,
                },
            ));
        }
        let Some((name, oldest)) = writing.pop_front() else {
            return stop.map_or(Ok(()), Err);
        };
        let done = async {
            // Only a panic ends the task otherwise: the oldest file is never aborted.
            let (staged, (batch_id, format, warnings)) = match oldest.task.await {
                Ok(written) => written?,
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            };
            let outcome = staged
                .commit()
                .await
                .map_err(|source| ImportRunError::Store {
                    file: name.clone(),
                    source,
                })?;
            Ok::<_, ImportRunError>(ImportReport {
                batch_id,
                format,
                outcome,
                warnings,
            })
        };
        match done.await {
            Ok(report) => {
                audit_import(db, &report, by).await;
                each(&name, &report);
            }
            Err(e) => {
                // The later files are rolled back: dropping a transaction rolls it back.
                for (_, w) in writing {
                    w.task.abort();
                    let _ = w.task.await;
                }
                return Err(e);
            }
        }
    }
}
