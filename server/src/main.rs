use clap::Parser;
use server::config::{Cli, Command};
use server::db::Db;
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
    settings: &server::config::Settings,
    args: server::config::ImportArgs,
) -> anyhow::Result<()> {
    use server::import::run::import_bytes;
    use server::records::import::ImportOutcome;
    let person = args
        .person
        .as_deref()
        .map(domain::people::PersonId::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--person: {e}"))?;
    let db = Db::connect(settings).await?;
    db.migrate().await?;
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        let report = import_bytes(&db, args.format, &name, &bytes, person.clone(), "cli").await?;
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
