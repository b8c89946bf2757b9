//! Group commit for webhooks. Each verified event must be durable before its 2xx, and
//! one commit per event would make every request wait for its own fsync. Instead the
//! handlers hand events to a few committers; each takes whatever is waiting (up to
//! [`MAX_EVENTS`] or [`MAX_BYTES`]), stores it with one `INSERT … ON CONFLICT DO
//! NOTHING` and one commit, and only then answers each handler. While one commits, the
//! next batch gathers, so the busier the server, the more each fsync carries.
//!
//! If a batch insert fails, its events are stored one by one, so one bad event cannot
//! refuse the others.

use crate::error::ServerError;
use crate::ingest::Accepted;
use deadpool_postgres::Pool;
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// Most events in one commit.
pub const MAX_EVENTS: usize = 512;
/// Most payload bytes in one commit (a webhook body is at most 256 KiB).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Committers per instance: enough that a batch gathers while another commits.
const COMMITTERS: usize = 4;

/// One verified event, waiting to be stored.
pub struct Event {
    pub tenant: String,
    pub channel: String,
    pub kind: String,
    pub event_id: String,
    pub payload: Vec<u8>,
}

type Reply = oneshot::Sender<Result<Accepted, ServerError>>;

/// The handle handlers store events through.
#[derive(Clone)]
pub struct Acceptor {
    queue: mpsc::Sender<(Event, Reply)>,
}

impl Acceptor {
    /// Starts the committers on `pool`. They stop when every handle is dropped.
    pub fn start(pool: Pool) -> Acceptor {
        let (queue, rx) = mpsc::channel(MAX_EVENTS * COMMITTERS);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..COMMITTERS {
            tokio::spawn(commit_loop(pool.clone(), rx.clone()));
        }
        Acceptor { queue }
    }

    /// Stores `event` durably; returns once it is committed (or found stored before).
    pub async fn accept(&self, event: Event) -> Result<Accepted, ServerError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || ServerError::Invalid("the server is shutting down".into());
        self.queue.send((event, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn commit_loop(pool: Pool, rx: Arc<Mutex<mpsc::Receiver<(Event, Reply)>>>) {
    loop {
        let batch = {
            let mut rx = rx.lock().await;
            let Some(first) = rx.recv().await else { return };
            let mut bytes = first.0.payload.len();
            let mut batch = vec![first];
            while batch.len() < MAX_EVENTS && bytes < MAX_BYTES {
                match rx.try_recv() {
                    Ok(next) => {
                        bytes += next.0.payload.len();
                        batch.push(next);
                    }
                    Err(_) => break,
                }
            }
            batch
        };
        let (events, replies): (Vec<Event>, Vec<Reply>) = batch.into_iter().unzip();
        match store_all(&pool, &events).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, events = events.len(), "storing a webhook batch failed; storing one by one");
                for (reply, event) in replies.into_iter().zip(&events) {
                    let _ = reply.send(store_one(&pool, event).await);
                }
            }
        }
    }
}

/// One statement, one commit. An event is `Stored` if its row is new; a provider's
/// retry (already stored, or twice in this batch) is a `Duplicate`.
async fn store_all(pool: &Pool, events: &[Event]) -> Result<Vec<Accepted>, ServerError> {
    let client = pool.get().await?;
    let col = |f: fn(&Event) -> &str| events.iter().map(f).collect::<Vec<&str>>();
    let (tenants, channels) = (col(|e| e.tenant.as_str()), col(|e| e.channel.as_str()));
    let (kinds, ids) = (col(|e| e.kind.as_str()), col(|e| e.event_id.as_str()));
    let payloads: Vec<&[u8]> = events.iter().map(|e| e.payload.as_slice()).collect();
    let rows = client
        .query(
            "INSERT INTO inbox (tenant_id, channel, kind, event_id, payload)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])
             ON CONFLICT (tenant_id, channel, event_id) DO NOTHING
             RETURNING tenant_id, channel, event_id",
            &[&tenants, &channels, &kinds, &ids, &payloads],
        )
        .await?;
    let mut new: HashSet<(String, String, String)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    Ok(events
        .iter()
        .map(|e| {
            let key = (e.tenant.clone(), e.channel.clone(), e.event_id.clone());
            if new.remove(&key) { Accepted::Stored } else { Accepted::Duplicate }
        })
        .collect())
}

async fn store_one(pool: &Pool, e: &Event) -> Result<Accepted, ServerError> {
    let client = pool.get().await?;
    super::accept(&**client, &e.tenant, &e.channel, &e.kind, &e.event_id, &e.payload).await
}
