pub mod bench;
pub mod bench_intake;
pub mod bench_sync;
pub mod channel;
pub mod demo;
pub mod demo_traffic;
pub mod import;
pub mod inbox;
pub mod queue;
pub mod search;
pub mod serve;
pub mod timeline;
pub mod user;

use anyhow::Context;
use std::path::Path;
use tideline_store::{Store, StoreConfig};

pub fn open(db: &Path, config: StoreConfig) -> anyhow::Result<Store> {
    Store::open(db, config).with_context(|| format!("cannot open {}", db.display()))
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
