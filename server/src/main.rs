//! `karte`: parse the command line, set up logging, run the command (`server::cli`).

use clap::Parser;
use server::cli::{run, Cli};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    server::telemetry::init(&cli.settings);
    if let Err(e) = run(cli).await {
        // One line a person can act on; the chain says why.
        eprintln!("karte: {e:#}");
        std::process::exit(1);
    }
}
