//! `tideline`: the headless command-line tool over the local case cache.
//!
//! Errors are one line on stderr and a non-zero exit code, never a panic trace.

mod bench;
mod commands;
mod render;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "tideline", version, about = "Tideline agent console: the local case cache from the command line")]
struct Cli {
    /// Region for phone numbers typed without a country code (ISO 3166, e.g. GB, US).
    #[arg(long, global = true, default_value = "GB")]
    region: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a cache filled with a realistic, deterministic demo contact centre.
    Demo(commands::demo::Args),
    /// Show the work queue, most urgent first (time to SLA breach, then priority).
    Queue(commands::queue::Args),
    /// Show a customer's timeline across every channel and case, newest first.
    Timeline(commands::timeline::Args),
    /// Search customers, cases and touchpoints.
    Search(commands::search::Args),
    /// Measure the cache against same-run baselines and write docs/benchmarks.md.
    Bench(commands::bench::Args),
    /// Measure sync (initial sync, propagation, push throughput) and write docs/benchmarks.md.
    BenchSync(commands::bench_sync::Args),
    /// Measure webhook intake (accepted and processed events/s) and write docs/benchmarks.md.
    BenchIntake(commands::bench_intake::Args),
    /// Run the back end: the sync API over PostgreSQL (DATABASE_URL or a private cluster).
    Serve(commands::serve::Args),
    /// Manage the back end's users: add, list, disable.
    User(commands::user::Args),
    /// Manage the channels contact arrives through: add, list, remove.
    Channel(commands::channel::Args),
    /// Webhook events that could not be processed: list and replay them.
    Inbox(commands::inbox::Args),
    /// Send realistic, signed provider traffic to a `tideline serve --demo` back end.
    DemoTraffic(commands::demo_traffic::Args),
    /// Import contact from files (the daily branch-visit CSV, a PBX's call records).
    Import(commands::import::Args),
}

/// Where a command reads its cache.
#[derive(clap::Args)]
pub struct DbArg {
    /// Path of the cache file.
    #[arg(long)]
    db: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = tideline_core::IdentityContext::new(&cli.region).map_err(anyhow::Error::from).and_then(|identities| {
        let config = tideline_store::StoreConfig { identities, ..Default::default() };
        match cli.command {
            Command::Demo(a) => commands::demo::run(a, config),
            Command::Queue(a) => commands::queue::run(a, config),
            Command::Timeline(a) => commands::timeline::run(a, config),
            Command::Search(a) => commands::search::run(a, config),
            Command::Bench(a) => commands::bench::run(a, config),
            Command::BenchSync(a) => commands::bench_sync::run(a),
            Command::BenchIntake(a) => commands::bench_intake::run(a),
            Command::Serve(a) => commands::serve::run(a),
            Command::User(a) => commands::user::run(a),
            Command::Channel(a) => commands::channel::run(a),
            Command::Inbox(a) => commands::inbox::run(a),
            Command::Import(a) => commands::import::run(a),
            Command::DemoTraffic(a) => commands::demo_traffic::run(a),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let causes: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("error: {}", causes.join(": "));
            ExitCode::FAILURE
        }
    }
}
