use crate::bench::{self, report};
use anyhow::Context;
use jiff::Timestamp;
use std::path::PathBuf;
use std::time::Instant;
use tideline_demo::{DemoConfig, generate};
use tideline_store::{Store, StoreConfig};

#[derive(clap::Args)]
pub struct Args {
    /// How many touchpoints to generate for the timeline, load and search figures.
    #[arg(long, default_value_t = 1_000_000)]
    touchpoints: usize,
    /// How many active cases the queue figures run over.
    #[arg(long, default_value_t = 10_000)]
    open_cases: usize,
    /// Samples per latency figure.
    #[arg(long, default_value_t = 1000)]
    iterations: usize,
    /// Where to write the report.
    #[arg(long, default_value = "docs/benchmarks.md")]
    out: PathBuf,
}

pub fn run(a: Args, config: StoreConfig) -> anyhow::Result<()> {
    anyhow::ensure!(a.touchpoints >= 2000, "--touchpoints must be at least 2000");
    anyhow::ensure!(a.open_cases >= 200, "--open-cases must be at least 200");
    let dir = tempfile_dir()?;
    let now = Timestamp::now();
    let say = |s: &str| eprintln!("bench: {s}");

    say(&format!("generating ~{} touchpoints", a.touchpoints));
    let demo = DemoConfig::for_touchpoints(a.touchpoints, 42, now);
    let t = Instant::now();
    let bundles: Vec<_> = generate(&demo).collect();
    let touchpoints: usize = bundles.iter().map(|b| b.touchpoints.len() + b.unlinked.len()).sum();
    let rows = bench::rows(&bundles);
    say(&format!("{rows} rows ({touchpoints} touchpoints) generated in {:.1}s", t.elapsed().as_secs_f64()));

    say("raw SQLite bulk insert (baseline)");
    let raw_rate = bench::raw_load(&dir.join("raw.db"), &bundles)?;
    say("Tideline bulk load");
    let mut store = Store::create(&dir.join("cache.db"), config)?;
    let load_rate = bench::store_load(&mut store, &bundles, now)?;
    let phone = bundles
        .iter()
        .flat_map(|b| &b.customer.identities)
        .find(|i| i.kind() == tideline_core::IdentityKind::Phone)
        .map(|i| i.value().replacen("+44", "0", 1));
    drop(bundles);

    say("timeline pages");
    let (tl, tl_raw) = bench::timeline(&store, a.iterations)?;
    say("search");
    let (se, se_raw) = bench::search(&store, a.iterations, &phone.into_iter().collect::<Vec<_>>())?;
    drop(store);
    say(&format!("queue over {} open cases", a.open_cases));
    let qstore = bench::queue_cache(&dir.join("queue.db"), a.open_cases, now)?;
    let (qu, qu_raw) = bench::queue(&qstore, a.iterations, now)?;

    let k = |n: usize| match n {
        1_000_000.. => format!("{:.1}M", n as f64 / 1e6),
        1_000.. => format!("{}k", (n as f64 / 1e3).round()),
        _ => n.to_string(),
    };
    let figures = vec![
        bench::latency(
            &format!("Timeline page (200 items), {} touchpoints", k(touchpoints)),
            &tl,
            &tl_raw,
            "raw primary-key read of 200 rows",
            50.0,
            None,
        ),
        bench::latency(
            &format!("Timeline page (200 items), {} touchpoints", k(touchpoints)),
            &tl,
            &tl_raw,
            "raw primary-key read of 200 rows",
            99.0,
            Some(5.0),
        ),
        bench::latency(
            &format!("Queue page (50), {} open cases", k(a.open_cases)),
            &qu,
            &qu_raw,
            "raw primary-key read of 50 rows",
            50.0,
            None,
        ),
        bench::latency(
            &format!("Queue page (50), {} open cases", k(a.open_cases)),
            &qu,
            &qu_raw,
            "raw primary-key read of 50 rows",
            99.0,
            Some(10.0),
        ),
        bench::latency(
            &format!("Search (10 per kind), {} touchpoints", k(touchpoints)),
            &se,
            &se_raw,
            "raw FTS5 MATCH of the words",
            50.0,
            None,
        ),
        bench::latency(
            &format!("Search (10 per kind), {} touchpoints", k(touchpoints)),
            &se,
            &se_raw,
            "raw FTS5 MATCH of the words",
            95.0,
            Some(30.0),
        ),
        report::Figure {
            name: format!("Bulk load, {} rows", k(rows)),
            value: load_rate,
            baseline_name: "raw SQLite inserts of the same rows".into(),
            baseline: raw_rate,
            unit: "rows/s",
            better: report::Better::Higher,
            goal: Some(100_000.0),
        },
    ];
    let table = report::table(&figures);
    println!("{table}");
    write_report(&a, &table, touchpoints)?;
    println!("Written to {}", a.out.display());
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("tideline-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

fn write_report(a: &Args, table: &str, touchpoints: usize) -> anyhow::Result<()> {
    let section = format!(
        "## Local cache\n\n\
         Written by `tideline bench --touchpoints {} --open-cases {} --iterations {}` on {} \
         ({}, {} build). Regenerate with `cargo run --release -- bench` (see README).\n\n\
         Every figure stands beside a baseline measured in the same run on the same machine; \
         the ratio is Tideline ÷ baseline (for latencies, how many times slower than the bare \
         read; for the load rate, the share of the raw insert rate).\n\n{table}\n\
         ## What each figure measures\n\n\
         - **Timeline page**: `Store::timeline` for a page of 200 items (touchpoints and case \
         events merged, decoded into core types) for the customers with the longest histories \
         ({touchpoints} touchpoints cached in all); one sample in three starts two pages deep by \
         cursor. Baseline: 200 rows read by a primary-key range from the same table.\n\
         - **Queue page**: `Store::queue` for 50 rows with live SLA clocks computed per row, \
         unfiltered, by channel and by assignee in turn. Baseline: 50 case rows by primary key.\n\
         - **Search**: `Store::search` (identity match, customers, cases, touchpoints: 10 each) \
         for common and rare words and a phone number in local format. Baseline: the bare FTS5 \
         MATCH over touchpoints for the same words.\n\
         - **Bulk load**: the demo rows (customers, identities, cases, events, touchpoints) \
         loaded by `Loader` with every index, the SLA snapshot and full-text search, in one \
         transaction. Baseline: plain prepared inserts of the same rows into tables with no \
         secondary or search index, same pragmas.\n",
        a.touchpoints,
        a.open_cases,
        a.iterations,
        Timestamp::now().strftime("%Y-%m-%d"),
        report::machine(),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    if let Some(parent) = a.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let doc = std::fs::read_to_string(&a.out).unwrap_or_else(|_| "# Benchmarks\n".into());
    std::fs::write(&a.out, report::replace_section(&doc, "cache", &section))
        .with_context(|| format!("cannot write {}", a.out.display()))
}
