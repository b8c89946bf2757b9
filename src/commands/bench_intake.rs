//! `tideline bench-intake`: webhook intake against the real server and a private
//! PostgreSQL cluster with fsync on, each figure beside a baseline from the same run;
//! writes the `intake` section of docs/benchmarks.md.
//!
//! 1. Accepted events/s: `--senders` concurrent senders post correctly signed Twilio
//!    SMS webhooks (known customers' numbers) to an instance with no ingest workers, so
//!    the figure is the signature check and the durable inbox write alone. Baseline:
//!    raw single-row PostgreSQL INSERT commits over the same number of connections.
//! 2. Processed events/s: an instance with ingest workers drains what was accepted
//!    (match, thread, touchpoint, case event, SLA effect, change rows). Baseline: raw
//!    single-row INSERTs, one worker batch per commit, over as many connections as
//!    workers.

use crate::bench::report::{self, Better, Figure};
use crate::bench::sync as bs;
use anyhow::Context;
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tideline_channels::twilio;
use tideline_core::IdentityKind;
use tideline_demo::DemoConfig;
use tideline_server::db::channels::ChannelKind;
use tideline_server::ingest::worker::BATCH;
use tideline_server::pg_cluster::Durability;
use tideline_server::seed::{DEMO_ACCOUNT_SID, DEMO_CHANNELS, DEMO_CUSTOMERS, DEMO_SEED};
use tideline_server::{DbSource, PgCluster, RunningServer, Server, ServerConfig};

#[derive(clap::Args)]
pub struct Args {
    /// Concurrent webhook senders.
    #[arg(long, default_value_t = 32)]
    senders: usize,
    /// Seconds of sending (and of each baseline).
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Where to write the report.
    #[arg(long, default_value = "docs/benchmarks.md")]
    out: PathBuf,
}

/// The goals of the intake issue.
const GOAL_ACCEPTED_PER_S: f64 = 10_000.0;
const GOAL_SHARE_OF_RAW: f64 = 0.5;
const GOAL_PROCESSED_PER_S: f64 = 5_000.0;
/// Ingest workers on the processing instance (the server's default).
const WORKERS: usize = 2;

struct Measured {
    accepted: f64,
    raw_accept: f64,
    events: i64,
    processed: f64,
    raw_process: f64,
}

fn say(s: &str) {
    eprintln!("bench-intake: {s}");
}

