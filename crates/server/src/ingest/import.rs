//! File imports onto the intake path: the daily branch-visit CSV. All or nothing: every
//! bad row is reported with its line number, and nothing is stored unless every row is
//! good. Each visit then goes through the inbox like a webhook event, so a visit sent
//! both by the branch system's API and in the file is applied once.

use crate::db::channels::{self, ChannelKind};
use crate::error::ServerError;
use crate::ingest::{Accepted, accept};
use deadpool_postgres::Pool;
use tideline_channels::branch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub rows: usize,
    pub stored: usize,
    /// Visits the inbox already had.
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
    let mut client = pool.get().await?;
    match channels::get(&**client, tenant, channel).await? {
        Some(c) if c.kind == ChannelKind::Branch => {}
        Some(c) => {
            return Err(ServerError::BadInput(format!("`{channel}` is a {} channel, not a branch channel", c.kind)));
        }
        None => return Err(ServerError::NotFound(format!("no channel named `{channel}` is configured"))),
    }
    let visits = branch::parse_csv(text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("line {}: {}", e.line, e.message)).collect();
        ServerError::BadInput(format!(
            "{} bad row{}; nothing was imported:\n{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            lines.join("\n")
        ))
    })?;
    let mut report = ImportReport { rows: visits.len(), ..Default::default() };
    if dry_run {
        return Ok(report);
    }
    let tx = client.transaction().await?;
    for v in &visits {
        let payload = serde_json::to_vec(v)?;
        match accept(&*tx, tenant, channel, ChannelKind::Branch.as_str(), &v.event_id(), &payload).await? {
            Accepted::Stored => report.stored += 1,
            Accepted::Duplicate => report.duplicates += 1,
        }
    }
    tx.commit().await?;
    Ok(report)
}
