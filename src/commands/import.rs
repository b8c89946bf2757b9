//! `tideline import branch-visits|call-records FILE [--dry-run]`: the branch systems'
//! daily export and a PBX's call records, onto the intake path. All or nothing: a bad
//! record is reported with its line and nothing is imported.

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
    command: ImportCommand,
}

#[derive(clap::Subcommand)]
enum ImportCommand {
    /// Branch visits: visit_id,branch_id,staff,visit_reason,customer_number,visited_at[,notes].
    BranchVisits {
        file: PathBuf,
        /// The branch channel the visits belong to.
        #[arg(long, default_value = "branches")]
        channel: String,
        /// Check every row and report, importing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// A PBX's call records, CSV or JSON:
    /// call_id,started_at,direction,from,to,duration_secs,disposition[,agent].
    CallRecords {
        file: PathBuf,
        /// The PBX channel the calls belong to (`tideline channel add pbx NAME`).
        #[arg(long, default_value = "pbx")]
        channel: String,
        /// Check every record and report, importing nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub fn run(a: Args) -> anyhow::Result<()> {
    let source = DbSource::from_env(a.data_dir)?;
    let (calls, file, channel, dry_run) = match a.command {
        ImportCommand::BranchVisits { file, channel, dry_run } => (false, file, channel, dry_run),
        ImportCommand::CallRecords { file, channel, dry_run } => (true, file, channel, dry_run),
    };
    let what = if calls { "calls" } else { "visits" };
    let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
    super::serve::runtime()?.block_on(async move {
        let db = Database::open(&source, 2).await.context("cannot open the database")?;
        let r = if calls {
            ingest::import::call_records(&db.pool, DEFAULT_TENANT, &channel, &text, dry_run).await?
        } else {
            ingest::import::branch_visits(&db.pool, DEFAULT_TENANT, &channel, &text, dry_run).await?
        };
        if dry_run {
            println!("{} {what} are valid; nothing was imported (--dry-run)", r.rows);
        } else {
            println!("imported {} {what} ({} already known)", r.stored, r.duplicates);
        }
        anyhow::Ok(())
    })
}
