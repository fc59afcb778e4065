//! `POST /api/v1/import[?format=json|cda|mynaportal-csv|uke]`: one batch per request body.
//!
//! 201 imported, 200 already imported (nothing changed), 400 with file/line/field when the
//! input is wrong (nothing written), 401 without a valid client credential (answered from the
//! headers, before any of the body is read), 413 when too large (the format's own cap when
//! `format` is given, else 16 MiB), 429 past two uploads in flight per client.

use super::edge::ErrorBody;
use super::ApiError;
use crate::db::Db;
use crate::import::{ImportBatch, ImportError, ImportFormat};
use crate::records::import::ImportOutcome;
use crate::service::import::{
    parse_bytes, store_and_audit, ImportRunError, Importer, MAX_IMPORT_BYTES,
};
use crate::settings::{ImportClient, ImportClients};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Detected when omitted
    format: Option<ImportFormat>,
}

/// What was imported.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportResponse<'a> {
    status: &'a str,
    batch_id: &'a str,
    format: &'a str,
    lines: usize,
    people: Vec<&'a str>,
    warnings: Vec<String>,
}

/// The client named by a valid `Authorization: Bearer …`, if any.
fn authenticate<'a>(req: &HttpRequest, clients: &'a ImportClients) -> Option<&'a ImportClient> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    clients.client_for(token)
}

/// How many uploads one client may have in flight at once.
pub const UPLOADS_PER_CLIENT: usize = 2;

/// Uploads in flight per client: a client past [`UPLOADS_PER_CLIENT`] gets 429, so one client
/// cannot hold every worker and megabytes of memory at once.
#[derive(Debug, Default)]
pub struct UploadSlots(Mutex<HashMap<String, usize>>);

/// One upload in flight; the slot is given back when it is dropped.
struct Slot<'a> {
    slots: &'a UploadSlots,
    client: String,
}

impl UploadSlots {
    fn take(&self, client: &str) -> Option<Slot<'_>> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(client.to_owned()).or_default();
        if *n >= UPLOADS_PER_CLIENT {
            return None;
        }
        *n += 1;
        Some(Slot {
            slots: self,
            client: client.to_owned(),
        })
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut map = self.slots.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.client);
            }
        }
    }
}

/// The body, read only after the client is known and only up to `cap` bytes (an announced
/// `Content-Length` over the cap is refused before reading anything).
async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    cap: usize,
) -> Result<web::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is larger than {cap} bytes; split the batch"),
        )
    };
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > cap as u64) {
        return Err(too_large());
    }
    match payload.to_bytes_limited(cap).await {
        Ok(Ok(body)) => Ok(body),
        Ok(Err(_)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "incomplete_body",
            "the body did not arrive whole; send it again",
        )),
        Err(_) => Err(too_large()),
    }
}

/// Why a client limited to some insurers may not send this batch: a person without a card,
/// or with a card (or an insurer entry) of an insurer outside its list. Nothing is stored then.
fn out_of_scope(client: &ImportClient, batch: &ImportBatch) -> Option<ImportError> {
    if !client.is_scoped() {
        return None;
    }
    let refuse =
        |field: String, message: String| Some(ImportError::new("upload", None, &field, message));
    for (i, p) in batch.people.iter().enumerate() {
        match &p.person.card {
            None => {
                return refuse(
                    format!("people[{i}].card"),
                    "this client may send only people whose card it issued; the card is missing"
                        .into(),
                )
            }
            Some(card) if !client.may_import_for(card.insurer().as_str()) => {
                return refuse(
                    format!("people[{i}].card.insurer_number"),
                    format!(
                        "{} is not an insurer this client imports for",
                        card.insurer().as_str()
                    ),
                )
            }
            Some(_) => {}
        }
    }
    for (i, insurer) in batch.insurers.iter().enumerate() {
        if !client.may_import_for(insurer.number.as_str()) {
            return refuse(
                format!("insurers[{i}].number"),
                format!(
                    "{} is not an insurer this client imports for",
                    insurer.number.as_str()
                ),
            );
        }
    }
    None
}

