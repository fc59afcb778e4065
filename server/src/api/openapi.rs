//! The OpenAPI document of the REST API, generated from the handlers (`#[utoipa::path]`) and
//! the types they answer with (`ToSchema`, behind the `openapi` feature of domain and app).
//! Served at `/api/v1/openapi.json`; `docs/openapi.json` is the checked-in copy, kept equal by
//! `server/tests/it/openapi.rs` (regenerate: `KARTE_WRITE_OPENAPI=1 cargo test -p server
//! --test it openapi`).
//!
//! Routes that serve several documented paths (`/me/{kind}/pdf`, `/me/deduction/{file}`) are
//! described by one item per path below; the handlers themselves are in their modules.

use super::deduction::ExportQuery;
use super::edge::ErrorBody;
use super::pdf::PdfQuery;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, RefOr, ServerBuilder};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

/// A file in the body (PDF, xlsx, CSV).
pub struct Binary;

impl PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Binary,
            )))
            .into()
    }
}

impl ToSchema for Binary {}

/// The JSON batch in the request body: an object; its full schema is
/// docs/import-batch.schema.json (the parser's rules decide, with a 400 naming the field).
pub struct JsonBatch;

impl PartialSchema for JsonBatch {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "A Karte batch (docs/import-batch.schema.json, docs/import-format.md).",
            ))
            .into()
    }
}

impl ToSchema for JsonBatch {}

const PDF_NOTE: &str = "A4 portrait, IPAexGothic embedded as a subset; Japanese unless the \
    karte_lang cookie is en. Content-Disposition: attachment with a file name like \
    karte-drugs-2024-04_2025-03.pdf; Cache-Control: no-store. Every export is written to the \
    access log.";

macro_rules! pdf_path {
    ($name:ident, $path:literal, $summary:literal, $what:literal) => {
        #[utoipa::path(
            get,
            path = $path,
            summary = $summary,
            description = const_format_pdf($what),
            security(("session" = [])),
            params(PdfQuery),
            responses(
                (status = 200, description = "The PDF", content((Binary = "application/pdf"))),
                (status = 400, description = "Bad period", body = ErrorBody),
                (status = 401, description = "Not signed in", body = ErrorBody),
                (status = 404, description = "The person on screen may not show this kind", body = ErrorBody),
                (status = 429, description = "Past the export budget of this client or account (KARTE_RATE_EXPORT_PER_MINUTE); Retry-After says when to try again", body = ErrorBody),
                (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
            )
        )]
        #[allow(dead_code)]
        fn $name() {}
    };
}

/// The kind's own description, then what every PDF export shares.
fn const_format_pdf(what: &str) -> String {
    format!("{what} {PDF_NOTE}")
}

pdf_path!(
    drugs_pdf,
    "/me/drugs/pdf",
    "Drug history of the person on screen as PDF",
    "Grouped by 調剤日 and pharmacy, the page's fields in the page's order, 医薬品記号 in text."
);
pdf_path!(
    expenses_pdf,
    "/me/expenses/pdf",
    "Medical-cost notices as PDF",
    "Lines with totals per year, per institution and per 診療区分."
);
pdf_path!(
    report_pdf,
    "/me/report/pdf",
    "One report with every kind the viewer may see, as PDF",
    "Drugs, checkups and expenses the signed-in person may see for the person on screen (404 if none)."
);

