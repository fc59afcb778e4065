//! `GET /api/v1/me/deduction/{year}.xlsx[?household=1]` — the NTA 医療費集計フォーム filled with
//! the year's included lines — and `GET /api/v1/me/deduction/{year}.csv` — the person's notice
//! lines of the year in the マイナポータル 医療費通知情報 CSV layout — and
//! `GET /api/v1/me/deduction/{year}.pdf[?household=1]` — the printable 医療費控除の明細書
//! （集計）: totals per person and payee and both calculators. Downloads (attachment,
//! `no-store`), written to the access log. 401 signed out; 404 when the person on screen may
//! not show expenses; 400 for a bad year; 422 when the lines do not fit the form.

use super::{ApiError, SignedIn};
use crate::audit::Action;
use crate::db::Db;
use crate::deduction::{self, xlsx, ExportError};
use crate::pdf::export::deduction_pdf;
use crate::service::deduction::{tax_year, viewed_workbench};
use crate::service::log_access;
use crate::settings::Clock;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// 1: also the notice lines of everyone whose expenses the signed-in person may see
    /// (生計を一にする家族).
    household: Option<String>,
}

fn attachment(media_type: &str, name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(media_type)
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

#[get("/me/deduction/{file}")]
pub async fn export(
    me: SignedIn,
    path: web::Path<String>,
    q: web::Query<ExportQuery>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let file = path.into_inner();
    let Some((year, ext @ ("xlsx" | "csv" | "pdf"))) = file.rsplit_once('.') else {
        return Err(ApiError::not_found(
            "use {year}.xlsx, {year}.csv or {year}.pdf",
        ));
    };
    let today = clock.today();
    let year = tax_year(Some(year), today)?;
    let household = ext != "csv" && q.household.as_deref() == Some("1");
    let v = viewed_workbench(&db, &me.principal, year, household, today).await?;
    let rid = me.request_id.as_deref();
    let wb = &v.workbench;
    if ext == "pdf" {
        let export = deduction_pdf(wb, v.header.clone(), me.lang, today).await?;
        let rows = wb.lines.iter().filter(|l| l.included).count();
        let who = if household { ", household" } else { "" };
        let detail = format!("deduction {year} pdf ({rows} lines{who})");
        log_access(&db, &me.principal, &v.on, Action::Export, detail, rid).await;
        return Ok(attachment(
            "application/pdf",
            &export.file_name,
            export.bytes,
        ));
    }
    let (body, media_type, detail) = if ext == "xlsx" {
        match wb.xlsx() {
            Ok(bytes) => {
                let rows = wb.lines.iter().filter(|l| l.included).count();
                let who = if household { ", household" } else { "" };
                (
                    bytes,
                    xlsx::MEDIA_TYPE,
                    format!("deduction {year} xlsx ({rows} lines{who})"),
                )
            }
            Err(ExportError::Form(e)) => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "form_limit",
                    e.to_string(),
                ))
            }
            Err(ExportError::Xlsx(e)) => {
                tracing::error!(error = %e, "xlsx export failed");
                return Err(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "try again later",
                ));
            }
        }
    } else {
        let person = deduction::csv_person(&db, &v.on.person)
            .await?
            .ok_or_else(|| ApiError::not_found("no records"))?;
        let lines = wb.notice_lines_of(&v.on.person).len();
        let text = wb.csv(&person, today);
        (
            text.into_bytes(),
            deduction::csv::MEDIA_TYPE,
            format!("deduction {year} csv ({lines} lines)"),
        )
    };
    log_access(&db, &me.principal, &v.on, Action::Export, detail, rid).await;
    Ok(attachment(
        media_type,
        &deduction::file_name(year, ext),
        body,
    ))
}
