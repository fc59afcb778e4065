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
use crate::service::deduction::{tax_year, viewed_workbench};
use crate::service::deduction_export::{deduction_file, DeductionFileError, DeductionFormat};
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
    /// (生計を一にする家族). 0, false or empty: not (anything else is a 400).
    #[param(pattern = r"^(|0|1|true|false|on)$")]
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
    // The API's year is as the document writes it: four ASCII digits (the page also reads
    // full-width digits and spaces, for people typing).
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_input("year: use four digits, like 2025"));
    }
    let year = tax_year(Some(year), today)?;
    let Some(format) = DeductionFormat::from_ext(ext) else {
        return Err(ApiError::not_found("no such file"));
    };
    let household = domain::query::household(q.household.as_deref())
        .map_err(|why| ApiError::bad_input(why.to_string()))?
        && format.takes_household();
    let v = viewed_workbench(&db, &me.principal, year, household, today).await?;
    let file = match deduction_file(
        &db,
        &v.workbench,
        v.header,
        household,
        format,
        me.lang,
        today,
    )
    .await
    {
        Ok(file) => file,
        Err(DeductionFileError::Form(e)) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "form_limit",
                e.to_string(),
            ))
        }
        Err(DeductionFileError::NoPerson) => return Err(ApiError::not_found("no records")),
        Err(DeductionFileError::Failed(e)) => return Err(e.into()),
        Err(DeductionFileError::Xlsx(e)) => {
            tracing::error!(error = %e, "xlsx export failed");
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "try again later",
            ));
        }
    };
    let rid = me.request_id.as_deref();
    log_access(&db, &me.principal, &v.on, Action::Export, file.detail, rid).await;
    Ok(attachment(file.media_type, &file.file_name, file.bytes))
}