/// Checkups take no period: the last five.
#[utoipa::path(
    get,
    path = "/me/checkups/pdf",
    summary = "Checkup results (last five from FY2020) as PDF",
    description = const_format_pdf("One column per checkup; bands marked in text; メタボ判定 and 保健指導レベル, computed ones labelled."),
    security(("session" = [])),
    responses(
        (status = 200, description = "The PDF", content((Binary = "application/pdf"))),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "The person on screen may not show this kind", body = ErrorBody),
        (status = 429, description = "Past the export budget of this client or account (KARTE_RATE_EXPORT_PER_MINUTE); Retry-After says when to try again", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn checkups_pdf() {}

#[utoipa::path(
    get,
    path = "/me/deduction/{year}.xlsx",
    summary = "医療費控除: the NTA 医療費集計フォーム (Ver.3.1) filled with the year's included lines",
    description = "The official template with rows 9… filled (B 医療を受けた人, C 病院・薬局などの名称, D–G 区分 `該当する`, H 支払った医療費, I 補填, J 支払年月日): the ticked notice lines of the person on screen that count in the year (by 診療年月, or the year the person moved them to), then the lines added by hand. Load it in 確定申告書等作成コーナー (医療費集計フォームを利用する); not for セルフメディケーション税制. Written to the access log.",
    security(("session" = [])),
    params(
        ("year" = i32, Path, description = "Tax year (the year paid).", minimum = 2000, maximum = 2100),
        ExportQuery,
    ),
    responses(
        (status = 200, description = "The workbook as an attachment (filename iryouhi_YYYY.xlsx; Cache-Control: no-store).", content((Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Not a year like 2025.", body = ErrorBody),
        (status = 401, description = "Not signed in.", body = ErrorBody),
        (status = 404, description = "The person on screen may not show expenses (never 403).", body = ErrorBody),
        (status = 429, description = "Past the export budget of this client or account (KARTE_RATE_EXPORT_PER_MINUTE); Retry-After says when to try again", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
        (status = 422, description = "More included lines than the form's 995 rows (code form_limit): untick lines or export each person separately.", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn deduction_xlsx() {}

#[utoipa::path(
    get,
    path = "/me/deduction/{year}.csv",
    summary = "医療費控除: the person's notice lines of the year as a マイナポータル 医療費通知情報 CSV",
    description = "Style (a) of the マイナポータル download: UTF-8 without BOM, CRLF, minimal quoting, amounts with thousands separators. Only the ticked notice lines of the person on screen that count in the year (one file is one person; hand-added lines are not in it). Karte's importer reads it back to the same lines. Written to the access log.",
    security(("session" = [])),
    params(("year" = i32, Path, description = "Tax year (the year paid).", minimum = 2000, maximum = 2100)),
    responses(
        (status = 200, description = "The CSV as an attachment (filename iryouhi_YYYY.csv; Cache-Control: no-store).", content((Binary = "text/csv"))),
        (status = 400, description = "Not a year like 2025.", body = ErrorBody),
        (status = 401, description = "Not signed in.", body = ErrorBody),
        (status = 404, description = "The person on screen may not show expenses (never 403).", body = ErrorBody),
        (status = 429, description = "Past the export budget of this client or account (KARTE_RATE_EXPORT_PER_MINUTE); Retry-After says when to try again", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn deduction_csv() {}

#[utoipa::path(
    get,
    path = "/me/deduction/{year}.pdf",
    summary = "医療費控除: the printable 医療費控除の明細書（集計） for the year, as PDF",
    description = "The same lines as the page and the xlsx (only ticked ones): a table per person and payee (医療を受けた人, 医療機関等名称, 区分, 出どころ — notice or added by hand —, 件数, 支払った医療費, 補填される金額) with totals per person and overall, then both calculators side by side for the income entered (医療費控除: paid − 補填 − min(100,000, 5% of 総所得金額等), cap 2,000,000; セルフメディケーション税制: OTC − 補填 − 12,000, cap 88,000), which is larger, and that only one may be claimed. A4 portrait, IPAexGothic embedded as a subset; Japanese unless the karte_lang cookie is en. Written to the access log.",
    security(("session" = [])),
    params(
        ("year" = i32, Path, description = "Tax year (the year paid).", minimum = 2000, maximum = 2100),
        ExportQuery,
    ),
    responses(
        (status = 200, description = "The PDF as an attachment (filename karte-deduction-YYYY.pdf; Cache-Control: no-store).", content((Binary = "application/pdf"))),
        (status = 400, description = "Not a year like 2025.", body = ErrorBody),
        (status = 401, description = "Not signed in.", body = ErrorBody),
        (status = 404, description = "The person on screen may not show expenses (never 403).", body = ErrorBody),
        (status = 429, description = "Past the export budget of this client or account (KARTE_RATE_EXPORT_PER_MINUTE); Retry-After says when to try again", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
    )
)]
#[allow(dead_code)]
fn deduction_pdf() {}

/// Title, servers and the two ways in (people's session cookie, machine clients' bearer token).
struct Frame;

impl Modify for Frame {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        doc.info = InfoBuilder::new()
            .title("Karte API")
            .version("1")
            .description(Some(
                "Personal health records for people insured in Japan. People use their browser \
                 session (cookie __Host-karte_session); insurers' machine clients import with a \
                 bearer token. Every health-data answer carries Cache-Control: no-store.",
            ))
            .build();
        doc.servers = Some(vec![ServerBuilder::new().url("/api/v1").build()]);
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::new("__Host-karte_session"),
            )),
        );
        components.add_security_scheme(
            "importClient",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from KARTE_IMPORT_CLIENTS; machine clients only.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "appToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A read-only token a person issued to an app on the proxies page \
                         (karte_app_…); accepted on /me/fhir/… only, never in the URL.",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(
        super::drugs::my_drugs,
        super::jahis::notebook_file,
        super::jahis::notebook_qr,
        super::checkups::my_checkups,
        super::expenses::my_expenses,
        super::own::my_own_entries,
        deduction_xlsx,
        deduction_csv,
        deduction_pdf,
        drugs_pdf,
        checkups_pdf,
        expenses_pdf,
        report_pdf,
        super::import::import,
        super::fhir::metadata,
        super::fhir::doc_patient,
        super::fhir::doc_dispense,
        super::fhir::doc_observation,
        super::fhir::doc_benefit,
        super::fhir::doc_everything,
    ),
    modifiers(&Frame)
)]
pub struct ApiDoc;

/// The document as served and checked in: pretty JSON with a final newline.
pub fn document() -> &'static str {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut text = ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        text.push('\n');
        text
    })
}
