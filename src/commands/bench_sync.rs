//! `tideline bench-sync`: initial sync, propagation and push throughput against the real
//! server and sync engine, each beside a baseline from the same run; writes the `sync`
//! section of docs/benchmarks.md.

use crate::bench::report::{self, Better, Figure};
use crate::bench::sync::{self as bs, Fleet, Pusher};
use anyhow::Context;
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tideline_demo::{DemoConfig, generate};
use tideline_server::pg_cluster::Durability;
use tideline_server::{DbSource, PgCluster, Role, RunningServer, Server, ServerConfig};
use tideline_sync::client::{Connection, sign_in};

#[derive(clap::Args)]
pub struct Args {
    /// Records (customers, cases, events, touchpoints) for the initial sync, about.
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Connected engines for the propagation figure.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Pushes timed for propagation.
    #[arg(long, default_value_t = 30)]
    pushes: usize,
    /// Concurrent pushers for push throughput.
    #[arg(long, default_value_t = 16)]
    pushers: usize,
    /// Seconds per push-throughput run (four runs: two batch sizes, each with its baseline).
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Customers of the small tenant the propagation engines sync first.
    #[arg(long, default_value_t = 20)]
    live_customers: usize,
    /// Where to write the report.
    #[arg(long, default_value = "docs/benchmarks.md")]
    out: PathBuf,
}

/// The goals of the sync issue.
const GOAL_ROWS_PER_S: f64 = 100_000.0;
const GOAL_SHARE_OF_RAW: f64 = 0.5;
const GOAL_P99_MS: f64 = 250.0;
const GOAL_PUSHES_PER_S: f64 = 500.0;

