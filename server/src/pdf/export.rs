//! Making an export for a person: the data (the same scoped queries and visibility rules as
//! the pages), the document, rendering on a blocking thread (never on the async executor),
//! the file name, and the audit entry. Used by the API (`api::pdf`) and the CLI
//! (`karte export pdf`).

use super::font::font;
use super::layout::render;
use super::reports::{self, ReportContext, ReportData};
use crate::db::Db;
use crate::records::{checkups, lines, people};
use app::checkups::{build_view, Subject};
use app::error::AppError;
use app::i18n::Lang;
use chrono::NaiveDate;
use domain::access::AccessKind;
use domain::checkups::shown_checkups;
use domain::people::PersonId;
use domain::period::MonthRange;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    Drugs,
    Checkups,
    Expenses,
    /// One report with every kind the viewer may see.
    All,
}

impl ExportKind {
    /// In file names and the audit log.
    pub fn code(self) -> &'static str {
        match self {
            ExportKind::Drugs => "drugs",
            ExportKind::Checkups => "checkups",
            ExportKind::Expenses => "expenses",
            ExportKind::All => "report",
        }
    }

    /// The record kinds it contains.
    pub fn access_kinds(self) -> &'static [AccessKind] {
        match self {
            ExportKind::Drugs => &[AccessKind::Drugs],
            ExportKind::Checkups => &[AccessKind::Checkups],
            ExportKind::Expenses => &[AccessKind::Expenses],
            ExportKind::All => &AccessKind::ALL,
        }
    }

    /// Checkups are always the last five: no period.
    pub fn has_period(self) -> bool {
        self != ExportKind::Checkups
    }
}

/// `karte-drugs-2024-04_2025-03.pdf`; checkups (no period) carry the issue date instead.
pub fn file_name(kind: ExportKind, months: MonthRange, today: NaiveDate) -> String {
    if kind.has_period() {
        format!(
            "karte-{}-{}_{}.pdf",
            kind.code(),
            months.from(),
            months.to()
        )
    } else {
        format!("karte-{}-{}.pdf", kind.code(), today.format("%Y-%m-%d"))
    }
}

/// What goes to the access log: kind and period, never health values.
pub fn audit_detail(kind: ExportKind, months: MonthRange, channel: &str) -> String {
    if kind.has_period() {
        format!(
            "pdf {} {}..{}{channel}",
            kind.code(),
            months.from(),
            months.to()
        )
    } else {
        format!("pdf {}{channel}", kind.code())
    }
}

/// A finished export.
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Reads the records of `kinds` (already access-checked) for `person`, from `since` on when
/// the requester is a card holder seeing a dependant.
pub async fn gather(
    db: &Db,
    person: &PersonId,
    kinds: &[AccessKind],
    months: MonthRange,
    since: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<ReportData, AppError> {
    let mut data = ReportData::default();
    let clamped = crate::records::access::clamp_months(months, since);
    let on_or_after = |day: NaiveDate| since.is_none_or(|s| day >= s);
    for kind in kinds {
        match kind {
            AccessKind::Drugs => {
                let mut drugs = match clamped {
                    Some(m) => lines::visible_drug_lines(db, person, m, today).await?,
                    None => Vec::new(),
                };
                drugs.retain(|l| on_or_after(l.dispensed_on));
                data.drugs = Some(drugs);
                data.drugs_as_of = lines::drug_data_as_of(db, person, today).await?;
                data.own = Some(crate::records::own::entries(db, person).await?);
            }
            AccessKind::Expenses => {
                data.expenses = Some(match clamped {
                    Some(m) => lines::visible_expense_lines(db, person, m, today).await?,
                    None => Vec::new(),
                })
            }
            AccessKind::Checkups => {
                let mut all = checkups::checkups_for(db, person).await?;
                all.retain(|c| on_or_after(c.performed_on));
                let (birth_date, sex) = checkups::checkup_subject(db, person)
                    .await?
                    .ok_or(AppError::NotFound)?;
                // The page's view, less the insurers' registration status (not in the PDF).
                let mut view = build_view(
                    &shown_checkups(&all),
                    Subject { birth_date, sex },
                    Vec::new(),
                    today,
                );
                view.mark_imported_by_you(&checkups::self_imported_checkups(db, person).await?);
                data.checkups = Some(view);
            }
            AccessKind::DeductionEdit => {}
        }
    }
    Ok(data)
}

/// One export to make.
#[derive(Debug, Clone, Copy)]
pub struct ExportRequest<'a> {
    pub person: &'a PersonId,
    /// Made by a proxy (said so on the document).
    pub as_proxy: bool,
    pub kind: ExportKind,
    /// The kinds the requester may see (already checked); the others are left out.
    pub kinds: &'a [AccessKind],
    pub months: MonthRange,
    /// A card holder's dependant: records from this day on only.
    pub since: Option<NaiveDate>,
    pub today: NaiveDate,
    pub lang: Lang,
}

