//! PDF exports: drugs, checkups, expenses and one combined report, as A4 portrait documents
//! that read like an official record (title, 受診者情報, issue date, "data as of", period,
//! page 「i / N」 on every page) with Japanese text embedded as a subset of IPAexGothic, so it is
//! selectable and searchable.
//!
//! # Parts
//! - [`font`]: the font, read and parsed once per process (`OnceLock`), with advance widths.
//! - [`wrap`]: line breaking by real widths with 禁則処理 (pure, unit-tested).
//! - [`layout`]: the generic document model and renderer. Reuse it for any tabular report:
//!
//! ```ignore
//! use server::pdf::layout::{Block, Column, Document, Row, Table};
//! let doc = Document {
//!     title: "医療費控除の明細書".into(),
//!     lang: "ja".into(),
//!     header: vec![("氏名".into(), "佐藤　健一".into())],   // label/value box, every page
//!     notes: vec!["発行日: 2025年6月1日".into()],           // lines under it, every page
//!     blocks: vec![
//!         Block::Heading("2024年".into()),
//!         Block::Table(Table {
//!             columns: vec![Column::new("医療機関", 3.0), Column::new("支払額", 1.0).right()],
//!             rows: vec![
//!                 Row::group("医科"),                          // caption across all columns
//!                 Row::body(vec!["さくら内科".into(), "1,200円".into()]),
//!                 Row::total(vec!["合計".into(), "1,200円".into()]),
//!             ],
//!         }),
//!         Block::Text("注記".into()),
//!     ],
//!     created: chrono::Utc::now(),
//! };
//! let pdf = server::pdf::layout::render(&doc, server::pdf::font::font()?)?; // pdf.bytes
//! ```
//!   Column widths are relative weights of the content width; rows never split across pages
//!   and the column header row repeats on each page; a group caption stays with its first row.
//! - `writer`: the PDF file itself — content streams written directly, the font embedded once
//!   per document as a subset of exactly the glyphs used (Identity-H with a ToUnicode CMap).
//! - [`reports`]: the documents for drugs, checkups, expenses, the combined report and the
//!   医療費控除の明細書（集計） (per person and payee, totals, both calculators), built from domain
//!   data (`DrugLine`, `Checkup`, `ExpenseLine`, `DeductionLine`) and the person header, with every
//!   label from the i18n layer (`app::i18n::Msg`), so the language cookie gives an English PDF.
//! - [`export`]: fetching the data for the person on screen (same access rule as the pages),
//!   rendering off the async executor, file names, and the audit entry; `deduction_pdf` renders
//!   a loaded 医療費控除 workbench (`etax::Workbench`) for `GET /api/v1/me/deduction/{year}.pdf`
//!   and `karte export etax --format pdf`.

pub mod export;
pub mod font;
pub mod layout;
pub mod qr;
pub mod reports;
pub mod wrap;
mod writer;

pub use export::{export_pdf, file_name, Export, ExportKind};

/// Why a PDF could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    #[error("PDF font: {0}")]
    Font(String),
    #[error("PDF rendering: {0}")]
    Render(String),
}
