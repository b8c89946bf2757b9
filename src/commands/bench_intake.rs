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
//! 3. Webhook to cache: `--rate` webhooks a second for `--seconds` while a team lead's
//!    sync engine holds the tenant; p50 and p99 from send to the touchpoint in its
//!    cache. Baseline: the provider's 2xx for the same webhooks.

use crate::bench::report::{self, Better, Figure};
use crate::bench::stats::percentile_ms;
use crate::bench::sync as bs;
use anyhow::Context;
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tideline_channels::twilio;
use tideline_core::IdentityKind;
use tideline_demo::DemoConfig;
use tideline_server::Role;
use tideline_server::db::channels::ChannelKind;
use tideline_server::ingest::worker::BATCH;
use tideline_server::pg_cluster::Durability;
use tideline_server::seed::{DEMO_ACCOUNT_SID, DEMO_CHANNELS, DEMO_CUSTOMERS, DEMO_SEED};
use tideline_server::{DbSource, PgCluster, RunningServer, Server, ServerConfig};
use tideline_store::{Store, StoreConfig};
use tideline_sync::client::{Connection, SyncEngine, SyncEvent, sign_in};

#[derive(clap::Args)]
pub struct Args {
    /// Concurrent webhook senders.
    #[arg(long, default_value_t = 32)]
    senders: usize,
    /// Seconds of sending (and of each baseline).
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Webhooks per second in the latency phase.
    #[arg(long, default_value_t = 1000)]
    rate: u32,
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
const GOAL_P99_MS: f64 = 500.0;
const PROBE: &str = "latency probe ";

struct Measured {
    accepted: f64,
    raw_accept: f64,
    events: i64,
    processed: f64,
    raw_process: f64,
    /// Webhook sent → the touchpoint in a team lead's synced cache.
    to_cache: Vec<Duration>,
    /// Webhook sent → the provider's 2xx, same requests.
    to_answer: Vec<Duration>,
    /// Of the latency, stored → processed on the server: p50 and p99, ms.
    server_side: [f64; 2],
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
    let r = rt.block_on(measure(&a, &dir)).and_then(|(mut m, cluster, server)| {
        let lat = latency(&rt, &server, &dir, a.rate, a.seconds);
        rt.block_on(server.shutdown());
        drop(cluster);
        (m.to_cache, m.to_answer, m.server_side) = lat?;
        Ok(m)
    });
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

/// Measures acceptance and processing; returns the processing server (still running,
/// its workers idle) and its cluster, for the latency phase.
async fn measure(a: &Args, dir: &Path) -> anyhow::Result<(Measured, PgCluster, RunningServer)> {
    say("starting a private PostgreSQL cluster (fsync on) and the demo tenant");
    let cluster = PgCluster::start_with(&dir.join("pg"), Durability::Durable).await?;
    let url = cluster.create_database("intake").await?;
    let accepting = start(&url, 0).await?;
    say(&format!("accepting: {} senders for {} s", a.senders, a.seconds));
    let accepted = send(&accepting.url(), a.senders, a.seconds).await?;
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
    let m = Measured {
        accepted: accepted as f64 / a.seconds,
        raw_accept,
        events,
        processed,
        raw_process,
        to_cache: Vec::new(),
        to_answer: Vec::new(),
        server_side: [0.0; 2],
    };
    Ok((m, cluster, processing))
}

/// The demo customers' phone numbers (the senders' `From`).
fn demo_phones() -> Vec<String> {
    tideline_demo::generate(&DemoConfig::new(DEMO_CUSTOMERS, DEMO_SEED, Timestamp::now()))
        .flat_map(|b| b.customer.identities.into_iter())
        .filter(|i| i.kind() == IdentityKind::Phone)
        .map(|i| i.value().to_string())
        .collect()
}

/// Most webhooks one sender has ready: the senders stand in for the provider, so
/// their requests are built and signed before the clock starts, leaving the 2 cores
/// to the server.
const READY_PER_SECOND: f64 = 40_000.0;

/// Posts signed SMS webhooks from `senders` tasks for `seconds`; returns how many were
/// answered 2xx (any other answer fails the run).
async fn send(base: &str, senders: usize, seconds: f64) -> anyhow::Result<usize> {
    let (url, secret) = sms_url(base)?;
    let phones = demo_phones();
    anyhow::ensure!(!phones.is_empty(), "the demo has no phone numbers");
    let per_sender = (READY_PER_SECOND * seconds / senders as f64).ceil() as usize;
    let http = reqwest::Client::builder().pool_max_idle_per_host(senders).build()?;
    let mut ready = Vec::with_capacity(senders);
    for s in 0..senders {
        let mine: Vec<(String, String)> = (0..per_sender)
            .map(|n| {
                let from = &phones[(s * 7919 + n) % phones.len()];
                signed_sms(&url, secret, &format!("SM{s:08x}{n:024x}"), from, "Is my replacement card on its way?")
            })
            .collect();
        ready.push(mine);
    }
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::with_capacity(senders);
    for mine in ready {
        let (http, url) = (http.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            for (body, sig) in mine {
                if Instant::now() >= deadline {
                    break;
                }
                post(&http, &url, body, sig).await?;
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
    let mut f = vec![
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
    ];
    for (p, goal) in [(50.0, None), (99.0, Some(GOAL_P99_MS))] {
        f.push(Figure {
            name: format!("Webhook to a team lead's cache at {}/s, p{p}", a.rate),
            value: percentile_ms(&m.to_cache, p),
            baseline_name: format!("the provider's 2xx for the same webhooks, p{p}"),
            baseline: percentile_ms(&m.to_answer, p),
            unit: "ms",
            better: Better::Lower,
            goal,
        });
    }
    f
}

fn yes(met: bool) -> &'static str {
    if met { "met" } else { "**not met**" }
}

fn write_report(a: &Args, m: &Measured, table: &str, minutes: f64) -> anyhow::Result<()> {
    let share = m.accepted / m.raw_accept;
    let section = format!(
        "## Intake\n\n\
         Written by `tideline bench-intake --senders {} --seconds {} --rate {}` on {} ({}, {} build) in {minutes:.1} min. \
         Regenerate with `cargo run --release -p tideline -- bench-intake`.\n\n\
         One private PostgreSQL cluster with **fsync on**, the server and the senders in one process on this \
         machine (2 cores shared), over loopback. The senders stand in for the provider: they build and sign \
         their Twilio SMS webhooks (from the demo customers' numbers) before the clock starts. \
         **Accepting:** they post to an instance with no ingest workers, so the figure is the signature check \
         and the durable inbox write (group commit: many events per fsync) alone. **Processing:** an instance \
         with {WORKERS} workers drains the {} stored events; each is matched, threaded onto or opening a case, \
         with its touchpoint, case event, SLA effect and change rows. The demo tenant has {DEMO_CUSTOMERS} \
         customers, so the two workers' batches always share customers and mostly take turns on their locks. \
         **Latency:** a team lead's sync engine holds the whole tenant while webhooks arrive at {}/s; a probe \
         arrives at the end of the cache read that found it, made whenever the engine reports changes \
         (a little late, never early). Ratios are Tideline ÷ baseline.\n\n\
         {table}\n\
         - **Accept goals:** ≥ {:.0}k events/s: {}; ≥ {GOAL_SHARE_OF_RAW}× the raw commits: {} ({share:.2}×).\n\
         - **Process goal:** ≥ {:.0}k events/s: {}.\n\
         - **Latency goal:** webhook to cache p99 ≤ {GOAL_P99_MS:.0} ms: {}. Of that time, stored → processed \
         on the server (the inbox's own timestamps) was p50 {:.0} ms, p99 {:.0} ms; the rest is the live \
         poke, the lead's pull and the apply into the cache.\n",
        a.senders,
        a.seconds,
        a.rate,
        Timestamp::now().strftime("%Y-%m-%d"),
        report::machine(),
        if cfg!(debug_assertions) { "debug" } else { "release" },
        m.events,
        a.rate,
        GOAL_ACCEPTED_PER_S / 1e3,
        yes(m.accepted >= GOAL_ACCEPTED_PER_S),
        yes(share >= GOAL_SHARE_OF_RAW),
        GOAL_PROCESSED_PER_S / 1e3,
        yes(m.processed >= GOAL_PROCESSED_PER_S),
        yes(percentile_ms(&m.to_cache, 99.0) <= GOAL_P99_MS),
        m.server_side[0],
        m.server_side[1],
    );
    let doc = std::fs::read_to_string(&a.out).unwrap_or_else(|_| "# Benchmarks\n".into());
    std::fs::write(&a.out, report::replace_section(&doc, "intake", &section))
        .with_context(|| format!("cannot write {}", a.out.display()))
}

/// One signed SMS webhook: the URL, the form body and its signature.
fn signed_sms(url: &str, token: &str, sid: &str, from: &str, body: &str) -> (String, String) {
    let params: Vec<(String, String)> = [
        ("AccountSid", DEMO_ACCOUNT_SID),
        ("ApiVersion", "2010-04-01"),
        ("MessageSid", sid),
        ("From", from),
        ("To", "+447700900000"),
        ("Body", body),
        ("NumMedia", "0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let sig = twilio::signature(token, url, &params);
    (form_urlencoded::Serializer::new(String::new()).extend_pairs(params.iter()).finish(), sig)
}

/// Posts one signed webhook; anything but 2xx fails the run.
async fn post(http: &reqwest::Client, url: &str, body: String, sig: String) -> anyhow::Result<()> {
    let r = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", sig)
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(r.status().is_success(), "the server answered {}", r.status());
    Ok(())
}

fn sms_url(base: &str) -> anyhow::Result<(String, &'static str)> {
    let (name, _, token) =
        DEMO_CHANNELS.iter().find(|(_, k, _)| *k == ChannelKind::TwilioSms).context("no demo SMS channel")?;
    Ok((format!("{base}{}", ChannelKind::TwilioSms.webhook_path(name).context("an SMS webhook")?), token))
}

/// Webhook → cache: a team lead's engine syncs the whole tenant while SMS webhooks
/// arrive at `rate` per second for `seconds`. Whenever the engine reports changes, the
/// cache is read for probes; a probe's arrival is the moment after the read that found
/// it (a little late, never early). Returns (to the cache, to the 2xx).
fn latency(
    rt: &tokio::runtime::Runtime,
    server: &RunningServer,
    dir: &Path,
    rate: u32,
    seconds: f64,
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>, [f64; 2])> {
    anyhow::ensure!(rate >= 1, "--rate must be at least 1");
    let count = (f64::from(rate) * seconds).ceil() as usize;
    say(&format!("latency: {count} webhooks at {rate}/s into a team lead's synced cache"));
    rt.block_on(bs::add_user(server, "bench-lead", Role::TeamLead, vec![]))?;
    let token = sign_in(&server.url(), "bench-lead", bs::PASSWORD)?.token;
    let path = dir.join("lead.db");
    let store = Store::create(&path, StoreConfig::default())?;
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let engine = SyncEngine::start(store, Connection { server: server.url(), token }, move |e| {
        if let SyncEvent::Changed { .. } = e {
            let _ = tx.send(());
        }
    });
    let head = rt.block_on(bs::head(server))?;
    let began = Instant::now();
    loop {
        let s = engine.status();
        if s.online && s.initial_sync_done && s.cursor >= head {
            break;
        }
        anyhow::ensure!(
            began.elapsed() < Duration::from_secs(120),
            "the lead's engine did not sync: {:?}",
            s.last_error
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let reader = Store::open(&path, StoreConfig::default())?;
    let floor: i64 = reader.connection().query_row("SELECT coalesce(max(id), 0) FROM touchpoints", [], |r| r.get(0))?;
    while rx.try_recv().is_ok() {}

    let (url, secret) = sms_url(&server.url())?;
    let phones = demo_phones();
    let requests: Vec<(String, String)> = (0..count)
        .map(|i| signed_sms(&url, secret, &format!("SMLAT{i:029}"), &phones[i % phones.len()], &format!("{PROBE}{i}")))
        .collect();
    let sent: Arc<std::sync::Mutex<Vec<Option<Sent>>>> = Arc::new(std::sync::Mutex::new(vec![None; count]));
    let sending = {
        let sent = sent.clone();
        rt.spawn(async move {
            let http = reqwest::Client::new();
            let mut tick = tokio::time::interval(Duration::from_secs(1) / rate);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let mut answers = Vec::with_capacity(requests.len());
            for (i, (body, sig)) in requests.into_iter().enumerate() {
                tick.tick().await;
                let (http, url, sent) = (http.clone(), url.clone(), sent.clone());
                answers.push(tokio::spawn(async move {
                    let t0 = Instant::now();
                    lock(&sent)[i] = Some((t0, None));
                    post(&http, &url, body, sig).await?;
                    lock(&sent)[i] = Some((t0, Some(Instant::now())));
                    anyhow::Ok(())
                }));
            }
            for a in answers {
                a.await??;
            }
            anyhow::Ok(())
        })
    };

    let mut arrived: Vec<Option<Instant>> = vec![None; count];
    let mut left = count;
    let deadline = Instant::now() + Duration::from_secs_f64(seconds + 60.0);
    while left > 0 {
        let wait = deadline.saturating_duration_since(Instant::now());
        if rx.recv_timeout(wait).is_err() {
            anyhow::bail!("{left} of {count} probes never reached the lead's cache");
        }
        while rx.try_recv().is_ok() {}
        // Every touchpoint newer than the phase (a range of its key), read once per
        // round of changes, so the reader keeps up with the engine.
        let mut found = reader
            .connection()
            .prepare_cached("SELECT body FROM touchpoints WHERE id > ?1 AND body LIKE 'latency probe %'")?;
        let bodies: Vec<String> = found.query_map([floor], |r| r.get(0))?.collect::<Result<_, _>>()?;
        // Stamped after the read: a probe can only be late, never early.
        let at = Instant::now();
        for b in bodies {
            if let Some(i) = b.strip_prefix(PROBE).and_then(|n| n.parse::<usize>().ok())
                && i < count
                && arrived[i].is_none()
            {
                arrived[i] = Some(at);
                left -= 1;
            }
        }
    }
    rt.block_on(sending)??;
    engine.stop();
    let server_side = rt.block_on(async {
        let c = server.database().pool.get().await?;
        let r = c
            .query_one(
                "SELECT (percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP
                    (ORDER BY extract(epoch FROM processed_at - received_at)))::float8[]
                 FROM inbox WHERE event_id LIKE 'SMLAT%'",
                &[],
            )
            .await?;
        let q: Vec<f64> = r.get(0);
        anyhow::Ok([q[0] * 1e3, q[1] * 1e3])
    })?;
    let sent = lock(&sent);
    let mut to_cache = Vec::with_capacity(count);
    let mut to_answer = Vec::with_capacity(count);
    for (s, a) in sent.iter().zip(&arrived) {
        let (Some((t0, Some(answered))), Some(at)) = (s, a) else { anyhow::bail!("a probe was not recorded") };
        to_cache.push(at.saturating_duration_since(*t0));
        to_answer.push(answered.saturating_duration_since(*t0));
    }
    Ok((to_cache, to_answer, server_side))
}

/// When a probe was sent, and when its 2xx came back.
type Sent = (Instant, Option<Instant>);

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
