//! The ingest worker: drains `inbox` in batches. Any number run at once, on any number
//! of instances: each batch is claimed with `FOR UPDATE SKIP LOCKED`, so no two
//! workers take the same event. A batch is one transaction (one fsync, one set of
//! change positions); each event runs in a savepoint, so one bad event is kept as
//! failed with its reason and the rest of the batch still lands.

use crate::db::changes::ChangeBatch;
use crate::db::channels::ChannelKind;
use crate::db::{catalogue, config};
use crate::error::ServerError;
use crate::ingest::batch;
use crate::ingest::contact::{self, IntakeRules};
use crate::ingest::parse::{Parsed, parse};
use crate::outbound;
use deadpool_postgres::Pool;
use jiff::Timestamp;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tideline_core::{Identity, IdentityContext, IdentityKind};
use tokio::sync::{Notify, watch};
use tokio_postgres::GenericClient;

/// Events claimed per batch.
pub const BATCH: i64 = 200;
/// How often an idle worker looks for events another instance stored.
const IDLE_POLL: Duration = Duration::from_millis(250);

/// Runs until `stop` turns true. `wake` is notified when this instance stores an event.
pub async fn run(pool: Pool, identities: IdentityContext, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    let mut floor = 0;
    loop {
        if *stop.borrow() {
            return;
        }
        match drain_from(&pool, &identities, floor).await {
            Ok(Drained { claimed: n, next }) if n > 0 => {
                floor = next;
                continue;
            }
            // Nothing above the floor: look once more from the start (replays, deferrals).
            Ok(_) if floor > 0 => {
                floor = 0;
                continue;
            }
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
    Ok(drain_from(pool, identities, 0).await?.claimed)
}

/// What a batch did, and where the worker's next claim starts.
struct Drained {
    claimed: usize,
    next: i64,
}

/// Processes one batch of pending events with ids from `floor` on. The worker keeps the
/// floor above what it has done: processed rows stay in the pending index until vacuum,
/// and a claim from the start would step over all of them every time.
async fn drain_from(pool: &Pool, identities: &IdentityContext, floor: i64) -> Result<Drained, ServerError> {
    let mut client = pool.get().await?;
    let mut tx = client.transaction().await?;
    let rows = tx
        .query(
            "SELECT id, tenant_id, channel, kind, payload, received_at FROM inbox
             WHERE state = 'pending' AND id >= $2 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
            &[&BATCH, &floor],
        )
        .await?;
    if rows.is_empty() {
        return Ok(Drained { claimed: 0, next: floor });
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
    let mut contacts: HashMap<&str, Vec<batch::Item>> = HashMap::new();
    let mut senders: HashMap<Option<(IdentityKind, String)>, Option<Identity>> = HashMap::new();
    let parsed: Vec<Result<Parsed, ServerError>> = claimed.iter().map(read).collect();
    for (ev, p) in claimed.iter().zip(&parsed) {
        if !rules.contains_key(&ev.tenant) {
            let r = load_rules(&*tx, &ev.tenant, identities).await?;
            rules.insert(ev.tenant.clone(), r);
        }
        if let (Ok(Parsed::Contact(c)), Ok(kind)) = (p, ev.kind.parse::<ChannelKind>()) {
            // One parse per sender and batch: a busy customer sends many.
            let identity = senders
                .entry(c.sender.clone())
                .or_insert_with(|| contact::sender(c, &rules[&ev.tenant].identities))
                .clone();
            let item = batch::Item { inbox_id: ev.id, channel: &ev.channel, kind, contact: c, identity };
            contacts.entry(&ev.tenant).or_default().push(item);
        }
    }
    let mut changes: HashMap<String, ChangeBatch> = HashMap::new();
    let mut deferred = false;
    let mut one_by_one: HashSet<i64> = claimed.iter().map(|e| e.id).collect();
    for (tenant, items) in &contacts {
        let owners = contact::lock_batch(&*tx, tenant, items).await?;
        let sp = tx.savepoint("batch").await?;
        match batch::run(&*sp, tenant, items, &owners, &rules[*tenant]).await {
            Ok(left) => {
                sp.commit().await?;
                for done in items.iter().map(|i| i.inbox_id).filter(|id| !left.contains(id)) {
                    one_by_one.remove(&done);
                }
            }
            Err(e) => {
                sp.rollback().await?;
                tracing::warn!(error = %e, events = items.len(), "the batch write failed; taking its events one by one");
            }
        }
    }
    for (ev, parsed) in claimed.iter().zip(parsed) {
        if !one_by_one.contains(&ev.id) {
            continue;
        }
        let mut mine = ChangeBatch::default();
        let sp = tx.savepoint("event").await?;
        let result = match parsed {
            Ok(p) => process(&*sp, &mut mine, ev, p, &rules[&ev.tenant]).await,
            Err(e) => Err(e),
        };
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
            Err(e) if e.is_transient() => {
                // A lock this batch could not take in order (see `lock_batch`): commit what
                // is done; this event and the rest stay pending for the next batch.
                sp.rollback().await?;
                tracing::info!(inbox_id = ev.id, error = %e, "inbox event deferred to the next batch");
                deferred = true;
                break;
            }
            Err(e) => {
                sp.rollback().await?;
                let reason = e.to_string();
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
    let next = if deferred { 0 } else { claimed.iter().map(|e| e.id).max().unwrap_or(floor) + 1 };
    Ok(Drained { claimed: claimed.len(), next })
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

/// The stored payload read back through its provider's parser.
fn read(ev: &Claimed) -> Result<Parsed, ServerError> {
    let kind: ChannelKind = ev.kind.parse().map_err(ServerError::Corrupt)?;
    parse(kind, &ev.payload, ev.received_at)
        .map_err(|e| ServerError::BadInput(format!("the stored event cannot be read: {e}")))
}

/// One event; returns the note kept on its inbox row.
async fn process<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    ev: &Claimed,
    parsed: Parsed,
    rules: &IntakeRules,
) -> Result<String, ServerError> {
    let kind: ChannelKind = ev.kind.parse().map_err(ServerError::Corrupt)?;
    Ok(match parsed {
        Parsed::Contact(c) => contact::apply(tx, changes, &ev.tenant, (&ev.channel, kind), &c, rules).await?.note(),
        Parsed::Delivery { provider_id, delivery } => {
            outbound::apply_status(tx, changes, &ev.tenant, &provider_id, &delivery).await?
        }
        Parsed::Ignore(why) => {
            tracing::info!(inbox_id = ev.id, channel = %ev.channel, %why, "inbox event ignored");
            format!("ignored: {why}")
        }
    })
}
