//! `karte …`: the command line. The commands and their arguments, and what each runs; the
//! top of the module tree (nothing else uses it), so the settings, the PDF writer and the
//! database never depend on one another through it.

mod export;

use crate::db::Db;
use crate::settings::Settings;
use crate::startup::Application;
use crate::{demo, records};
use clap::{Args, Parser, Subcommand};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;

pub use export::PdfExportArgs;

#[derive(Debug, Parser)]
#[command(
    name = "karte",
    version,
    about = "Karte — personal health records for people insured in Japan"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the synthetic demo people (idempotent).
    Demo,
    /// List people: stable id, name, birth date, insurer.
    People,
    /// Import files; the format is detected when omitted. Each file is one batch: all of it
    /// or none of it, and a file imported before changes nothing.
    Import(ImportArgs),
    /// Export records to a file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// One-time linking codes (the insurer's second factor, see KARTE_LINK_CODE_REQUIRED).
    #[command(subcommand, name = "link-code")]
    LinkCode(LinkCodeCommand),
}

#[derive(Debug, Clone, Subcommand)]
pub enum LinkCodeCommand {
    /// Issue a code for one person and print it (only its hash is stored): the insurer prints
    /// it on a notice posted to the person's registered address.
    Issue(LinkCodeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct LinkCodeArgs {
    /// Whose code (a person id, see `karte people`).
    #[arg(long)]
    pub person: String,
    /// Days the code stays valid.
    #[arg(long, default_value_t = 60)]
    pub days: u16,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ExportCommand {
    /// 医療費控除: the NTA 医療費集計フォーム (.xlsx) or the マイナポータル 医療費通知情報 CSV of one
    /// tax year, with the person's saved changes and hand-added lines.
    #[command(name = "etax")]
    Deduction(DeductionArgs),
    /// A PDF: drugs, checkups, expenses or all in one report (audited as the CLI).
    Pdf(export::PdfExportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DeductionFormatArg {
    Xlsx,
    Csv,
    /// The printable 医療費控除の明細書（集計）.
    Pdf,
}

#[derive(Debug, Clone, Args)]
pub struct DeductionArgs {
    /// Whose workbench (a person id, see `karte people`).
    #[arg(long)]
    pub person: String,
    /// The tax year (the year paid), e.g. 2025.
    #[arg(long)]
    pub year: String,
    /// Include the notices of everyone whose expenses the person may see (xlsx only).
    #[arg(long)]
    pub household: bool,
    /// xlsx (医療費集計フォーム), csv (マイナポータル layout; the person's own notice lines) or
    /// pdf (the printable 医療費控除の明細書（集計）, in Japanese).
    #[arg(long, value_enum, default_value = "xlsx")]
    pub format: DeductionFormatArg,
    /// Where to write the file.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// json (Karte batch), cda (特定健診 hc08 XML), mynaportal-csv (医療費通知情報) or uke
    /// (レセプト電算 医科・調剤 receipt file).
    #[arg(long, value_enum)]
    pub format: Option<crate::import::ImportFormat>,
    /// Attach everything to this person (otherwise matched by insurance card and birth date).
    #[arg(long)]
    pub person: Option<String>,
    /// Files to import.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Load the demo people before serving.
    #[arg(long, env = "KARTE_DEMO", value_parser = clap::builder::BoolishValueParser::new())]
    pub demo: bool,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "KARTE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Address of the Prometheus scrape endpoint `GET /metrics` (its own listener, never the
    /// public address), or `off`. Unset: 127.0.0.1:9464, skipped with a warning when that
    /// port is taken (another local server); a set address that cannot be bound stops the start.
    #[arg(long, env = "KARTE_METRICS_ADDR")]
    pub metrics_addr: Option<MetricsAddr>,
}

/// Where `/metrics` is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsAddr {
    Off,
    At(SocketAddr),
}

/// The metrics address when `KARTE_METRICS_ADDR` is unset: loopback only.
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9464";

impl std::str::FromStr for MetricsAddr {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("off") {
            return Ok(Self::Off);
        }
        s.trim()
            .parse()
            .map(Self::At)
            .map_err(|_| format!("KARTE_METRICS_ADDR: `{s}` is neither host:port nor `off`"))
    }
}

/// Binds the metrics listener: `None` when off, or when the default port is taken.
fn metrics_listener(addr: Option<MetricsAddr>) -> anyhow::Result<Option<std::net::TcpListener>> {
    use anyhow::Context as _;
    match addr {
        Some(MetricsAddr::Off) => Ok(None),
        Some(MetricsAddr::At(at)) => std::net::TcpListener::bind(at)
            .map(Some)
            .with_context(|| format!("KARTE_METRICS_ADDR {at}: cannot listen")),
        None => match std::net::TcpListener::bind(DEFAULT_METRICS_ADDR) {
            Ok(l) => Ok(Some(l)),
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    addr = DEFAULT_METRICS_ADDR,
                    "no /metrics: the default metrics port is taken (set KARTE_METRICS_ADDR)"
                );
                Ok(None)
            }
        },
    }
}

/// Runs one command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    if let Some(path) = &settings.drug_master {
        let master = crate::import::uke::master::DrugMaster::load(path)?;
        tracing::info!(drugs = master.len(), "drug master loaded");
        crate::import::uke::master::install(master);
    }
    match cli.command {
        Command::Serve(args) => {
            no_huge_pages();
            let metrics = metrics_listener(args.metrics_addr)?;
            if metrics.is_some() {
                crate::monitoring::install()?;
            }
            let app = Application::build(&settings, args.addr, args.demo).await?;
            tracing::info!(port = app.port(), backend = app.db().backend(), "listening");
            // Scripts and tests read the actual address from this line: the first one.
            println!("listening on http://{}:{}", args.addr.ip(), app.port());
            let db = app.db().clone();
            match metrics {
                Some(listener) => {
                    let at = listener.local_addr()?;
                    let metrics = app.metrics_server(listener)?;
                    tracing::info!(port = at.port(), "metrics");
                    // Best effort: a caller that read only the `listening on` line may have
                    // closed the pipe, and `println!` would then panic.
                    let _ = writeln!(std::io::stdout(), "metrics on http://{at}/metrics");
                    let handle = metrics.handle();
                    // The metrics listener lives as long as the application: it stops once
                    // the last request in flight has been answered.
                    let served = async {
                        let served = app.run_until_stopped().await;
                        handle.stop(true).await;
                        served
                    };
                    let (served, metrics) = tokio::join!(served, metrics);
                    served?;
                    metrics?;
                }
                None => app.run_until_stopped().await?,
            }
            // In-flight requests have finished (or the shutdown timeout passed): close the
            // pool, so SQLite checkpoints its WAL and PostgreSQL sees clean disconnects.
            db.close().await;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            println!("migrations applied ({})", db.backend());
        }
        Command::Demo => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            let n = demo::load(&db, settings.today()).await?;
            println!("demo people loaded: {n}");
        }
        Command::Import(args) => import(&settings, args).await?,
        Command::Export(ExportCommand::Deduction(args)) => {
            export_deduction(&settings, args).await?
        }
        Command::Export(ExportCommand::Pdf(args)) => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            let (path, export) = export::run_pdf(&db, &args, settings.today()).await?;
            println!(
                "{}: {} page(s), {} bytes",
                path.display(),
                export.pages,
                export.bytes.len()
            );
        }
        Command::LinkCode(LinkCodeCommand::Issue(args)) => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            let valid_for = chrono::Duration::days(i64::from(args.days.max(1)));
            let code = crate::auth::accounts::issue_link_code(
                &db,
                &args.person,
                valid_for,
                chrono::Utc::now(),
            )
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!("--person: no person {} (see `karte people`)", args.person)
            })?;
            let event = crate::audit::Event::new(crate::audit::Action::LinkCode)
                .by_client("cli")
                .on(&args.person)
                .detail(format!("valid {} days", args.days.max(1)));
            crate::audit::record_or_log(&db, event).await;
            println!("{code}");
        }
        Command::People => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            for p in records::people::list_people(&db).await? {
                println!("{}\t{}\t{}\t{}", p.id, p.name, p.birth_date, p.insurer_name);
            }
        }
    }
    Ok(())
}