pub fn run(a: Args) -> anyhow::Result<()> {
    anyhow::ensure!(a.senders >= 1, "--senders must be at least 1");
    anyhow::ensure!(a.seconds > 0.0, "--seconds must be positive");
    let began = Instant::now();
    let dir = std::env::temp_dir().join(format!("tideline-bench-intake-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let rt = crate::commands::serve::runtime()?;
    let r = rt.block_on(measure(&a, &dir));
    drop(rt);
    std::fs::remove_dir_all(&dir).ok();
    let m = r?;
    let figures = figures(&a, &m);
    let table = report::table(&figures);
    println!("{table}");
    let minutes = began.elapsed().as_secs_f64() / 60.0;
    write_report(&a, &m, &table, minutes)?;
    println!("Written to {} ({minutes:.1} min)", a.out.display());
    Ok(())
}

async fn start(url: &str, workers: usize) -> anyhow::Result<RunningServer> {
    let config = ServerConfig {
        demo: true,
        ingest_workers: workers,
        ..ServerConfig::new("127.0.0.1:0".parse()?, DbSource::Url(url.to_string()))
    };
    Ok(Server::start(config).await?)
}

async fn pending(server: &RunningServer) -> anyhow::Result<i64> {
    let client = server.database().pool.get().await?;
    Ok(client.query_one("SELECT count(*) FROM inbox WHERE state = 'pending'", &[]).await?.get(0))
}

async fn measure(a: &Args, dir: &Path) -> anyhow::Result<Measured> {
    say("starting a private PostgreSQL cluster (fsync on) and the demo tenant");
    let cluster = PgCluster::start_with(&dir.join("pg"), Durability::Durable).await?;
    let url = cluster.create_database("intake").await?;
    let accepting = start(&url, 0).await?;
    let phones: Vec<String> = tideline_demo::generate(&DemoConfig::new(DEMO_CUSTOMERS, DEMO_SEED, Timestamp::now()))
        .flat_map(|b| b.customer.identities.into_iter())
        .filter(|i| i.kind() == IdentityKind::Phone)
        .map(|i| i.value().to_string())
        .collect();
    anyhow::ensure!(!phones.is_empty(), "the demo has no phone numbers");

    say(&format!("accepting: {} senders for {} s", a.senders, a.seconds));
    let accepted = send(&accepting.url(), Arc::new(phones), a.senders, a.seconds).await?;
    let events = pending(&accepting).await?;
    say(&format!("baseline: raw single-row INSERT commits over {} connections", a.senders));
    let raw_accept = bs::raw_pg_rate(&accepting, a.senders, 1, a.seconds).await?;
    accepting.shutdown().await;

    say(&format!("processing {events} stored events with {WORKERS} ingest workers"));
    let processing = start(&url, WORKERS).await?;
    let t = Instant::now();
    while pending(&processing).await? > 0 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let processed = events as f64 / t.elapsed().as_secs_f64();
    let failed = processing
        .database()
        .pool
        .get()
        .await?
        .query("SELECT error, count(*) FROM inbox WHERE state = 'failed' GROUP BY error ORDER BY 2 DESC", &[])
        .await?;
    if !failed.is_empty() {
        let why: Vec<String> = failed
            .iter()
            .map(|r| format!("{} × {}", r.get::<_, i64>(1), r.get::<_, Option<String>>(0).unwrap_or_default()))
            .collect();
        anyhow::bail!("events failed to process: {}", why.join("; "));
    }
    say(&format!("baseline: raw INSERTs, {BATCH} per commit, over {WORKERS} connections"));
    let raw_process = bs::raw_pg_rate(&processing, WORKERS, BATCH as usize, a.seconds).await?;
    processing.shutdown().await;
    drop(cluster);
    Ok(Measured { accepted: accepted as f64 / a.seconds, raw_accept, events, processed, raw_process })
}

/// Posts signed SMS webhooks from `senders` tasks for `seconds`; returns how many were
/// answered 2xx (any other answer fails the run).
async fn send(base: &str, phones: Arc<Vec<String>>, senders: usize, seconds: f64) -> anyhow::Result<usize> {
    let (name, _, token) =
        DEMO_CHANNELS.iter().find(|(_, k, _)| *k == ChannelKind::TwilioSms).context("no demo SMS channel")?;
    let url = format!("{base}{}", ChannelKind::TwilioSms.webhook_path(name).context("an SMS webhook")?);
    let http = reqwest::Client::builder().pool_max_idle_per_host(senders).build()?;
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::with_capacity(senders);
    for s in 0..senders {
        let (http, url, phones, token) = (http.clone(), url.clone(), phones.clone(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            while Instant::now() < deadline {
                let sid = format!("SM{s:08x}{n:024x}");
                let from = &phones[(s * 7919 + n) % phones.len()];
                let params: Vec<(String, String)> = [
                    ("AccountSid", DEMO_ACCOUNT_SID),
                    ("ApiVersion", "2010-04-01"),
                    ("MessageSid", sid.as_str()),
                    ("From", from.as_str()),
                    ("To", "+447700900000"),
                    ("Body", "Is my replacement card on its way?"),
                    ("NumMedia", "0"),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
                let sig = twilio::signature(&token, &url, &params);
                let r = http.post(&url).header("x-twilio-signature", sig).form(&params).send().await?;
                anyhow::ensure!(r.status().is_success(), "the server answered {}", r.status());
                n += 1;
            }
            anyhow::Ok(n)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total)
}

fn figures(a: &Args, m: &Measured) -> Vec<Figure> {
    vec![
        Figure {
            name: format!("Accepted webhook events, {} senders (signature + durable inbox)", a.senders),
            value: m.accepted,
            baseline_name: format!("raw PostgreSQL single-row INSERT, one commit each, {} connections", a.senders),
            baseline: m.raw_accept,
            unit: "events/s",
            better: Better::Higher,
            goal: Some(GOAL_ACCEPTED_PER_S),
        },
        Figure {
            name: format!("Processed events into timelines, {WORKERS} ingest workers"),
            value: m.processed,
            baseline_name: format!("raw PostgreSQL single-row INSERTs, {BATCH} per commit, {WORKERS} connections"),
            baseline: m.raw_process,
            unit: "events/s",
            better: Better::Higher,
            goal: Some(GOAL_PROCESSED_PER_S),
        },
    ]
}

fn yes(met: bool) -> &'static str {
    if met { "met" } else { "**not met**" }
}

fn write_report(a: &Args, m: &Measured, table: &str, minutes: f64) -> anyhow::Result<()> {
    let share = m.accepted / m.raw_accept;
    let section = format!(
        "## Intake\n\n\
         Written by `tideline bench-intake --senders {} --seconds {}` on {} ({}, {} build) in {minutes:.1} min. \
         Regenerate with `cargo run --release -p tideline -- bench-intake`.\n\n\
         One private PostgreSQL cluster with **fsync on**, the server and the senders in one process on this \
         machine, over loopback. The senders post correctly signed Twilio SMS webhooks from the demo's \
         customers' numbers to an instance with no ingest workers; then an instance with {WORKERS} workers \
         processes the {} stored events (each matched, threaded onto or opening a case, with its touchpoint, \
         case event, SLA effect and change rows). Ratios are Tideline ÷ baseline.\n\n\
         {table}\n\
         - **Accept goals:** ≥ {:.0}k events/s: {}; ≥ {GOAL_SHARE_OF_RAW}× the raw commits: {} ({share:.2}×).\n\
         - **Process goal:** ≥ {:.0}k events/s: {}.\n\
         - **Not measured yet:** webhook to an agent's cache at 1,000 events/s (goal p99 ≤ 500 ms).\n",
        a.senders,
        a.seconds,
        Timestamp::now().strftime("%Y-%m-%d"),
        report::machine(),
        if cfg!(debug_assertions) { "debug" } else { "release" },
        m.events,
        GOAL_ACCEPTED_PER_S / 1e3,
        yes(m.accepted >= GOAL_ACCEPTED_PER_S),
        yes(share >= GOAL_SHARE_OF_RAW),
        GOAL_PROCESSED_PER_S / 1e3,
        yes(m.processed >= GOAL_PROCESSED_PER_S),
    );
    let doc = std::fs::read_to_string(&a.out).unwrap_or_else(|_| "# Benchmarks\n".into());
    std::fs::write(&a.out, report::replace_section(&doc, "intake", &section))
        .with_context(|| format!("cannot write {}", a.out.display()))
}