pub fn run(a: Args) -> anyhow::Result<()> {
    anyhow::ensure!(a.rows >= 1000, "--rows must be at least 1000");
    anyhow::ensure!(
        a.clients >= 1 && a.pushes >= 1 && a.pushers >= 1,
        "--clients, --pushes and --pushers must be at least 1"
    );
    anyhow::ensure!(a.seconds > 0.0, "--seconds must be positive");
    let began = Instant::now();
    let dir = std::env::temp_dir().join(format!("tideline-bench-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let rt = crate::commands::serve::runtime()?;
    let r = measure(&a, &dir, &rt);
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

/// Everything the report states.
struct Measured {
    records: usize,
    raw_sqlite: f64,
    pull_only: Duration,
    initial: bs::InitialSync,
    live_records: usize,
    fleet_sync: Duration,
    engines: Vec<Duration>,
    /// As `engines`, with the push sent through a second server instance.
    across: Vec<Duration>,
    pokes: Vec<Duration>,
    push: Vec<(usize, f64, f64)>,
}

fn say(s: &str) {
    eprintln!("bench-sync: {s}");
}

fn measure(a: &Args, dir: &Path, rt: &tokio::runtime::Runtime) -> anyhow::Result<Measured> {
    let now = Timestamp::now();
    say("starting a private PostgreSQL cluster (fsync on)");
    let cluster = rt.block_on(PgCluster::start_with(&dir.join("pg"), Durability::Durable))?;
    let http = reqwest::Client::new();

    // 1. Initial sync.
    let sample = DemoConfig::for_touchpoints((a.rows / 4).clamp(1_000, 50_000), 42, now);
    let sample: Vec<_> = generate(&sample).collect();
    let tps: usize = sample.iter().map(|b| b.touchpoints.len() + b.unlinked.len()).sum();
    let touchpoints = (a.rows as f64 * tps as f64 / bs::records(&sample) as f64).round() as usize;
    drop(sample);
    let bundles: Vec<_> = generate(&DemoConfig::for_touchpoints(touchpoints, 42, now)).collect();
    let records = bs::records(&bundles);
    say(&format!("{records} records generated; raw SQLite insert (baseline)"));
    let raw_sqlite = bs::raw_sqlite(&dir.join("raw.db"), &bundles)?;
    let big = start_server(rt, &cluster, "initial")?;
    say("seeding the server, then VACUUM ANALYZE (not timed)");
    let seeded = rt.block_on(bs::seed(&big, bundles))?;
    anyhow::ensure!(seeded == records, "seeded {seeded} records of {records}");
    rt.block_on(bs::add_user(&big, "lead", Role::TeamLead, vec![]))?;
    let lead = sign_in(&big.url(), "lead", bs::PASSWORD)?.token;
    let head = rt.block_on(bs::head(&big))?;
    say("pulling every page without a cache (server share)");
    let (pull_only, pulled) = rt.block_on(bs::pull_only(&http, &big.url(), &lead))?;
    anyhow::ensure!(pulled == records, "the pull returned {pulled} changes of {records}");
    say("initial sync of a team lead's engine");
    let conn = Connection { server: big.url(), token: lead.clone() };
    let initial = bs::engine_initial(&dir.join("initial.db"), conn, head, Duration::from_secs(1800))?;
    anyhow::ensure!(initial.cached == records, "the cache holds {} records of {records}", initial.cached);
    std::fs::remove_file(dir.join("initial.db")).ok();

    // 3. Push throughput (on the big tenant: a change log of `records` rows).
    let cases: Vec<_> = rt.block_on(bs::active_cases(&big, a.pushers as i64))?.into_iter().map(|(id, _)| id).collect();
    let mut push = vec![];
    for batch in [1, 50] {
        say(&format!("push throughput, {} pushers, batches of {batch}", a.pushers));
        let ours = rt.block_on(bs::push_rate(&http, &big.url(), &lead, &cases, a.pushers, batch, a.seconds))?;
        let raw = rt.block_on(bs::raw_pg_rate(&big, a.pushers, batch, a.seconds))?;
        push.push((batch, ours, raw));
    }
    rt.block_on(big.shutdown());

    // 2. Propagation, on a small tenant so that the engines' first syncs are quick.
    let live = start_server(rt, &cluster, "live")?;
    let live_records = rt.block_on(bs::seed(&live, generate(&DemoConfig::new(a.live_customers, 7, now)).collect()))?;
    let (target, queue) = rt
        .block_on(bs::active_cases(&live, 1))?
        .into_iter()
        .next()
        .context("the live tenant has no active case; raise --live-customers")?;
    for (u, role, queues) in
        [("writer", Role::TeamLead, vec![]), ("lead", Role::TeamLead, vec![]), ("agent", Role::Agent, vec![queue])]
    {
        rt.block_on(bs::add_user(&live, u, role, queues))?;
    }
    let token = |u: &str| sign_in(&live.url(), u, bs::PASSWORD).map(|s| s.token);
    let mut writer = Pusher {
        http: http.clone(),
        server: live.url(),
        token: token("writer")?,
        client_id: "bench-writer".into(),
        seq: 0,
    };
    // Alternately a team lead and an agent whose queue holds the case.
    let readers = [token("lead")?, token("agent")?];
    say(&format!("propagation baseline: {} bare live sockets, {} pushes", a.clients, a.pushes));
    let pokes = rt.block_on(bs::poke_baseline(&live.url(), &readers, a.clients, a.pushes, &mut writer, target))?;
    say(&format!("propagation: starting {} engines", a.clients));
    let head = rt.block_on(bs::head(&live))?;
    let clients_dir = dir.join("clients");
    std::fs::create_dir_all(&clients_dir)?;
    let (fleet, fleet_sync) = Fleet::start(&clients_dir, &live.url(), &readers, a.clients, target, head)?;
    say(&format!("{} engines synced in {:.1}s; {} pushes", a.clients, fleet_sync.as_secs_f64(), a.pushes));
    let mut engines = Vec::with_capacity(a.clients * a.pushes);
    let mut result = Ok(());
    for _ in 0..a.pushes {
        match fleet.round(|| rt.block_on(writer.notes(&[target], 1)).map(drop)) {
            Ok(s) => engines.extend(s),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    // The same engines, with the change pushed through a second instance on the same
    // database: the poke crosses instances through LISTEN/NOTIFY.
    let mut across = Vec::with_capacity(a.clients * a.pushes);
    if result.is_ok() {
        let other = rt.block_on(Server::start(ServerConfig::new(
            "127.0.0.1:0".parse()?,
            DbSource::Url(live.database().url.clone()),
        )))?;
        let mut remote = Pusher {
            http: http.clone(),
            server: other.url(),
            token: writer.token.clone(),
            client_id: "bench-writer-b".into(),
            seq: 0,
        };
        say(&format!("propagation across instances: {} pushes through a second instance", a.pushes));
        for _ in 0..a.pushes {
            match fleet.round(|| rt.block_on(remote.notes(&[target], 1)).map(drop)) {
                Ok(s) => across.extend(s),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        rt.block_on(other.shutdown());
    }
    fleet.stop();
    result?;
    rt.block_on(live.shutdown());
    drop(cluster);
    Ok(Measured { records, raw_sqlite, pull_only, initial, live_records, fleet_sync, engines, across, pokes, push })
}

fn start_server(rt: &tokio::runtime::Runtime, cluster: &PgCluster, db: &str) -> anyhow::Result<RunningServer> {
    let url = rt.block_on(cluster.create_database(db))?;
    let config = ServerConfig::new("127.0.0.1:0".parse()?, DbSource::Url(url));
    Ok(rt.block_on(Server::start(config))?)
}

fn k(n: usize) -> String {
    match n {
        1_000_000.. => format!("{:.2}M", n as f64 / 1e6),
        1_000.. => format!("{}k", (n as f64 / 1e3).round()),
        _ => n.to_string(),
    }
}

fn figures(a: &Args, m: &Measured) -> Vec<Figure> {
    let mut f = vec![Figure {
        name: format!("Initial sync, {} records, empty cache to usable", k(m.records)),
        value: m.records as f64 / m.initial.done.as_secs_f64(),
        baseline_name: "raw SQLite insert of each record's JSON".into(),
        baseline: m.raw_sqlite,
        unit: "rows/s",
        better: Better::Higher,
        goal: Some(GOAL_ROWS_PER_S),
    }];
    for (p, goal) in [(50.0, None), (99.0, Some(GOAL_P99_MS)), (100.0, None)] {
        let label = if p == 100.0 { "max".to_string() } else { format!("p{p}") };
        f.push(Figure {
            name: format!("Propagation to {} connected engines, {label}", a.clients),
            value: crate::bench::stats::percentile_ms(&m.engines, p),
            baseline_name: format!("live-socket poke alone, {label}"),
            baseline: crate::bench::stats::percentile_ms(&m.pokes, p),
            unit: "ms",
            better: Better::Lower,
            goal,
        });
    }
    for p in [50.0, 99.0] {
        f.push(Figure {
            name: format!("Propagation to {} engines on one instance, pushed through another, p{p}", a.clients),
            value: crate::bench::stats::percentile_ms(&m.across, p),
            baseline_name: format!("live-socket poke alone, p{p}"),
            baseline: crate::bench::stats::percentile_ms(&m.pokes, p),
            unit: "ms",
            better: Better::Lower,
            goal: None,
        });
    }
    for &(batch, ours, raw) in &m.push {
        f.push(Figure {
            name: format!("Push throughput, {} pushers, batches of {batch}", a.pushers),
            value: ours,
            baseline_name: if batch == 1 {
                "raw PostgreSQL single-row INSERT, one commit each".into()
            } else {
                format!("raw PostgreSQL single-row INSERTs, {batch} per commit")
            },
            baseline: raw,
            unit: "mutations/s",
            better: Better::Higher,
            goal: Some(GOAL_PUSHES_PER_S),
        });
    }
    f
}

fn yes(met: bool) -> &'static str {
    if met { "met" } else { "**not met**" }
}

fn write_report(a: &Args, m: &Measured, table: &str, minutes: f64) -> anyhow::Result<()> {
    let done = m.initial.done.as_secs_f64();
    let rate = m.records as f64 / done;
    let share = rate / m.raw_sqlite;
    let pull = m.pull_only.as_secs_f64();
    let to_head = m.initial.to_head.as_secs_f64();
    let goal_k = GOAL_ROWS_PER_S / 1e3;
    let pull_k = m.records as f64 / pull / 1e3;
    let section = format!(
        "## Sync\n\n\
         Written by `tideline bench-sync --rows {} --clients {} --pushes {} --pushers {} --seconds {}` on {} \
         ({}, {} build) in {minutes:.1} min. Regenerate with `cargo run --release -p tideline -- bench-sync`.\n\n\
         One private PostgreSQL cluster with **fsync on** (PostgreSQL's defaults, `Durability::Durable`), the \
         server, and every console engine run in the one process on this machine, over loopback; each engine \
         has its own SQLite cache (WAL, `synchronous=FULL`) on the same disk. Seeded tenants are `VACUUM ANALYZE`d \
         before anything is timed, as autovacuum would have done on a live server. Ratios are Tideline ÷ baseline.\n\n\
         {table}\n\
         - **Initial sync goals:** ≥ {goal_k:.0}k rows/s: {}; ≥ {GOAL_SHARE_OF_RAW}× the raw insert rate: {} ({share:.2}×).\n\
         - **Where the initial sync's time goes** ({done:.1} s in all): the server's pages alone (the same pulls \
         of {} changes, decoded, nothing stored) take {pull:.1} s ({:.0}% of the total, {pull_k:.0}k rows/s); the cursor \
         reaches the head after {to_head:.1} s, so applying the pages to the cache adds about {:.1} s ({:.0}%); \
         rebuilding the deferred indexes and full-text search at the end takes {:.1} s ({:.0}%).\n\
         - **Propagation:** {} samples ({} pushes × {} engines) after the {} engines had synced a tenant of {} \
         records ({:.1} s for all their first syncs); the poke baseline has {} samples over the same number of \
         bare sockets. *Pushed through another* sends the same pushes through a second server instance on the same \
         database, so each poke crosses instances through LISTEN/NOTIFY.\n",
        a.rows,
        a.clients,
        a.pushes,
        a.pushers,
        a.seconds,
        Timestamp::now().strftime("%Y-%m-%d"),
        report::machine(),
        if cfg!(debug_assertions) { "debug" } else { "release" },
        yes(rate >= GOAL_ROWS_PER_S),
        yes(share >= GOAL_SHARE_OF_RAW),
        m.records,
        100.0 * pull / done,
        (to_head - pull).max(0.0),
        100.0 * (to_head - pull).max(0.0) / done,
        done - to_head,
        100.0 * (done - to_head) / done,
        m.engines.len(),
        a.pushes,
        a.clients,
        a.clients,
        m.live_records,
        m.fleet_sync.as_secs_f64(),
        m.pokes.len(),
    );
    if let Some(parent) = a.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let doc = std::fs::read_to_string(&a.out).unwrap_or_else(|_| "# Benchmarks\n".into());
    std::fs::write(&a.out, report::replace_section(&doc, "sync", &section))
        .with_context(|| format!("cannot write {}", a.out.display()))
}