async fn import(settings: &Settings, args: ImportArgs) -> anyhow::Result<()> {
    use crate::records::import::ImportOutcome;
    use crate::service::import::{import_files, parse_ahead, Importer};
    let person = args
        .person
        .as_deref()
        .map(domain::people::PersonId::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--person: {e}"))?;
    // Files are parsed one ahead on another thread while the previous one is stored.
    let files = parse_ahead(args.files.clone(), args.format, person);
    let db = Db::connect(settings).await?;
    db.migrate().await?;
    let by = Importer {
        source: "cli",
        client: "cli",
        request_id: None,
    };
    import_files(&db, files, by, |name, report| {
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
        match &report.outcome {
            ImportOutcome::Imported { lines, people } => {
                println!(
                    "{name}: imported {lines} records for {} ({}, batch {})",
                    people_named(people),
                    report.format.as_str(),
                    report.batch_id
                );
            }
            ImportOutcome::AlreadyImported => {
                println!(
                    "{name}: already imported (batch {}); nothing changed",
                    report.batch_id
                )
            }
        }
    })
    .await?;
    Ok(())
}

/// `karte export etax`: the same year, lines and checks as the page and the API.
async fn export_deduction(settings: &Settings, args: DeductionArgs) -> anyhow::Result<()> {
    use crate::service::deduction_export::{deduction_file, DeductionFileError, DeductionFormat};
    use app::i18n::Lang;
    let person = domain::people::PersonId::parse(&args.person)
        .map_err(|e| anyhow::anyhow!("--person: {e}"))?;
    let year = domain::deduction::TaxYear::parse(&args.year)
        .map_err(|e| anyhow::anyhow!("--year: {e}"))?;
    let db = Db::connect(settings).await?;
    db.migrate().await?;
    let today = settings.today();
    let header = records::people::person_header(&db, &person, false)
        .await?
        .ok_or_else(|| anyhow::anyhow!("--person: no person {person} (see `karte people`)"))?;
    let format = match args.format {
        DeductionFormatArg::Xlsx => DeductionFormat::Xlsx,
        DeductionFormatArg::Csv => DeductionFormat::Csv,
        DeductionFormatArg::Pdf => DeductionFormat::Pdf,
    };
    let household = args.household && format.takes_household();
    let members = crate::deduction::members(
        &db,
        person.as_str(),
        &person,
        &header.name,
        household,
        today,
    )
    .await?;
    let wb = crate::deduction::load(&db, &person, members, year, today).await?;
    let file = deduction_file(&db, &wb, header, household, format, Lang::Ja, today)
        .await
        .map_err(|e| match e {
            DeductionFileError::NoPerson => anyhow::anyhow!("--person: no person {person}"),
            other => anyhow::anyhow!("{}: {other}", args.output.display()),
        })?;
    let (bytes, detail) = (file.bytes, file.detail);
    std::fs::write(&args.output, &bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.output.display()))?;
    let event = crate::audit::Event::new(crate::audit::Action::Export)
        .by_client("cli")
        .on(person.as_str())
        .detail(detail.clone());
    crate::audit::record_or_log(&db, event).await;
    println!("{}: {detail}", args.output.display());
    Ok(())
}

