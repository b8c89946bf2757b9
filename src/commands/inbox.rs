//! `tideline inbox failed|retry`: webhook events that could not be processed are kept
//! with their reason; an admin lists them and, once the cause is fixed, replays them.

use anyhow::Context;
use std::path::PathBuf;
use tideline_server::users::DEFAULT_TENANT;
use tideline_server::{Database, DbSource, ingest};

#[derive(clap::Args)]
pub struct Args {
    /// Where the private PostgreSQL cluster lives when DATABASE_URL is not set.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: InboxCommand,
}

#[derive(clap::Subcommand)]
enum InboxCommand {
    /// List the events that failed, with why.
    Failed {
        #[arg(long)]
        json: bool,
    },
    /// Put a failed event back in line (a running server processes it within a second).
    Retry { id: i64 },
}

pub fn run(a: Args) -> anyhow::Result<()> {
    let source = DbSource::from_env(a.data_dir)?;
    super::serve::runtime()?.block_on(async move {
        let db = Database::open(&source, 2).await.context("cannot open the database")?;
        let client = db.pool.get().await.context("cannot connect to the database")?;
        match a.command {
            InboxCommand::Failed { json } => {
                let failed = ingest::failed(&**client, DEFAULT_TENANT).await?;
                if json {
                    super::print_json(&failed)?;
                } else if failed.is_empty() {
                    println!("no failed events");
                } else {
                    for f in &failed {
                        println!("{}\t{}\t{}\t{}\t{}", f.id, f.received_at, f.channel, f.event_id, f.error);
                    }
                }
            }
            InboxCommand::Retry { id } => {
                ingest::retry(&**client, DEFAULT_TENANT, id).await?;
                println!("event {id} is queued again");
            }
        }
        drop(client);
        anyhow::Ok(())
    })
}