/// Builds and renders the document on a blocking thread.
pub async fn export_pdf(db: &Db, req: ExportRequest<'_>) -> Result<Export, AppError> {
    let ExportRequest {
        person,
        as_proxy,
        kind,
        kinds,
        months,
        since,
        today,
        lang,
    } = req;
    let header = people::person_header(db, person, as_proxy)
        .await?
        .ok_or(AppError::NotFound)?;
    let data = gather(db, person, kinds, months, since, today).await?;
    let ctx = ReportContext {
        lang,
        person: header,
        today,
        created: chrono::Utc::now(),
    };
    let file_name = file_name(kind, months, today);
    // The お薬手帳 QR codes of the drugs PDF carry the patient record (sex is not on the header).
    let patient = match kind {
        ExportKind::Drugs => {
            people::patient_of(db, person)
                .await?
                .map(|(name, birth_date, female)| domain::jahis::Patient {
                    name,
                    sex: if female == Some(true) {
                        domain::jahis::Sex::Female
                    } else {
                        domain::jahis::Sex::Male
                    },
                    birth_date,
                    kana: None,
                })
        }
        _ => None,
    };
    let rendered = off_executor(move || {
        let font = font()?;
        let doc = match kind {
            ExportKind::Drugs => {
                let lines = data.drugs.as_deref().unwrap_or_default();
                let mut doc = reports::drugs_document_with(
                    &ctx,
                    months,
                    lines,
                    data.drugs_as_of,
                    &data.own.unwrap_or_default(),
                );
                doc.blocks
                    .extend(reports::notebook_blocks(lang, patient, lines, today));
                doc
            }
            ExportKind::Checkups => {
                reports::checkups_document(&ctx, &data.checkups.unwrap_or_default())
            }
            ExportKind::Expenses => reports::expenses_document(
                &ctx,
                months,
                data.expenses.as_deref().unwrap_or_default(),
            )?,
            ExportKind::All => reports::combined_document(&ctx, months, &data)?,
        };
        render(&doc, font)
    })
    .await?;
    Ok(Export {
        file_name,
        bytes: rendered.bytes,
        pages: rendered.pages,
    })
}

/// The render pool: at most this many documents are laid out and rendered at once, whoever
/// asks; the others wait their turn (a queue, not a refusal — the per-account limit on exports
/// in flight is what refuses). Sized once, at server start ([`set_render_workers`]).
static RENDER_POOL: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();

/// Sizes the render pool (0: one per CPU core). Only the first call counts.
pub fn set_render_workers(workers: u32) -> usize {
    render_pool(workers).available_permits()
}

fn render_pool(workers: u32) -> &'static tokio::sync::Semaphore {
    RENDER_POOL.get_or_init(|| {
        let n = match workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => usize::try_from(n).unwrap_or(1),
        };
        tokio::sync::Semaphore::new(n)
    })
}

/// Builds and renders a document on a blocking thread (layout and printpdf are CPU work), once
/// the render pool has room; failures are logged and become `Internal`.
async fn off_executor(
    job: impl FnOnce() -> Result<super::layout::Rendered, super::PdfError> + Send + 'static,
) -> Result<super::layout::Rendered, AppError> {
    let permit = render_pool(0)
        .acquire()
        .await
        .map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        // Held until the render ends, even when the request that asked has gone.
        let _permit = permit;
        let started = std::time::Instant::now();
        let rendered = job();
        crate::monitoring::pdf_render(rendered.is_ok(), started.elapsed());
        rendered
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "PDF rendering task failed");
        AppError::Internal
    })?
    .map_err(|e| {
        tracing::error!(error = %e, "PDF rendering failed");
        AppError::Internal
    })
}

/// `karte-deduction-2025.pdf`.
pub fn deduction_file_name(year: domain::deduction::TaxYear) -> String {
    format!("karte-deduction-{year}.pdf")
}

/// The 医療費控除の明細書（集計）of a loaded workbench (the same lines the page shows and the
/// xlsx holds), rendered on a blocking thread. `header` is the person on screen.
pub async fn deduction_pdf(
    wb: &crate::deduction::Workbench,
    header: app::record::PersonHeader,
    lang: Lang,
    today: NaiveDate,
) -> Result<Export, AppError> {
    let summary = wb.summary().transpose().map_err(|e| {
        tracing::error!(error = %e, "deduction summary failed");
        AppError::Internal
    })?;
    let data = reports::DeductionData {
        year: wb.year.value(),
        members: wb.members.iter().map(|m| m.name.clone()).collect(),
        lines: wb.lines.clone(),
        income: wb.income,
        summary,
    };
    let ctx = ReportContext {
        lang,
        person: header,
        today,
        created: chrono::Utc::now(),
    };
    let rendered =
        off_executor(move || render(&reports::deduction_document(&ctx, &data), font()?)).await?;
    Ok(Export {
        file_name: deduction_file_name(wb.year),
        bytes: rendered.bytes,
        pages: rendered.pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let months = MonthRange::parse("2024-04", "2025-03").unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        assert_eq!(
            file_name(ExportKind::Drugs, months, today),
            "karte-drugs-2024-04_2025-03.pdf"
        );
        assert_eq!(
            file_name(ExportKind::All, months, today),
            "karte-report-2024-04_2025-03.pdf"
        );
        assert_eq!(
            file_name(ExportKind::Checkups, months, today),
            "karte-checkups-2025-06-01.pdf"
        );
        assert_eq!(
            audit_detail(ExportKind::Expenses, months, ""),
            "pdf expenses 2024-04..2025-03"
        );
    }
}
