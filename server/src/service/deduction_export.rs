//! The 医療費控除 downloads — the NTA 医療費集計フォーム (.xlsx), the マイナポータル 医療費通知情報
//! CSV and the printable 明細書（集計） (.pdf) — made from a workbench in one place for the API
//! (`GET /api/v1/me/deduction/{year}.{ext}`) and the command line (`karte export etax`), with the
//! access-log detail both write.

use crate::db::Db;
use crate::deduction::{self, csv, xlsx, ExportError, Workbench};
use crate::pdf::export::deduction_pdf;
use app::error::AppError;
use app::i18n::Lang;
use chrono::NaiveDate;
use domain::deduction::form::FormError;
use domain::people::PersonHeader;

/// What to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeductionFormat {
    Xlsx,
    Csv,
    Pdf,
}

impl DeductionFormat {
    /// From a file extension (`xlsx`, `csv`, `pdf`).
    pub fn from_ext(ext: &str) -> Option<Self> {
        match ext {
            "xlsx" => Some(Self::Xlsx),
            "csv" => Some(Self::Csv),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
            Self::Pdf => "pdf",
        }
    }

    /// Whether the household's notices may be on it: the form and the 明細書 sum a household;
    /// the CSV is one person's notice layout.
    pub fn takes_household(self) -> bool {
        self != Self::Csv
    }
}

/// A made download.
#[derive(Debug)]
pub struct DeductionFile {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
    pub file_name: String,
    /// The access log's detail, e.g. `deduction 2025 xlsx (12 lines, household)`.
    pub detail: String,
}

/// Why a download could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DeductionFileError {
    /// The ticked lines do not fit the form (the person can untick or group them).
    #[error(transparent)]
    Form(FormError),
    /// The workbook could not be written (a bug: the template is not what the code expects).
    #[error(transparent)]
    Xlsx(xlsx::XlsxError),
    /// The workbench's person is gone.
    #[error("no such person")]
    NoPerson,
    #[error("{0}")]
    Failed(AppError),
}

/// Makes the `format` download of `wb` (whose person is `header`). `household` says whether
/// the workbench holds the household (for the log); the CSV is always the owner's own lines.
pub async fn deduction_file(
    db: &Db,
    wb: &Workbench,
    header: PersonHeader,
    household: bool,
    format: DeductionFormat,
    lang: Lang,
    today: NaiveDate,
) -> Result<DeductionFile, DeductionFileError> {
    let year = wb.year;
    let who = if household { ", household" } else { "" };
    let rows = wb.lines.iter().filter(|l| l.included).count();
    match format {
        DeductionFormat::Pdf => {
            let export = deduction_pdf(wb, header, lang, today)
                .await
                .map_err(DeductionFileError::Failed)?;
            Ok(DeductionFile {
                bytes: export.bytes,
                media_type: "application/pdf",
                file_name: export.file_name,
                detail: format!("deduction {year} pdf ({rows} lines{who})"),
            })
        }
        DeductionFormat::Xlsx => {
            let bytes = wb.xlsx().map_err(|e| match e {
                ExportError::Form(e) => DeductionFileError::Form(e),
                ExportError::Xlsx(e) => DeductionFileError::Xlsx(e),
            })?;
            Ok(DeductionFile {
                bytes,
                media_type: xlsx::MEDIA_TYPE,
                file_name: deduction::file_name(year, "xlsx"),
                detail: format!("deduction {year} xlsx ({rows} lines{who})"),
            })
        }
        DeductionFormat::Csv => {
            let person = deduction::csv_person(db, &wb.owner)
                .await
                .map_err(|e| DeductionFileError::Failed(e.into()))?
                .ok_or(DeductionFileError::NoPerson)?;
            let lines = wb.notice_lines_of(&wb.owner).len();
            Ok(DeductionFile {
                bytes: wb.csv(&person, today).into_bytes(),
                media_type: csv::MEDIA_TYPE,
                file_name: deduction::file_name(year, "csv"),
                detail: format!("deduction {year} csv ({lines} lines)"),
            })
        }
    }
}
