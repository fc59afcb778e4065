//! `POST /api/v1/import[?format=json|cda|mynaportal-csv]`: one batch per request body.
//!
//! 201 imported, 200 already imported (nothing changed), 400 with file/line/field when the
//! input is wrong (nothing written), 401 without a valid client credential, 413 when too large.

use crate::audit;
use crate::db::Db;
use crate::import::ImportFormat;
use crate::records::import::ImportOutcome;
use crate::service::import::{import_bytes, ImportRunError, MAX_IMPORT_BYTES};
use crate::settings::ImportClients;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct ImportQuery {
    format: Option<ImportFormat>,
}

#[derive(Serialize)]
struct ImportResponse<'a> {
    status: &'a str,
    batch_id: &'a str,
    format: &'a str,
    lines: usize,
    people: Vec<&'a str>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize)]
struct ErrorDetail {
    code: &'static str,
    message: String,
}

fn error(
    status: actix_web::http::StatusCode,
    code: &'static str,
    message: impl Into<String>,
) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody {
        error: ErrorDetail {
            code,
            message: message.into(),
        },
    })
}

/// The client named by a valid `Authorization: Bearer …`, if any.
fn authenticate<'a>(req: &HttpRequest, clients: &'a ImportClients) -> Option<&'a str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    clients.client_for(token)
}

#[post("/import")]
pub async fn import(
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
    db: web::Data<Db>,
    clients: web::Data<ImportClients>,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    let Some(client) = authenticate(&req, &clients) else {
        return HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"karte-import\""))
            .json(ErrorBody {
                error: ErrorDetail {
                    code: "unauthorized",
                    message: "a valid import client credential is required".into(),
                },
            });
    };
    tracing::info!(client, bytes = body.len(), "import upload");
    let source = format!("api:{client}");
    match import_bytes(&db, query.format, "upload", &body, None, &source).await {
        Ok(report) => {
            if let ImportOutcome::Imported { people, lines } = &report.outcome {
                for person in people {
                    let detail = format!(
                        "{} batch {} ({lines} records)",
                        report.format.as_str(),
                        report.batch_id
                    );
                    let event = audit::Event::new(audit::Action::Import)
                        .by_client(client)
                        .on(person.as_str())
                        .detail(detail);
                    let rid = crate::telemetry::request_id(&req);
                    audit::record_or_log(&db, event.request(rid.as_deref())).await;
                }
            }
            let (status, label, lines, people) = match &report.outcome {
                ImportOutcome::Imported { lines, people } => (
                    StatusCode::CREATED,
                    "imported",
                    *lines,
                    people.iter().map(|p| p.as_str()).collect(),
                ),
                ImportOutcome::AlreadyImported => (StatusCode::OK, "already_imported", 0, vec![]),
            };
            HttpResponse::build(status).json(ImportResponse {
                status: label,
                batch_id: &report.batch_id,
                format: report.format.as_str(),
                lines,
                people,
                warnings: report.warnings.iter().map(ToString::to_string).collect(),
            })
        }
        Err(e @ ImportRunError::TooLarge { .. }) => {
            error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e.to_string())
        }
        Err(e) if e.is_client_error() => {
            error(StatusCode::BAD_REQUEST, "invalid_batch", e.to_string())
        }
        Err(e) => {
            tracing::error!(error = %e, "import failed");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the import could not be stored; nothing was written, try again",
            )
        }
    }
}

/// The body limit for imports (the default 256 KiB is far too small for a batch).
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(MAX_IMPORT_BYTES)
}
