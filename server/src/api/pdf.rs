//! PDF downloads of the person on screen:
//! `GET /api/v1/me/drugs/pdf?from=YYYY-MM&to=YYYY-MM`, `/me/checkups/pdf`,
//! `/me/expenses/pdf?from=&to=` and `/me/report/pdf?from=&to=` (every kind the viewer may see).
//! The same rules as the drug API: 401 signed out; 404 when the person on screen may not show
//! that kind (never 403); 400 for a bad period. `Content-Disposition: attachment`,
//! `Cache-Control: no-store`; every export goes to the access log. The language follows the
//! `karte_lang` cookie.

use super::{ApiError, SignedIn};
use crate::audit::Action;
use crate::auth::Principal;
use crate::db::{Db, Reads};
use crate::pdf::export::{audit_detail, export_pdf, ExportKind, ExportRequest};
use crate::service::{log_access, on_screen, OnScreen};
use crate::settings::Clock;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use app::error::AppError;

use domain::access::AccessKind;
use domain::period::Preset;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PdfQuery {
    /// First month (YYYY-MM); default: three years back.
    /// from must not be after to; at most 36 months from the first month to the last; a
    /// missing bound is filled from the 36 months up to this month; a day must exist in its
    /// month. Anything else is a 400 bad_input naming the rule.
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])$")]
    from: Option<String>,
    /// Last month (YYYY-MM), inclusive; default: this month.
    /// from must not be after to; at most 36 months from the first month to the last; a
    /// missing bound is filled from the 36 months up to this month; a day must exist in its
    /// month. Anything else is a 400 bad_input naming the rule.
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])$")]
    to: Option<String>,
}

/// The kind named in the path (`drugs`, `checkups`, `expenses`, `report`).
fn kind_of(code: &str) -> Option<ExportKind> {
    [
        ExportKind::Drugs,
        ExportKind::Checkups,
        ExportKind::Expenses,
        ExportKind::All,
    ]
    .into_iter()
    .find(|k| k.code() == code)
}

/// The kinds of `kind` the signed-in person may see for the person on screen; NotFound when
/// none (a single kind: exactly the page's rule).
async fn allowed(
    db: &Db,
    p: &Principal,
    kind: ExportKind,
    today: chrono::NaiveDate,
) -> Result<(OnScreen, Vec<AccessKind>), AppError> {
    let mut on = None;
    let mut kinds = Vec::new();
    for k in kind.access_kinds() {
        match on_screen(db, p, *k, today).await {
            Ok(o) => {
                on.get_or_insert(o);
                kinds.push(*k);
            }
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    on.map(|o| (o, kinds)).ok_or(AppError::NotFound)
}

/// The four downloads behind one route. Checkups take no period (the last five), so their
/// query string is not read at all.
#[get("/me/{kind}/pdf")]
pub async fn pdf(
    me: Option<SignedIn>,
    req: HttpRequest,
    kind: web::Path<String>,
    db: web::Data<Db>,
    reads: web::Data<Reads>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let Some(kind) = kind_of(&kind) else {
        return super::edge::unknown_path(req).await;
    };
    let me = me.ok_or_else(ApiError::unauthorized)?;
    let q = if kind.has_period() {
        web::Query::<PdfQuery>::from_query(req.query_string())
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.to_string()))?
            .into_inner()
    } else {
        PdfQuery {
            from: None,
            to: None,
        }
    };
    let today = clock.today();
    let query = super::period_query(q.from.as_deref(), q.to.as_deref(), false)?;
    let months = crate::service::period(&query, today, Preset::AllThreeYears)?;
    let (on, kinds) = allowed(&db, &me.principal, kind, today).await?;
    let request = ExportRequest {
        person: &on.person,
        as_proxy: on.as_proxy,
        kind,
        kinds: &kinds,
        months,
        since: on.since,
        today,
        lang: me.lang,
    };
    // The access rule above and the log below use the primary; the records may come from a standby.
    let export = export_pdf(&reads, request).await?;
    log_access(
        &db,
        &me.principal,
        &on,
        Action::Export,
        audit_detail(kind, months, " (api)"),
        me.request_id.as_deref(),
    )
    .await;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(export.file_name)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(export.bytes))
}
