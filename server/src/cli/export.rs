//! `karte export pdf`: the same export as the API's, for one person, audited as the CLI.

use crate::audit::{self, Action, Event};
use crate::db::Db;
use crate::pdf::export::{audit_detail, export_pdf, Export, ExportKind, ExportRequest};
use app::error::AppError;
use app::i18n::Lang;
use chrono::NaiveDate;
use domain::people::PersonId;
use domain::period::Preset;
use domain::query::PeriodQuery;
use std::path::PathBuf;

/// `karte export pdf`: an operator's export for one person, audited as the CLI.
#[derive(Debug, Clone, clap::Args)]
pub struct PdfExportArgs {
    /// The person's stable id (see `karte people`).
    #[arg(long)]
    pub person: String,
    #[arg(long, value_enum, default_value = "all")]
    pub kind: ExportKind,
    /// First month, YYYY-MM (default: the 3-year window).
    #[arg(long)]
    pub from: Option<String>,
    /// Last month, YYYY-MM.
    #[arg(long)]
    pub to: Option<String>,
    /// ja or en.
    #[arg(long, default_value = "ja")]
    pub lang: String,
    /// Output file (default: the usual file name in the current directory).
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

/// Runs `karte export pdf`; returns where the file went and the export.
pub async fn run_pdf(
    db: &Db,
    args: &PdfExportArgs,
    today: NaiveDate,
) -> anyhow::Result<(PathBuf, Export)> {
    let person = PersonId::parse(&args.person).map_err(|e| anyhow::anyhow!("--person: {e}"))?;
    let months = PeriodQuery::range(args.from.clone(), args.to.clone())
        .months(today, Preset::AllThreeYears)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let lang = Lang::from_tag(&args.lang);
    let export = export_pdf(
        db,
        ExportRequest {
            person: &person,
            as_proxy: false,
            kind: args.kind,
            kinds: args.kind.access_kinds(),
            months,
            since: None,
            today,
            lang,
        },
    )
    .await
    .map_err(|e| match e {
        AppError::NotFound => anyhow::anyhow!("--person {}: no such person", args.person),
        other => anyhow::anyhow!("{other}"),
    })?;
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(&export.file_name));
    std::fs::write(&path, &export.bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let event = Event::new(Action::Export)
        .by_client("cli")
        .on(person.as_str())
        .detail(audit_detail(args.kind, months, " (cli)"));
    audit::record_or_log(db, event).await;
    Ok((path, export))
}
