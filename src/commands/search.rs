use crate::render::{fit, local_time};
use tideline_store::StoreConfig;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: crate::DbArg,
    /// Words to find, or an identity such as a phone number in any format.
    #[arg(required = true, num_args = 1..)]
    words: Vec<String>,
    /// Hits of each kind (customers, cases, touchpoints).
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print JSON instead of a list.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args, config: StoreConfig) -> anyhow::Result<()> {
    let store = super::open(&a.db.db, config)?;
    let text = a.words.join(" ");
    let r = store.search(&text, a.limit)?;
    if a.json {
        return super::print_json(&r);
    }
    if r.is_empty() {
        println!("Nothing matches “{text}”.");
        return Ok(());
    }
    if !r.customers.is_empty() {
        println!("Customers");
        for c in &r.customers {
            let how =
                c.matched_identity.as_ref().map(|i| format!("  (by {} {})", i.kind().label(), i)).unwrap_or_default();
            println!("  {:<8} {}{}", c.id.to_string(), c.name, how);
        }
    }
    if !r.cases.is_empty() {
        println!("Cases");
        for c in &r.cases {
            println!(
                "  {:<8} {:<8} {:<20} {}",
                c.id.to_string(),
                c.status.as_str(),
                fit(&c.customer_name, 20),
                fit(&c.subject, 70)
            );
        }
    }
    if !r.touchpoints.is_empty() {
        println!("Touchpoints");
        for t in &r.touchpoints {
            let who = t.customer_id.map(|c| c.to_string()).unwrap_or_else(|| "unlinked".into());
            println!(
                "  {:<8} {}  {:<9} {:<8} {}",
                t.id.to_string(),
                local_time(t.occurred_at),
                t.channel.label(),
                who,
                fit(&t.summary, 70)
            );
        }
    }
    Ok(())
}
