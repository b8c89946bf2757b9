use anyhow::Context;
use jiff::Timestamp;
use std::time::Instant;
use tideline_demo::{DemoConfig, generate};
use tideline_store::{Store, StoreConfig};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: crate::DbArg,
    /// How many customers to generate.
    #[arg(long, default_value_t = 300)]
    customers: usize,
    /// Seed: the same seed always gives the same contact centre.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
    /// Give customer C-1 a history of about this many touchpoints (for checking how
    /// the console handles one very long timeline).
    #[arg(long)]
    largest_history: Option<usize>,
    /// Pretend it is this instant (RFC 3339, e.g. 2026-03-02T14:00:00Z). The history is
    /// laid out before it and the SLA clocks run from it: a fixed value gives a
    /// byte-for-byte reproducible cache.
    #[arg(long)]
    now: Option<Timestamp>,
}

pub fn run(a: Args, config: StoreConfig) -> anyhow::Result<()> {
    let path = &a.db.db;
    if a.customers == 0 {
        anyhow::bail!("--customers must be at least 1");
    }
    if a.force {
        remove_cache(path)?;
    }
    let started = Instant::now();
    let now = a.now.unwrap_or_else(Timestamp::now);
    let mut store = Store::create(path, config).with_context(|| format!("cannot create {}", path.display()))?;
    let demo = DemoConfig { largest_history: a.largest_history, ..DemoConfig::new(a.customers, a.seed, now) };
    load(&mut store, &demo, now)?;
    let c = store.counts()?;
    println!(
        "Created {}: {} customers, {} cases, {} touchpoints ({} unlinked) in {:.1}s",
        path.display(),
        c.customers,
        c.cases,
        c.touchpoints,
        c.unlinked,
        started.elapsed().as_secs_f64()
    );
    println!("Next: tideline queue --db {}", path.display());
    Ok(())
}

/// Loads every bundle the generator yields, in one transaction.
pub fn load(store: &mut Store, demo: &DemoConfig, now: Timestamp) -> anyhow::Result<()> {
    let mut loader = store.loader(now)?;
    for b in generate(demo) {
        loader.bundle(&b.customer, &b.cases, &b.events, b.touchpoints.iter().chain(&b.unlinked))?;
    }
    loader.finish()?;
    Ok(())
}

fn remove_cache(path: &std::path::Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", p.display())),
        }
    }
    Ok(())
}
