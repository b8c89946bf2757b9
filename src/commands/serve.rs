//! `tideline serve`: the back end. Prints `listening on http://…` once it accepts
//! connections, so scripts can read the address (`--listen 127.0.0.1:0` picks a port).

use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;
use tideline_server::{DbSource, ServerConfig};

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7420")]
    listen: SocketAddr,
    /// Where the private PostgreSQL cluster lives when DATABASE_URL is not set (default:
    /// $TIDELINE_SERVER_DIR, else the per-user data directory).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Load the demo contact centre and its users on first run (idempotent).
    #[arg(long)]
    demo: bool,
    /// The URL providers reach this server at, when it sits behind a proxy: Twilio signs
    /// the URL it called (default $TIDELINE_PUBLIC_URL, else http://<listen address>).
    #[arg(long)]
    public_url: Option<String>,
    /// Ingest workers on this instance. With 0 it only accepts webhooks into the inbox,
    /// and other instances process them.
    #[arg(long, default_value_t = 2)]
    ingest_workers: usize,
    /// A reverse proxy whose X-Forwarded-For this server believes, for sign-in limits per
    /// client address (repeatable). Without it, the address is the connection's peer.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    tideline_server::init_logging();
    let database = DbSource::from_env(a.data_dir)?;
    let public_url = a.public_url.or_else(|| std::env::var("TIDELINE_PUBLIC_URL").ok().filter(|u| !u.is_empty()));
    let config = ServerConfig {
        demo: a.demo,
        public_url,
        ingest_workers: a.ingest_workers,
        trusted_proxies: a.trusted_proxies,
        ..ServerConfig::new(a.listen, database)
    };
    runtime()?.block_on(tideline_server::serve(config, |server| {
        if let Some(seeded) = &server.seeded {
            if seeded.created {
                let c = seeded.counts;
                println!(
                    "seeded the demo: {} customers, {} cases, {} events, {} touchpoints",
                    c.customers, c.cases, c.events, c.touchpoints
                );
            }
            for u in &seeded.users {
                println!(
                    "demo user: {} ({}{}), password {}",
                    u.username,
                    u.role,
                    if u.queues.is_empty() { String::new() } else { format!(", queues {}", u.queues.join(", ")) },
                    tideline_server::seed::DEMO_PASSWORD
                );
            }
        }
        println!("listening on {}", server.url());
    }))?;
    Ok(())
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}
