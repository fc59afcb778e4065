//! PDF downloads of the person on screen:
//! `GET /api/v1/me/drugs/pdf?from=YYYY-MM&to=YYYY-MM`, `/me/checkups/pdf`,
//! `/me/expenses/pdf?from=&to=` and `/me/report/pdf?from=&to=` (every kind the viewer may see).
//! The same rules as the drug API: 401 signed out; 404 when the person on screen may not show
//! that kind (never 403); 400 for a bad period. `Content-Disposition: attachment`,
//! `Cache-Control: no-store`; every export goes to the access log. The language follows the
//! `karte_lang` cookie.

use super::{error_response, problem};
use crate::audit::Action;
use crate::auth::Principal;
use crate::db::Db;
use crate::pdf::export::{audit_detail, export_pdf, ExportKind, ExportRequest};
use crate::service::{log_access, on_screen, OnScreen};
use crate::settings::Clock;
use crate::telemetry::request_id;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpMessage, HttpRequest, HttpResponse};
use app::error::AppError;
use app::i18n::Lang;
use domain::access::AccessKind;
use domain::period::Preset;
use domain::query::PeriodQuery;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PdfQuery {
    from: Option<String>,
    to: Option<String>,
}

#[get("/me/drugs/pdf")]
pub async fn drugs_pdf(
    req: HttpRequest,
    q: web::Query<PdfQuery>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    pdf(req, q.into_inner(), db, clock, ExportKind::Drugs).await
}

#[get("/me/checkups/pdf")]
pub async fn checkups_pdf(
    req: HttpRequest,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    let q = PdfQuery {
        from: None,
        to: None,
    };
    pdf(req, q, db, clock, ExportKind::Checkups).await
}

#[get("/me/expenses/pdf")]
pub async fn expenses_pdf(
    req: HttpRequest,
    q: web::Query<PdfQuery>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    pdf(req, q.into_inner(), db, clock, ExportKind::Expenses).await
}

#[get("/me/report/pdf")]
pub async fn report_pdf(
    req: HttpRequest,
    q: web::Query<PdfQuery>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    pdf(req, q.into_inner(), db, clock, ExportKind::All).await
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

async fn pdf(
    req: HttpRequest,
    q: PdfQuery,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
    kind: ExportKind,
) -> HttpResponse {
    let principal = req.extensions().get::<Principal>().cloned();
    let Some(p) = principal else {
        return problem(StatusCode::UNAUTHORIZED, "unauthorized", "sign in first");
    };
    let today = clock.today();
    let query = PeriodQuery::range(q.from, q.to);
    let months = match crate::service::period(&query, today, Preset::AllThreeYears) {
        Ok(m) => m,
        Err(e) => return error_response(&e),
    };
    let (on, kinds) = match allowed(&db, &p, kind, today).await {
        Ok(v) => v,
        Err(e) => return error_response(&e),
    };
    let lang = req
        .cookie(Lang::COOKIE)
        .map(|c| Lang::from_tag(c.value()))
        .unwrap_or_default();
    let request = ExportRequest {
        person: &on.person,
        as_proxy: on.as_proxy,
        kind,
        kinds: &kinds,
        months,
        since: on.since,
        today,
        lang,
    };
    let export = match export_pdf(&db, request).await {
        Ok(e) => e,
        Err(e) => return error_response(&e),
    };
    let rid = request_id(&req);
    log_access(
        &db,
        &p,
        &on,
        Action::Export,
        audit_detail(kind, months, " (api)"),
        rid.as_deref(),
    )
    .await;
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(export.file_name)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(export.bytes)
}
