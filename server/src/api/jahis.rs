//! お薬手帳 out: `GET /api/v1/me/drugs/jahis?from=&to=` (or `?current=true`) is the JAHIS
//! 電子版お薬手帳 file of the person on screen (CP932, CRLF, `text/plain; charset=Shift_JIS`,
//! attachment); `GET /api/v1/me/drugs/jahis/qr?…` the same data as QR codes in one SVG (split
//! by the spec's 分割制御 record when it does not fit one code). 401 signed out; 404 when the
//! person on screen may not show drugs (never 403); 400 for a bad period. `Cache-Control:
//! no-store`; each download goes to the access log as an export.

use super::edge::ErrorBody;
use super::{ApiError, SignedIn};
use crate::db::Db;
use crate::service::notebook::{notebook_export, NotebookRequest, QR_PART_BYTES};
use crate::settings::Clock;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, web, HttpResponse};
use domain::period::Preset;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotebookQuery {
    /// First month (YYYY-MM) or day (YYYY-MM-DD); default: three months back.
    /// from must not be after to; at most 36 months from the first month to the last; a
    /// missing bound is filled from the 36 months up to this month; a day must exist in its
    /// month. Anything else is a 400 bad_input naming the rule.
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$")]
    from: Option<String>,
    /// Last month (YYYY-MM) or day (YYYY-MM-DD), inclusive; default: this month.
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$")]
    to: Option<String>,
    /// Only the medicines current today (supply in days reaching today; others dispensed in
    /// the last 90 days), within the period.
    current: Option<bool>,
}

async fn export(
    me: &SignedIn,
    q: &NotebookQuery,
    db: &Db,
    clock: &Clock,
    channel: &str,
) -> Result<crate::service::notebook::NotebookExport, ApiError> {
    let today = clock.today();
    let query = super::period_query(q.from.as_deref(), q.to.as_deref(), true)?;
    let period = crate::service::period_with_days(&query, today, Preset::Last3Months)?;
    let req = NotebookRequest {
        period,
        current_only: q.current.unwrap_or(false),
        today,
    };
    Ok(notebook_export(db, &me.principal, req, channel, me.request_id.as_deref()).await?)
}

#[utoipa::path(
    get,
    path = "/me/drugs/jahis",
    summary = "Drug history of the person on screen as a JAHIS お薬手帳 file",
    description = "JAHIS 電子版お薬手帳データフォーマット Ver.2.x (JAHISTC08, 出力区分 1), CP932 with CRLF: one 調剤等年月日 per day and pharmacy, one RP per drug. Written to the access log as an export.",
    security(("session" = [])),
    params(NotebookQuery),
    responses(
        (status = 200, description = "The JAHIS text (CP932)", content((String = "text/plain"))),
        (status = 400, description = "Bad period", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "The person on screen may not show drugs", body = ErrorBody),
        (status = 429, description = "Past the export budget of this client or account (KARTE_RATE_EXPORT_PER_MINUTE); Retry-After says when to try again", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
    )
)]
#[get("/me/drugs/jahis")]
pub async fn notebook_file(
    me: SignedIn,
    q: web::Query<NotebookQuery>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let out = export(&me, &q, &db, &clock, " (file)").await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=Shift_JIS")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(out.file_name)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(domain::jahis::encode_cp932(&out.text)))
}

#[utoipa::path(
    get,
    path = "/me/drugs/jahis/qr",
    summary = "Drug history of the person on screen as JAHIS お薬手帳 QR codes (SVG)",
    description = "The JAHIS text of /me/drugs/jahis in QR codes (byte mode, CP932, level M), split between lines with the spec's 分割制御 record (911) when longer than one code holds; all codes in one SVG, numbered. Written to the access log as an export.",
    security(("session" = [])),
    params(NotebookQuery),
    responses(
        (status = 200, description = "The QR codes", content((String = "image/svg+xml"))),
        (status = 400, description = "Bad period", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "The person on screen may not show drugs", body = ErrorBody),
        (status = 429, description = "Past the export budget of this client or account (KARTE_RATE_EXPORT_PER_MINUTE); Retry-After says when to try again", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
    )
)]
#[get("/me/drugs/jahis/qr")]
pub async fn notebook_qr(
    me: SignedIn,
    q: web::Query<NotebookQuery>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let out = export(&me, &q, &db, &clock, " (qr)").await?;
    let id = clock
        .today()
        .format("%Y%m%d")
        .to_string()
        .parse::<u64>()
        .unwrap_or(0)
        * 1_000_000
        + (crate::hash::fnv1a64(out.text.as_bytes()) % 1_000_000);
    let parts = domain::jahis::split_text(&out.text, QR_PART_BYTES, id);
    let svg = crate::pdf::qr::svg_of_parts(&parts);
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(svg))
}
