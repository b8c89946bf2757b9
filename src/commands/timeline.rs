use crate::render::{duration, fit, local_time};
use tideline_core::Direction;
use tideline_core::timeline::TimelineItem;
use tideline_store::{StoreConfig, TimelineQuery};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: crate::DbArg,
    /// A customer id (C-42) or any of their identities: +44 20 7946 0018, 020 7946 0018,
    /// ann@example.com, @handle, ig:handle, branch:LDN-1234, web:u123.
    customer: String,
    /// How many items to show.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Print JSON instead of a list.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args, config: StoreConfig) -> anyhow::Result<()> {
    let store = super::open(&a.db.db, config)?;
    let id = store.find_customer(&a.customer)?;
    let customer = store.customer(id)?;
    let page = store.timeline(&TimelineQuery::newest(id, a.limit))?;
    if a.json {
        return super::print_json(&serde_json::json!({ "customer": customer, "timeline": page }));
    }
    let identities: Vec<String> =
        customer.identities.iter().map(|i| format!("{} ({})", i, i.kind().as_str())).collect();
    println!("{} ({})", customer.name, customer.id);
    println!("  {}", identities.join(", "));
    let open: Vec<String> = store
        .customer_cases(id)?
        .iter()
        .filter(|c| c.status.is_active())
        .map(|c| format!("{} {} [{}]", c.id, c.subject, c.status))
        .collect();
    if !open.is_empty() {
        println!("  open cases: {}", open.join("; "));
    }
    println!();
    for item in &page.items {
        match item {
            TimelineItem::Touchpoint(t) => {
                let arrow = if t.direction == Direction::Inbound { "←" } else { "→" };
                let mut facts = String::new();
                if let Some(s) = t.facts.call_duration_secs {
                    facts = format!(" [{}]", duration(jiff::SignedDuration::from_secs(s.into())));
                }
                if let Some(b) = &t.facts.branch_id {
                    facts = format!(" [{b}]");
                }
                if let Some(p) = t.facts.public {
                    facts = if p { " [public]".into() } else { " [private]".into() };
                }
                let case = t.case_id.map(|c| format!(" {c}")).unwrap_or_default();
                println!(
                    "{}  {:<9} {} {}{}{}",
                    local_time(t.occurred_at),
                    t.channel.label(),
                    arrow,
                    fit(&t.summary, 90),
                    facts,
                    case
                );
            }
            TimelineItem::CaseEvent { event, .. } => {
                println!(
                    "{}  {:<9} · {}: {}",
                    local_time(event.at),
                    event.case_id.to_string(),
                    event.actor,
                    fit(&event.kind.describe(), 90)
                );
            }
        }
    }
    if page.next.is_some() {
        println!("… older items: raise --limit to see them");
    }
    Ok(())
}