/// Authenticates from the headers alone, then reads the body: nobody without a credential
/// makes the server read (or hold) a byte of theirs.
#[utoipa::path(
    post,
    path = "/import",
    summary = "Import one batch (Karte JSON, hc08 CDA XML or マイナポータル CSV)",
    description = "All or nothing; the same batch twice changes nothing. Format: docs/import-format.md, schema docs/import-batch.schema.json.",
    security(("importClient" = [])),
    params(ImportQuery),
    request_body(
        description = "One batch in the format its media type names: a Karte JSON batch (an object; its full schema is docs/import-batch.schema.json), an hc08 CDA document, a マイナポータル 医療費通知情報 CSV (UTF-8 or CP932). The schemas here say only that much: whether a body is a batch is for the format's parser to say, and one that is not is refused whole with 400 invalid_batch naming the file, line and field. A body of another type is read by format detection.",
        content(
            (super::openapi::JsonBatch = "application/json"),
            (String = "application/xml"),
            (String = "text/csv"),
        )
    ),
    responses(
        (status = 201, description = "Imported", body = ImportResponse),
        (status = 200, description = "Already imported; nothing changed", body = ImportResponse),
        (status = 400, description = "Not a batch of the format (invalid_batch: file:line: field: message — the parser's rules, stricter than the body schemas above), or a bad format parameter; nothing written", body = ErrorBody),
        (status = 401, description = "No valid client token", body = ErrorBody),
        (status = 413, description = "Over the format's size cap (16 MiB when no format is given)", body = ErrorBody),
        (status = 429, description = "More than two uploads in flight for this client", body = ErrorBody),
        (status = 503, description = "Not stored; nothing was written, try again", body = ErrorBody),
    )
)]
#[post("/import")]
pub async fn import(
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
    db: web::Data<Db>,
    clients: web::Data<ImportClients>,
    slots: web::Data<UploadSlots>,
) -> Result<HttpResponse, ApiError> {
    let account = authenticate(&req, &clients).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid import client credential is required",
        )
        .with_header(header::WWW_AUTHENTICATE, "Bearer realm=\"karte-import\"")
    })?;
    let client = account.name();
    let _slot = slots.take(client).ok_or_else(|| {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_uploads",
            format!(
                "at most {UPLOADS_PER_CLIENT} uploads at once per client; wait for one to finish"
            ),
        )
        .with_header(header::RETRY_AFTER, "5")
    })?;
    let cap = query
        .format
        .map_or(MAX_IMPORT_BYTES, ImportFormat::max_bytes);
    let body = read_body(&req, payload, cap).await?;
    tracing::info!(client, bytes = body.len(), "import upload");
    let source = format!("api:{client}");
    let parsed = parse_bytes(query.format, "upload", &body, None).and_then(|batch| {
        out_of_scope(account, &batch).map_or(Ok(batch), |why| Err(ImportRunError::Invalid(why)))
    });
    let rid = crate::telemetry::request_id(&req);
    let by = Importer {
        source: &source,
        client,
        request_id: rid.as_deref(),
    };
    let stored = match parsed {
        Ok(batch) => store_and_audit(&db, batch, "upload", by).await,
        Err(e) => Err(e),
    };
    match stored {
        Ok(report) => {
            let (status, label, lines, people) = match &report.outcome {
                ImportOutcome::Imported { lines, people } => (
                    StatusCode::CREATED,
                    "imported",
                    *lines,
                    people.iter().map(|p| p.as_str()).collect(),
                ),
                ImportOutcome::AlreadyImported => (StatusCode::OK, "already_imported", 0, vec![]),
            };
            Ok(HttpResponse::build(status).json(ImportResponse {
                status: label,
                batch_id: &report.batch_id,
                format: report.format.as_str(),
                lines,
                people,
                warnings: report.warnings.iter().map(ToString::to_string).collect(),
            }))
        }
        Err(e @ ImportRunError::TooLarge { .. }) => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            e.to_string(),
        )),
        Err(e) if e.is_client_error() => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_batch",
            e.to_string(),
        )),
        Err(e) => {
            tracing::error!(error = %e, "import failed");
            Err(ApiError::unavailable(
                "the import could not be stored; nothing was written, try again",
            ))
        }
    }
}