/// The people an import changed, for its one-line summary: their ids when a few, else how many
/// (a receipt file names tens of thousands).
fn people_named(people: &[domain::people::PersonId]) -> String {
    const LISTED: usize = 10;
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<&str> = people
        .iter()
        .map(|p| p.as_str())
        .filter(|p| seen.insert(*p))
        .collect();
    if ids.len() <= LISTED {
        ids.join(", ")
    } else {
        format!("{} people", ids.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lists_every_env_var() {
        let help = Cli::command().render_long_help().to_string();
        for var in [
            "KARTE_DATABASE_URL",
            "KARTE_DATA_DIR",
            "KARTE_SITE_ROOT",
            "KARTE_LOG",
            "KARTE_LOG_FORMAT",
        ] {
            assert!(help.contains(var), "--help does not mention {var}");
        }
    }
}

/// No transparent huge pages for the server process. mimalloc asks for them on its memory
/// (madvise), and each of the server's threads (SQLite connections, blocking and render
/// workers) then holds on to whole 2 MB pages: one minute of mixed traffic left the server at
/// 450 MB resident instead of 200 MB (bench/run's memory section, eleventh stop). Imports keep
/// them: a one-off command, where they save a little CPU.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_THP_DISABLE reads its integer arguments only and sets a flag on this
        // process; no memory of ours is touched.
        let rc = unsafe {
            libc::prctl(
                libc::PR_SET_THP_DISABLE,
                1 as libc::c_ulong,
                0 as libc::c_ulong,
                0 as libc::c_ulong,
                0 as libc::c_ulong,
            )
        };
        if rc != 0 {
            tracing::warn!(
                error = %std::io::Error::last_os_error(),
                "transparent huge pages could not be turned off; memory use may be higher"
            );
        }
    }
}
