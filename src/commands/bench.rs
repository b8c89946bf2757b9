//! Placeholder until the benchmark lands.
#[derive(clap::Args)]
pub struct Args {
    /// How many touchpoints to generate.
    #[arg(long, default_value_t = 1_000_000)]
    touchpoints: usize,
}

pub fn run(_a: Args, _config: tideline_store::StoreConfig) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
