//! The ingest worker: drains `inbox` in batches. Any number run at once, on any number
//! of instances: each batch is claimed with `FOR UPDATE SKIP LOCKED`, so no two
//! workers take the same event. A batch is one transaction (one fsync, one set of
//! change positions); each event runs in a savepoint, so one bad event is kept as
//! failed with its reason and the rest of the batch still lands.

use crate::db::changes::ChangeBatch;
use crate::db::channels::ChannelKind;
use crate::db::{catalogue, config};
use crate::error::ServerError;
use crate::ingest::contact::{self, Applied, IntakeRules};
use crate::ingest::parse::{Parsed, parse};
use crate::outbound;
use deadpool_postgres::Pool;
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tideline_core::IdentityContext;
use tokio::sync::{Notify, watch};
use tokio_postgres::GenericClient;

/// Events claimed per batch.
pub const BATCH: i64 = 200;
/// How often an idle worker looks for events another instance stored.
const IDLE_POLL: Duration = Duration::from_millis(250);

/// Runs until `stop` turns true. `wake` is notified when this instance stores an event.
pub async fn run(pool: Pool, identities: IdentityContext, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        match drain_once(&pool, &identities).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "ingest batch failed; its events stay pending and are retried");
            }
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
            _ = stop.changed() => {}
        }
    }
}

struct Claimed {
    id: i64,
    tenant: String,
    channel: String,
    kind: String,
    payload: Vec<u8>,
    received_at: Timestamp,
}

/// Processes one batch; returns how many events it claimed.
pub async fn drain_once(pool: &Pool, identities: &IdentityContext) -> Result<usize, ServerError> {
    let mut client = pool.get().await?;
    let mut tx = client.transaction().await?;
    let rows = tx
        .query(
            "SELECT id, tenant_id, channel, kind, payload, received_at FROM inbox
             WHERE state = 'pending' ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
            &[&BATCH],
        )
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let claimed: Vec<Claimed> = rows
        .iter()
        .map(|r| {
            let at: SystemTime = r.get(5);
            Claimed {
                id: r.get(0),
                tenant: r.get(1),
                channel: r.get(2),
                kind: r.get(3),
                payload: r.get(4),
                received_at: Timestamp::try_from(at).unwrap_or_else(|_| Timestamp::now()),
            }
        })
        .collect();
    let mut rules: HashMap<String, IntakeRules> = HashMap::new();
    let mut changes: HashMap<String, ChangeBatch> = HashMap::new();
    for ev in &claimed {
        if !rules.contains_key(&ev.tenant) {
            let r = load_rules(&*tx, &ev.tenant, identities).await?;
            rules.insert(ev.tenant.clone(), r);
        }
        let mut mine = ChangeBatch::default();
        let sp = tx.savepoint("event").await?;
        let result = process(&*sp, &mut mine, ev, &rules[&ev.tenant]).await;
        match result {
            Ok(note) => {
                let state = if note.starts_with("ignored") { "ignored" } else { "done" };
                sp.execute(
                    "UPDATE inbox SET state = $2, attempts = attempts + 1, error = $3, processed_at = now()
                     WHERE id = $1",
                    &[&ev.id, &state, &note],
                )
                .await?;
                sp.commit().await?;
                changes.entry(ev.tenant.clone()).or_default().extend(mine);
            }
            Err(e) => {
                sp.rollback().await?;
                let reason = match &e {
                    ServerError::BadInput(m) | ServerError::NotFound(m) => m.clone(),
                    other => other.to_string(),
                };
                tracing::warn!(inbox_id = ev.id, channel = %ev.channel, error = %reason, "inbox event failed");
                tx.execute(
                    "UPDATE inbox SET state = 'failed', attempts = attempts + 1, error = $2 WHERE id = $1",
                    &[&ev.id, &reason],
                )
                .await?;
            }
        }
    }
    for (tenant, batch) in changes {
        batch.finish(&*tx, &tenant).await?;
    }
    tx.commit().await?;
    Ok(claimed.len())
}

async fn load_rules<C: GenericClient>(
    tx: &C,
    tenant: &str,
    identities: &IdentityContext,
) -> Result<IntakeRules, ServerError> {
    Ok(IntakeRules {
        routing: config::routing(tx, tenant).await?,
        threading: config::threading(tx, tenant).await?,
        catalogue: catalogue::catalogue(&catalogue::load(tx, tenant).await?),
        identities: identities.clone(),
    })
}

/// One event; returns the note kept on its inbox row.
async fn process<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    ev: &Claimed,
    rules: &IntakeRules,
) -> Result<String, ServerError> {
    let kind: ChannelKind = ev.kind.parse().map_err(ServerError::Corrupt)?;
    let parsed = parse(kind, &ev.payload, ev.received_at)
        .map_err(|e| ServerError::BadInput(format!("the stored event cannot be read: {e}")))?;
    Ok(match parsed {
        Parsed::Contact(c) => match contact::apply(tx, changes, &ev.tenant, (&ev.channel, kind), &c, rules).await? {
            Applied::New { touchpoint, customer: Some(cu), case: Some(ca) } => format!("{touchpoint} for {cu} on {ca}"),
            Applied::New { touchpoint, customer: Some(cu), case: None } => format!("{touchpoint} for {cu}"),
            Applied::New { touchpoint, .. } => format!("{touchpoint} unlinked"),
            Applied::Updated(t) => format!("updated {t}"),
            Applied::Stale => "ignored: an older report than one already applied".into(),
        },
        Parsed::Delivery { provider_id, delivery } => {
            outbound::apply_status(tx, changes, &ev.tenant, &provider_id, &delivery).await?
        }
        Parsed::Ignore(why) => {
            tracing::info!(inbox_id = ev.id, channel = %ev.channel, %why, "inbox event ignored");
            format!("ignored: {why}")
        }
    })
}
