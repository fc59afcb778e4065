use clap::Parser;
use server::db::Db;
use server::settings::{Cli, Command};
use server::startup::Application;
use server::{demo, records, telemetry};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    telemetry::init(&cli.settings);
    if let Err(e) = run(cli).await {
        // One line a person can act on; the chain says why.
        eprintln!("karte: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command {
        Command::Serve(args) => {
            let app = Application::build(&settings, args.addr, args.demo).await?;
            tracing::info!(port = app.port(), backend = app.db().backend(), "listening");
            // Scripts and tests read the actual address from this line.
            println!("listening on http://{}:{}", args.addr.ip(), app.port());
            app.run_until_stopped().await?;
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
        Command::Export(server::settings::ExportCommand::Etax(args)) => {
            export_etax(&settings, args).await?
        }
        Command::Export(server::settings::ExportCommand::Pdf(args)) => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            let (path, export) = server::pdf::export::run_cli(&db, &args, settings.today()).await?;
            println!(
                "{}: {} page(s), {} bytes",
                path.display(),
                export.pages,
                export.bytes.len()
            );
        }
        Command::LinkCode(server::settings::LinkCodeCommand::Issue(args)) => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            let valid_for = chrono::Duration::days(i64::from(args.days.max(1)));
            let code = server::auth::accounts::issue_link_code(
                &db,
                &args.person,
                valid_for,
                chrono::Utc::now(),
            )
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!("--person: no person {} (see `karte people`)", args.person)
            })?;
            let event = server::audit::Event::new(server::audit::Action::LinkCode)
                .by_client("cli")
                .on(&args.person)
                .detail(format!("valid {} days", args.days.max(1)));
            server::audit::record_or_log(&db, event).await;
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

async fn import(
    settings: &server::settings::Settings,
    args: server::settings::ImportArgs,
) -> anyhow::Result<()> {
    use server::records::import::ImportOutcome;
    use server::service::import::{parse_ahead, store_parsed};
    let person = args
        .person
        .as_deref()
        .map(domain::people::PersonId::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--person: {e}"))?;
    // Files are parsed one ahead on another thread while the previous one is stored.
    let mut files = parse_ahead(args.files.clone(), args.format, person);
    let db = Db::connect(settings).await?;
    db.migrate().await?;
    while let Some((name, parsed)) = files.recv().await {
        let batch = parsed.map_err(|e| anyhow::anyhow!("{name}: {e}"))??;
        let report = store_parsed(&db, batch, &name, "cli").await?;
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
        match report.outcome {
            ImportOutcome::Imported { lines, people } => {
                for person in &people {
                    let detail = format!(
                        "{} batch {} ({lines} records)",
                        report.format.as_str(),
                        report.batch_id
                    );
                    let event = server::audit::Event::new(server::audit::Action::Import)
                        .by_client("cli")
                        .on(person.as_str())
                        .detail(detail);
                    server::audit::record_or_log(&db, event).await;
                }
                println!(
                    "{name}: imported {lines} records for {} ({}, batch {})",
                    people
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
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
    }
    Ok(())
}

/// `karte export etax`: the same year, lines and checks as the page and the API.
async fn export_etax(
    settings: &server::settings::Settings,
    args: server::settings::EtaxArgs,
) -> anyhow::Result<()> {
    use server::deduction as etax;
    use server::settings::EtaxFormat;
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
    let household = args.household && args.format != EtaxFormat::Csv;
    let members = etax::members(
        &db,
        person.as_str(),
        &person,
        &header.name,
        household,
        today,
    )
    .await?;
    let wb = etax::load(&db, &person, members, year, today).await?;
    let (bytes, detail) = match args.format {
        EtaxFormat::Xlsx => {
            let bytes = wb
                .xlsx()
                .map_err(|e| anyhow::anyhow!("{}: {e}", args.output.display()))?;
            let rows = wb.lines.iter().filter(|l| l.included).count();
            (
                bytes,
                format!(
                    "deduction {year} xlsx ({rows} lines{})",
                    if household { ", household" } else { "" }
                ),
            )
        }
        EtaxFormat::Pdf => {
            let export =
                server::pdf::export::deduction_pdf(&wb, header, app::i18n::Lang::Ja, today)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}: {e}", args.output.display()))?;
            let rows = wb.lines.iter().filter(|l| l.included).count();
            (
                export.bytes,
                format!(
                    "deduction {year} pdf ({rows} lines{})",
                    if household { ", household" } else { "" }
                ),
            )
        }
        EtaxFormat::Csv => {
            let who = etax::csv_person(&db, &person)
                .await?
                .ok_or_else(|| anyhow::anyhow!("--person: no person {person}"))?;
            let lines = wb.notice_lines_of(&person).len();
            (
                wb.csv(&who, today).into_bytes(),
                format!("deduction {year} csv ({lines} lines)"),
            )
        }
    };
    std::fs::write(&args.output, &bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.output.display()))?;
    let event = server::audit::Event::new(server::audit::Action::Export)
        .by_client("cli")
        .on(person.as_str())
        .detail(detail.clone());
    server::audit::record_or_log(&db, event).await;
    println!("{}: {detail}", args.output.display());
    Ok(())
}
