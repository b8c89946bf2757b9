//! File imports onto the intake path: the branch systems' daily visit CSV and a PBX's
//! call records (CSV or JSON). All or nothing: every bad record is reported with its
//! line, and nothing is stored unless every record is good. Each record then goes
//! through the inbox like a webhook event, so a record imported twice (or a visit sent
//! by the branch system's API and also in the file) is applied once.

use crate::db::channels::{self, ChannelKind};
use crate::error::ServerError;
use crate::ingest::{Accepted, accept};
use deadpool_postgres::Pool;
use tideline_channels::{RowError, branch, cdr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub rows: usize,
    pub stored: usize,
    /// Records the inbox already had.
    pub duplicates: usize,
}

/// Imports `text` (a branch-visit CSV) for the branch channel `channel`.
pub async fn branch_visits(
    pool: &Pool,
    tenant: &str,
    channel: &str,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ServerError> {
    let visits = branch::parse_csv(text).map_err(|e| rejected(&e, "line"))?;
    let events = encode(&visits, branch::Visit::event_id)?;
    store(pool, tenant, (channel, ChannelKind::Branch), events, dry_run).await
}

/// Imports `text` (a PBX's call records, CSV or JSON) for the channel `channel`.
pub async fn call_records(
    pool: &Pool,
    tenant: &str,
    channel: &str,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ServerError> {
    let what = if cdr::is_json(text) { "record" } else { "line" };
    let calls = cdr::parse_file(text).map_err(|e| rejected(&e, what))?;
    let events = encode(&calls, cdr::CallRecord::event_id)?;
    store(pool, tenant, (channel, ChannelKind::Pbx), events, dry_run).await
}

/// Each record as an inbox event: its provider event id and the JSON its parser reads.
fn encode<T: serde::Serialize>(records: &[T], id: fn(&T) -> String) -> Result<Vec<(String, Vec<u8>)>, ServerError> {
    records.iter().map(|r| Ok((id(r), serde_json::to_vec(r)?))).collect()
}

fn rejected(errors: &[RowError], what: &str) -> ServerError {
    let lines: Vec<String> = errors.iter().map(|e| format!("{what} {}: {}", e.line, e.message)).collect();
    ServerError::BadInput(format!(
        "{} bad record{}; nothing was imported:\n{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        lines.join("\n")
    ))
}

/// Stores every event in one transaction, after checking the channel is of `kind`.
async fn store(
    pool: &Pool,
    tenant: &str,
    (channel, kind): (&str, ChannelKind),
    events: Vec<(String, Vec<u8>)>,
    dry_run: bool,
) -> Result<ImportReport, ServerError> {
    let mut client = pool.get().await?;
    match channels::get(&**client, tenant, channel).await? {
        Some(c) if c.kind == kind => {}
        Some(c) => {
            return Err(ServerError::BadInput(format!("`{channel}` is a {} channel, not a {kind} channel", c.kind)));
        }
        None => return Err(ServerError::NotFound(format!("no channel named `{channel}` is configured"))),
    }
    let mut report = ImportReport { rows: events.len(), ..Default::default() };
    if dry_run {
        return Ok(report);
    }
    let tx = client.transaction().await?;
    for (event_id, payload) in &events {
        match accept(&*tx, tenant, channel, kind.as_str(), event_id, payload).await? {
            Accepted::Stored => report.stored += 1,
            Accepted::Duplicate => report.duplicates += 1,
        }
    }
    tx.commit().await?;
    Ok(report)
}
