use crate::render::{duration, fit, sla_badge};
use jiff::Timestamp;
use tideline_core::{CaseStatus, Channel, Priority};
use tideline_store::{QueueFilter, StoreConfig};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: crate::DbArg,
    /// Only cases assigned to this agent.
    #[arg(long)]
    assignee: Option<String>,
    /// Only these queues (repeatable).
    #[arg(long = "queue")]
    queues: Vec<String>,
    /// Only these channels (repeatable), e.g. --channel x --channel phone.
    #[arg(long = "channel")]
    channels: Vec<Channel>,
    /// Only these priorities (repeatable).
    #[arg(long = "priority")]
    priorities: Vec<Priority>,
    /// Only these statuses (repeatable): new, open, pending.
    #[arg(long = "status")]
    statuses: Vec<CaseStatus>,
    /// How many cases to show.
    #[arg(long, default_value_t = 25)]
    limit: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn some<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

pub fn run(a: Args, config: StoreConfig) -> anyhow::Result<()> {
    let store = super::open(&a.db.db, config)?;
    let filter = QueueFilter {
        assignee: a.assignee,
        queues: some(a.queues),
        channels: some(a.channels),
        priorities: some(a.priorities),
        statuses: some(a.statuses),
    };
    let now = Timestamp::now();
    let page = store.queue(&filter, None, a.limit, now)?;
    if a.json {
        return super::print_json(&page);
    }
    if page.rows.is_empty() {
        println!("The queue is empty: no active case matches.");
        return Ok(());
    }
    println!(
        "{:<8} {:<40} {:>7} {:<7} {:<9} {:<8} {:<11} {:<8} {:<20} SUBJECT",
        "CASE", "SLA", "AGE", "PRI", "CHANNEL", "STATUS", "QUEUE", "ASSIGNEE", "CUSTOMER"
    );
    for r in &page.rows {
        let c = &r.case;
        println!(
            "{:<8} {:<40} {:>7} {:<7} {:<9} {:<8} {:<11} {:<8} {:<20} {}",
            c.id.to_string(),
            fit(&sla_badge(r.clocks.first()), 40),
            duration(now.duration_since(c.opened_at)),
            c.priority.as_str(),
            c.channel.as_str(),
            c.status.as_str(),
            fit(&c.queue, 11),
            fit(c.assignee.as_deref().unwrap_or("-"), 8),
            fit(&r.customer_name, 20),
            fit(&c.subject, 50),
        );
    }
    if page.next.is_some() {
        println!("… more: raise --limit to see them");
    }
    Ok(())
}
